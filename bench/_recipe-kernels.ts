/**
 * The compute phase of the analysis recipes alone, on one thread: the trend, changepoints and
 * outliers kernels over every series of the simulator's Trec table, as the recipes run them
 * (src/recipes/analytics/series-kernels.ts), after one grouped read.
 * `node --import tsx bench/_recipe-kernels.ts [FILE.parquet]` (default: the year that
 * `npm run bench analytics-recipes` caches). With `BENCH_BASE=/path/to/other/checkout` that
 * checkout's kernels run on the same batch, alternated round by round, and the outputs are
 * compared. CPU time of this process, BENCH_RUNS rounds (default 2); BENCH_KERNELS=trend,… for some kernels only,
 * BENCH_GROUPS=N for the first N series only.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDb } from '../src/engine/duckdb.js';
import { orderCodec, readGroupedSeries } from '../src/recipes/analytics/grouped-series.js';
import { runKernel, type KernelOutput, type KernelSpec } from '../src/recipes/analytics/series-kernels.js';

const file =
  process.argv[2] ?? path.join(tmpdir(), 'llano-bench-analytics-recipes-365d-seed42', 'trec_measurement.parquet');
const runs = Number(process.env.BENCH_RUNS ?? 2);
const base = process.env.BENCH_BASE;
const other: typeof runKernel | undefined = base
  ? ((await import(`${base}/src/recipes/analytics/series-kernels.ts`)) as { runKernel: typeof runKernel }).runKernel
  : undefined;

const db = await DuckDb.open();
const t0 = performance.now();
const s = await db.withConnection((conn) =>
  readGroupedSeries(conn, {
    relation: `read_parquet('${file}')`,
    groupBy: ['antennaname', 'receiverband', 'basebandname'],
    orderBy: { column: 'startvalidtime', codec: orderCodec('startvalidtime', 'TIMESTAMP') },
    column: 'trec_x',
    rows: 'valid',
  }),
);
await db.close();
console.log(
  `${s.starts.length - 1} series, ${s.values.length} points; grouped read ${(performance.now() - t0).toFixed(0)} ms wall\n`,
);
// BENCH_GROUPS=300: the first 300 series only (quicker A/B runs on a loaded machine).
const groups = Math.min(s.starts.length - 1, Number(process.env.BENCH_GROUPS ?? Infinity));
const rows = s.starts[groups];
const batch = {
  firstGroup: 0,
  starts: s.starts.subarray(0, groups + 1),
  values: s.values.subarray(0, rows),
  order: s.order,
};
const cpuMs = (fn: () => void) => {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
// BENCH_KERNELS=trend,outliers: only those kernels.
const only = process.env.BENCH_KERNELS?.split(',');
const specs = (
  [
    { kind: 'trend', alpha: 0.05, perDay: 86_400e6 },
    { kind: 'changepoints' },
    { kind: 'outliers', method: 'robust-z', window: 0 },
  ] satisfies KernelSpec[]
).filter((s) => !only || only.includes(s.kind));
console.log(`| kernel | CPU, this checkout |${other ? ' CPU, base | same output |' : ''}`);
console.log(`| --- | ---: |${other ? ' ---: | --- |' : ''}`);
for (const spec of specs) {
  const mine: number[] = [];
  const theirs: number[] = [];
  let same = true;
  for (let r = 0; r < runs; r++) {
    let out: KernelOutput | undefined;
    let ref: KernelOutput | undefined;
    mine.push(cpuMs(() => (out = runKernel(spec, batch))));
    if (!other || !out) continue;
    theirs.push(cpuMs(() => (ref = other(spec, batch))));
    if (!ref) continue;
    const reference = ref;
    same &&= out.columns.every((c, i) => c.every((v, j) => Object.is(v, reference.columns[i][j])));
  }
  const list = (xs: number[]) => xs.map((x) => `${(x / 1000).toFixed(2)} s`).join(', ');
  console.log(`| ${spec.kind} | ${list(mine)} |${other ? ` ${list(theirs)} | ${same ? 'yes' : 'NO'} |` : ''}`);
}
