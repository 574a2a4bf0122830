import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { LOCAL_ADMIN, type Principal } from '../catalog/access.js';
import { LlanoError, tooLarge, toLlanoError, TooManyRequests, uploadTooLargeMessage } from '../common/errors.js';
import { VERSION } from '../common/version.js';
import { isFileAccessRefusal } from '../engine/engine-errors.js';
import { checkReadiness } from '../workspace/readiness.js';
import type { Workspace } from '../workspace/workspace.js';
import { enforceAccess } from './access-hook.js';
import { apiDocsPage } from './api-docs-page.js';
import { registerJsonCompression } from './compress-json.js';
import { registerAuditHook } from './audit-hook.js';
import { registerJsonBodyParser, registerJsonReplies } from './json-body.js';
import { openApiDocument } from './openapi.js';
import * as R from './response-schemas.js';
import { route } from './route.js';
import { apiRouteModules } from './routes/index.js';
import { requestToken } from './routes/auth.js';
import { registerRawUploadParser, unsupportedMediaType } from './raw-upload.js';
import { registerServiceCalls } from './service-calls.js';
import { registerWebUi } from './web-ui.js';
import { registerWebappServing } from './webapp-serving.js';
import { lazySchemaCompilers } from './lazy-schema-compilers.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface ServerOptions {
  logger?: boolean;
  /**
   * For the CLI's in-process server only (never one that listens): requests without
   * credentials act as the local workspace owner, who can read the workspace folder anyway.
   */
  localOwner?: boolean;
  /** The built web UI to serve (default web/dist): a bench compares two builds over one workspace. */
  webDist?: string;
}

/** The HTTP API (and later the web UI) over one workspace. */
export async function buildServer(ws: Workspace, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    bodyLimit: ws.config.maxBodyMb * 1024 * 1024,
    // Fastify's default (100 characters a path parameter) is below the longest name Llano accepts
    // (128): such objects were created, then every URL naming them answered "No route" (a trial).
    // Wiki paths are one parameter of several names.
    routerOptions: { maxParamLength: 2048 },
    schemaController: { compilersFactory: lazySchemaCompilers },
  });
  registerJsonBodyParser(app, ws.config.maxJsonDepth);
  registerJsonReplies(app);
  await app.register(cookie);
  // The local owner's in-process server reads their own files: no upload limit but the disk.
  await app.register(multipart, {
    limits: { fileSize: options.localOwner ? Infinity : ws.config.maxUploadMb * 1024 * 1024, files: 1 },
  });
  registerRawUploadParser(app);

  app.decorateRequest('principal', null);
  registerAuditHook(app, ws);
  registerJsonCompression(app);
  // Resolve the caller from a Bearer token (session token or API key) or the session cookie.
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.serviceCaller) return;
    const header = request.headers.authorization;
    const token = requestToken(request);
    request.principal = token
      ? await ws.catalog.users.authenticateToken(token)
      : options.localOwner
        ? LOCAL_ADMIN
        : null;
    if (request.principal && header)
      request.principal = { ...request.principal, via: request.principal.via === 'apikey' ? 'apikey' : 'token' };
    await enforceAccess(ws, request);
  });

  app.setErrorHandler((err, request, reply) => {
    let e: LlanoError;
    const code = (err as { code?: string }).code;
    const status = (err as { statusCode?: number }).statusCode;
    if (err instanceof LlanoError) e = err;
    else if (code === 'FST_REQ_FILE_TOO_LARGE') e = tooLarge(uploadTooLargeMessage(ws.config.maxUploadMb));
    else if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      e = tooLarge(
        `The request body exceeds the limit of ${ws.config.maxBodyMb} MB for JSON bodies (LLANO_MAX_BODY_MB); send files as an upload`,
      );
    else if (status === 415) e = unsupportedMediaType(request);
    else if (status && status >= 400 && status < 500) e = new LlanoError('bad_request', status, (err as Error).message);
    else e = toLlanoError(err);
    if (e.status >= 500) app.log.error(err);
    // A file read the sandbox refused is someone reaching past their data: logged as a refusal.
    if (e.status === 400 && isFileAccessRefusal(e.message))
      request.auditNote = { ...request.auditNote, category: 'denied', detail: { refused: 'file access' } };
    // A body refused as too large may still be arriving: the connection closes after the answer,
    // so the server neither keeps reading it nor reuses a connection in the middle of it.
    if (e.status === 413) void reply.header('connection', 'close');
    if (e instanceof TooManyRequests) void reply.header('retry-after', String(e.retryAfterSeconds));
    void reply
      .code(e.status)
      .send({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });

  app.decorate('documentedRoutes', []);
  route(
    app,
    {
      method: 'GET',
      url: '/api/health',
      summary: 'Liveness check',
      tag: 'system',
      access: 'public',
      response: { 200: R.Health },
    },
    () => Promise.resolve({ status: 'ok', version: VERSION }),
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/ready',
      summary: 'Readiness check: 200 when the catalog, data folder and engine work, else 503 naming the part down',
      tag: 'system',
      access: 'public',
      response: { 200: R.AnyObject },
    },
    async ({ reply }) => {
      const { ready, parts } = await checkReadiness(ws);
      void reply.code(ready ? 200 : 503);
      return { status: ready ? 'ready' : 'unavailable', version: VERSION, parts };
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/openapi.json',
      summary: 'This API described in OpenAPI 3.1',
      tag: 'system',
      access: 'public',
      response: { 200: R.AnyObject },
    },
    () => Promise.resolve(openApiDocument(VERSION, app.documentedRoutes)),
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/docs',
      summary: 'This API as a web page',
      tag: 'system',
      access: 'public',
      response: { 200: { content: { 'text/html': null } } },
      raw: true,
    },
    async ({ reply }) =>
      reply.type('text/html; charset=utf-8').send(apiDocsPage(openApiDocument(VERSION, app.documentedRoutes))),
  );
  for (const register of apiRouteModules) register(app, ws);
  await registerWebappServing(app, ws);
  await registerServiceCalls(app, ws);
  // No browser reaches the CLI's in-process server: it skips the web UI (and loading @fastify/static).
  if (!options.localOwner) await registerWebUi(app, options.webDist);
  return app;
}
