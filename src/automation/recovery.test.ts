import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMIN } from '../catalog/access.js';
import { loadConfig } from '../common/config.js';
import { Workspace } from '../workspace/workspace.js';
import { recoverInterruptedRuns } from './recovery.js';

const LONG_AGO = '2020-01-01T00:00:00.000Z';

describe('recovery of scenario runs left by a process that is gone', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-run-recovery-'));
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.open(loadConfig({ home }, {}));
    await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'OPS' });
  });
  afterAll(async () => {
    await ws.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('fails a silent run of another host as interrupted and counts it as project activity', async () => {
    await ws.catalog.db
      .insertInto('scenario_runs')
      .values({
        id: 'run-1',
        project_key: 'OPS',
        scenario: 'nightly',
        trigger_type: 'manual',
        trigger_key: null,
        cause: 'manual by admin',
        outcome: 'RUNNING',
        created_at: LONG_AGO,
        started_at: LONG_AGO,
        ended_at: null,
        duration_ms: null,
        error: null,
        run_as: 'admin',
        owner: '4242-1',
        owner_host: 'another-host',
        heartbeat_at: LONG_AGO,
        abort_requested: 0,
      })
      .execute();
    await ws.catalog.db.updateTable('projects').set({ updated_at: LONG_AGO }).where('key', '=', 'OPS').execute();

    expect(await recoverInterruptedRuns(ws)).toBe(1);
    const run = await ws.catalog.db
      .selectFrom('scenario_runs')
      .select(['outcome', 'error'])
      .where('id', '=', 'run-1')
      .executeTakeFirstOrThrow();
    expect(run).toEqual({ outcome: 'FAILED', error: 'Interrupted: the server stopped while this run was going' });
    const project = await ws.catalog.db
      .selectFrom('projects')
      .select('updated_at')
      .where('key', '=', 'OPS')
      .executeTakeFirstOrThrow();
    expect(project.updated_at > LONG_AGO).toBe(true);
    // Recovering again changes nothing.
    expect(await recoverInterruptedRuns(ws)).toBe(0);
  });
});
