// The PELT default-path phases alone (as bench/analytics.ts section 1a prints them), for quick A/B runs:
// `node --import tsx bench/_phases-only.ts`. With `BENCH_BASE=/path/to/other/checkout`, then the whole
// default PELT path and BinSeg (Q = 5) at n = 10⁴ and 10⁵ go through that checkout's
// `detectChangePoints` and this one's, alternated call by call in this process (CPU time, medians of
// BENCH_RUNS rounds), with the results checked equal: how before/after figures are taken on a shared
// machine. R changepoint's figures are quoted from issue 13, not measured here.
import { ChangePointWorkspace, detectChangePoints } from '../src/analytics/index.js';
import { createRandom } from '../src/analytics/common/random.js';
import { changePointPhases } from './_changepoint-phases.js';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const fiveSegments = (n: number) => {
  const random = createRandom(1);
  const means = [0, 1, 0, 1, 0];
  return Float64Array.from({ length: n }, (_, i) => means[Math.floor((i * 5) / n)] + random.normal());
};
for (const [name, ms] of changePointPhases(fiveSegments(10_000), runs))
  console.log(name.padEnd(60), ms.toFixed(2), 'ms');

const base = process.env.BENCH_BASE;
if (base) {
  type Module = { detectChangePoints: typeof detectChangePoints; ChangePointWorkspace: typeof ChangePointWorkspace };
  const other = (await import(`${base}/src/analytics/index.ts`)) as Module;
  const QUOTED: Record<string, string> = { pelt: '3 ms / 67 ms', binseg: '3 ms / 51 ms' };
  const cpuMs = (fn: () => unknown, repeat: number) => {
    const start = process.cpuUsage();
    for (let k = 0; k < repeat; k++) fn();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000 / repeat;
  };
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  console.log(`\nalternated with ${base} (CPU ms per call, medians of ${runs}; R changepoint quoted, not measured)`);
  for (const method of ['pelt', 'binseg'] as const) {
    for (const n of [1e4, 1e5]) {
      const values = fiveSegments(n);
      const options = { method, maxChanges: method === 'binseg' ? 5 : undefined };
      const wsBase = new other.ChangePointWorkspace();
      const wsThis = new ChangePointWorkspace();
      const before = () => other.detectChangePoints(values, { ...options, workspace: wsBase });
      const after = () => detectChangePoints(values, { ...options, workspace: wsThis });
      if (JSON.stringify(before()) !== JSON.stringify(after())) throw new Error(`${method} n = ${n}: results differ`);
      const repeat = n >= 1e5 ? 2 : 20;
      const [a, b]: number[][] = [[], []];
      for (let round = 0; round < runs; round++) {
        // Alternate which one goes first, so neither always runs on the other's warm caches.
        if (round % 2) {
          a.push(cpuMs(before, repeat));
          b.push(cpuMs(after, repeat));
        } else {
          b.push(cpuMs(after, repeat));
          a.push(cpuMs(before, repeat));
        }
      }
      console.log(
        `${method.padEnd(7)} n = ${String(n).padEnd(6)} before ${median(a).toFixed(2)} ms, after ${median(b).toFixed(2)} ms` +
          ` (${(100 * (median(b) / median(a) - 1)).toFixed(1)} %), same results; R quoted (10⁴ / 10⁵): ${QUOTED[method]}`,
      );
    }
  }
}
