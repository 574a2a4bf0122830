import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The built web UI (`npm run build:web`). */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>Llano</title><p>The web UI is not built: run <code>npm run build:web</code> and reload.</p>\n';

const isApi = (pathname: string) => pathname === '/api' || pathname.startsWith('/api/');

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the web UI at `/`. Files are looked up on each request, so a rebuild is picked up
 * without a restart. Unknown GET paths outside `/api` answer index.html, so that every page's
 * URL survives a reload (the UI routes in the browser); API 404s stay JSON.
 */
export async function registerWebUi(app: FastifyInstance, distDir = WEB_DIST): Promise<void> {
  // Only `reply.sendFile` (ranges, ETags, no path traversal); the route below decides what to send.
  await app.register(fastifyStatic, { root: distDir, serve: false, cacheControl: false });

  // GET only: other methods keep the API's JSON 404 from buildServer's not-found handler.
  app.get('/*', async (request, reply) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(request.url.split('?')[0]);
    } catch {
      pathname = request.url.split('?')[0];
    }
    const notFound = () => reply.code(404).send({ error: { code: 'not_found', message: `No route GET ${pathname}` } });
    if (isApi(pathname)) return notFound();
    // API services answer POST only: a GET there is a client's mistake, not a page of the app.
    if (pathname.startsWith('/services/'))
      return reply
        .code(405)
        .header('allow', 'POST')
        .send({
          error: { code: 'method_not_allowed', message: `API services answer POST; GET ${pathname} is not a call` },
        });
    const file = path.join(distDir, pathname);
    if (pathname !== '/' && file.startsWith(distDir + path.sep) && isFile(file)) {
      // Hashed assets never change; other files (index.html, icons) are revalidated.
      const immutable = pathname.startsWith('/assets/');
      return reply
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .sendFile(path.relative(distDir, file));
    }
    const accepts = request.headers.accept ?? '';
    const wantsPage = !accepts || accepts.includes('text/html') || accepts.includes('*/*');
    // A missing asset or root file (`/assets/x.js`, `/favicon.ico`) is a 404; deeper paths are
    // pages even with a dot in their last part (a library file's page `/projects/P/libraries/bands.py`).
    const missingFile =
      /\.[a-z0-9]{1,8}$/i.test(pathname) && (pathname.startsWith('/assets/') || !pathname.slice(1).includes('/'));
    if (missingFile || !wantsPage) return notFound();
    if (!existsSync(path.join(distDir, 'index.html'))) return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
