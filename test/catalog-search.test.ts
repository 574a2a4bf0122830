import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

/**
 * The catalog search on both catalogs (SQLite, embedded PostgreSQL): the ranking tiers, kind,
 * tag and project filters, paging, the index following writes (tags, a new version's columns,
 * deletes), and permissions: a user never sees an object of a project they cannot read.
 */

type Hit = { projectKey: string; kind: string; name: string; match: string | null; tags: string[]; url: string };
type Result = { total: number; items: Hit[] };

async function ok<T>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

describe.each(['sqlite', 'postgres'] as const)('catalog search on %s', (dialect) => {
  let s: TestServer;
  let pg: RunningPostgres | undefined;
  let member: string;
  const search = (query: string, token = member) =>
    ok<Result>(s.call('GET', `/api/catalog/search?${query}`, { token }));

  beforeAll(async () => {
    if (dialect === 'postgres') pg = await startPostgres();
    s = await startTestServer(pg ? { catalogUrl: pg.url } : {});
    const admin = s.adminToken;
    await ok(
      s.call('POST', '/api/users', { token: admin, body: { username: 'seer', password: 'password-seer' } }),
      201,
    );
    for (const key of ['OPEN', 'SECRET'])
      await ok(s.call('POST', '/api/projects', { token: admin, body: { key } }), 201);
    await ok(s.call('PUT', '/api/projects/OPEN/members/seer', { token: admin, body: { role: 'writer' } }));
    member = await s.login('seer', 'password-seer');
    const upload = (project: string, name: string, csv: string) =>
      ok(s.upload(`/api/projects/${project}/datasets/${name}/upload`, csv, `${name}.csv`), 201);
    const O = '/api/projects/OPEN';
    await upload('OPEN', 'trec', 'a\n1\n');
    await upload('OPEN', 'trec_daily', 'a\n1\n');
    await upload('OPEN', 'band_trec', 'a\n1\n');
    await upload('OPEN', 'obs', 'antenna,trec_k\nDA41,1\n');
    await upload('OPEN', 'tagged', 'a\n1\n');
    await upload('OPEN', 'described', 'a\n1\n');
    await ok(s.call('PUT', `${O}/tags/dataset/tagged`, { token: member, body: { tags: ['Trec', 'receivers'] } }));
    await ok(
      s.call('PUT', `${O}/tags/dataset/described`, {
        token: member,
        body: { tags: [], description: 'Receiver temperature (Trec) per scan' },
      }),
    );
    await ok(s.call('PUT', `${O}/wiki/ops%2Fnotes`, { token: member, body: { content: 'Check trec every night.' } }));
    await ok(
      s.call('POST', `${O}/recipes`, {
        token: member,
        body: { name: 'smooth', type: 'sql', inputs: ['obs'], output: 'smooth_out', sql: 'SELECT * FROM obs' },
      }),
      201,
    );
    await ok(s.call('PUT', `${O}/tags/recipe/smooth`, { token: member, body: { tags: ['receivers'] } }));
    // The same names in a project the member cannot read.
    await upload('SECRET', 'trec', 'a\n1\n');
    await upload('SECRET', 'secret_trec_plan', 'trec_col\n1\n');
    await ok(s.call('PUT', '/api/projects/SECRET/wiki/trec', { token: admin, body: { content: 'trec' } }));
  }, 300_000);
  afterAll(async () => {
    await s?.stop();
    await pg?.stop();
  });

  it('ranks exact name, prefix, contains, column, tag, description, content', async () => {
    const r = await search('q=TREC');
    expect(r.items.map((h) => `${h.kind}:${h.name}:${h.match}`)).toEqual([
      'dataset:trec:name',
      'dataset:trec_daily:prefix',
      'dataset:band_trec:contains',
      'dataset:obs:column',
      'dataset:tagged:tag',
      'dataset:described:description',
      'wiki-page:ops/notes:content',
    ]);
    expect(r.total).toBe(7);
    expect(r.items[0].url).toBe('/projects/OPEN/datasets/trec');
    expect(r.items[6].url).toBe('/projects/OPEN/wiki/ops/notes');
  });

  it('never returns an object of a project the caller cannot read, whatever the filters', async () => {
    for (const q of ['q=trec', 'q=secret', 'q=&project=SECRET', 'q=trec&project=SECRET', 'q=trec_col'])
      expect(
        (await search(q)).items.every((h) => h.projectKey === 'OPEN'),
        q,
      ).toBe(true);
    expect((await search('q=secret')).total).toBe(0);
    // The global admin sees both.
    const all = await search('q=trec&limit=50', s.adminToken);
    expect(new Set(all.items.map((h) => h.projectKey))).toEqual(new Set(['OPEN', 'SECRET']));
    const outsider = await s.login('admin', 'admin-password-for-tests');
    expect((await search('q=trec', outsider)).total).toBeGreaterThan(7);
  });

  it('filters by kind, tag and project, and pages', async () => {
    expect((await search('q=&tag=receivers')).items.map((h) => `${h.kind}:${h.name}`)).toEqual(
      ['recipe:smooth', 'dataset:tagged'].sort((a, b) => a.split(':')[1].localeCompare(b.split(':')[1])),
    );
    expect((await search('q=trec&kind=wiki')).items.map((h) => h.name)).toEqual(['ops/notes']);
    expect((await search('q=trec&kind=recipe')).total).toBe(0);
    const page1 = await search('q=trec&limit=3');
    const page2 = await search('q=trec&limit=3&offset=3');
    expect(page1.total).toBe(7);
    expect([...page1.items, ...page2.items].map((h) => h.name)).toEqual([
      'trec',
      'trec_daily',
      'band_trec',
      'obs',
      'tagged',
      'described',
    ]);
    const bad = await s.call('GET', '/api/catalog/search?q=x&limit=5000', { token: member });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('limit');
    expect((await s.call('GET', '/api/catalog/search?q=x&kind=table', { token: member })).status).toBe(400);
  });

  it('follows writes: new columns, tags, deletes; LIKE wildcards are literal', async () => {
    await ok(s.upload('/api/projects/OPEN/datasets/obs/upload', 'antenna,tsys_k\nDA41,1\n', 'obs.csv'), 201);
    expect((await search('q=tsys_k')).items.map((h) => h.name)).toEqual(['obs']);
    expect((await search('q=trec_k')).total).toBe(0);
    await ok(s.call('PUT', '/api/projects/OPEN/tags/dataset/tagged', { token: member, body: { tags: [] } }));
    expect((await search('q=&tag=trec')).total).toBe(0);
    await ok(s.call('DELETE', '/api/projects/OPEN/wiki/ops%2Fnotes', { token: member }), 204);
    expect((await search('q=trec&kind=wiki-page')).total).toBe(0);
    expect((await search('q=%25')).total).toBe(0);
    // As a LIKE wildcard `_` would match the r of trec.
    expect((await search('q=t_ec')).total).toBe(0);
  });

  it('llano search', async () => {
    const out = await llano(['--url', s.url, '--token', member, 'search', 'trec', '--kind', 'dataset']);
    expect(out.code, out.err).toBe(0);
    expect(out.out).toMatch(/OPEN\s+dataset\s+trec\s+name/);
    expect(out.out).not.toContain('SECRET');
  });
});
