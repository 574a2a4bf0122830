// Checks that a change to the change-point code leaves every result as it was: runs
// `detectChangePoints` from another checkout (BENCH_BASE, e.g. a copy of main's src/) and from
// this one on the synthetic families (each with and without changes, BENCH_SEEDS seeds, default
// 20), staircases of the mean and of the spread of 10³ … 10⁵ points and several option sets, and prints any result that differs
// (JSON-exact). `BENCH_BASE=/path node --import tsx bench/_changepoint-identity.ts`.
import { detectChangePoints, type ChangePointOptions } from '../src/analytics/index.js';
import { createRandom } from '../src/analytics/common/random.js';
import { SERIES_FAMILIES } from '../src/analytics/evaluation/families.js';

const base = process.env.BENCH_BASE;
if (!base) throw new Error('set BENCH_BASE to the checkout to compare with');
const other = (await import(`${base}/src/analytics/index.ts`)) as { detectChangePoints: typeof detectChangePoints };
const seeds = Number(process.env.BENCH_SEEDS ?? 20);
const series: [string, Float64Array][] = [];
for (const family of SERIES_FAMILIES)
  for (let seed = 0; seed < seeds; seed++)
    for (const withChanges of [true, false])
      series.push([`${family.name} ${seed} ${withChanges}`, family.generate(seed, withChanges).values]);
for (const n of [1_000, 10_000, 100_000]) {
  const random = createRandom(n);
  const means = [0, 1, 0, 1, 0];
  series.push([
    `staircase ${n}`,
    Float64Array.from({ length: n }, (_, i) => means[Math.floor((i * 5) / n)] + random.normal()),
  ]);
  // The spread changes instead (the variance costs' own kind of change).
  const spreads = [1, 2, 0.5, 1, 3];
  series.push([
    `spread staircase ${n}`,
    Float64Array.from({ length: n }, (_, i) => spreads[Math.floor((i * 5) / n)] * random.normal()),
  ]);
}
const optionSets: ChangePointOptions[] = [
  {},
  { method: 'pelt' },
  { method: 'pelt', noiseModel: 'white' },
  { method: 'pelt', clipOutliers: false, minSize: 10 },
  { method: 'pelt', cost: 'meanvar' },
  { cost: 'meanvar', maxChanges: 3 },
  { cost: 'meanvar', noiseModel: 'white', clipOutliers: false },
  { cost: 'var' },
  { cost: 'var', noiseModel: 'white', minSize: 2 },
  { method: 'binseg', maxChanges: 5 },
];
let compared = 0;
let differ = 0;
for (const [name, values] of series)
  for (const options of optionSets) {
    const run = (fn: typeof detectChangePoints) => {
      try {
        return JSON.stringify(fn(values, options));
      } catch (error) {
        return `error: ${(error as Error).message}`;
      }
    };
    const before = run(other.detectChangePoints);
    const after = run(detectChangePoints);
    compared++;
    if (before !== after) {
      differ++;
      console.log(
        `DIFFERS: ${name} ${JSON.stringify(options)}\n  before ${before.slice(0, 300)}\n  after  ${after.slice(0, 300)}`,
      );
    }
  }
console.log(`${compared} results compared, ${differ} differ`);
