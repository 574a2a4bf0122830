import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIFT_REPORT_SCENARIO, installShiftReport } from '../src/alma/apps/shift-report/install.js';
import { CONSISTENCY_CHECKS } from '../src/alma/apps/shift-report/recipes.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { resolveSource } from '../src/datasets/datasets.js';
import { duckdbRelation } from '../src/engine/table-source.js';
import { startBuild } from '../src/flow/build.js';
import { runChecks } from '../src/quality/quality-service.js';
import { Workspace } from '../src/workspace/workspace.js';
import { startManualScheduler } from './support/manual-scheduler.js';
import { SHIFT_FIXTURE_EXPECTED as X, loadShiftFixture } from './support/shift-report-fixture.js';

/** The shift report (issue 21 §2) on a hand-made shift log, against hand-computed numbers. */
describe('the shift report on a hand-made shift log', () => {
  let ws: Workspace;
  let home: string;
  const KEY = 'SHIFTS';
  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'llano-shift-report-'));
    ws = await Workspace.open(loadConfig({ home, adminPassword: 'demo-password' }, {}));
    await bootstrapWorkspace(ws);
    await ws.catalog.projects.create(LOCAL_ADMIN, { key: KEY, name: 'Shift fixture' });
    await loadShiftFixture(ws, KEY);
    await installShiftReport(ws, KEY);
  }, 120_000);
  afterAll(async () => {
    await ws?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const rows = async (dataset: string, where = 'true', order = '1') => {
    const rel = duckdbRelation((await resolveSource(ws, KEY, dataset)).source);
    const res = await ws.duck.query(`SELECT * FROM ${rel} WHERE ${where} ORDER BY ${order}`);
    return res.rows.map((r) => Object.fromEntries(res.columns.map((c, i) => [c, r[i]]))) as Record<string, unknown>[];
  };
  const near = (actual: unknown, expected: number) => expect(Number(actual)).toBeCloseTo(expected, 6);

  it('computes every metric of one shift', async () => {
    const [a, b] = await rows('shift_report', `array_family = '12m' AND period = 'shift'`, 'period_start');
    for (const [row, want] of [
      [a, X.shiftA],
      [b, X.shiftB],
    ] as const) {
      for (const [k, v] of Object.entries(want)) near(row[k], v);
      expect(Number(row.n_shifts)).toBe(1);
    }
    // The last shift of the 12 m array is B.
    expect(b.is_latest).toBe(true);
    expect(a.is_latest).toBe(false);
  });

  it('pools two shifts of one week on summed hours, next to the mean of the shifts', async () => {
    const [week] = await rows('shift_report', `array_family = '12m' AND period = 'week'`);
    expect(week.period_label).toBe('2025-W02');
    for (const [k, v] of Object.entries(X.week)) near(week[k], v);
    // Pooled is not the mean of the per-shift rates.
    expect(Number(week.observation_efficiency_pct)).not.toBeCloseTo(
      Number(week.mean_shift_observation_efficiency_pct),
      1,
    );
    // The month and the cycle hold the same two shifts.
    const [month] = await rows('shift_report', `array_family = '12m' AND period = 'month'`);
    const [cycle] = await rows('shift_report', `array_family = '12m' AND period = 'cycle'`);
    expect([month.period_label, cycle.period_label]).toEqual(['2025-01', 'Cycle 11']);
    near(month.observation_efficiency_pct, X.week.observation_efficiency_pct);
    near(cycle.operation_efficiency_pct, X.week.operation_efficiency_pct);
  });

  it('lists the latest shift, week, month and cycle one metric a row', async () => {
    const latest = await rows('shift_report_latest', `array_family = '12m'`, 'period, metric_order');
    const get = (period: string, metric: string) =>
      latest.find((r) => r.period === period && r.metric === metric) ?? {};
    expect(new Set(latest.map((r) => r.period))).toEqual(new Set(['shift', 'week', 'month', 'cycle']));
    near(get('week', 'observation_efficiency_pct').value, 39.286);
    near(get('week', 'observation_efficiency_pct').mean_of_shifts, 41.667);
    near(get('shift', 'remaining_h').value, 0);
    near(get('cycle', 'backlog_rate_pct').value, 20);
  });

  it('lays out a shift’s timeline of EBs and gaps', async () => {
    const segs = await rows('shift_timeline', `shift_id = '12m-2025-01-06-night'`, 'start_ts, kind');
    expect(segs.map((s) => `${String(s.kind)}:${String(s.label)}`)).toEqual([
      'GAP:Handover',
      'EB:QA0 Pass',
      'EB:Calibration SUCCESS',
      'GAP:Weather downtime',
      'EB:QA0 Fail',
      'GAP:Failed execution gap',
      'EB:QA0 Pending',
      'GAP:Technical downtime',
    ]);
  });

  it('finds each inconsistency of the 7 m rows, none on the 12 m array, and fires each check', async () => {
    const findings = await rows('shift_consistency', 'true', 'check_name, shift_id');
    const count = (check: string) => findings.filter((f) => f.check_name === check).length;
    expect(findings.filter((f) => f.array_family === '12m')).toEqual([]);
    expect(count('non_activity_shift')).toBe(1);
    expect(count('overlapping_shift')).toBe(1);
    expect(count('pi_execution_in_downtime')).toBe(1);
    expect(count('downtime_not_completed')).toBe(1);
    expect(count('array_wrong_activity')).toBe(2);
    expect(count('buckets_do_not_add_up')).toBe(1);
    expect(findings.find((f) => f.check_name === 'downtime_not_completed')!.comment).toMatch(/is power cut/);
    const run = await runChecks(ws, LOCAL_ADMIN, KEY, 'shift_consistency');
    expect(run.outcome).toBe('ERROR');
    const byName = new Map(run.results.map((r) => [r.check, r]));
    for (const label of Object.values(CONSISTENCY_CHECKS)) expect(byName.get(label)?.outcome).not.toBe('OK');
    expect(byName.get('Overlapping shift')!.outcome).toBe('ERROR');
    expect(byName.get('Downtime not completed')!.outcome).toBe('WARNING');
    // The gap table: every shift-log gap and every finding, filterable by class.
    const gaps = await rows('shift_gap_table');
    expect(gaps.filter((g) => g.class === 'CHECK')).toHaveLength(findings.length);
    expect(gaps.filter((g) => g.class === 'GAP')).toHaveLength(12);
    expect(Object.keys(gaps[0])).toEqual(
      expect.arrayContaining(['class', 'type', 'tag', 'priority', 'array_family', 'comment']),
    );
  });

  it('refreshes after each shift-log load, and the ERROR checks fail the refresh', async () => {
    const s = await startManualScheduler(ws, Date.UTC(2030, 0, 1));
    try {
      await s.tickAfter(0); // arms the trigger
      // The shift-log ETL ends by rebuilding the shift metrics: a new version of them.
      const { done } = await startBuild(ws, LOCAL_ADMIN, KEY, { targets: ['shift_metrics'], mode: 'recursive' });
      expect((await done).status).toBe('succeeded');
      await s.tickAfter(1000);
      await s.tickAfter(1000);
      const runs = await s.automation.runs.list(KEY, SHIFT_REPORT_SCENARIO);
      expect(runs).toHaveLength(1);
      expect(runs[0].cause).toMatch(/^dataset shift_metrics changed/);
      expect(runs[0].outcome).toBe('FAILED');
    } finally {
      await s.stop();
    }
  });
});
