/**
 * The analysis recipe types (changepoints, outliers, trend) on every Trec series of the
 * simulator, built the way users build them: a recipe saved in a project and a flow build of its
 * output (read from Parquet, computed per series, written back to Parquet). Reference in the
 * same run on the same input: SQL recipes that read the same rows and write as much (a per-series
 * aggregate; a copy of every row). Medians of BENCH_RUNS rounds (default 3), wall and CPU time
 * (CPU of all threads: DuckDB's and the analysis workers'), the target beside.
 * The simulation (BENCH_DAYS, default 365: a year, 2,348 series, 5.3 M Trec rows, ~20 s) is
 * cached in a temporary folder keyed by its options between runs. Issue 13's size, 4,224 series ×
 * ~4,000 points ≈ 16.9 M rows, is BENCH_DAYS=1164 (~2,360 series, 16.9 M rows; rows grow ~14,500
 * a day, series barely: the simulator's series are longer than the issue's, ~150–18,000 points);
 * BENCH_DAYS=1385 gives 19.9 M rows.
 * Run: `npm run bench analytics-recipes` (BENCH_CASES=trend,outliers for some cases only).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { simulate } from '../src/alma/simulator/index.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { startBuild } from '../src/flow/build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { Workspace } from '../src/workspace/workspace.js';

const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const SERIES = ['antennaname', 'receiverband', 'basebandname'];

const cache = path.join(tmpdir(), `llano-bench-analytics-recipes-${DAYS}d-seed42`);
const trecFile = path.join(cache, 'trec_measurement.parquet');
if (!existsSync(trecFile)) {
  const t0 = performance.now();
  await simulate({ days: DAYS, seed: 42, out: cache, format: 'parquet' });
  console.log(`Simulated ${DAYS} days in ${((performance.now() - t0) / 1000).toFixed(0)} s (cached in ${cache})\n`);
}

const home = mkdtempSync(path.join(tmpdir(), 'llano-bench-arecipes-'));
const ws = await Workspace.open(loadConfig({ home, adminPassword: 'bench-password' }, {}));
await bootstrapWorkspace(ws);
await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });
await importDataset(ws, LOCAL_ADMIN, 'BENCH', 'trec', { filePath: trecFile, fileName: 'trec_measurement.parquet' });

const series = { groupBy: SERIES, orderBy: 'startvalidtime', column: 'trec_x' };
const keys = SERIES.join(', ');
const TARGET = '≤ 10 s wall on 2 cores';
const allCases: { label: string; recipe: Record<string, unknown>; target?: string }[] = [
  { label: 'changepoints (defaults)', recipe: { type: 'changepoints', ...series }, target: TARGET },
  { label: 'trend (Mann–Kendall + exact Theil–Sen)', recipe: { type: 'trend', ...series }, target: TARGET },
  {
    label: 'outliers robust-z, every input column',
    recipe: { type: 'outliers', ...series, method: 'robust-z' },
    target: TARGET,
  },
  {
    label: 'outliers robust-z, series columns only',
    recipe: { type: 'outliers', ...series, method: 'robust-z', keep: 'series' },
  },
  {
    label: 'outliers hampel, series columns only',
    recipe: { type: 'outliers', ...series, method: 'hampel', keep: 'series' },
  },
  {
    // The default along an order (method auto): local.
    label: 'outliers default (local), every input column',
    recipe: { type: 'outliers', ...series },
    target: TARGET,
  },
  {
    label: 'outliers local, series columns only',
    recipe: { type: 'outliers', ...series, method: 'local', keep: 'series' },
  },
  {
    label: 'reference: SQL per-series aggregate',
    recipe: {
      type: 'sql',
      sql: `SELECT ${keys}, count(*) AS n, avg(trec_x) AS mean, max(startvalidtime) AS last FROM trec GROUP BY ALL`,
    },
  },
  { label: 'reference: SQL copy of every row', recipe: { type: 'sql', sql: 'SELECT * FROM trec' } },
];
// BENCH_CASES=trend,changepoints: only the cases whose label starts with one of those words.
const only = process.env.BENCH_CASES?.split(',');
const cases = only ? allCases.filter((c) => only.some((w) => c.label.startsWith(w))) : allCases;
if (cases.length === 0) throw new Error(`BENCH_CASES=${process.env.BENCH_CASES} names no case`);
for (const [i, c] of cases.entries())
  await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', { name: `r${i}`, inputs: ['trec'], output: `out${i}`, ...c.recipe });

async function build(i: number): Promise<{ wall: number; cpu: number; rows: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { done } = await startBuild(ws, LOCAL_ADMIN, 'BENCH', { targets: [`out${i}`], mode: 'recursive' });
  const job = await done;
  if (job.status !== 'succeeded') throw new Error(`${cases[i].label}: build ${job.status}: ${job.error}`);
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000, rows: job.activities?.[0]?.rows ?? 0 };
}

const groups = await ws.duck.query(
  `SELECT count(*) AS rows, count(DISTINCT (${keys})) AS series FROM read_parquet('${trecFile}')`,
);
const [inputRows, seriesCount] = groups.rows[0].map(Number);

// Rounds alternate between the cases so that all see the same machine load.
const times: { wall: number; cpu: number; rows: number }[][] = cases.map(() => []);
for (let round = 0; round < ROUNDS; round++) for (let i = 0; i < cases.length; i++) times[i].push(await build(i));

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `### ${seriesCount.toLocaleString('en-US')} Trec series (${SERIES.join(' × ')}), ${inputRows.toLocaleString('en-US')} rows, ${DAYS} simulated days; flow build of one recipe, median of ${ROUNDS}\n`,
);
console.log('| recipe | output rows | wall time | CPU time (all threads) | target |');
console.log('| --- | ---: | ---: | ---: | --- |');
cases.forEach((c, i) =>
  console.log(
    `| ${c.label} | ${times[i][0].rows.toLocaleString('en-US')} | ${s(median(times[i].map((t) => t.wall)))} | ${s(median(times[i].map((t) => t.cpu)))} | ${c.target ?? (c.recipe.type === 'sql' ? 'reference' : '')} |`,
  ),
);
console.log(
  `\nLoad average ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores, ${availableParallelism()} analysis workers). Target: ≤ 10 s wall on 2 cores.`,
);

await ws.close();
rmSync(home, { recursive: true, force: true });
