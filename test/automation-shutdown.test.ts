import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHUTDOWN_GRACE_MS } from '../src/automation/automation.js';
import { loadConfig } from '../src/common/config.js';
import { Workspace } from '../src/workspace/workspace.js';
import type { RunStarted } from './support/api-types.js';
import { api } from './support/http.js';
import { startHttpReceiver, type HttpReceiver } from './support/receivers.js';
import { adminTokenOf, spawnServer, stopServer, type SpawnedServer } from './support/spawn-server.js';

/** Closing the HTTP server and the workspace after the grace; generous for a loaded machine. */
const CLOSE_MARGIN_MS = 8_000;

describe('SIGTERM while the server is flooded by runs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-auto-sigterm-'));
  const home = path.join(dir, 'ws');
  let server: SpawnedServer | undefined;
  let http: HttpReceiver;
  beforeAll(async () => {
    http = await startHttpReceiver();
  });
  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    await http?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'stops firing, aborts running and queued runs, gives reporters a bounded grace and exits; no run stays open',
    { timeout: 240_000 },
    async () => {
      server = await spawnServer(home, { LLANO_OUTBOUND_ALLOW: '127.0.0.1' });
      const token = await adminTokenOf(server);
      const call = <T>(method: string, url: string, body?: unknown) => api<T>(server!.url, token, method, url, body);
      await call('POST', '/api/projects', { key: 'FLOOD' });
      // One run at a time, the rest queued; each hangs on its step, and its failure report hangs too.
      await call('POST', '/api/projects/FLOOD/scenarios', {
        id: 'queued',
        concurrency: 'queue',
        steps: [{ type: 'http', url: `${http.url}/hang-queued` }],
        reporters: [{ on: 'failure', channel: 'webhook', url: `${http.url}/hang-report` }],
      });
      await call('POST', '/api/projects/FLOOD/scenarios', {
        id: 'parallel',
        concurrency: 'parallel',
        steps: [{ type: 'http', url: `${http.url}/hang-parallel` }],
      });
      const fire = (id: string, n: number) =>
        Promise.all(
          Array.from({ length: n }, () => call<RunStarted>('POST', `/api/projects/FLOOD/scenarios/${id}/run`)),
        );
      await fire('queued', 150);
      await fire('parallel', 10);
      await http.next('/hang-queued');
      await expect.poll(() => http.of('/hang-parallel').length, { timeout: 60_000 }).toBe(10);

      const child = server.child;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const sentAt = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      const tookMs = Date.now() - sentAt;
      server = undefined;
      expect(code).toBe(0);
      // The failure report of the aborted run hangs: the grace, not the reporter's 30 s, bounds it.
      expect(http.of('/hang-report').length).toBeGreaterThanOrEqual(1);
      expect(tookMs).toBeLessThan(SHUTDOWN_GRACE_MS + CLOSE_MARGIN_MS);
      // The queue was not worked through: one run of `queued` reached its step.
      expect(http.of('/hang-queued')).toHaveLength(1);

      const ws = await Workspace.open(loadConfig({ home }, {}));
      try {
        const db = ws.catalog.db;
        const runs = await db.selectFrom('scenario_runs').select(['scenario', 'outcome', 'error']).execute();
        expect(runs).toHaveLength(160);
        expect(runs.filter((r) => r.outcome !== 'ABORTED')).toEqual([]);
        expect(runs.filter((r) => r.error === 'The server stopped before the run started')).toHaveLength(149);
        const steps = await db.selectFrom('scenario_step_runs').select('outcome').execute();
        expect(new Set(steps.map((s) => s.outcome))).toEqual(new Set(['ABORTED']));
        const fires = await db.selectFrom('trigger_fires').select(['status', 'outcome']).execute();
        expect(fires.filter((f) => f.status !== 'ended' || f.outcome !== 'ABORTED')).toEqual([]);
      } finally {
        await ws.close();
      }
    },
  );
});
