import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import type {
  ApiError,
  ApiKeyCreated,
  BuildStarted,
  ColumnStats,
  DataPage,
  DatasetShown,
  FlowView,
  Health,
  ListedVersion,
  OpenApiDocument,
  Project,
  Recipe,
  Revision,
} from './support/api-types.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';
import { AUTHENTICATION_REQUIRED } from '../src/server/route.js';

const P = '/api/projects/OPS';
const CSV =
  'ts,antenna,band,trec_x\n2024-01-01 00:00:00,DA41,3,35.5\n2024-01-01 00:10:00,DA42,3,36.1\n2024-01-01 00:20:00,DV01,6,55.0\n2024-01-01 00:30:00,DV01,6,\n';

// The whole suite runs on both catalog databases: SQLite (embedded shape) and PostgreSQL (cluster shape).
describe.each(['sqlite', 'postgres'])('core HTTP API, %s catalog', (catalog) => {
  let s: TestServer;
  let catalogDb: RunningPostgres | undefined;
  let reader: string;
  let outsider: string;

  beforeAll(async () => {
    if (catalog === 'postgres') catalogDb = await startPostgres();
    s = await startTestServer(catalogDb ? { catalogUrl: catalogDb.url } : {});
    expect(
      (await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'OPS', name: 'Operations' } })).status,
    ).toBe(201);
    for (const u of ['reader1', 'outsider']) {
      expect(
        (await s.call('POST', '/api/users', { token: s.adminToken, body: { username: u, password: 'password-' + u } }))
          .status,
      ).toBe(201);
    }
    // Downloads are the export-data right: this reader is granted it (writers have it by role).
    const readerGrant = { role: 'reader', rights: ['export-data'] };
    await s.call('PUT', `${P}/members/reader1`, { token: s.adminToken, body: readerGrant });
    reader = await s.login('reader1', 'password-reader1');
    outsider = await s.login('outsider', 'password-outsider');
  });
  afterAll(async () => {
    await s?.stop();
    await catalogDb?.stop();
  });

  it('health is public, everything else needs a principal', async () => {
    const h = await s.call<Health>('GET', '/api/health');
    expect(h.status).toBe(200);
    expect(h.body.status).toBe('ok');
    expect(h.body.version).toBeTypeOf('string');
    const r = await s.call('GET', '/api/projects');
    expect(r.status).toBe(401);
    // It says how to authenticate.
    expect(r.body).toEqual({ error: { code: 'unauthorized', message: AUTHENTICATION_REQUIRED } });
    expect(AUTHENTICATION_REQUIRED).toMatch(/llano login.*Authorization: Bearer/);
    expect((await s.call('GET', '/api/projects', { token: 'lls_forged' })).status).toBe(401);
  });

  it('login sets a session cookie that authenticates', async () => {
    const res = await fetch(s.url + '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-password-for-tests' }),
    });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/llano_session=.*HttpOnly/i);
    const me = await fetch(s.url + '/api/auth/me', { headers: { cookie: cookie.split(';')[0] } });
    expect(((await me.json()) as { username: string }).username).toBe('admin');
    expect((await s.call('POST', '/api/auth/login', { body: { username: 'admin', password: 'nope' } })).status).toBe(
      401,
    );
    // Guessing is throttled per address and username: the 6th failure in a row gets 429.
    for (let i = 0; i < 4; i++)
      await s.call('POST', '/api/auth/login', { body: { username: 'reader1', password: 'guess' + i } });
    expect((await s.call('POST', '/api/auth/login', { body: { username: 'reader1', password: 'guess' } })).status).toBe(
      401,
    );
    const blocked = await s.call<ApiError>('POST', '/api/auth/login', {
      body: { username: 'reader1', password: 'password-reader1' },
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
    // How long to wait, for clients that honour Retry-After: the window (5 minutes) from the first failure.
    const wait = Number(blocked.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(300);
    expect(blocked.body.error.message).toBe(`Too many failed logins; try again in ${wait} s`);
  });

  it('API keys work as Bearer tokens', async () => {
    const k = await s.call<ApiKeyCreated>('POST', '/api/api-keys', { token: s.adminToken, body: { name: 'scripts' } });
    expect(k.status).toBe(201);
    expect(k.body.key).toMatch(/^llk_/);
    expect((await s.call('GET', '/api/projects', { token: k.body.key })).status).toBe(200);
  });

  it('imports a CSV, infers the schema and serves pages, stats and downloads', async () => {
    const up = await s.upload<DatasetShown>(`${P}/datasets/trec/upload`, CSV, 'trec.csv');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ name: 'trec', rowCount: 4, currentVersion: { seq: 1 } });
    expect(up.body.columns?.map((c) => c.name)).toEqual(['ts', 'antenna', 'band', 'trec_x']);
    expect(up.body.columns?.find((c) => c.name === 'ts')?.type).toMatch(/TIMESTAMP/);

    const page = await s.call<DataPage>('GET', `${P}/datasets/trec/data?limit=2&sort=-trec_x&filter=band:eq:3`, {
      token: reader,
    });
    expect(page.status).toBe(200);
    expect(page.body.columns).toEqual(['ts', 'antenna', 'band', 'trec_x']);
    expect(page.body.total).toBe(2);
    expect(page.body.rows.map((r) => r[1])).toEqual(['DA42', 'DA41']);

    const stats = await s.call<ColumnStats[]>('GET', `${P}/datasets/trec/stats`, { token: reader });
    const trec = stats.body.find((c) => c.name === 'trec_x');
    expect(trec).toMatchObject({ count: 4, nulls: 1, min: 35.5, max: 55 });

    const csv = await fetch(`${s.url}${P}/datasets/trec/data?format=csv&sort=antenna`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe('ts,antenna,band,trec_x');
    expect(lines).toHaveLength(5);
    const pq = await fetch(`${s.url}${P}/datasets/trec/data?format=parquet`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(
      Buffer.from(await pq.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('PAR1');
    const json = await fetch(`${s.url}${P}/datasets/trec/data?format=json&download=true&filter=antenna:eq:DV01`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    const objects = (await json.json()) as { trec_x: number | null }[];
    expect(objects.map((o) => o.trec_x)).toEqual([55, null]);
  });

  it('SQL recipes read datasets by name; builds rebuild exactly what is stale', async () => {
    const r1 = await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: {
        name: 'r_by_band',
        type: 'sql',
        inputs: ['trec'],
        output: 'by_band',
        sql: 'SELECT band, count(*) AS n, avg(trec_x) AS mean_trec FROM trec GROUP BY band ORDER BY band',
      },
    });
    expect(r1.status).toBe(201);
    const r2 = await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: {
        name: 'r_hot',
        type: 'sql',
        inputs: ['by_band'],
        output: 'hot_bands',
        sql: 'SELECT band FROM by_band WHERE mean_trec > 40',
      },
    });
    expect(r2.status).toBe(201);

    const flow = await s.call<FlowView>('GET', `${P}/flow`, { token: reader });
    expect(flow.body.nodes.map((n) => n.id).sort()).toEqual([
      'dataset:by_band',
      'dataset:hot_bands',
      'dataset:trec',
      'recipe:r_by_band',
      'recipe:r_hot',
    ]);
    expect(flow.body.edges).toContainEqual({ from: 'dataset:trec', to: 'recipe:r_by_band' });
    expect(flow.body.edges).toContainEqual({ from: 'recipe:r_hot', to: 'dataset:hot_bands' });

    const b = await s.call<BuildStarted>('POST', `${P}/builds`, {
      token: s.adminToken,
      body: { targets: ['hot_bands'], mode: 'required' },
    });
    expect(b.status).toBe(202);
    const job = await waitForJobEnd(s, 'OPS', b.body.jobId);
    expect(job.status).toBe('succeeded');
    expect(job.activities?.map((a) => [a.recipe, a.status])).toEqual([
      ['r_by_band', 'succeeded'],
      ['r_hot', 'succeeded'],
    ]);
    const hot = await s.call<DataPage>('GET', `${P}/datasets/hot_bands/data`, { token: reader });
    expect(hot.body.rows).toEqual([[6]]);

    // Nothing changed: nothing to build.
    const again = await waitForJobEnd(
      s,
      'OPS',
      (
        await s.call<BuildStarted>('POST', `${P}/builds`, {
          token: s.adminToken,
          body: { targets: ['hot_bands'], mode: 'required' },
        })
      ).body.jobId,
    );
    expect(again.activities).toEqual([]);

    // Change the downstream recipe only: only it runs.
    await s.call('PUT', `${P}/recipes/r_hot`, {
      token: s.adminToken,
      body: {
        name: 'r_hot',
        type: 'sql',
        inputs: ['by_band'],
        output: 'hot_bands',
        sql: 'SELECT band FROM by_band WHERE mean_trec > 30 ORDER BY band',
      },
    });
    const third = await waitForJobEnd(
      s,
      'OPS',
      (
        await s.call<BuildStarted>('POST', `${P}/builds`, {
          token: s.adminToken,
          body: { targets: ['hot_bands'], mode: 'required' },
        })
      ).body.jobId,
    );
    expect(third.activities?.map((a) => a.recipe)).toEqual(['r_hot']);

    // Recursive forces everything upstream.
    const forced = await waitForJobEnd(
      s,
      'OPS',
      (
        await s.call<BuildStarted>('POST', `${P}/builds`, {
          token: s.adminToken,
          body: { targets: ['hot_bands'], mode: 'recursive' },
        })
      ).body.jobId,
    );
    expect(forced.activities?.map((a) => a.recipe)).toEqual(['r_by_band', 'r_hot']);

    const log = await s.call('GET', `${P}/jobs/${forced.id}/log`, { token: reader });
    expect(log.body).toMatch(/r_hot: wrote 2 rows/);
    const versions = await s.call<ListedVersion[]>('GET', `${P}/datasets/hot_bands/versions`, { token: reader });
    expect(versions.body[0]).toMatchObject({ current: true, status: 'ready' });
  });

  it('a failing recipe stops its dependants and keeps the previous version', async () => {
    // Make r_by_band fail at build time: the input column disappears in a new import.
    await s.upload(`${P}/datasets/trec/upload`, 'ts,antenna,band\n2024-01-01 00:00:00,DA41,3\n', 'trec.csv');
    const job = await waitForJobEnd(
      s,
      'OPS',
      (
        await s.call<BuildStarted>('POST', `${P}/builds`, {
          token: s.adminToken,
          body: { targets: ['hot_bands'], mode: 'required' },
        })
      ).body.jobId,
    );
    expect(job.status).toBe('failed');
    expect(job.activities?.map((a) => a.status)).toEqual(['failed', 'skipped']);
    expect(job.activities?.[0].error).toMatch(/trec_x/);
    const hot = await s.call<DataPage>('GET', `${P}/datasets/hot_bands/data`, { token: reader });
    expect(hot.body.rows).toEqual([[3], [6]]);
    const flow = await s.call<FlowView>('GET', `${P}/flow`, { token: reader });
    expect(flow.body.nodes.find((n) => n.id === 'dataset:by_band')?.state).toBe('failed');
    // Restore the input for later tests.
    await s.upload(`${P}/datasets/trec/upload`, CSV, 'trec.csv');
  });

  it('rejects bad recipes at save time with the reason', async () => {
    const post = (body: object) =>
      s.call<ApiError>('POST', `${P}/recipes`, { token: s.adminToken, body: { type: 'sql', ...body } });
    const syntax = await post({ name: 'bad1', inputs: ['trec'], output: 'x1', sql: 'SELEC * FROM trec' });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.message).toMatch(/syntax error/i);
    const semantic = await post({ name: 'bad2', inputs: ['trec'], output: 'x2', sql: 'SELECT nope FROM trec' });
    expect(semantic.status).toBe(400);
    expect(semantic.body.error.message).toMatch(/nope/);
    const own = await post({ name: 'bad3', inputs: ['trec'], output: 'trec', sql: 'SELECT * FROM trec' });
    expect(own.status).toBe(400);
    expect(own.body.error.message).toMatch(/writes its own input trec/);
    const cycle = await post({ name: 'bad4', inputs: ['hot_bands'], output: 'trec', sql: 'SELECT * FROM hot_bands' });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.message).toBe('Recipe bad4 would close a cycle: by_band → hot_bands → trec → by_band');
    const missing = await post({ name: 'bad5', inputs: ['ghost'], output: 'x5', sql: 'SELECT 1' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/ghost does not exist/);
    const ddl = await post({ name: 'bad6', inputs: ['trec'], output: 'x6', sql: 'DROP TABLE trec' });
    expect(ddl.status).toBe(400);
    // The SQL may read its project's data only: no system files, no catalog, no other project.
    for (const path of ['/etc/passwd', `${s.home}/catalog.db`, `${s.home}/data/OTHER/x/v1.parquet`]) {
      const escape = await post({
        name: 'bad7',
        inputs: ['trec'],
        output: 'x7',
        sql: `SELECT * FROM read_csv('${path}')`,
      });
      expect(escape.status, path).toBe(400);
      expect(escape.body.error.message, path).toMatch(/permission|not allowed|disabled|access/i);
    }
    // Nothing was created by the rejected saves.
    const ds = await s.call<DatasetShown[]>('GET', `${P}/datasets`, { token: s.adminToken });
    expect(ds.body.map((d) => d.name).filter((n) => /^x\d$/.test(n))).toEqual([]);
  });

  it('rejects hostile names and malformed files, creating nothing', async () => {
    for (const name of ['..%2F..%2Fetc', 'a%20b', "x'%3B--", 'a.b']) {
      const r = await s.upload(`${P}/datasets/${name}/upload`, CSV, 'x.csv');
      expect(r.status, name).toBe(400);
    }
    const ragged = await s.upload<ApiError>(`${P}/datasets/ragged/upload`, 'a,b\n1,2\n3,4,5\n6,7\n', 'ragged.csv');
    expect(ragged.status).toBe(400);
    expect(ragged.body.error.message).toMatch(/line 3/);
    const quote = await s.upload(`${P}/datasets/badquote/upload`, 'a,b\n1,"unterminated\n2,3\n', 'q.csv');
    expect(quote.status).toBe(400);
    expect((await s.call('GET', `${P}/datasets/ragged`, { token: s.adminToken })).status).toBe(404);
    expect((await s.call('GET', `${P}/datasets/badquote`, { token: s.adminToken })).status).toBe(404);
    // Only the CLI's in-process client can offer a file to import in place: a request naming a path or a made-up token reads nothing.
    for (const offer of ['/etc/passwd', '00000000-0000-4000-8000-000000000000']) {
      const r = await fetch(`${s.url}${P}/datasets/local/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.adminToken}`, 'x-llano-local-file': offer },
      });
      expect(r.status, offer).toBe(400);
    }
    expect((await s.call('GET', `${P}/datasets/local`, { token: s.adminToken })).status).toBe(404);
  });

  it('enforces roles: readers cannot write, outsiders cannot see', async () => {
    expect(
      (
        await s.call('POST', `${P}/recipes`, {
          token: reader,
          body: { name: 'r', type: 'sql', inputs: ['trec'], output: 'y', sql: 'SELECT 1' },
        })
      ).status,
    ).toBe(403);
    expect((await s.upload(`${P}/datasets/z/upload`, CSV, 'z.csv', reader)).status).toBe(403);
    expect((await s.call('POST', `${P}/builds`, { token: reader, body: { targets: ['by_band'] } })).status).toBe(403);
    expect((await s.call('GET', `${P}/datasets`, { token: outsider })).status).toBe(404);
    expect((await s.call('GET', `${P}/datasets/trec/data`, { token: outsider })).status).toBe(404);
    expect((await s.call<Project[]>('GET', '/api/projects', { token: outsider })).body).toEqual([]);
    expect(
      (await s.call('POST', '/api/users', { token: reader, body: { username: 'x', password: 'password1' } })).status,
    ).toBe(403);
  });

  it('takes names up to their longest, refuses one that differs only in case, and keeps every racing first upload', async () => {
    // 128 characters, the longest name: Fastify's default refused path parameters over 100.
    const long = 'l'.repeat(128);
    expect((await s.upload(`${P}/datasets/${long}/upload`, CSV, 'x.csv')).status).toBe(201);
    expect((await s.call('GET', `${P}/datasets/${long}`, { token: s.adminToken })).status).toBe(200);
    expect((await s.call('DELETE', `${P}/datasets/${long}`, { token: s.adminToken })).status).toBe(204);
    // SQL does not tell SELECT from select: the second broke every notebook query of the project.
    expect((await s.upload(`${P}/datasets/casey/upload`, CSV, 'x.csv')).status).toBe(201);
    const twin = await s.upload<ApiError>(`${P}/datasets/CASEY/upload`, CSV, 'x.csv');
    expect(twin.status).toBe(409);
    expect(twin.body.error.message).toBe(
      'dataset CASEY differs only in case from dataset casey: SQL does not tell them apart, choose another name',
    );
    // Three first uploads at once to a new name: one creates it, the others are its next versions.
    const racing = await Promise.all(
      [1, 2, 3].map((i) => s.upload(`${P}/datasets/racing/upload`, `x\n${i}\n`, `r${i}.csv`)),
    );
    expect(
      racing.map((r) => r.status),
      JSON.stringify(racing.map((r) => r.body)),
    ).toEqual([201, 201, 201]);
    const versions = await s.call<{ status: string }[]>('GET', `${P}/datasets/racing/versions`, {
      token: s.adminToken,
    });
    expect(versions.body.filter((v) => v.status !== 'failed')).toHaveLength(3);
  });

  it('refuses to delete a dataset that recipes use, listing them', async () => {
    const r = await s.call<ApiError>('DELETE', `${P}/datasets/by_band`, { token: s.adminToken });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/r_by_band, r_hot|r_hot, r_by_band/);
  });

  it('keeps history and reverts a recipe', async () => {
    const h = await s.call<Revision[]>('GET', `${P}/history/recipe/r_hot`, { token: reader });
    expect(h.body.map((r) => r.revision)).toEqual([2, 1]);
    const rev = await s.call<Recipe>('POST', `${P}/history/recipe/r_hot/revert`, {
      token: s.adminToken,
      body: { revision: 1 },
    });
    expect(rev.status).toBe(200);
    expect(rev.body.sql).toBe('SELECT band FROM by_band WHERE mean_trec > 40');
    const latest = (await s.call<Revision[]>('GET', `${P}/history/recipe/r_hot`, { token: reader })).body[0];
    expect(latest).toMatchObject({ revision: 3, action: 'revert' });
  });

  it('serves an OpenAPI document listing the routes', async () => {
    const r = await s.call<OpenApiDocument>('GET', '/api/openapi.json', { token: reader });
    expect(r.body.openapi).toMatch(/^3\./);
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/projects/{key}/datasets/{name}/data', '/api/projects/{key}/builds']),
    );
  });

  it('unknown routes answer 404 in the error shape', async () => {
    const r = await s.call<ApiError>('GET', '/api/nope', { token: reader });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});
