/**
 * Receiver-temperature QA scored against the simulator's truth, on the demo project built from
 * three seeds (BENCH_DAYS simulated days, default 90): precision and recall of outliers and
 * change points, online false alarms per antenna-year, and how long the demo took to create.
 * Targets (issue 21): outliers P ≥ 0.9, R ≥ 0.9; change points P ≥ 0.8, R ≥ 0.8; ≤ 1 false alarm
 * per antenna-year.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_PROJECT, ensureDemo } from '../src/alma/demo.js';
import { scoreTrecQa } from '../src/alma/apps/trec-qa/install.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { datasetRows } from '../src/datasets/explore.js';
import { Workspace } from '../src/workspace/workspace.js';

const days = Number(process.env.BENCH_DAYS ?? 90);
const seeds = (process.env.BENCH_SEEDS ?? '42,7,2024').split(',').map(Number);

async function rows(ws: Workspace, dataset: string): Promise<Record<string, unknown>[]> {
  const page = await datasetRows(ws, LOCAL_ADMIN, DEMO_PROJECT, dataset, {
    offset: 0,
    limit: 100,
    sort: [],
    filters: [],
  });
  const names = page.columns.map((c) => c.name);
  return page.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
}

const table: string[][] = [['seed', 'measure', 'truth', 'detected', 'right', 'found', 'precision', 'recall']];
const online: string[][] = [['seed', 'alarms', 'at events', 'false', 'antennas', 'years', 'false / antenna-year']];
const timing: string[][] = [['seed', 'demo created (s)', 'scored (s)']];
for (const seed of seeds) {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-bench-trec-'));
  const ws = await Workspace.open(loadConfig({ home, adminPassword: 'bench-password' }, {}));
  try {
    await bootstrapWorkspace(ws);
    const started = Date.now();
    await ensureDemo(ws, () => undefined, { days, seed });
    const created = Date.now();
    await scoreTrecQa(ws, DEMO_PROJECT);
    timing.push([String(seed), ((created - started) / 1000).toFixed(1), ((Date.now() - created) / 1000).toFixed(1)]);
    for (const r of await rows(ws, 'trec_qa_scores'))
      table.push([
        String(seed),
        ...['measure', 'truth', 'detected', 'right_detections', 'found', 'precision', 'recall'].map((k) =>
          String(r[k]),
        ),
      ]);
    for (const r of await rows(ws, 'trec_online_scores'))
      online.push([
        String(seed),
        ...['alarms', 'alarms_at_events', 'false_alarms', 'antennas', 'years', 'false_alarms_per_antenna_year'].map(
          (k) => String(r[k]),
        ),
      ]);
  } finally {
    await ws.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const print = (t: string[][]) => {
  const widths = t[0].map((_, i) => Math.max(...t.map((r) => r[i].length)));
  for (const r of t) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
  console.log();
};
console.log(`Trec QA against the simulator's truth, ${days} days per seed (loaded machine: 2 cores shared)\n`);
print(table);
print(online);
print(timing);
