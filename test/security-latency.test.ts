import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

/** A query that never ends on its own: it counts an endless recursive sequence. */
const RUNAWAY = 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM t) SELECT count(*) FROM t';

/** Starts a preview whose client gives up after `abandonAfterMs` (as a browser tab closed mid-query would). */
function abandonedPreview(s: TestServer, token: string, abandonAfterMs: number): Promise<void> {
  return preview(s, token, RUNAWAY, abandonAfterMs).then(
    () => undefined,
    () => undefined,
  );
}

/** A preview of `sql` over `temps` (given up after `abandonAfterMs` if set); resolves to status and body. */
async function preview(
  s: TestServer,
  token: string,
  sql: string,
  abandonAfterMs?: number,
): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  const controller = new AbortController();
  const timer = abandonAfterMs === undefined ? undefined : setTimeout(() => controller.abort(), abandonAfterMs);
  return fetch(s.url + '/api/projects/DOS/recipes/preview', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: ['temps'], sql }),
    signal: controller.signal,
  })
    .then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string; message: string } } }))
    .finally(() => clearTimeout(timer));
}

/** A server with project DOS, dataset temps and readers mallory and alice. */
async function serverWithReaders(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(overrides);
  await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'DOS' } });
  const csv = 'antenna,trec\n' + Array.from({ length: 50 }, (_, i) => `DA${40 + (i % 5)},${20 + i}`).join('\n') + '\n';
  expect((await s.upload('/api/projects/DOS/datasets/temps/upload', csv, 'temps.csv')).status).toBe(201);
  for (const u of ['mallory', 'alice']) {
    await s.call('POST', '/api/users', { token: s.adminToken, body: { username: u, password: 'password-' + u } });
    await s.call('PUT', `/api/projects/DOS/members/${u}`, { token: s.adminToken, body: { role: 'reader' } });
  }
  return s;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

describe('runaway queries of one reader', () => {
  let s: TestServer;
  let readerToken: string;
  beforeAll(async () => {
    // Two user queries at once, as on a 2-CPU machine, whatever this one has.
    s = await serverWithReaders({ maxUserQueries: 2 });
    readerToken = await s.login('mallory', 'password-mallory');
  });
  afterAll(async () => {
    s?.app.server.closeAllConnections();
    await s?.stop();
  });

  it('never stall logins and data reads of other users', async () => {
    const baseline = await timed(() => s.login('alice', 'password-alice'));
    console.log(`login without runaways ${baseline.ms.toFixed(0)} ms`);
    const runaways = Array.from({ length: 4 }, () => abandonedPreview(s, readerToken, 3000));
    // Let the runaways get going (and their clients go away) before measuring.
    await new Promise((r) => setTimeout(r, 1000));
    const login = await timed(() => s.login('alice', 'password-alice'));
    const read = await timed(() => s.call('GET', '/api/projects/DOS/datasets/temps/data', { token: login.value }));
    expect(read.value.status).toBe(200);
    await Promise.all(runaways);
    const later = await timed(() => s.call('GET', '/api/projects/DOS/datasets/temps/data', { token: login.value }));
    console.log(
      `login ${login.ms.toFixed(0)} ms, read ${read.ms.toFixed(0)} ms, read after abandon ${later.ms.toFixed(0)} ms`,
    );
    // A login hashes a password (argon2), slow on a loaded machine even when idle: the bound allows for that.
    expect(login.ms).toBeLessThan(Math.max(2000, 3 * baseline.ms));
    expect(read.ms).toBeLessThan(2000);
    expect(later.ms).toBeLessThan(2000);
  }, 120_000);

  it('never take every place of user queries: another user’s preview runs while they do', async () => {
    const client = new AbortController();
    let runawaysEnded = false;
    // Three runaways: before, two ran and the third queued ahead of everyone else until the first two timed out.
    const runaways = Promise.all(
      Array.from({ length: 3 }, () =>
        fetch(s.url + '/api/projects/DOS/recipes/preview', {
          method: 'POST',
          headers: { authorization: `Bearer ${readerToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: ['temps'], sql: RUNAWAY }),
          signal: client.signal,
        }).catch(() => undefined),
      ),
    ).then(() => (runawaysEnded = true));
    await new Promise((r) => setTimeout(r, 500));
    const alice = await s.login('alice', 'password-alice');
    const mine = await preview(s, alice, 'SELECT count(*) AS n FROM temps');
    expect(mine.status).toBe(200);
    expect(runawaysEnded).toBe(false);
    client.abort();
    await runaways;
  }, 120_000);
});

describe('a query beyond its limits', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await serverWithReaders({ queryTimeoutSeconds: 1, maxUserQueries: 1, buildTimeoutSeconds: 1 });
    token = await s.login('mallory', 'password-mallory');
  });
  afterAll(async () => {
    // The abandoned request's connection would otherwise hold app.close() until Fastify's keep-alive timeout (72 s).
    s?.app.server.closeAllConnections();
    await s?.stop();
  });

  it('is stopped at LLANO_QUERY_TIMEOUT_SECONDS with an error naming the setting', async () => {
    const r = await timed(() => preview(s, token, RUNAWAY));
    expect(r.value.status).toBe(408);
    expect(r.value.body.error?.code).toBe('query_timeout');
    expect(r.value.body.error?.message).toMatch(/LLANO_QUERY_TIMEOUT_SECONDS/);
    expect(r.ms).toBeLessThan(5000);
  });

  it('in a build is stopped at LLANO_BUILD_TIMEOUT_SECONDS', async () => {
    const recipe = { name: 'r_endless', type: 'sql', inputs: ['temps'], output: 'endless', sql: RUNAWAY };
    expect((await s.call('POST', '/api/projects/DOS/recipes', { token: s.adminToken, body: recipe })).status).toBe(201);
    const b = await s.call<{ jobId: string }>('POST', '/api/projects/DOS/builds', {
      token: s.adminToken,
      body: { targets: ['endless'], mode: 'required' },
    });
    const job = await waitForJobEnd(s, 'DOS', b.body.jobId, s.adminToken, 60_000);
    expect(job.status).toBe('failed');
    expect(JSON.stringify(job)).toMatch(/LLANO_BUILD_TIMEOUT_SECONDS/);
  });

  it('is interrupted when its client goes away, freeing its place for the next query', async () => {
    s.ws.config.queryTimeoutSeconds = 600;
    try {
      await abandonedPreview(s, token, 1500);
      // With one user query at a time, this one only runs once the abandoned one has stopped.
      const next = await timed(() => preview(s, token, 'SELECT count(*) AS n FROM temps'));
      expect(next.value.status).toBe(200);
      expect(next.ms).toBeLessThan(2000);
    } finally {
      s.ws.config.queryTimeoutSeconds = 1;
    }
  });
});
