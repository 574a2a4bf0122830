import type { FastifyInstance } from 'fastify';
import { badRequest } from '../common/errors.js';
import { jsonDepth, tooDeepMessage } from '../common/json-depth.js';

/**
 * JSON request bodies are checked for nesting depth before they are parsed: schema checks
 * (zod) and the code behind them recurse, and a body nested 5,000 levels deep used to end
 * in "Maximum call stack size exceeded" (a 500). Parsing itself stays Fastify's own (it
 * refuses `__proto__` keys).
 */
export function registerJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonDepth(text, maxDepth) > maxDepth) {
      done(badRequest(tooDeepMessage('The request body', maxDepth)), undefined);
      return;
    }
    void parse(request, text, done);
  });
}
