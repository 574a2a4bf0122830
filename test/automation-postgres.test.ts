import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScenario } from '../src/automation/scenarios-service.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { Workspace } from '../src/workspace/workspace.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { startManualScheduler } from './support/manual-scheduler.js';
import { spawnSchedulerProcess, type SchedulerProcess } from './support/scheduler-process.js';

const MINUTE = 60_000;

describe('two scheduler processes on one PostgreSQL catalog', () => {
  let pg: RunningPostgres;
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-auto-pg-'));
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fires every due instant exactly once', { timeout: 240_000 }, async () => {
    const ws = await Workspace.open(
      loadConfig({ home: path.join(dir, 'setup'), catalogUrl: pg.url, adminPassword: 'admin-password-for-tests' }, {}),
    );
    try {
      await bootstrapWorkspace(ws);
      await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'PG' });
      await saveScenario(ws, LOCAL_ADMIN, 'PG', {
        id: 'every_minute',
        triggers: [{ type: 'time', everyMinutes: 1 }],
        steps: [{ type: 'noop' }, { type: 'noop' }],
      });
    } finally {
      await ws.close();
    }

    // Both children's clocks start half a minute past a minute, after the scenario was saved, and
    // move only when this test says: each step waits until both have handled it, however slow.
    const origin = Math.ceil(Date.now() / MINUTE) * MINUTE + 30_000;
    const [a, b] = await Promise.all([
      spawnSchedulerProcess(pg.url, path.join(dir, 'a'), origin),
      spawnSchedulerProcess(pg.url, path.join(dir, 'b'), origin),
    ]);
    // Both at once (a real race on the claim), or one after the other (the second finds the instant
    // taken), by single minutes, less, or several at once.
    const steps: { ms: number; first?: SchedulerProcess }[] = [
      { ms: 30_000 },
      { ms: MINUTE, first: a },
      { ms: MINUTE, first: b },
      { ms: MINUTE },
      { ms: 150_000 },
      { ms: 20_000, first: b },
      { ms: 3 * MINUTE, first: a },
      { ms: 40_000 },
      { ms: MINUTE },
      { ms: MINUTE, first: b },
    ];
    let end = origin;
    try {
      for (const step of steps) {
        end += step.ms;
        if (step.first) {
          expect((await step.first.advance(step.ms)).now).toBe(end);
          expect((await (step.first === a ? b : a).advance(step.ms)).now).toBe(end);
        } else {
          const reports = await Promise.all([a.advance(step.ms), b.advance(step.ms)]);
          expect(reports.map((r) => r.now)).toEqual([end, end]);
        }
      }
      await Promise.all([a.stop(), b.stop()]);
    } finally {
      a.kill();
      b.kill();
    }

    const expected: string[] = [];
    for (let t = Math.ceil(origin / MINUTE) * MINUTE; t <= end; t += MINUTE) expected.push(new Date(t).toISOString());
    expect(expected).toHaveLength(12);
    const check = await Workspace.open(loadConfig({ home: path.join(dir, 'check'), catalogUrl: pg.url }, {}));
    try {
      const runs = await check.catalog.db
        .selectFrom('scenario_runs')
        .select(['cause', 'outcome', 'owner'])
        .where('scenario', '=', 'every_minute')
        .execute();
      // Every minute the clocks passed, once: none lost, none doubled.
      expect(runs.map((r) => r.cause.replace('every 1 min: ', '')).sort()).toEqual(expected);
      expect(runs.every((r) => r.outcome === 'SUCCESS')).toBe(true);
      const fires = await check.catalog.db
        .selectFrom('trigger_fires')
        .select(['instant', 'owner'])
        .where('scenario', '=', 'every_minute')
        .execute();
      expect(fires.map((f) => f.instant).sort()).toEqual(expected);
      // Each child was first at some step, so each won some instants.
      expect(new Set(fires.map((f) => f.owner))).toEqual(new Set([a.processId, b.processId]));
    } finally {
      await check.close();
    }
  });

  it('fires dataset-changed once for a version committed by another process', async () => {
    const open = async (name: string) => {
      const ws = await Workspace.open(
        loadConfig({ home: path.join(dir, name), catalogUrl: pg.url, adminPassword: 'admin-password-for-tests' }, {}),
      );
      await bootstrapWorkspace(ws);
      return ws;
    };
    // Two servers on one catalog, in this process: each its own workspace, scheduler and clock.
    const a = await open('server-a');
    const b = await open('server-b');
    expect(a.processId).not.toBe(b.processId);
    const csv = path.join(dir, 'feed.csv');
    const importFeed = async (rows: number) => {
      writeFileSync(csv, 'antenna,trec\n' + Array.from({ length: rows }, (_, i) => `DA${41 + i},${30 + i}\n`).join(''));
      return importDataset(b, LOCAL_ADMIN, 'DS', 'feed', { filePath: csv, fileName: 'feed.csv' });
    };
    const at = Date.UTC(2030, 0, 1);
    const schedulerA = await startManualScheduler(a, at);
    let schedulerB = await startManualScheduler(b, at);
    try {
      await a.catalog.projects.create(LOCAL_ADMIN, { key: 'DS' });
      await importFeed(1); // exists before the trigger: history, not news
      await schedulerB.scheduler.idle(); // B's scheduler has handled its event before the scenario exists
      await saveScenario(a, LOCAL_ADMIN, 'DS', {
        id: 'on_feed',
        triggers: [{ type: 'dataset-changed', datasets: ['feed'] }],
        steps: [{ type: 'noop' }],
      });
      const runs = () =>
        a.catalog.db
          .selectFrom('scenario_runs')
          .select(['cause', 'outcome', 'owner'])
          .where('scenario', '=', 'on_feed')
          .orderBy('created_at')
          .execute();
      const tickBoth = async () => {
        await schedulerA.tickAfter(2000);
        await schedulerB.tickAfter(2000);
      };
      await tickBoth();
      expect(await runs()).toHaveLength(0);

      // B commits a version and has a scheduler: its own event and A's poll both try; one fires.
      await importFeed(2);
      await schedulerB.scheduler.idle();
      await tickBoth();
      await tickBoth();
      let fired = await runs();
      expect(fired).toHaveLength(1);
      expect(fired[0].cause).toMatch(/^dataset feed changed \(version /);

      // B stops its scheduler (a worker, a CLI import): only A's poll sees the version, and fires it once.
      await schedulerB.stop();
      await importFeed(3);
      await schedulerA.tickAfter(1000); // the poll period (2 s) has not passed yet
      expect(await runs()).toHaveLength(1);
      await schedulerA.tickAfter(1000);
      await schedulerA.tickAfter(2000);
      fired = await runs();
      expect(fired).toHaveLength(2);
      expect(fired[1]).toMatchObject({ outcome: 'SUCCESS', owner: a.processId });
      const fires = await a.catalog.db
        .selectFrom('trigger_fires')
        .select(['instant', 'owner'])
        .where('scenario', '=', 'on_feed')
        .execute();
      expect(fires).toHaveLength(2);
      expect(fires.every((f) => f.instant.startsWith('version:'))).toBe(true);

      // A restarted scheduler starts from the latest version: nothing fires twice.
      schedulerB = await startManualScheduler(b, at + 60_000);
      await tickBoth();
      expect(await runs()).toHaveLength(2);
    } finally {
      await schedulerA.stop();
      await schedulerB.stop();
      await a.close();
      await b.close();
    }
  });
});
