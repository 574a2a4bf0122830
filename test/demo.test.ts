import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT, ensureDemo } from '../src/alma/demo.js';
import { codeLanguagesFound } from '../src/alma/demo-code.js';
import { DEMO_NOTEBOOK } from '../src/alma/demo-notebook.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { listDatasets, listDatasetVersions } from '../src/datasets/datasets.js';
import { datasetRows } from '../src/datasets/explore.js';
import { getFlow } from '../src/flow/flow-view.js';
import { listPartitions } from '../src/flow/partitions/partitions-service.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { getNotebook } from '../src/notebooks/notebooks-service.js';
import { runNotebookCell } from '../src/notebooks/run-cells.js';
import { Workspace } from '../src/workspace/workspace.js';

describe('the demo project', () => {
  let ws: Workspace;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'llano-demo-'));
    ws = await Workspace.open(loadConfig({ home, adminPassword: 'demo-password' }, {}));
    await bootstrapWorkspace(ws);
  });
  afterAll(async () => {
    await ws.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('loads simulated observatory tables and builds its flow once', async () => {
    const lines: string[] = [];
    expect(await ensureDemo(ws, (l) => lines.push(l), { days: 4 })).toBe(true);
    expect(lines.at(-1)).toMatch(/Demo project ready .* \(build succeeded\)/);
    expect(lines.at(-1)).toMatch(/, [1-9]\d* dashboards,/);
    const datasets = await listDatasets(ws, LOCAL_ADMIN, DEMO_PROJECT);
    const names = datasets.map((d) => d.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'shift',
        'gap',
        'execution',
        'trec_measurement',
        'device_change',
        'shift_metrics',
        'eb_trec_median',
      ]),
    );
    expect(datasets.find((d) => d.name === 'trec_measurement')!.rowCount).toBeGreaterThan(1000);
    // 3 array families × 3 shifts a day × 4 days.
    expect(datasets.find((d) => d.name === 'shift_metrics')!.rowCount).toBe(36);
    const flow = await getFlow(ws, LOCAL_ADMIN, DEMO_PROJECT);
    expect(
      flow.nodes
        .filter((n) => n.kind === 'dataset' && ['shift_metrics', 'eb_trec_median'].includes(n.name))
        .map((n) => n.state),
    ).toEqual(['built', 'built']);
    const page = await datasetRows(ws, LOCAL_ADMIN, DEMO_PROJECT, 'shift_metrics', {
      offset: 0,
      limit: 5,
      sort: [],
      filters: [],
    });
    expect(page.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining(['shift_id', 'observation_efficiency_with_cal_pct']),
    );
    // The platform showcase: day partitions built one by one, a split's two outputs, a
    // TypeScript recipe importing the project library.
    const parts = await listPartitions(ws, LOCAL_ADMIN, DEMO_PROJECT, 'trec_daily');
    expect(parts.length).toBeGreaterThanOrEqual(4);
    expect(new Set(parts.map((p) => p.state))).toEqual(new Set(['ready']));
    const after = await listDatasets(ws, LOCAL_ADMIN, DEMO_PROJECT);
    const count = (name: string) => after.find((d) => d.name === name)?.rowCount;
    expect([count('shift_metrics_12m'), count('shift_metrics_aca')]).toEqual([12, 24]);
    expect(count('trec_change_points')).toBeGreaterThan(0);
    expect(count('trec_change_frequencies')).toBe(count('trec_change_points'));
    const rowsOf = (name: string) =>
      datasetRows(ws, LOCAL_ADMIN, DEMO_PROJECT, name, { offset: 0, limit: 100, sort: [], filters: [] });
    const freq = await datasetRows(ws, LOCAL_ADMIN, DEMO_PROJECT, 'trec_change_frequencies', {
      offset: 0,
      limit: 1,
      sort: [],
      filters: [],
    });
    expect(freq.columns.map((c) => c.name)).toEqual(['antennaname', 'receiverband', 'band_low_ghz', 'band_high_ghz']);
    // The code beyond TypeScript: a Python recipe importing the library receiver_bands.py (with
    // its environment recorded), an R recipe and the trend test of receiver QA, all built.
    expect(lines).not.toContainEqual(expect.stringMatching(/not found/));
    expect(count('band_usage')).toBeGreaterThan(0);
    const usage = await rowsOf('band_usage');
    expect(usage.columns.map((c) => c.name)).toEqual([
      'receiverband',
      'band_low_ghz',
      'band_high_ghz',
      'science_ebs',
      'hours_on_sky',
      'qa0_pass_pct',
    ]);
    // Band 7's range comes from the Python library file, the same table as the TypeScript one's.
    expect(usage.rows.find((r) => r[0] === 'ALMA_RB_07')?.slice(1, 3)).toEqual([275, 373]);
    const [version] = await listDatasetVersions(ws, LOCAL_ADMIN, DEMO_PROJECT, 'band_usage');
    const lineage = version.lineage as { environment?: { name?: string; packages?: Record<string, unknown> } };
    expect(lineage.environment?.name).toBe('alma_python');
    expect(Object.keys(lineage.environment?.packages ?? {})).toEqual(['pandas', 'numpy']);
    // 3 array families × the ISO weeks of 4 days (one or two), each with its interval.
    const weekly = await rowsOf('weekly_efficiency');
    expect(weekly.columns.map((c) => c.name)).toEqual([
      'array_family',
      'week',
      'shifts',
      'efficiency_pct',
      'ci_low_pct',
      'ci_high_pct',
    ]);
    expect(weekly.total).toBeGreaterThanOrEqual(3);
    for (const [, , , mean, low, high] of weekly.rows as number[][]) {
      expect(low).toBeLessThanOrEqual(mean);
      expect(high).toBeGreaterThanOrEqual(mean);
    }
    const trends = await rowsOf('trec_trends');
    expect(trends.total).toBeGreaterThan(0);
    expect(trends.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['slope', 'mk_p_value', 'trend']));
    // The notebook: one cell of each kind, each code cell running on the demo's datasets.
    const notebook = await getNotebook(ws, LOCAL_ADMIN, DEMO_PROJECT, DEMO_NOTEBOOK);
    expect(notebook.cells.map((c) => c.type)).toEqual(['markdown', 'sql', 'python', 'typescript', 'markdown']);
    const outputsOf = async (index: number) =>
      (await runNotebookCell(ws, LOCAL_ADMIN, DEMO_PROJECT, DEMO_NOTEBOOK, index, {})).outputs;
    const [bands] = await outputsOf(1);
    expect(bands).toMatchObject({ type: 'table' });
    expect((bands as { columns: { name: string }[] }).columns.map((c) => c.name)).toContain('warming');
    const [changes] = await outputsOf(2);
    expect(changes).toMatchObject({ type: 'table' });
    expect((changes as { columns: { name: string }[] }).columns.map((c) => c.name)).toContain('ghz');
    const [line] = await outputsOf(3);
    expect(line).toMatchObject({ type: 'chart', option: { series: [{ type: 'line' }] } });
    // A second start leaves the project alone.
    expect(await ensureDemo(ws)).toBe(false);
  }, 120_000);

  it('leaves the Python and R recipes out, with a log line each, on a machine without them', async () => {
    const bare = await Workspace.open(
      loadConfig({ home: path.join(home, 'bare'), adminPassword: 'demo-password', python: '/nonexistent/python3' }, {}),
    );
    try {
      await bootstrapWorkspace(bare);
      expect((await codeLanguagesFound(bare)).python).toBe(false);
      const lines: string[] = [];
      // As on a machine with neither interpreter: the demo starts, its build succeeds without those recipes.
      expect(await ensureDemo(bare, (l) => lines.push(l), { days: 2, languages: { python: false, r: false } })).toBe(
        true,
      );
      expect(lines.slice(1)).toEqual([
        "Python not found (/nonexistent/python3): the demo's Python recipe is left out",
        "R not found (Rscript on the PATH): the demo's R recipe is left out",
        expect.stringMatching(/^Demo project ready .*, [1-9]\d* dashboards, .* \(build succeeded\)$/),
      ]);
      const recipes = (await bare.catalog.objects.list(DEMO_PROJECT, 'recipe')).map((r) => r.name);
      expect(recipes).toContain('test_trec_trends');
      expect(recipes).not.toContain('summarise_band_usage');
      expect(recipes).not.toContain('weekly_efficiency_interval');
    } finally {
      await bare.close();
    }
  });
});
