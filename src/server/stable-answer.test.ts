import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { registerJsonCompression } from './compress-json.js';
import { registerJsonReplies } from './json-body.js';
import { sendStable, stampOf } from './stable-answer.js';

// Parts as a cache hands them out: the same objects until one is replaced.
const parts: Record<string, object> = {
  a: { rows: Array.from({ length: 2000 }, (_, i) => [i, i / 7]) },
  b: { rows: [[1, 'x']] },
};
let serialized = 0;

describe('stable answers', () => {
  const app = Fastify();
  registerJsonReplies(app);
  registerJsonCompression(app);
  app.get('/page', (request, reply) =>
    sendStable(request, reply, stampOf('page', Object.entries(parts)), () => {
      serialized++;
      return { ...parts };
    }),
  );
  afterAll(() => app.close());

  it('writes the same parts once, answers them again, and a 304 to a client that has them', async () => {
    const first = await app.inject({ url: '/page', headers: { 'accept-encoding': 'gzip' } });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers['content-type']).toContain('application/json');
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(JSON.parse(gunzipSync(first.rawPayload).toString('utf8'))).toEqual(parts);
    const etag = String(first.headers.etag);

    const plain = await app.inject({ url: '/page' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json()).toEqual(parts);
    expect(plain.headers.etag).toBe(etag);
    expect(serialized).toBe(1);

    const revalidated = await app.inject({ url: '/page', headers: { 'if-none-match': etag } });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.rawPayload.length).toBe(0);
  });

  it('a part replaced (a new dataset version) is a new answer with another ETag', async () => {
    const before = await app.inject({ url: '/page' });
    parts.b = { rows: [[2, 'y']] };
    const after = await app.inject({ url: '/page', headers: { 'if-none-match': String(before.headers.etag) } });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.json()).toEqual(parts);
  });
});
