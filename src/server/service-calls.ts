import type { FastifyInstance } from 'fastify';
import { deployedOpenApi } from '../api-services/monitoring.js';
import { apiRuntime } from '../api-services/runtime.js';
import { forbidden, LlanoError, toLlanoError, TooManyRequests, tooLarge, unauthorized } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { registerJsonBodyParser } from './json-body.js';

/** Largest request body of an API service call: parameters and batch keys, never files. */
export const SERVICE_BODY_LIMIT_BYTES = 1024 * 1024;

const bearer = (header: string | undefined) => (header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined);

/**
 * `/services/{KEY}/{service}/{endpoint}`: the API services' callers, authenticated by a key of
 * that service (not a user session), rate limited and logged by the runtime. Served by
 * `llano serve` and by `llano api-node`. Not part of /api/openapi.json: each service has its
 * own document at `/services/{KEY}/{service}/openapi.json`.
 */
export async function registerServiceCalls(app: FastifyInstance, ws: Workspace): Promise<void> {
  await app.register((scope, _options, done) => {
    registerJsonBodyParser(scope, ws.config.maxJsonDepth, { exactIntegers: true });
    scope.setErrorHandler((err, _request, reply) => {
      const code = (err as { code?: string }).code;
      const status = (err as { statusCode?: number }).statusCode;
      let e: LlanoError;
      if (err instanceof LlanoError) e = err;
      else if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        e = tooLarge(
          `The request body is over the limit of ${SERVICE_BODY_LIMIT_BYTES / 1024} KB for an API service call`,
        );
      else if (status && status >= 400 && status < 500)
        e = new LlanoError('bad_request', status, (err as Error).message);
      else e = toLlanoError(err);
      if (e instanceof TooManyRequests) void reply.header('retry-after', String(e.retryAfterSeconds));
      if (e.status >= 500) scope.log.error(err);
      void reply.code(e.status).send({ error: { code: e.code, message: e.message } });
    });
    scope.post(
      '/services/:key/:service/:endpoint',
      { bodyLimit: SERVICE_BODY_LIMIT_BYTES, config: { serviceCaller: true } },
      async (request, reply) => {
        const { key, service, endpoint } = request.params as Record<string, string>;
        const client = new AbortController();
        reply.raw.once('close', () => {
          if (!reply.raw.writableFinished) client.abort();
        });
        return apiRuntime(ws).call({
          projectKey: key,
          service,
          endpoint,
          token: bearer(request.headers.authorization),
          body: request.body ?? {},
          signal: client.signal,
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        });
      },
    );
    scope.get('/services/:key/:service/openapi.json', { config: { serviceCaller: true } }, async (request) => {
      const { key, service } = request.params as Record<string, string>;
      const token = bearer(request.headers.authorization);
      if (!token) throw unauthorized('Send a key of this API service (or a session token of a project member)');
      if (!(await apiRuntime(ws).mayRead(key, service, token)))
        throw forbidden('This token may not read this API service');
      return deployedOpenApi(ws, key, service);
    });
    done();
  });
}
