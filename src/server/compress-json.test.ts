import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { registerJsonCompression } from './compress-json.js';

const big = { rows: Array.from({ length: 2000 }, (_, i) => [i, i / 7]) };

describe('JSON compression', () => {
  const app = Fastify();
  registerJsonCompression(app);
  app.get('/big', () => Promise.resolve(big));
  app.get('/small', () => Promise.resolve({ ok: true }));
  app.get('/text', (_req, reply) => reply.type('text/plain').send('x'.repeat(20_000)));
  app.get('/sized', (_req, reply) =>
    reply
      .type('application/json')
      .header('content-length', '20002')
      .send(JSON.stringify('x'.repeat(20_000))),
  );
  afterAll(() => app.close());

  it('gzips a large JSON answer for a client that accepts gzip, and it reads back the same', async () => {
    const res = await app.inject({ url: '/big', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toContain('accept-encoding');
    expect(res.rawPayload.length).toBeLessThan(JSON.stringify(big).length / 2);
    expect(JSON.parse(gunzipSync(res.rawPayload).toString('utf8'))).toEqual(big);
  });

  it('leaves small answers, other types and clients without gzip alone', async () => {
    const plain = await app.inject({ url: '/big' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json()).toEqual(big);
    for (const url of ['/small', '/text', '/sized']) {
      const res = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      expect(res.headers['content-encoding']).toBeUndefined();
    }
  });
});
