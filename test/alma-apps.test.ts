import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT, ensureDemo } from '../src/alma/demo.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { getDataset, resolveSource } from '../src/datasets/datasets.js';
import { importDataset } from '../src/datasets/import.js';
import { duckdbRelation } from '../src/engine/table-source.js';
import { startBuild } from '../src/flow/build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { trecQaRecipes } from '../src/alma/apps/trec-qa/recipes.js';
import { scoreTrecQa } from '../src/alma/apps/trec-qa/install.js';
import { Automation } from '../src/automation/automation.js';
import { importScenarioHistory } from '../src/automation/history-import.js';
import { automationMonitoring } from '../src/automation/monitoring.js';
import { getScenarioRun } from '../src/automation/runs-service.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { WEBAPP_KIND } from '../src/webapps/webapps-service.js';
import { Workspace } from '../src/workspace/workspace.js';

describe('the observatory applications in the demo', () => {
  let ws: Workspace;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'llano-alma-apps-'));
    ws = await Workspace.open(loadConfig({ home, adminPassword: 'demo-password' }, {}));
    await bootstrapWorkspace(ws);
    expect(await ensureDemo(ws, () => undefined, { days: 4 })).toBe(true);
    await scoreTrecQa(ws, DEMO_PROJECT);
  }, 300_000);
  afterAll(async () => {
    await ws.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('imports the simulated job history: the monitoring view has runs with their real durations', async () => {
    const view = await automationMonitoring(ws, LOCAL_ADMIN, {});
    const byId = new Map(view.scenarios.map((s) => [s.id, s]));
    expect(byId.size).toBeGreaterThanOrEqual(11);
    // Metadata replication every 15 minutes, 10–110 s each (simulator §5 catalogue).
    const ql = byId.get('ql_event_etl')!;
    expect(ql.runs.length).toBeGreaterThan(40);
    // Successful runs take 10–110 s; a failed one stops after 10–90 % of its planned time (≥ 1 s).
    for (const r of ql.runs) expect(r.durationMs).toBeGreaterThanOrEqual(r.outcome === 'SUCCESS' ? 10_000 : 1_000);
    expect(ql.runs.some((r) => r.outcome === 'SUCCESS')).toBe(true);
    expect(ql.averageDurationMs).toBeGreaterThan(10_000);
    expect(ql.averageDurationMs).toBeLessThan(120_000);
    expect(ql.lastDurationMs).not.toBeNull();
    expect(ql.nextFires.length).toBeGreaterThan(0);
    expect(ql.reporters.map((r) => r.channel)).toEqual(['mail', 'webhook']);
    expect(view.daily.length).toBeGreaterThan(0);
    // A day run of the ASDM ELT has one step per ingested EB, laid back to back.
    const elt = await automationMonitoring(ws, LOCAL_ADMIN, {
      from: new Date(Date.now() - 4 * 86_400_000).toISOString(),
    });
    const eltRun = elt.scenarios.find((s) => s.id === 'elt_asdm_monitoring')!.runs.at(-1)!;
    const details = await getScenarioRun(ws, LOCAL_ADMIN, DEMO_PROJECT, eltRun.id);
    expect(details.steps!.length).toBeGreaterThan(3);
    expect(details.steps![0].name).toMatch(/^asdm_ingest_osf uid:\/\//);
    const stepSum = details.steps!.reduce((a, s) => a + (s.durationMs ?? 0), 0);
    expect(stepSum).toBe(details.durationMs);
  });

  it('refuses history for a scenario that does not exist', async () => {
    await expect(
      importScenarioHistory(ws, LOCAL_ADMIN, DEMO_PROJECT, [
        { scenario: 'nope', outcome: 'SUCCESS', start: 0, end: 1, steps: [] },
      ]),
    ).rejects.toThrow(/scenario nope does not exist/);
  });

  it('a job scenario loads the next increment and rebuilds; when the staging runs dry the load warns', async () => {
    const rows = async (d: string) => (await getDataset(ws, LOCAL_ADMIN, DEMO_PROJECT, d)).rowCount ?? 0;
    const shifts = await rows('shift');
    expect(await rows('shift_metrics')).toBe(shifts);
    const automation = Automation.of(ws);
    const first = await automation.runAndWait(DEMO_PROJECT, 'shiftlog_etl', 'test');
    expect(first.outcome).toBe('SUCCESS');
    // One more day: 3 shifts for each of the 3 array families.
    expect(await rows('shift')).toBe(shifts + 9);
    expect(await rows('shift_metrics')).toBe(shifts + 9);
    const second = await automation.runAndWait(DEMO_PROJECT, 'shiftlog_etl', 'test');
    expect(second.outcome).toBe('WARNING');
    const run = await getScenarioRun(ws, LOCAL_ADMIN, DEMO_PROJECT, second.runId);
    expect(run.steps![0]).toMatchObject({ type: 'load-increment', outcome: 'WARNING' });
    expect(await rows('shift')).toBe(shifts + 9);
  });

  const query = async (project: string, sql: (rel: (d: string) => string) => Promise<string> | string) => {
    const rels = new Map<string, string>();
    const names = [
      'trec_scan_scored',
      'eb_trec_median',
      'trec_change_explained',
      'trec_qa_scores',
      'eb_trec_antenna_band',
      'trec_online_alarms',
    ];
    for (const n of names) {
      const src = await resolveSource(ws, project, n).catch(() => null);
      if (src) rels.set(n, duckdbRelation(src.source));
    }
    return (await ws.duck.query(await sql((d) => rels.get(d)!))).rows;
  };

  it('flags non-physical Trec values and keeps them out of the per-EB medians', async () => {
    const [[flagged, unflagged]] = await query(
      DEMO_PROJECT,
      (
        r,
      ) => `SELECT count(*) FILTER (WHERE non_physical), count(*) FILTER (WHERE NOT non_physical AND (trec <= 0 OR trec > 2000))
        FROM ${r('trec_scan_scored')}`,
    );
    expect(Number(flagged)).toBeGreaterThan(0);
    expect(Number(unflagged)).toBe(0);
    // Each EB median is the median of its physical values only, and counts the others.
    const [[mismatches, medianRange, counted]] = await query(
      DEMO_PROJECT,
      (r) => `WITH expect AS (
          SELECT eb_uid, antennaname, receiverband, basebandname, pol,
            median(trec) FILTER (WHERE NOT non_physical) AS m, count(*) FILTER (WHERE non_physical) AS bad
          FROM ${r('trec_scan_scored')} GROUP BY ALL)
        SELECT count(*) FILTER (WHERE e.m IS DISTINCT FROM t.trec_median OR e.bad <> t.n_non_physical),
          max(t.trec_median) <= 2000 AND min(t.trec_median) > 0, sum(t.n_non_physical)
        FROM expect e JOIN ${r('eb_trec_median')} t USING (eb_uid, antennaname, receiverband, basebandname, pol)`,
    );
    expect(Number(mismatches)).toBe(0);
    expect(medianRange).toBe(true);
    expect(Number(counted)).toBe(Number(flagged));
  });

  it('labels change points explained by a device change within ±2 EBs of the series, or unexplained', async () => {
    await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'TREC_FIX', name: 'Trec fixture' });
    const load = async (name: string, select: string) => {
      const file = ws.tempPath(`-${name}.parquet`);
      await ws.duck.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
      await importDataset(ws, LOCAL_ADMIN, 'TREC_FIX', name, { filePath: file, format: 'parquet' });
      rmSync(file, { force: true });
    };
    // One antenna and band: 20 EBs at noon, 1–20 January, stepping up by 10 % against the array
    // at the 6th, 16th and 19th EB.
    await load(
      'eb_trec_antenna_band',
      `SELECT 'DA41' AS antennaname, 'ALMA_RB_03' AS receiverband,
        TIMESTAMP '2025-01-01 12:00:00' + INTERVAL (d) DAY AS eb_start,
        0.1 * ((d >= 5)::INT + (d >= 15)::INT + (d >= 18)::INT) AS trec FROM range(20) t(d)`,
    );
    // Three steps of 35 → 38 K (log Trec) and a 1 % one, too small to report.
    await load(
      'trec_change_points',
      `SELECT 'DA41' AS antennaname, 'ALMA_RB_03' AS receiverband, CAST(ts AS TIMESTAMP) AS change_at,
        ln(before) AS mean_before, ln(after) AS mean_after
        FROM (VALUES ('2025-01-06 12:00:00', 35, 38), ('2025-01-11 12:00:00', 38, 38.4), ('2025-01-16 12:00:00', 35, 38),
          ('2025-01-19 12:00:00', 35, 38)) v(ts, before, after)`,
    );
    // EB positions: the cartridge swap is 0 EBs from the first change; the re-tune 6 before and the
    // front-end swap (antenna-wide) 3 after the second, which a pad move next to it does not explain;
    // the front-end swap is 0 EBs from the third.
    await load(
      'device_change',
      `SELECT * FROM (VALUES
        (1, 'DA41', TIMESTAMP '2025-01-05 18:00:00', 'CartridgeReplaced', 'ALMA_RB_03'),
        (2, 'DA41', TIMESTAMP '2025-01-10 00:00:00', 'SISRetune', 'ALMA_RB_03'),
        (3, 'DA41', TIMESTAMP '2025-01-16 13:00:00', 'PadMove', NULL),
        (4, 'DA41', TIMESTAMP '2025-01-19 00:00:00', 'FrontEndSwap', NULL),
        (5, 'DA42', TIMESTAMP '2025-01-16 12:00:00', 'CartridgeReplaced', 'ALMA_RB_03')
      ) v(event_id, antennaname, eventtime, change_type, receiverband)`,
    );
    const label = trecQaRecipes().find((r) => r.name === 'label_trec_changes')!;
    await saveRecipe(ws, LOCAL_ADMIN, 'TREC_FIX', label);
    const { done } = await startBuild(ws, LOCAL_ADMIN, 'TREC_FIX', { targets: [label.output], mode: 'required' });
    expect((await done).status).toBe('succeeded');
    const rows = await query(
      'TREC_FIX',
      (r) =>
        `SELECT strftime(change_at, '%d'), label, device_change, eb_distance, round(relative_magnitude, 4), round(trec_after, 1)
        FROM ${r('trec_change_explained')} ORDER BY change_at`,
    );
    expect(rows.map((x) => [x[0], x[1], x[2], Number(x[3]), x[4], x[5]])).toEqual([
      ['06', 'explained', 'CartridgeReplaced', 0, 0.0857, 38],
      ['16', 'unexplained', 'FrontEndSwap', 3, 0.0857, 38],
      ['19', 'explained', 'FrontEndSwap', 0, 0.0857, 38],
    ]);
  });

  it("declares, for viewers it is shared with, every dataset each webapp's queries read, and each exists", async () => {
    const webapps = await ws.catalog.objects.list<{ datasets?: string[] }>(DEMO_PROJECT, WEBAPP_KIND);
    expect(webapps.length).toBeGreaterThan(0);
    for (const w of webapps) {
      expect(w.body.datasets?.length, w.name).toBeGreaterThan(0);
      for (const d of w.body.datasets ?? []) expect(await getDataset(ws, LOCAL_ADMIN, DEMO_PROJECT, d)).toBeTruthy();
    }
  });

  it('the Trec early warning watches and reports Trec in kelvins (array-relative), not a log ratio', async () => {
    // The alarms dataset (made by the first run) names the watched column; its values are that column's.
    const alarmColumns = await query(
      DEMO_PROJECT,
      (r) => `SELECT column_name FROM (DESCRIBE SELECT * FROM ${r('trec_online_alarms')})`,
    );
    expect(alarmColumns.flat()).toContain('trec_k_norm');
    expect(alarmColumns.flat()).not.toContain('trec');
    // Per band: kelvins near the measured ones (same median), the antenna's ratio to the EB's array kept.
    const bands = await query(
      DEMO_PROJECT,
      (
        r,
      ) => `WITH b AS (SELECT *, median(trec_k) OVER (PARTITION BY receiverband) AS band_k FROM ${r('eb_trec_antenna_band')})
        SELECT receiverband, min(trec_k_norm) > 5 AND max(trec_k_norm) < 2000,
          abs(median(trec_k_norm) / median(trec_k) - 1) < 0.05,
          max(abs(ln(trec_k_norm / band_k) - trec)) < 1e-9
        FROM b GROUP BY receiverband ORDER BY receiverband`,
    );
    expect(bands.length).toBeGreaterThan(0);
    for (const [band, ...holds] of bands) expect([band, ...holds]).toEqual([band, true, true, true]);
  });

  it('scores the QA against the simulator truth in a dataset', async () => {
    const rows = await query(DEMO_PROJECT, (r) => `SELECT measure, precision, recall FROM ${r('trec_qa_scores')}`);
    expect(rows.map((x) => x[0])).toEqual(
      expect.arrayContaining(['outliers: scan values', 'outliers: EB medians', 'change points: steps >= 5 %']),
    );
  });
});
