import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { JobStore } from '../src/flow/jobs.js';
import { Workspace } from '../src/workspace/workspace.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { parseJson } from './support/http.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './support/llano-server.js';
import { spawnServer, stopServer, type SpawnedServer } from './support/spawn-server.js';

interface Readiness {
  status: string;
  parts: { catalog: string; data: string; engine: string };
}

/** Several servers on one PostgreSQL catalog and one LLANO_HOME (issue 11). One PostgreSQL for the file. */
describe('several servers on one PostgreSQL catalog', () => {
  let pg: RunningPostgres;
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-multi-pg-'));
  const home = path.join(dir, 'home');
  const servers: SpawnedServer[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => stopServer(s)));
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'two servers starting together on an empty catalog both come up, with one admin',
    { timeout: 240_000 },
    async () => {
      // No configured password: the admin's is generated, and only its creator may print it.
      const env = { LLANO_CATALOG_URL: pg.url, LLANO_ADMIN_PASSWORD: '' };
      const started = await Promise.allSettled([spawnServer(home, env), spawnServer(home, env)]);
      for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
      for (const s of started) if (s.status === 'rejected') throw s.reason;
      for (const s of servers) expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
      const notices = servers.filter((s) => s.output().includes('First start: log in as admin'));
      expect(notices).toHaveLength(1);
      await Promise.all(servers.map((s) => stopServer(s)));
      const check = await Workspace.open(loadConfig({ home: path.join(dir, 'check'), catalogUrl: pg.url }, {}));
      try {
        const users = await check.catalog.users.list();
        expect(users.map((u) => u.username)).toEqual(['admin']);
        // The servers below log in with the tests' password.
        await check.catalog.users.setPassword('admin', ADMIN_PASSWORD);
      } finally {
        await check.close();
      }
    },
  );

  describe('two servers running', () => {
    let a: TestServer;
    let b: TestServer;
    beforeAll(async () => {
      a = await startTestServer({ catalogUrl: pg.url });
      b = await startTestServer({ catalogUrl: pg.url });
    });
    afterAll(async () => {
      await a?.stop();
      await b?.stop();
    });

    it('a client of server B follows the progress and end of a job server A runs', async () => {
      await a.call('POST', '/api/projects', { token: a.adminToken, body: { key: 'MS' } });
      // A's process records the job as its build would, one step at a time.
      const jobs = new JobStore(a.ws);
      const plan = [{ recipe: 'r_out', output: 'out', outputs: ['out'], dependsOn: [], reason: 'target' as const }];
      const jobId = await jobs.create('MS', { principal: LOCAL_ADMIN, targets: ['out'], mode: 'only', plan });

      const res = await fetch(`${b.url}/api/projects/MS/jobs/${jobId}/events`, {
        headers: { authorization: `Bearer ${b.adminToken}` },
      });
      const events: { type: string; data: Record<string, unknown> }[] = [];
      let ended = false;
      const reading = (async () => {
        const decoder = new TextDecoder();
        let text = '';
        for await (const chunk of res.body!) {
          text += decoder.decode(chunk, { stream: true });
          let cut: number;
          while ((cut = text.indexOf('\n\n')) >= 0) {
            const m = /^event: (\S+)\ndata: (.*)$/s.exec(text.slice(0, cut));
            text = text.slice(cut + 2);
            if (m) events.push({ type: m[1], data: parseJson<Record<string, unknown>>(m[2]) });
          }
        }
        ended = true;
      })();
      const seen = (type: string, data: Record<string, unknown>) =>
        expect
          .poll(() => events.some((e) => e.type === type && Object.entries(data).every(([k, v]) => e.data[k] === v)))
          .toBe(true);

      await seen('snapshot', { status: 'queued' });
      await jobs.setStatus('MS', jobId, 'running');
      await seen('job-status', { status: 'running' });
      await jobs.setActivity('MS', jobId, { index: 0, recipe: 'r_out', output: 'out', status: 'running' });
      await seen('activity', { recipe: 'r_out', status: 'running' });
      await jobs.log('MS', jobId, 'info', 'r_out: 3 rows written');
      await seen('log', { message: 'r_out: 3 rows written' });
      await jobs.setActivity('MS', jobId, { index: 0, recipe: 'r_out', output: 'out', status: 'succeeded', rows: 3 });
      await jobs.setStatus('MS', jobId, 'succeeded');
      await reading;
      expect(ended).toBe(true);
      expect(events.at(-1)).toMatchObject({ type: 'job-status', data: { status: 'succeeded' } });
      expect(events).toContainEqual({
        type: 'activity',
        data: expect.objectContaining({ status: 'succeeded', rows: 3 }) as unknown,
      });
    });

    it('/api/ready answers 503 naming the catalog while it is down; /api/health stays a liveness check', async () => {
      const ready = await a.call<Readiness>('GET', '/api/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ready', parts: { catalog: 'ok', data: 'ok', engine: 'ok' } });
      await pg.stop();
      const down = await a.call<Readiness>('GET', '/api/ready');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'unavailable', parts: { data: 'ok', engine: 'ok' } });
      expect(down.body.parts.catalog).toMatch(/^down: /);
      expect((await a.call('GET', '/api/health')).status).toBe(200);
    });
  });
});
