// Exact Theil–Sen: `npm run bench analytics-trend`. The median slope and Sen's 95 % interval of
// series of n points (a trend, Gaussian noise rounded to 3 digits, so there are ties in y), CPU time
// of this process, median of 7 runs after a warm-up. With `BENCH_BASE=/path/to/other/checkout` the
// same series also go through that checkout's `theilSen`, alternated run by run with this one, and
// both slopes and intervals are checked equal (how before/after figures are taken on a shared machine).
import { theilSen } from '../src/analytics/index.js';
import { createRandom } from '../src/analytics/common/random.js';

type TheilSen = typeof theilSen;
const base = process.env.BENCH_BASE;
const other: TheilSen | undefined = base
  ? ((await import(`${base}/src/analytics/trend/theil-sen.ts`)) as { theilSen: TheilSen }).theilSen
  : undefined;

const cpuMs = (fn: () => void) => {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

const rows: string[] = [];
for (const n of [2_000, 8_000, 32_000, 128_000]) {
  const random = createRandom(n);
  const y = Float64Array.from({ length: n }, (_, i) => Math.round((0.001 * i + random.normal()) * 1000) / 1000);
  const candidates: [string, TheilSen][] = [['this checkout', theilSen]];
  if (other) candidates.push(['base', other]);
  const times = candidates.map(() => [] as number[]);
  const results = candidates.map(([, fn]) => fn(y));
  for (let run = 0; run < 7; run++) candidates.forEach(([, fn], c) => times[c].push(cpuMs(() => fn(y))));
  if (other && JSON.stringify(results[0]) !== JSON.stringify(results[1]))
    throw new Error(`n = ${n}: results differ: ${JSON.stringify(results)}`);
  rows.push(`| ${n.toLocaleString('en')} | ${times.map((t) => median(t).toFixed(1) + ' ms').join(' | ')} |`);
}
console.log(`| n | ${other ? 'this checkout | base' : 'Theil–Sen (median + 95 % interval)'} |`);
console.log(`| --- | ${other ? '--- | ---' : '---'} |`);
console.log(rows.join('\n'));
