import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneRunHistory } from '../src/automation/history-retention.js';
import { listScenarioRuns } from '../src/automation/runs-service.js';
import { saveScenario } from '../src/automation/scenarios-service.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { JobStore } from '../src/flow/jobs.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { Workspace } from '../src/workspace/workspace.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { startManualScheduler, type ManualScheduler } from './support/manual-scheduler.js';

const DAY = 86_400_000;

describe.each(['sqlite', 'postgres'] as const)('run history retention, %s catalog', (catalog) => {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-history-retention-'));
  let pg: RunningPostgres | undefined;
  let ws: Workspace;
  let scheduler: ManualScheduler;

  beforeAll(async () => {
    if (catalog === 'postgres') pg = await startPostgres();
    ws = await Workspace.open(
      loadConfig({ home, catalogUrl: pg?.url, runRetentionDays: 30, adminPassword: 'admin-password-for-tests' }, {}),
    );
    await bootstrapWorkspace(ws);
    await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'OPS' });
    const csv = path.join(home, 'raw.csv');
    writeFileSync(csv, 'antenna,trec\nDA41,35.5\nDA42,36.1\n');
    await importDataset(ws, LOCAL_ADMIN, 'OPS', 'raw', { filePath: csv, fileName: 'raw.csv' });
    await saveRecipe(ws, LOCAL_ADMIN, 'OPS', {
      name: 'copy',
      type: 'sql',
      inputs: ['raw'],
      output: 'out',
      sql: 'SELECT * FROM raw',
    });
    await saveScenario(ws, LOCAL_ADMIN, 'OPS', { id: 'nightly', steps: [{ type: 'build', targets: ['out'] }] });
    await saveScenario(ws, LOCAL_ADMIN, 'OPS', { id: 'weekly', steps: [{ type: 'noop' }] });
    scheduler = await startManualScheduler(ws, Date.now());
  }, 120_000);
  afterAll(async () => {
    await scheduler?.stop();
    await ws?.close();
    await pg?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const run = async (scenario: string) => {
    const { runId } = await scheduler.automation.runManually(LOCAL_ADMIN, 'OPS', scenario);
    const done = await scheduler.automation.waitForRun('OPS', runId);
    await scheduler.tickAfter(3_600_000);
    expect(done.outcome, done.error ?? '').toBe('SUCCESS');
    return runId;
  };
  const runIds = async () =>
    [
      ...(await listScenarioRuns(ws, LOCAL_ADMIN, 'OPS', 'nightly')),
      ...(await listScenarioRuns(ws, LOCAL_ADMIN, 'OPS', 'weekly')),
    ]
      .map((r) => r.id)
      .sort((a, b) => a.localeCompare(b));
  const count = async (table: 'job_logs' | 'job_activities' | 'scenario_step_runs', column: string, ids: string[]) =>
    Number(
      (
        await ws.catalog.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where(column as never, 'in', ids as never)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('keeps everything younger than the retention, and each scenario’s last run and every job behind a readable version', async () => {
    const nightly = [await run('nightly'), await run('nightly'), await run('nightly')];
    const weekly = await run('weekly');
    const jobs = new JobStore(ws);
    const allJobs = await jobs.list('OPS');
    // The first build made out's version; the two after it found nothing stale.
    expect(allJobs).toHaveLength(3);
    const versionJob = (
      await ws.catalog.db
        .selectFrom('dataset_versions')
        .select('job_id')
        .where('project_key', '=', 'OPS')
        .where('dataset', '=', 'out')
        .executeTakeFirstOrThrow()
    ).job_id!;
    const idleJobs = allJobs.map((j) => j.id).filter((id) => id !== versionJob);
    expect(idleJobs).toHaveLength(2);
    expect(await count('job_logs', 'job_id', idleJobs)).toBeGreaterThan(0);
    expect(await count('scenario_step_runs', 'run_id', nightly)).toBe(3);

    // Young history: the scheduler's pass leaves it alone.
    await scheduler.tickAfter(2 * DAY);
    expect(await runIds()).toEqual([...nightly, weekly].sort((a, b) => a.localeCompare(b)));
    expect(await jobs.list('OPS')).toHaveLength(3);

    // 40 days on, the scheduler's periodic pass prunes (the clock is the scheduler's: runs ended by
    // it; jobs end on the wall clock, days before the clock's instant too).
    await scheduler.tickAfter(40 * DAY);
    expect(await runIds()).toEqual([nightly[2], weekly].sort((a, b) => a.localeCompare(b)));
    expect(await count('scenario_step_runs', 'run_id', nightly.slice(0, 2))).toBe(0);
    expect(await count('scenario_step_runs', 'run_id', [nightly[2]])).toBe(1);
    expect((await jobs.list('OPS')).map((j) => j.id)).toEqual([versionJob]);
    expect(await count('job_activities', 'job_id', idleJobs)).toBe(0);
    expect(await count('job_logs', 'job_id', idleJobs)).toBe(0);
    await expect(jobs.get('OPS', idleJobs[0])).rejects.toThrow(/not found|no job/i);

    // A new run is kept, and the older last run goes at the next pass once a newer one exists
    // (as does the new run's build job, which found nothing stale and ended before the cutoff).
    const fresh = await run('nightly');
    expect((await jobs.list('OPS')).map((j) => j.id)).toEqual([versionJob]);
    expect(await runIds()).toEqual([fresh, weekly].sort((a, b) => a.localeCompare(b)));
  });

  it('keeps everything when the retention is 0 days', async () => {
    const before = await runIds();
    const forever = { ...ws.config, runRetentionDays: 0 };
    expect(await pruneRunHistory({ ...ws, config: forever } as Workspace, Date.now() + 4000 * DAY)).toEqual({
      runs: 0,
      jobs: 0,
    });
    expect(await runIds()).toEqual(before);
  });
});
