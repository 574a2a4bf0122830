import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { DataPage, Job, LoginAnswer } from './support/api-types.js';
import { api } from './support/http.js';
import { spawnServer, stopServer, type SpawnedServer } from './support/spawn-server.js';

const P = '/api/projects/PKILL';
const DAYS = 16;
const day = (i: number) => `2024-10-${String(i + 1).padStart(2, '0')}`;
const csv = 'day,v\n' + Array.from({ length: DAYS }, (_, i) => `${day(i)},${i}`).join('\n') + '\n';

describe('kill -9 in the middle of a partition backfill', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-pkill-'));
  let server: SpawnedServer | undefined;
  let token = '';
  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });
  const start = async () => {
    server = await spawnServer(home, { LLANO_BUILD_PARALLELISM: '2' });
    token = (
      await api<LoginAnswer>(server.url, null, 'POST', '/api/auth/login', {
        username: 'admin',
        password: 'admin-password-for-tests',
      })
    ).token;
  };
  const call = <T>(method: string, url: string, body?: unknown) =>
    api<T>(server!.url, token, method, `${P}${url}`, body);
  const partitions = () => call<{ id: string; state: string }[]>('GET', '/datasets/out/partitions');

  /** The catalog after a restart: nothing left running, and the partition files are exactly those the manifests list. */
  function checkCatalog(label: string): void {
    const catalog = new Database(path.join(home, 'catalog.db'), { readonly: true });
    try {
      const open = catalog
        .prepare(
          `SELECT 'job ' || id AS w FROM jobs WHERE status IN ('queued', 'running')
           UNION ALL SELECT 'version ' || id FROM dataset_versions WHERE status = 'building'
           UNION ALL SELECT 'partition ' || partition_id FROM partition_builds WHERE state = 'building'`,
        )
        .all();
      expect(open, label).toEqual([]);
      const listed = new Set(
        (
          catalog
            .prepare(
              `SELECT p.location FROM dataset_version_partitions p JOIN dataset_versions v ON v.id = p.version_id
               WHERE v.status = 'ready' AND p.dataset = 'out'`,
            )
            .all() as { location: string }[]
        ).map((r) => r.location),
      );
      const dir = path.join(home, 'data', 'PKILL', 'out', 'partitions');
      const files = existsSync(dir) ? readdirSync(dir).map((f) => path.posix.join('data/PKILL/out/partitions', f)) : [];
      expect(
        files.filter((f) => !listed.has(f)),
        `${label}: files no manifest lists`,
      ).toEqual([]);
      expect(
        [...listed].filter((f) => !files.includes(f)),
        `${label}: listed files missing`,
      ).toEqual([]);
      // The current version lists each partition once.
      const dup = catalog
        .prepare(
          `SELECT p.partition_id, count(*) AS n FROM dataset_version_partitions p
           JOIN dataset_state s ON s.current_version = p.version_id WHERE s.dataset = 'out'
           GROUP BY p.partition_id HAVING count(*) > 1`,
        )
        .all();
      expect(dup, label).toEqual([]);
    } finally {
      catalog.close();
    }
  }

  it(
    'keeps the partitions committed before the kill, fails the interrupted ones, and the rerun writes each once',
    { timeout: 600_000 },
    async () => {
      await start();
      await api(server!.url, token, 'POST', '/api/projects', { key: 'PKILL' });
      const form = new FormData();
      form.set('file', new Blob([csv]), 'seed.csv');
      const up = await fetch(`${server!.url}${P}/datasets/seed/upload`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(up.status).toBe(201);
      const byDay = { dimensions: [{ name: 'day', type: 'time', period: 'day', column: 'day' }] };
      await call('PUT', '/datasets/seed/partitioning', byDay);
      // Each partition takes a moment (hashing), so the kill lands while some are written and others committed.
      await call('POST', '/recipes', {
        name: 'r_out',
        type: 'sql',
        inputs: ['seed'],
        output: 'out',
        sql: "SELECT day, v, (SELECT count(DISTINCT md5(CAST(i AS VARCHAR))) FROM range(200000) t(i)) AS h FROM seed WHERE CAST(day AS VARCHAR) = '{{partition.day}}'",
      });
      await call('PUT', '/datasets/out/partitioning', byDay);

      for (let kill = 0; kill < 2; kill++) {
        const label = `kill ${kill}`;
        const before = (await partitions()).filter((p) => p.state === 'ready').length;
        await call('POST', '/builds', { targets: [{ dataset: 'out', partitions: 'missing' }] });
        // Wait until a few more partitions are committed, then kill in the middle of the backfill.
        await expect
          .poll(async () => (await partitions()).filter((p) => p.state === 'ready').length, {
            timeout: 120_000,
            interval: 30,
          })
          .toBeGreaterThanOrEqual(before + 3);
        await stopServer(server!, 'SIGKILL');
        await start();
        checkCatalog(label);
        const after = await partitions();
        expect(
          after.filter((p) => p.state === 'building'),
          label,
        ).toEqual([]);
        expect(after.filter((p) => p.state === 'ready').length, label).toBeGreaterThanOrEqual(before + 3);
        expect(after.filter((p) => p.state === 'ready').length, label).toBeLessThan(DAYS);
      }

      const { jobId } = await call<{ jobId: string }>('POST', '/builds', {
        targets: [{ dataset: 'out', partitions: 'missing' }],
      });
      await expect
        .poll(async () => (await call<Job>('GET', `/jobs/${jobId}`)).status, { timeout: 180_000, interval: 100 })
        .toBe('succeeded');
      checkCatalog('after the rerun');
      expect((await partitions()).every((p) => p.state === 'ready')).toBe(true);
      const data = await call<DataPage>('GET', '/datasets/out/data?limit=100&sort=day');
      expect(data.total).toBe(DAYS);
      expect(new Set(data.rows.map((r) => String(r[0]))).size).toBe(DAYS);
    },
  );
});
