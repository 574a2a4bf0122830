import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { DataPage, Job, LoginAnswer } from './support/api-types.js';
import { api } from './support/http.js';
import { spawnServer, stopServer, type SpawnedServer } from './support/spawn-server.js';

const P = '/api/projects/KILL';
const KILLS = 20;
/** Seeded, so every run kills at the same points (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const csv = (rows: number) => 'x\n' + Array.from({ length: rows }, (_, i) => i % 97).join('\n') + '\n';
/** Every file under `dir`, relative to `home`. */
function filesUnder(home: string, dir: string): string[] {
  const abs = path.join(home, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(path.join(home, f)).isFile());
}

describe('kill -9 at 20 seeded points during uploads, builds and scenario runs', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-kill9-'));
  let server: SpawnedServer | undefined;
  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  it(
    'after each restart: every dataset readable (old or new rows), nothing left running, no unreferenced file',
    { timeout: 600_000 },
    async () => {
      const rand = random(20261205);
      let token = '';
      const start = async () => {
        server = await spawnServer(home);
        token = (
          await api<LoginAnswer>(server.url, null, 'POST', '/api/auth/login', {
            username: 'admin',
            password: 'admin-password-for-tests',
          })
        ).token;
      };
      const upload = (rows: number) => {
        const form = new FormData();
        form.set('file', new Blob([csv(rows)]), 'seed.csv');
        return fetch(`${server!.url}${P}/datasets/seed/upload`, {
          method: 'POST',
          body: form,
          headers: { authorization: `Bearer ${token}` },
        });
      };
      const rowsOf = async (dataset: string) =>
        (await api<DataPage>(server!.url, token, 'GET', `${P}/datasets/${dataset}/data?limit=1`)).total;

      await start();
      await api(server!.url, token, 'POST', '/api/projects', { key: 'KILL' });
      expect((await upload(1000)).status).toBe(201);
      // A build takes a moment (hashing), so kills land before, during and after its commit.
      await api(server!.url, token, 'POST', `${P}/recipes`, {
        name: 'r_out',
        type: 'sql',
        inputs: ['seed'],
        output: 'out',
        sql: 'SELECT count(*) AS n, (SELECT count(DISTINCT md5(CAST(i AS VARCHAR))) FROM range(1000000) t(i)) AS h FROM seed',
      });
      await api(server!.url, token, 'POST', `${P}/scenarios`, {
        id: 'refresh',
        triggers: [{ type: 'manual' }],
        steps: [{ type: 'build', targets: ['out'], mode: 'only' }],
      });
      const first = await api<{ jobId: string }>(server!.url, token, 'POST', `${P}/builds`, { targets: ['out'] });
      await expect
        .poll(async () => (await api<Job>(server!.url, token, 'GET', `${P}/jobs/${first.jobId}`)).status, {
          timeout: 120_000,
          interval: 50,
        })
        .toBe('succeeded');
      let seedRows = 1000;

      for (let kill = 0; kill < KILLS; kill++) {
        const what = Math.floor(rand() * 3);
        const newRows = 1000 + Math.floor(rand() * 200_000);
        const delayMs = Math.floor(rand() * 1500);
        // The server may be killed before it answers: each request's failure is expected, not a test error.
        const ignore = () => undefined;
        if (what === 0) void upload(newRows).catch(ignore);
        else if (what === 1)
          void api(server!.url, token, 'POST', `${P}/builds`, { targets: ['out'], mode: 'only' }).catch(ignore);
        else void api(server!.url, token, 'POST', `${P}/scenarios/refresh/run`).catch(ignore);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        await stopServer(server!, 'SIGKILL');
        await start();

        const label = `kill ${kill} (${['upload', 'build', 'scenario'][what]} after ${delayMs} ms)`;
        const rows = await rowsOf('seed');
        expect([seedRows, what === 0 ? newRows : seedRows], label).toContain(rows);
        seedRows = rows;
        expect(await rowsOf('out'), label).toBe(1);

        const catalog = new Database(path.join(home, 'catalog.db'), { readonly: true });
        try {
          const open = catalog
            .prepare(
              `SELECT 'job ' || id AS w FROM jobs WHERE status IN ('queued', 'running')
             UNION ALL SELECT 'run ' || id FROM scenario_runs WHERE outcome IN ('QUEUED', 'RUNNING')
             UNION ALL SELECT 'version ' || id FROM dataset_versions WHERE status = 'building'`,
            )
            .all();
          expect(open, label).toEqual([]);
          const referenced = new Set(
            (
              catalog.prepare(`SELECT location FROM dataset_versions WHERE status = 'ready'`).all() as {
                location: string;
              }[]
            ).map((v) => path.normalize(v.location)),
          );
          const stray = [...filesUnder(home, 'data'), ...filesUnder(home, 'tmp')].filter((f) => !referenced.has(f));
          expect(stray, label).toEqual([]);
        } finally {
          catalog.close();
        }
      }
    },
  );
});
