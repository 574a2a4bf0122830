// The default PELT path at n = 10⁴ (5 equal segments, N(0, 1) noise, seed 1) called many times in
// one process, for profilers: `node --import tsx bench/_pelt-speed.ts` (BENCH_CALLS, default 200;
// BENCH_N, default 10 000; BENCH_WORKSPACE=0 allocates a fresh workspace per call, as the bench row
// of bench/analytics.ts does). Prints the median CPU time per call of blocks of 10 calls, and the
// result, so that instruction counts under callgrind come with a check that nothing moved.
import { ChangePointWorkspace, detectChangePoints } from '../src/analytics/index.js';
import { createRandom } from '../src/analytics/common/random.js';

const calls = Number(process.env.BENCH_CALLS ?? 200);
const n = Number(process.env.BENCH_N ?? 10_000);
const reuse = process.env.BENCH_WORKSPACE !== '0';
const random = createRandom(1);
const means = [0, 1, 0, 1, 0];
const values = Float64Array.from({ length: n }, (_, i) => means[Math.floor((i * 5) / n)] + random.normal());
const workspace = reuse ? new ChangePointWorkspace() : undefined;
const blocks: number[] = [];
let result = detectChangePoints(values, { method: 'pelt', workspace });
for (let done = 0; done < calls; done += 10) {
  const start = process.cpuUsage();
  for (let k = 0; k < 10; k++) result = detectChangePoints(values, { method: 'pelt', workspace });
  const used = process.cpuUsage(start);
  blocks.push((used.user + used.system) / 1000 / 10);
}
blocks.sort((a, b) => a - b);
console.log(
  `n = ${n}, ${calls} calls, workspace ${reuse ? 'reused' : 'fresh'}: median ${blocks[blocks.length >> 1].toFixed(3)} ms CPU per call`,
);
console.log(JSON.stringify({ ...result, segments: result.segments.length }));
