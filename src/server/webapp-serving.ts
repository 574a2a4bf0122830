import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../catalog/access.js';
import { asSharedViewer, isSharedWith } from '../catalog/sharing.js';
import { badRequest, forbidden, LlanoError, notFound, tooLarge, unauthorized } from '../common/errors.js';
import { sha256 } from '../common/ids.js';
import type { Workspace } from '../workspace/workspace.js';
import { callBackend } from '../webapps/webapp-backend.js';
import { webappCaller } from '../webapps/webapp-caller.js';
import { WEBAPP_CLIENT_JS } from '../webapps/webapp-client.js';
import { webappAggregate, webappRows, webappSql } from '../webapps/webapp-data.js';
import { checkWebappPath } from '../webapps/webapp-limits.js';
import { proxyToPython } from '../webapps/webapp-python.js';
import { REACT_BUILD_DIR, reactBundle, reactPage } from '../webapps/react-build.js';
import { viewClaimsOf, viewToken } from '../webapps/webapp-token.js';
import { storedWebapp } from '../webapps/webapps-service.js';
import { requestToken } from './routes/auth.js';

/**
 * Serves webapps at `/webapps/KEY/id/…` (outside `/api`, so outside the OpenAPI document and its
 * walk on purpose: these are a webapp's own pages and calls, whose shapes its author decides).
 *
 * - `/webapps/KEY/id/…` authenticates as the API does (session cookie or Bearer token). A page
 *   request is redirected to `/webapps/KEY/id/~TOKEN/…`; `api/…` calls are answered directly
 *   (scripts and the CLI call backends there).
 * - `/webapps/KEY/id/~TOKEN/…` is what a browser shows: pages are sent with a CSP `sandbox`
 *   (an opaque origin: the app can neither script the Llano UI nor use the viewer's cookie), so
 *   the view token in the path (webapp-token.ts) is what authorises their files and calls.
 *
 * Either way the viewer must be able to read the project; anyone else gets 404, as for a project
 * that does not exist.
 */

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};
const contentType = (file: string) =>
  CONTENT_TYPES[/\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase() ?? ''] ?? 'text/plain; charset=utf-8';

/** The app's own files and scripts; no inline script in a static app (Python apps often need them: plotly). */
const CSP_BASE =
  "sandbox allow-scripts allow-forms allow-popups allow-downloads allow-modals; default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'";
export const STATIC_CSP = `${CSP_BASE}; script-src 'self'`;
export const PYTHON_CSP = `${CSP_BASE}; script-src 'self' 'unsafe-inline' 'unsafe-eval'`;

/** Files of a static webapp that are never sent: the backend is server code. */
const NOT_SERVED = new Set(['backend.ts']);

const hidden = (projectKey: string, id: string) => notFound(`Webapp ${projectKey}/${id} not found`);

interface Target {
  key: string;
  id: string;
  principal: Principal;
  /** `/webapps/KEY/id/~TOKEN`: where the app is mounted for this viewer. */
  prefix: string;
  token: string;
  viaToken: boolean;
}

/** The caller as the webapp's viewer: a project reader, or someone the webapp is shared with (404 to others). */
async function viewer(ws: Workspace, principal: Principal | null, key: string, id: string): Promise<Principal> {
  if (!principal) throw hidden(key, id);
  try {
    await ws.catalog.projects.authorize(principal, key, 'reader');
  } catch (error) {
    if (!(error instanceof LlanoError && (error.status === 403 || error.status === 404))) throw error;
    if (error.status === 404 && (await isSharedWith(ws.catalog.db, principal, key, 'webapp', id)))
      return asSharedViewer(principal, key);
    throw hidden(key, id);
  }
  return principal;
}

/** A page load (what a browser shows, in a tab or a frame), as opposed to a page's own files and calls. */
function isPageLoad(request: FastifyRequest): boolean {
  const dest = request.headers['sec-fetch-dest'];
  if (typeof dest === 'string') return ['document', 'iframe', 'frame', 'embed', 'object'].includes(dest);
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
}

/** Sent from a page of this server (the Llano UI, or a webapp page following its own link). */
function fromThisServer(request: FastifyRequest): boolean {
  const referer = request.headers.referer;
  if (!referer) return false;
  try {
    return new URL(referer).host === request.headers.host;
  } catch {
    return false;
  }
}

/**
 * The viewer of a `~TOKEN` request, acting with the rights of the credential that opened the
 * webapp (a project-scoped API key stays scoped), null when the token is not valid here.
 * - A request that carries a credential (the session cookie, a Bearer token) must carry that one:
 *   another user's cookie, or another session's, gets 403.
 * - A request without one: the webapp's sandboxed pages have an opaque origin, so the browser
 *   sends no cookie with their files and calls, which the token alone authorises. A page load
 *   without it is a copied address opened elsewhere (401), unless it comes from this server's own
 *   pages (a webapp page following its own link).
 * - Either way the credential must still be valid: a logout ends its webapp addresses.
 */
async function principalOfToken(
  ws: Workspace,
  request: FastifyRequest,
  token: string,
  key: string,
  id: string,
): Promise<Principal | null> {
  const claims = await viewClaimsOf(ws, token, key, id);
  if (!claims) return null;
  const bound = claims.credential;
  if (!bound) {
    // Opened by a local workspace's owner, who has no credential.
    const user = await ws.catalog.users.findByUsername(claims.username);
    if (!user || user.disabled) return null;
    return { userId: user.id, username: user.username, isAdmin: user.isAdmin, via: 'session' };
  }
  const presented = requestToken(request);
  if (presented !== undefined && sha256(presented) !== bound.hash)
    throw forbidden('This webapp address belongs to another session: open the webapp from Llano');
  if (presented === undefined && isPageLoad(request) && !fromThisServer(request))
    throw unauthorized(
      'A webapp address works only in the browser session that opened it: sign in and open the webapp from Llano',
    );
  const principal = await ws.catalog.users.authenticateHash(bound.hash, bound.kind);
  if (!principal) throw unauthorized('The session that opened this webapp has ended: open it again from Llano');
  return principal;
}

/** The body as JSON, whatever its content type (the client sends text/plain to stay a simple request). */
async function jsonBody(ws: Workspace, raw: IncomingMessage): Promise<unknown> {
  const limit = ws.config.maxBodyMb * 1024 * 1024;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw tooLarge(
        `The request body exceeds the limit of ${ws.config.maxBodyMb} MB for JSON bodies (LLANO_MAX_BODY_MB)`,
      );
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
}

const DATA_CALLS = {
  rows: webappRows,
  aggregate: webappAggregate,
  sql: webappSql,
} as const;

async function answerApi(
  ws: Workspace,
  t: Target,
  stored: Awaited<ReturnType<typeof storedWebapp>>,
  name: string,
  request: FastifyRequest,
  signal: AbortSignal,
): Promise<unknown> {
  if (name.startsWith('_data/')) {
    const what = name.slice('_data/'.length);
    if (what === 'me') return webappCaller(ws, t.principal, t.key);
    if (!(what in DATA_CALLS)) throw notFound(`No data call ${what}: rows, aggregate, sql`);
    if (request.method !== 'POST') throw badRequest(`POST a JSON body to ${what}`);
    return DATA_CALLS[what as keyof typeof DATA_CALLS](ws, t.principal, t.key, await jsonBody(ws, request.raw), signal);
  }
  const query = request.query as Record<string, unknown>;
  const body = request.method === 'GET' || request.method === 'HEAD' ? null : await jsonBody(ws, request.raw);
  return callBackend(ws, t.principal, t.key, stored, name, {
    method: request.method,
    query,
    body,
    user: await webappCaller(ws, t.principal, t.key),
  });
}

/**
 * A react webapp's files as served: its own (index.html optional), the page that mounts it, and
 * the bundle under `_build/` (built at save; rebuilt here after a restart or on another server).
 */
async function reactFiles(ws: Workspace, stored: Awaited<ReturnType<typeof storedWebapp>>) {
  const bundle = await reactBundle(ws, stored.webapp.files);
  const built = Object.fromEntries(Object.entries(bundle).map(([name, text]) => [REACT_BUILD_DIR + name, text]));
  return { 'index.html': reactPage(stored.webapp.name, bundle), ...stored.webapp.files, ...built };
}

function sendFile(reply: FastifyReply, files: Record<string, string>, rest: string, key: string, id: string) {
  let file = rest === '' || rest.endsWith('/') ? `${rest}index.html` : rest;
  try {
    file = checkWebappPath(decodeURIComponent(file));
  } catch {
    throw notFound(`No file ${rest} in webapp ${key}/${id}`);
  }
  const content = Object.hasOwn(files, file) && !NOT_SERVED.has(file) ? files[file] : undefined;
  if (content === undefined) throw notFound(`No file ${file} in webapp ${key}/${id}`);
  return reply.type(contentType(file)).header('content-security-policy', STATIC_CSP).send(content);
}

async function dispatch(ws: Workspace, t: Target, rest: string, request: FastifyRequest, reply: FastifyReply) {
  // The audit log names who read through the view's address (a token, not a session) and which webapp.
  request.principal = t.principal;
  request.auditNote = {
    ...request.auditNote,
    action: 'webapp.call',
    category: 'access',
    project: t.key,
    objectKind: 'webapp',
    objectName: t.id,
  };
  const stored = await storedWebapp(ws, t.key, t.id).catch(() => {
    throw hidden(t.key, t.id);
  });
  // A viewer it is shared with reads through it the datasets it declares, nothing else of the project.
  if (t.principal.sharedView)
    t.principal = { ...t.principal, sharedView: { ...t.principal.sharedView, datasets: stored.webapp.datasets ?? [] } };
  void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
  void reply.header('x-content-type-options', 'nosniff');
  const client = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) client.abort();
  });
  const isApi = rest.startsWith('api/');
  // The sandboxed page's origin is opaque ("null"): its calls are cross-origin, authorised by the token in the path.
  if (t.viaToken && isApi) void reply.header('access-control-allow-origin', '*');
  if (isApi && request.method === 'OPTIONS')
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'content-type')
      .send();
  const apiName = isApi ? rest.slice(4) : null;
  if (stored.webapp.kind === 'python' && !apiName?.startsWith('_data/')) {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const local = request.raw.socket;
    const host = local.localAddress?.includes(':') ? `[${local.localAddress}]` : (local.localAddress ?? '127.0.0.1');
    const answer = await proxyToPython(ws, t.key, stored, {
      method: request.method,
      path: `/${rest}${query}`,
      headers: request.headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? null : request.raw,
      prefix: t.prefix,
      dataApi: `http://${host}:${local.localPort}${t.prefix}/api/_data/`,
      caller: await webappCaller(ws, t.principal, t.key),
    });
    void reply.code(answer.status).headers(answer.headers);
    if (!t.viaToken || !isApi) void reply.header('content-security-policy', PYTHON_CSP);
    return reply.send(answer.body);
  }
  if (apiName !== null) {
    // Always JSON, even a bare string or null (Fastify would send a string as text).
    const result = await answerApi(ws, t, stored, apiName, request, client.signal);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(result ?? null));
  }
  if (request.method !== 'GET' && request.method !== 'HEAD')
    throw new LlanoError('method_not_allowed', 405, `${request.method} is not allowed on a webapp's files`);
  const files = stored.webapp.kind === 'react' ? await reactFiles(ws, stored) : stored.webapp.files;
  return sendFile(reply, files, rest, t.key, t.id);
}

/**
 * The path below the webapp's prefix, still %-encoded (so that an encoded `..` or `/` is checked
 * as the file name it decodes to): `segments` is how many path segments the prefix has.
 */
const restOf = (request: FastifyRequest, segments: number) =>
  request.url.split('?')[0].split('/').slice(segments).join('/');

export async function registerWebappServing(app: FastifyInstance, ws: Workspace): Promise<void> {
  await app.register((sub, _options, done) => {
    // Bodies are read by the handlers: streamed to a Python app, parsed as JSON for data and backend calls.
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    sub.get('/webapps/_client.js', async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(WEBAPP_CLIENT_JS),
    );

    sub.route({
      method: [...METHODS],
      url: '/webapps/:key/:id/*',
      handler: async (request, reply) => {
        const { key, id } = request.params as Record<string, string>;
        const segment = request.url.split('?')[0].split('/')[4] ?? '';
        // `~TOKEN`: `~` is never in a file name (webapp-limits.ts), so this never hides a file.
        if (segment.startsWith('~')) {
          const token = segment.slice(1);
          const t: Target = {
            key,
            id,
            principal: await viewer(ws, await principalOfToken(ws, request, token, key, id), key, id),
            prefix: `/webapps/${key}/${id}/~${token}`,
            token,
            viaToken: true,
          };
          return dispatch(ws, t, restOf(request, 5), request, reply);
        }
        const principal = await viewer(ws, request.principal, key, id);
        const rest = restOf(request, 4);
        const token = await viewToken(ws, principal.username, key, id, requestToken(request));
        if (!rest.startsWith('api/') && (request.method === 'GET' || request.method === 'HEAD')) {
          await storedWebapp(ws, key, id).catch(() => {
            throw hidden(key, id);
          });
          const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
          return reply.header('cache-control', 'no-store').redirect(`/webapps/${key}/${id}/~${token}/${rest}${query}`);
        }
        const t: Target = { key, id, principal, prefix: `/webapps/${key}/${id}/~${token}`, token, viaToken: false };
        return dispatch(ws, t, rest, request, reply);
      },
    });

    sub.get('/webapps/:key/:id', async (request, reply) => {
      const { key, id } = request.params as Record<string, string>;
      await viewer(ws, request.principal, key, id);
      return reply.redirect(`/webapps/${key}/${id}/`);
    });
    done();
  });
}
