import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The built web UI (`npm run build:web`). */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const NOT_BUILT = '<!doctype html><meta charset="utf-8"><title>Llano</title><p>The web UI is not built: run <code>npm run build:web</code> and reload.</p>\n';

const isApi = (pathname: string) => pathname === '/api' || pathname.startsWith('/api/');

/**
 * Serves the web UI at `/`. Unknown GET paths outside `/api` answer index.html so that every
 * page's URL survives a reload (the UI routes in the browser); API 404s stay JSON.
 */
export async function registerWebUi(app: FastifyInstance, distDir = WEB_DIST): Promise<void> {
  const built = existsSync(path.join(distDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: distDir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      // Hashed assets never change; index.html must be revalidated to pick up new builds.
      cacheControl: false,
      setHeaders: (reply, file) => {
        reply.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  // GET only: other methods keep the API's JSON 404 from buildServer's not-found handler.
  app.get('/*', async (request, reply) => {
    const pathname = request.url.split('?')[0];
    const accepts = request.headers.accept ?? '';
    const wantsPage = !accepts || accepts.includes('text/html') || accepts.includes('*/*');
    if (isApi(pathname) || /\.[a-z0-9]{1,8}$/i.test(pathname) || !wantsPage) {
      return reply.code(404).send({ error: { code: 'not_found', message: `No route GET ${pathname}` } });
    }
    if (!built) return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
