import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { startWorkspace, type StartedWorkspace } from '../src/app/start-workspace.js';
import { loadConfig } from '../src/common/config.js';
import { HOST } from '../src/workspace/process-liveness.js';
import { startManualScheduler, type ManualScheduler } from './support/manual-scheduler.js';

const T = Date.UTC(2030, 0, 1);

describe('a process of this host that dies while building', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-crash-watch-'));
  let started: StartedWorkspace;
  let scheduler: ManualScheduler;
  beforeAll(async () => {
    started = await startWorkspace(loadConfig({ home }, {}));
    await started.ws.catalog.projects.create(LOCAL_ADMIN, { key: 'WATCH' });
    scheduler = await startManualScheduler(started.ws, T);
  });
  afterAll(async () => {
    await scheduler?.stop();
    await started?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('has its job recovered by the next owner check (seconds), not the once-a-minute pass', async () => {
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    const owner = `${other.pid}-${Date.now()}`;
    const at = new Date().toISOString();
    await started.ws.catalog.db
      .insertInto('jobs')
      .values({
        id: 'job-of-other',
        project_key: 'WATCH',
        kind: 'build',
        status: 'running',
        mode: 'only',
        targets: '[]',
        created_by: 'admin',
        created_at: at,
        started_at: at,
        ended_at: null,
        error: null,
        owner,
        owner_host: HOST,
        heartbeat_at: at,
      })
      .execute();
    const status = async () =>
      (
        await started.ws.catalog.db
          .selectFrom('jobs')
          .select('status')
          .where('id', '=', 'job-of-other')
          .executeTakeFirstOrThrow()
      ).status;
    await scheduler.tickAfter(2_000);
    expect(await status()).toBe('running');
    await new Promise((resolve) => {
      other.once('exit', resolve);
      other.kill('SIGKILL');
    });
    await scheduler.tickAfter(2_000);
    expect(await status()).toBe('failed');
  });
});
