import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/common/config.js';
import { Workspace } from '../src/workspace/workspace.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { spawnServer, stopServer, type SpawnedServer } from './support/spawn-server.js';

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
      const check = await Workspace.open(loadConfig({ home: path.join(dir, 'check'), catalogUrl: pg.url }, {}));
      try {
        const users = await check.catalog.users.list();
        expect(users.map((u) => u.username)).toEqual(['admin']);
      } finally {
        await check.close();
      }
    },
  );
});
