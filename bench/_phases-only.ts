// The PELT default-path phases alone (as bench/analytics.ts section 1a prints them), for quick A/B runs.
import { createRandom } from '../src/analytics/common/random.js';
import { changePointPhases } from './_changepoint-phases.js';

const fiveSegments = (n: number) => {
  const random = createRandom(1);
  const means = [0, 1, 0, 1, 0];
  return Float64Array.from({ length: n }, (_, i) => means[Math.floor((i * 5) / n)] + random.normal());
};
for (const [name, ms] of changePointPhases(fiveSegments(10_000), Number(process.env.BENCH_RUNS ?? 15)))
  console.log(name.padEnd(60), ms.toFixed(2), 'ms');
