import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import type { BuildStarted, DataPage, Job, ListedVersion, LoginAnswer } from './support/api-types.js';
import { api, parseJson } from './support/http.js';
import { spawnServer, stopServer, type SpawnedServer } from './support/spawn-server.js';

describe('kill -9 during a build', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-crash-'));
  let server: SpawnedServer | undefined;
  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  // Two server start-ups (each up to half a minute on a loaded machine) and two builds.
  it(
    'marks the job failed as interrupted after restart and keeps serving the previous version',
    { timeout: 300_000 },
    async () => {
      server = await spawnServer(home);
      const { token } = await api<LoginAnswer>(server.url, null, 'POST', '/api/auth/login', {
        username: 'admin',
        password: 'admin-password-for-tests',
      });
      await api(server.url, token, 'POST', '/api/projects', { key: 'CRASH' });
      const form = new FormData();
      form.set('file', new Blob(['x\n1\n2\n3\n']), 'seed.csv');
      const up = await fetch(`${server.url}/api/projects/CRASH/datasets/seed/upload`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(up.status).toBe(201);
      await api(server.url, token, 'POST', '/api/projects/CRASH/recipes', {
        name: 'r_out',
        type: 'sql',
        inputs: ['seed'],
        output: 'out',
        sql: 'SELECT sum(x) AS total FROM seed',
      });
      const first = await api<BuildStarted>(server.url, token, 'POST', '/api/projects/CRASH/builds', {
        targets: ['out'],
      });
      // Waits on the job, not on a count of tries: a loaded machine is slow, not wrong.
      const url = server.url;
      const jobOf = (id: string) => api<Job>(url, token, 'GET', `/api/projects/CRASH/jobs/${id}`);
      await expect
        .poll(async () => (await jobOf(first.jobId)).status, { timeout: 120_000, interval: 50 })
        .toBe('succeeded');
      expect((await api<DataPage>(server.url, token, 'GET', '/api/projects/CRASH/datasets/out/data')).rows).toEqual([
        [6],
      ]);

      // A slow query: hundreds of millions of rows hashed, long enough to be killed mid-way.
      await api(server.url, token, 'PUT', '/api/projects/CRASH/recipes/r_out', {
        name: 'r_out',
        type: 'sql',
        inputs: ['seed'],
        output: 'out',
        sql: 'SELECT count(DISTINCT md5(CAST(i AS VARCHAR))) AS total FROM range(400000000) t(i), (SELECT max(x) FROM seed) s',
      });
      const slow = await api<BuildStarted>(server.url, token, 'POST', '/api/projects/CRASH/builds', {
        targets: ['out'],
      });
      await expect
        .poll(async () => (await jobOf(slow.jobId)).activities?.[0]?.status, { timeout: 120_000, interval: 25 })
        .toBe('running');
      // A CLI opening the same workspace meanwhile must not take the live build for an interrupted one.
      const cli = await llano(['--home', home, '--json', '-p', 'CRASH', 'job', 'show', slow.jobId]);
      expect(cli.code, cli.err).toBe(0);
      expect(parseJson<Job>(cli.out).status).toBe('running');
      expect((await api<Job>(server.url, token, 'GET', `/api/projects/CRASH/jobs/${slow.jobId}`)).status).toBe(
        'running',
      );
      await stopServer(server, 'SIGKILL');

      server = await spawnServer(home);
      const token2 = (
        await api<LoginAnswer>(server.url, null, 'POST', '/api/auth/login', {
          username: 'admin',
          password: 'admin-password-for-tests',
        })
      ).token;
      const job = await api<Job>(server.url, token2, 'GET', `/api/projects/CRASH/jobs/${slow.jobId}`);
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(/Interrupted/);
      expect(job.activities?.[0].status).toBe('aborted');
      expect((await api<DataPage>(server.url, token2, 'GET', '/api/projects/CRASH/datasets/out/data')).rows).toEqual([
        [6],
      ]);
      const versions = await api<ListedVersion[]>(
        server.url,
        token2,
        'GET',
        '/api/projects/CRASH/datasets/out/versions',
      );
      expect(versions.map((v) => [v.status, v.current])).toEqual([
        ['failed', false],
        ['ready', true],
      ]);
    },
  );
});
