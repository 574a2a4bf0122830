/**
 * Orchestration cost of a partitioned backfill: a trivial SQL recipe built for 365 day
 * partitions in one job (forced, one partition at a time), against the same query run alone in
 * DuckDB once per partition (COPY to Parquet) and the same recipe built unpartitioned once, all
 * in the same run (rounds alternate). Orchestration per partition = (backfill − DuckDB alone) / 365.
 * Medians of ROUNDS runs; CPU time (the process's, DuckDB's threads included) is printed beside
 * wall time because it depends less on the machine's load. Run: `npm run bench partitions` (BENCH_PARTITIONS, BENCH_RUNS to change).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { putPartitioning } from '../src/datasets/partition-store.js';
import { formatTime, shiftTime } from '../src/datasets/partitioning.js';
import { currentVersion } from '../src/datasets/versions.js';
import { startBuild } from '../src/flow/build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { Workspace } from '../src/workspace/workspace.js';

const N = Number(process.env.BENCH_PARTITIONS ?? 365);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);

const home = mkdtempSync(path.join(tmpdir(), 'llano-bench-partitions-'));
const ws = await Workspace.open(loadConfig({ home, adminPassword: 'bench-password', buildParallelism: 1 }, {}));
await bootstrapWorkspace(ws);
await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });
const first = formatTime(new Date(Date.UTC(2024, 0, 1)), 'day');
const days = Array.from({ length: N }, (_, i) => shiftTime(first, 'day', i));
const csv = path.join(home, 'seed.csv');
writeFileSync(csv, 'day,v\n' + days.map((d, i) => `${d},${i}`).join('\n') + '\n');
await importDataset(ws, LOCAL_ADMIN, 'BENCH', 'seed', { filePath: csv, fileName: 'seed.csv' });
const byDay = { dimensions: [{ name: 'day', type: 'time' as const, period: 'day' as const, column: 'day' }] };
await putPartitioning(ws, 'BENCH', 'seed', byDay, 'bench');
const sql = (where: string) => `SELECT day, v + 1 AS v FROM seed${where}`;
const partitionWhere = " WHERE CAST(day AS VARCHAR) = '{{partition.day}}'";
await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', {
  name: 'r_part',
  type: 'sql',
  inputs: ['seed'],
  output: 'by_day',
  sql: sql(partitionWhere),
});
await putPartitioning(ws, 'BENCH', 'by_day', byDay, 'bench');
await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', {
  name: 'r_flat',
  type: 'sql',
  inputs: ['seed'],
  output: 'flat',
  sql: sql(''),
});
const seedFile = ws.resolve((await currentVersion(ws, 'BENCH', 'seed'))!.location);

/** Wall time; with `cpu`, also the process's CPU time (JS and DuckDB's threads), steadier on a loaded machine. */
async function timed(fn: () => Promise<void>, cpu?: number[]): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  cpu?.push((c.user + c.system) / 1000);
  return wall;
}

async function build(targets: Parameters<typeof startBuild>[3]['targets']): Promise<void> {
  const { done } = await startBuild(ws, LOCAL_ADMIN, 'BENCH', { targets, mode: 'only' });
  const job = await done;
  if (job.status !== 'succeeded') throw new Error(`build ${job.status}: ${job.error}`);
}

/** The engine alone: each partition's query as one COPY to Parquet, back to back on one connection. */
async function engineAlone(): Promise<void> {
  await ws.duck.withConnection(async (conn) => {
    for (const [i, d] of days.entries())
      await conn.run(
        `COPY (SELECT day, v + 1 AS v FROM read_parquet('${seedFile}') WHERE CAST(day AS VARCHAR) = '${d}') TO '${path.join(home, `raw${i % 4}.parquet`)}' (FORMAT parquet)`,
      );
  });
}

const backfill = () => build([{ dataset: 'by_day', partitions: 'all' }]);
const flat = () => build(['flat']);
await backfill();
await flat();
const rounds: { backfill: number; engine: number; flat: number; upToDate: number }[] = [];
const cpu = { backfill: [] as number[], engine: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  const engine = await timed(engineAlone, cpu.engine);
  const b = await timed(backfill, cpu.backfill);
  const f = await timed(flat);
  const u = await timed(async () => {
    const { done } = await startBuild(ws, LOCAL_ADMIN, 'BENCH', {
      targets: [{ dataset: 'by_day', partitions: 'all' }],
      mode: 'required',
    });
    await done;
  });
  rounds.push({ backfill: b, engine, flat: f, upToDate: u });
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const m = (k: keyof (typeof rounds)[number]) => median(rounds.map((r) => r[k]));
const orchestration = median(rounds.map((r) => (r.backfill - r.engine) / N));
console.log(`| ${N} day partitions of a trivial SQL recipe, median of ${ROUNDS} alternating rounds | wall time |`);
console.log('| --- | ---: |');
console.log(`| backfill of all partitions (forced, one at a time) | ${m('backfill').toFixed(0)} ms |`);
console.log(`| per partition, Llano backfill | ${(m('backfill') / N).toFixed(1)} ms |`);
console.log(`| per partition, the same query alone in DuckDB (COPY to Parquet) | ${(m('engine') / N).toFixed(1)} ms |`);
console.log(
  `| **orchestration per partition** (backfill − DuckDB alone) / ${N}, target ≤ 10 ms | **${orchestration.toFixed(1)} ms** |`,
);
const cpuOrchestration = median(cpu.backfill.map((b, r) => (b - cpu.engine[r]) / N));
console.log(
  `| CPU time per partition (process: JS and DuckDB threads), backfill / DuckDB alone | ${(median(cpu.backfill) / N).toFixed(1)} / ${(median(cpu.engine) / N).toFixed(1)} ms |`,
);
console.log(`| orchestration per partition in CPU time | ${cpuOrchestration.toFixed(1)} ms |`);
console.log(`| the same recipe unpartitioned, built once (one job, one version) | ${m('flat').toFixed(0)} ms |`);
console.log(
  `| required build of all partitions, all up to date (${N} staleness checks) | ${m('upToDate').toFixed(0)} ms |`,
);
console.log(`\nLoad average ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores).`);

await ws.close();
rmSync(home, { recursive: true, force: true });
