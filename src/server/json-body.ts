import type { FastifyInstance } from 'fastify';
import { badRequest } from '../common/errors.js';
import { exactIntegersIn, markLongIntegers, stringifyExact } from '../common/exact-json.js';
import { jsonDepth, tooDeepMessage } from '../common/json-depth.js';

/**
 * JSON request bodies are checked for nesting depth before they are parsed: schema checks
 * (zod) and the code behind them recurse, and a body nested 5,000 levels deep used to end
 * in "Maximum call stack size exceeded" (a 500). Parsing itself stays Fastify's own (it
 * refuses `__proto__` keys).
 */
export function registerJsonBodyParser(
  app: FastifyInstance,
  maxDepth: number,
  options: { exactIntegers?: boolean } = {},
): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // Fastify reads text/plain bodies as strings by default: a JSON route then met a string and
  // answered "expected object". Only JSON is a request body here (uploads have their own types),
  // so text/plain gets the 415 that names what the route takes.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonDepth(text, maxDepth) > maxDepth) {
      done(badRequest(tooDeepMessage('The request body', maxDepth)), undefined);
      return;
    }
    // API service calls: an integer past ±2^53 arrives as a bigint, exact (see exact-json.ts).
    const marked = options.exactIntegers ? markLongIntegers(text) : null;
    if (marked === null) void parse(request, text, done);
    else void parse(request, marked, (error, body) => done(error, error ? undefined : exactIntegersIn(body)));
  });
}

/** JSON answers write integers past ±2^53 (ExactIntegers) as exact numbers: see exact-json.ts. */
export function registerJsonReplies(app: FastifyInstance): void {
  app.setReplySerializer((payload) => stringifyExact(payload));
}
