// CPU time of detectChangePoints per cost at n = 10⁴ (5 equal segments, N(0, 1) noise, seed 1),
// alternated with another checkout in one process: `BENCH_BASE=/path node --import tsx
// bench/_cost-speed.ts` (e.g. a copy of main's src/ with node_modules linked). Medians of
// BENCH_ROUNDS (default 15) alternating rounds; the mean rows check that its path did not slow.
import { detectChangePoints, type ChangePointOptions } from '../src/analytics/index.js';
import { createRandom } from '../src/analytics/common/random.js';

const base = process.env.BENCH_BASE;
if (!base) throw new Error('set BENCH_BASE to the checkout to compare with');
const other = (await import(`${base}/src/analytics/index.ts`)) as { detectChangePoints: typeof detectChangePoints };
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const n = 10_000;
const random = createRandom(1);
const means = [0, 1, 0, 1, 0];
const values = Float64Array.from({ length: n }, (_, i) => means[Math.floor((i * 5) / n)] + random.normal());
const cases: [string, ChangePointOptions, number][] = [
  ['mean, pelt', { method: 'pelt' }, 10],
  ['mean, auto (fpop)', {}, 10],
  ['meanvar', { cost: 'meanvar' }, 3],
  ['var', { cost: 'var' }, 3],
];
const median = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1].toFixed(2);
for (const [label, options, calls] of cases) {
  const times: Record<'base' | 'this', number[]> = { base: [], this: [] };
  const detectors = [
    ['base', other.detectChangePoints],
    ['this', detectChangePoints],
  ] as const;
  for (const [, detect] of detectors) for (let k = 0; k < 3; k++) detect(values, options);
  for (let round = 0; round < rounds; round++)
    for (const [name, detect] of detectors) {
      const start = process.cpuUsage();
      for (let k = 0; k < calls; k++) detect(values, options);
      const used = process.cpuUsage(start);
      times[name].push((used.user + used.system) / 1000 / calls);
    }
  console.log(`${label}: base ${median(times.base)} ms CPU, this ${median(times.this)} ms CPU per call`);
}
