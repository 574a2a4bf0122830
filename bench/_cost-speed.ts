// CPU time of detectChangePoints per cost, each on a series of its own kind of change (5 equal
// segments: levels 0 1 0 1 0 with N(0, 1) noise, spreads 1 2 1 2 1, Poisson rates 5 8 5 8 5; seed 1).
// Its cases and series also give bench/analytics.ts its per-cost table. Alone, it alternates with
// another checkout in one process: `BENCH_BASE=/path node --import tsx bench/_cost-speed.ts` (e.g. a
// copy of main's src/ with node_modules linked); BENCH_N points (default 10⁴), medians of
// BENCH_ROUNDS (default 15) rounds, alternating which goes first; the mean rows check that its path did not slow.
import { pathToFileURL } from 'node:url';
import { detectChangePoints, type ChangePointOptions } from '../src/analytics/index.js';
import { createRandom } from '../src/analytics/common/random.js';
import { poisson } from '../src/analytics/evaluation/families.js';

/** The kinds of series the cases run on. */
export type CostSeriesKind = 'levels' | 'spreads' | 'counts';

/** The three series of n points (5 equal segments each). */
export function costSeries(n: number): Record<CostSeriesKind, Float64Array> {
  const random = createRandom(1);
  const segment = (i: number) => Math.floor((i * 5) / n);
  return {
    levels: Float64Array.from({ length: n }, (_, i) => [0, 1, 0, 1, 0][segment(i)] + random.normal()),
    spreads: Float64Array.from({ length: n }, (_, i) => [1, 2, 1, 2, 1][segment(i)] * random.normal()),
    counts: Float64Array.from({ length: n }, (_, i) => poisson(random, [5, 8, 5, 8, 5][segment(i)])),
  };
}

/**
 * Label, series and options of each case. `slow`: the robust cost runs plain PELT (its cost has no
 * prefix sums for bounds), quadratic within a segment: about a minute at 10⁵ (loaded), so it is
 * left out there unless BENCH_SLOW=1.
 */
export const COST_CASES: { label: string; series: CostSeriesKind; options: ChangePointOptions; slow?: boolean }[] = [
  { label: 'mean, auto (FPOP): the default', series: 'levels', options: {} },
  { label: 'mean, pelt', series: 'levels', options: { method: 'pelt' } },
  { label: 'meanvar', series: 'levels', options: { cost: 'meanvar' } },
  { label: 'meanvar', series: 'spreads', options: { cost: 'meanvar' } },
  { label: 'var', series: 'levels', options: { cost: 'var' } },
  { label: 'var', series: 'spreads', options: { cost: 'var' } },
  { label: 'poisson', series: 'counts', options: { cost: 'poisson' } },
  { label: 'robust', series: 'levels', options: { cost: 'robust' }, slow: true },
];

/** Whether a case runs at n points. */
export const runsAt = (c: (typeof COST_CASES)[number], n: number): boolean =>
  !(c.slow && n >= 1e5 && process.env.BENCH_SLOW !== '1');

/** The median of `values` (sorted in place). */
export const median = (values: number[]): number => values.sort((x, y) => x - y)[values.length >> 1];

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const base = process.env.BENCH_BASE;
  if (!base) throw new Error('set BENCH_BASE to the checkout to compare with');
  const other = (await import(`${base}/src/analytics/index.ts`)) as {
    detectChangePoints: typeof detectChangePoints;
  };
  const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
  const n = Number(process.env.BENCH_N ?? 10_000);
  const series = costSeries(n);
  const calls = n >= 1e5 ? 1 : 3;
  for (const c of COST_CASES) {
    if (!runsAt(c, n)) continue;
    const values = series[c.series];
    const times: Record<'base' | 'this', number[]> = { base: [], this: [] };
    const detectors = [
      ['base', other.detectChangePoints],
      ['this', detectChangePoints],
    ] as const;
    for (const [, detect] of detectors) for (let k = 0; k < 3; k++) detect(values, c.options);
    // The order alternates too: the one measured second pays for the garbage the first one left.
    for (let round = 0; round < rounds; round++)
      for (const [name, detect] of round % 2 ? [...detectors].reverse() : detectors) {
        const start = process.cpuUsage();
        for (let k = 0; k < calls; k++) detect(values, c.options);
        const used = process.cpuUsage(start);
        times[name].push((used.user + used.system) / 1000 / calls);
      }
    console.log(
      `${c.label}, ${c.series}, n = ${n}: base ${median(times.base).toFixed(2)} ms CPU, this ${median(times.this).toFixed(2)} ms CPU per call`,
    );
  }
}
