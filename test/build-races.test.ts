import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginVersion, commitVersion, currentVersion } from '../src/datasets/versions.js';
import { registerPostBuildValidator } from '../src/flow/post-build.js';
import type { BuildStarted, DataPage, FlowView, Job, ListedVersion, LoginAnswer } from './support/api-types.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { api } from './support/http.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';
import { Gates } from './support/liveness.js';
import { spawnServer, stopServer, type SpawnedServer } from './support/spawn-server.js';

const P = '/api/projects/RACE';
const recipe = (sql: string) => ({ name: 'r_out', type: 'sql', inputs: ['seed'], output: 'out', sql });
/** The recipe's first SQL, the one a slow build runs, and the one that replaces it. */
const FIRST = 'SELECT sum(x) AS total FROM seed';
const OLD = 'SELECT sum(x) * 100 AS total FROM seed';
const NEW = 'SELECT sum(x) * 10 AS total FROM seed';

/** Sequence number, status and current flag of each version, newest first. */
const shape = (versions: ListedVersion[]) => versions.map((v) => [v.seq, v.status, ...(v.current ? ['current'] : [])]);

describe('a slow build that ends after newer ones (SQLite catalog, one server)', () => {
  let s: TestServer;
  /** The slow build stops in a post-build validator (its file written, not committed) until the test opens the gate. */
  const gates = new Gates();
  beforeAll(async () => {
    s = await startTestServer();
    registerPostBuildValidator(s.ws, async (_ws, output) => {
      if (output.projectKey === 'RACE') await gates.pass();
    });
    const token = s.adminToken;
    expect((await s.call('POST', '/api/projects', { token, body: { key: 'RACE' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/seed/upload`, 'x\n1\n2\n3\n', 'seed.csv')).status).toBe(201);
    expect((await s.call('POST', `${P}/recipes`, { token, body: recipe(FIRST) })).status).toBe(201);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const build = async (mode = 'required') => {
    const r = await s.call<BuildStarted>('POST', `${P}/builds`, {
      token: s.adminToken,
      body: { targets: ['out'], mode },
    });
    expect(r.status).toBe(202);
    return r.body;
  };
  const put = async (sql: string) =>
    expect((await s.call('PUT', `${P}/recipes/r_out`, { token: s.adminToken, body: recipe(sql) })).status).toBe(200);

  it('keeps the newest result current, its file on disk, and queues the newer builds behind the slow one', async () => {
    expect(await waitForJobEnd(s, 'RACE', (await build()).jobId)).toMatchObject({ status: 'succeeded' });

    await put(OLD);
    const gate = gates.next();
    const slow = await build();
    await gate.reached;
    await put(NEW);
    // Two builds of the new recipe while the slow one runs: they wait for it rather than race it.
    const fast1 = await build('only');
    const fast2 = await build('only');
    expect(fast1.waitsFor).toBe(slow.jobId);
    expect(fast2.waitsFor).toBe(slow.jobId);
    gate.open();
    for (const j of [slow, fast1, fast2])
      expect(await waitForJobEnd(s, 'RACE', j.jobId)).toMatchObject({ status: 'succeeded' });

    const versions = await s.call<ListedVersion[]>('GET', `${P}/datasets/out/versions`, { token: s.adminToken });
    expect(shape(versions.body)).toEqual([
      [4, 'ready', 'current'],
      [3, 'ready'],
      [2, 'expired'],
      [1, 'expired'],
    ]);
    const data = await s.call<DataPage>('GET', `${P}/datasets/out/data`, { token: s.adminToken });
    expect(data.status).toBe(200);
    expect(data.body.rows).toEqual([[60]]);
    const flow = await s.call<FlowView>('GET', `${P}/flow`, { token: s.adminToken });
    expect(flow.body.nodes.find((n) => n.id === 'dataset:out')?.state).toBe('built');
  });

  it('commits an older version without making it current, and never prunes the current one', async () => {
    const older = await beginVersion(s.ws, 'RACE', 'out');
    const newer = await beginVersion(s.ws, 'RACE', 'out');
    for (const v of [older, newer]) writeFileSync(v.path, 'parquet bytes');
    const result = { rowCount: 1, contentHash: null, columns: [], lineage: { source: 'upload' as const } };
    expect((await commitVersion(s.ws, newer, result)).status).toBe('ready');
    expect((await commitVersion(s.ws, older, result)).status).toBe('expired');
    expect((await currentVersion(s.ws, 'RACE', 'out'))?.id).toBe(newer.id);
    expect(existsSync(newer.path)).toBe(true);
    expect(existsSync(older.path)).toBe(false);
  });
});

describe('builds of one target on two servers (PostgreSQL catalog)', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-races-'));
  let pg: RunningPostgres | undefined;
  let a: SpawnedServer | undefined;
  let b: SpawnedServer | undefined;
  let token = '';
  beforeAll(async () => {
    pg = await startPostgres();
    const env = { LLANO_CATALOG_URL: pg.url };
    a = await spawnServer(home, env);
    b = await spawnServer(home, env);
    token = (
      await api<LoginAnswer>(a.url, null, 'POST', '/api/auth/login', {
        username: 'admin',
        password: 'admin-password-for-tests',
      })
    ).token;
  }, 300_000);
  afterAll(async () => {
    for (const s of [a, b]) if (s) await stopServer(s);
    await pg?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const build = (s: SpawnedServer, mode = 'required') =>
    api<BuildStarted>(s.url, token, 'POST', `${P}/builds`, { targets: ['out'], mode });
  const job = (s: SpawnedServer, id: string) => api<Job>(s.url, token, 'GET', `${P}/jobs/${id}`);
  const ended = async (s: SpawnedServer, id: string) => {
    await expect
      .poll(async () => (await job(s, id)).status, { timeout: 120_000, interval: 50 })
      .toMatch(/succeeded|failed|aborted/);
    return job(s, id);
  };
  const put = (s: SpawnedServer, sql: string) => api(s.url, token, 'PUT', `${P}/recipes/r_out`, recipe(sql));

  it(
    'runs one build of a target at a time: the slow one first, then the newer ones, the newest result current',
    { timeout: 300_000 },
    async () => {
      await api(a!.url, token, 'POST', '/api/projects', { key: 'RACE' });
      const form = new FormData();
      form.set('file', new Blob(['x\n1\n2\n3\n']), 'seed.csv');
      const up = await fetch(`${a!.url}${P}/datasets/seed/upload`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(up.status).toBe(201);
      await api(a!.url, token, 'POST', `${P}/recipes`, recipe(FIRST));
      expect((await ended(a!, (await build(a!)).jobId)).status).toBe('succeeded');

      // Slow (a few seconds of hashing), with the same result as OLD.
      const hashing = 'SELECT count(DISTINCT md5(CAST(i AS VARCHAR))) FROM range(3000000) t(i)';
      await put(a!, `SELECT sum(x) * 100 + 0 * (${hashing}) AS total FROM seed`);
      const slow = await build(a!);
      await expect
        .poll(async () => (await job(a!, slow.jobId)).activities?.[0]?.status, { timeout: 120_000, interval: 25 })
        .toBe('running');
      await put(b!, NEW);
      const fast1 = await build(b!, 'only');
      const fast2 = await build(a!, 'only');
      expect([fast1.waitsFor, fast2.waitsFor]).toEqual([slow.jobId, slow.jobId]);
      for (const j of [slow, fast1, fast2]) expect((await ended(b!, j.jobId)).status).toBe('succeeded');
      const versions = await api<ListedVersion[]>(b!.url, token, 'GET', `${P}/datasets/out/versions`);
      expect(shape(versions)).toEqual([
        [4, 'ready', 'current'],
        [3, 'ready'],
        [2, 'expired'],
        [1, 'expired'],
      ]);
      for (const s of [a!, b!])
        expect((await api<DataPage>(s.url, token, 'GET', `${P}/datasets/out/data`)).rows).toEqual([[60]]);

      // Three simultaneous requests on two servers: one build runs, the two queued behind it find nothing left to do.
      await put(a!, 'SELECT sum(x) * 1000 AS total FROM seed');
      const three = await Promise.all([build(a!), build(b!), build(a!)]);
      const jobs = await Promise.all(three.map((j) => ended(a!, j.jobId)));
      expect(jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect(jobs.map((j) => j.activities?.[0]?.status).sort()).toEqual(['succeeded', 'up-to-date', 'up-to-date']);
      const after = await api<ListedVersion[]>(a!.url, token, 'GET', `${P}/datasets/out/versions`);
      expect(shape(after).slice(0, 2)).toEqual([
        [5, 'ready', 'current'],
        [4, 'ready'],
      ]);
      expect((await api<DataPage>(b!.url, token, 'GET', `${P}/datasets/out/data`)).rows).toEqual([[6000]]);
    },
  );
});
