/**
 * Orchestration overhead of the flow: a chain of 40 trivial SQL recipes built in one job, against
 * the same 40 COPY statements run back to back in DuckDB, measured in the same run (the rounds
 * alternate) with the same input and output format (Parquet to Parquet). Medians of ROUNDS runs.
 * Prints a markdown table. Run: `npm run bench core-flow` (BENCH_CHAIN, BENCH_RUNS to change).
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { currentVersion } from '../src/datasets/versions.js';
import { createFlowChain } from './_flow-chain.js';

const CHAIN = Number(process.env.BENCH_CHAIN ?? 40);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 5);

const { ws, home, build } = await createFlowChain(CHAIN, 'llano-bench-flow-');
const seed = ws.resolve((await currentVersion(ws, 'BENCH', 'd0'))!.location);

/**
 * Wall time and CPU time (of the whole process: Node and DuckDB's threads) of `fn`. On a machine
 * shared with other work the wall time swings with the load; CPU time much less.
 */
async function measured(fn: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

/** The engine alone: the same COPY statements, Parquet to Parquet, on one connection. */
async function engineChain(): Promise<void> {
  await ws.duck.withConnection(async (conn) => {
    let prev = seed;
    for (let i = 1; i <= CHAIN; i++) {
      const out = path.join(home, `raw${i}.parquet`);
      await conn.run(`COPY (SELECT x + 1 AS x FROM read_parquet('${prev}')) TO '${out}' (FORMAT parquet)`);
      prev = out;
    }
  });
}

// One warm-up of each, then alternating rounds so both sides see the same machine load.
await engineChain();
await build('recursive');
const engine: { wall: number; cpu: number }[] = [];
const builds: { wall: number; cpu: number }[] = [];
const upToDate: { wall: number; cpu: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  engine.push(await measured(engineChain));
  builds.push(await measured(() => build('recursive')));
  upToDate.push(await measured(() => build('required')));
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const perStep = (a: { wall: number; cpu: number }[], k: 'wall' | 'cpu') => median(a.map((t) => t[k] / CHAIN));
const ratio = (k: 'wall' | 'cpu') => median(builds.map((t, i) => t[k] / engine[i][k]));
const ms = (n: number) => `${n.toFixed(1)} ms`;
console.log(`| chain of ${CHAIN} trivial SQL recipes, median of ${ROUNDS} alternating rounds | wall time | CPU time |`);
console.log('| --- | ---: | ---: |');
console.log(
  `| whole build, recursive | ${median(builds.map((t) => t.wall)).toFixed(0)} ms | ${median(builds.map((t) => t.cpu)).toFixed(0)} ms |`,
);
console.log(`| per recipe, Llano build | ${ms(perStep(builds, 'wall'))} | ${ms(perStep(builds, 'cpu'))} |`);
console.log(
  `| per recipe, DuckDB COPY alone (same statements, same run) | ${ms(perStep(engine, 'wall'))} | ${ms(perStep(engine, 'cpu'))} |`,
);
console.log(
  `| build / DuckDB alone (median of per-round ratios) | ${ratio('wall').toFixed(1)}× | ${ratio('cpu').toFixed(1)}× |`,
);
// Issue 12's target: a trivial step costs at most 5 ms over DuckDB's own time (build and engine of the same round).
const overhead = (k: 'wall' | 'cpu') => median(builds.map((t, i) => (t[k] - engine[i][k]) / CHAIN));
console.log(
  `| per recipe over DuckDB alone (median of per-round differences; target ≤ 5 ms) | ${ms(overhead('wall'))} | ${ms(overhead('cpu'))} |`,
);
console.log(
  `| required build, all up to date (staleness of ${CHAIN} recipes) | ${median(upToDate.map((t) => t.wall)).toFixed(0)} ms | ${median(upToDate.map((t) => t.cpu)).toFixed(0)} ms |`,
);
console.log(`\nLoad average ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores).`);

await ws.close();
rmSync(home, { recursive: true, force: true });
