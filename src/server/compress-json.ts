import { constants, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Smaller answers are sent as they are: compressing them saves less than the header costs. */
export const MIN_BYTES = 8 * 1024;

export const acceptsGzip = (request: FastifyRequest) => /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');

/** Level 1 and synchronous: see below. */
export const gzipJson = (json: string) => gzipSync(json, { level: constants.Z_BEST_SPEED });

/**
 * JSON answers of the API gzip-compressed for clients that accept it: a dashboard page's tile
 * data (a sampled scatter alone is ~80 KB of digits) shrinks about threefold, which is what a
 * reader on a remote network waits for. Level 1 and synchronous: ~1 ms for 100 KB, and no
 * turn in libuv's thread pool, where DuckDB's queries run (src/engine/query-limits.ts).
 * Only JSON the API serialized itself; files, streams and proxied webapp answers go untouched.
 */
export function registerJsonCompression(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (
      typeof payload !== 'string' ||
      payload.length < MIN_BYTES ||
      reply.hasHeader('content-encoding') ||
      // A length set by hand (a proxied answer) would no longer match the compressed body.
      reply.hasHeader('content-length') ||
      !String(reply.getHeader('content-type') ?? '').startsWith('application/json') ||
      !acceptsGzip(request)
    ) {
      done(null, payload);
      return;
    }
    void reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    done(null, gzipJson(payload));
  });
}
