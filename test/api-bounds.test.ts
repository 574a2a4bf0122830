import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/BND';
interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

/** `{"a":{"a":…}}` nested `depth` levels deep, as text (JSON.stringify itself would recurse). */
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('bounds on request bodies and saved objects; read objects can be saved back', () => {
  let s: TestServer;
  const raw = async (method: string, url: string, text: string) => {
    const res = await fetch(s.url + url, {
      method,
      headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' },
      body: text,
    });
    return { status: res.status, body: (await res.json()) as ApiError };
  };

  beforeAll(async () => {
    s = await startTestServer({ maxBodyMb: 5, maxObjectKb: 256 });
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'BND' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/trec/upload`, 'band,x\n3,1\n6,2\n', 'trec.csv')).status).toBe(201);
  });
  afterAll(async () => s?.stop());

  it('refuses a scenario whose http step body is nested 5,000 deep with a 400 naming the limit (it was a 500)', async () => {
    const text = `{"id":"deep","steps":[{"type":"http","url":"http://127.0.0.1:9/x","method":"POST","body":${nested(5000)}}]}`;
    const r = await raw('POST', `${P}/scenarios`, text);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/nested more than 64 levels deep.*LLANO_MAX_JSON_DEPTH/);
    // Brackets inside strings are text, not nesting; 60 levels are fine.
    const ok = await raw('PUT', `${P}/variables`, JSON.stringify({ text: '[[[['.repeat(100) }));
    expect(ok.status).toBe(200);
    const sixty = await raw(
      'POST',
      `${P}/scenarios`,
      `{"id":"deepish","steps":[{"type":"http","url":"http://127.0.0.1:9/x","body":${nested(55)}}]}`,
    );
    expect(sixty.status, JSON.stringify(sixty.body)).toBe(201);
  });

  it('names the JSON body limit, not the upload limit, for a JSON body over it', async () => {
    const r = await raw('PUT', `${P}/variables`, JSON.stringify({ big: 'x'.repeat(6 * 1024 * 1024) }));
    expect(r.status).toBe(413);
    expect(r.body.error.message).toMatch(
      /request body exceeds the limit of 5 MB for JSON bodies \(LLANO_MAX_BODY_MB\)/,
    );
    expect(r.body.error.message).not.toMatch(/Upload/);
  });

  it('refuses a versioned object over LLANO_MAX_OBJECT_KB and keeps no revision of it', async () => {
    const r = await s.call<ApiError>('PUT', `${P}/variables`, {
      token: s.adminToken,
      body: { big: 'x'.repeat(300 * 1024) },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(
      /variables project is 301 KB as JSON, over the limit of 256 KB .*LLANO_MAX_OBJECT_KB/,
    );
    const history = await s.call<{ revision: number }[]>('GET', `${P}/history/variables/project`, {
      token: s.adminToken,
    });
    expect(history.body.every((h) => JSON.stringify(h).length < 10_000)).toBe(true);
  });

  it('saves a recipe back as read, and answers 409 naming who saved in between', async () => {
    const recipe = { name: 'r', type: 'sql', inputs: ['trec'], output: 'out', sql: 'SELECT band FROM trec' };
    expect((await s.call('POST', `${P}/recipes`, { token: s.adminToken, body: recipe })).status).toBe(201);
    const read = (await s.call<Record<string, unknown>>('GET', `${P}/recipes/r`, { token: s.adminToken })).body;
    expect(read).toMatchObject({ revision: 1, updatedBy: 'admin' });
    const back = await s.call<{ revision: number }>('PUT', `${P}/recipes/r`, {
      token: s.adminToken,
      body: { ...read, sql: 'SELECT band, x FROM trec' },
    });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.revision).toBe(2);
    // The same read (revision 1) saved again: someone (admin) saved revision 2 since.
    const stale = await s.call<ApiError>('PUT', `${P}/recipes/r`, { token: s.adminToken, body: read });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(
      /recipe r was changed by admin at .* \(revision 2; you edited revision 1\)/,
    );
    expect(stale.body.error.details).toMatchObject({ revision: 2, updatedBy: 'admin' });
    // Without a revision the last writer wins, as before.
    const plain = Object.fromEntries(
      Object.entries(read).filter(([k]) => !['revision', 'updatedAt', 'updatedBy'].includes(k)),
    );
    expect((await s.call('PUT', `${P}/recipes/r`, { token: s.adminToken, body: plain })).status).toBe(200);
    const bad = await s.call<ApiError>('PUT', `${P}/recipes/r`, {
      token: s.adminToken,
      body: { ...plain, revision: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/revision/);
  });

  it('saves a dataset and a scenario back as read', async () => {
    const dataset = (await s.call<Record<string, unknown>>('GET', `${P}/datasets/trec`, { token: s.adminToken })).body;
    expect(dataset).toHaveProperty('rowCount', 2);
    const saved = await s.call('PUT', `${P}/datasets/trec`, {
      token: s.adminToken,
      body: { ...dataset, description: 'receiver temperatures' },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ description: 'receiver temperatures', revision: 2 });

    const created = await s.call<Record<string, unknown>>('POST', `${P}/scenarios`, {
      token: s.adminToken,
      body: { id: 'nightly', steps: [{ type: 'noop' }] },
    });
    expect(created.status).toBe(201);
    const again = await s.call('PUT', `${P}/scenarios/nightly`, { token: s.adminToken, body: created.body });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect((await s.call('PUT', `${P}/scenarios/nightly`, { token: s.adminToken, body: created.body })).status).toBe(
      409,
    );
  });
});
