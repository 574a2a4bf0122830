import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT, ensureDemo } from '../src/alma/demo.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { listDatasets } from '../src/datasets/datasets.js';
import { datasetRows } from '../src/datasets/explore.js';
import { getFlow } from '../src/flow/flow-view.js';
import { listPartitions } from '../src/flow/partitions/partitions-service.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
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
    const freq = await datasetRows(ws, LOCAL_ADMIN, DEMO_PROJECT, 'trec_change_frequencies', {
      offset: 0,
      limit: 1,
      sort: [],
      filters: [],
    });
    expect(freq.columns.map((c) => c.name)).toEqual(['antennaname', 'receiverband', 'band_low_ghz', 'band_high_ghz']);
    // A second start leaves the project alone.
    expect(await ensureDemo(ws)).toBe(false);
  });
});
