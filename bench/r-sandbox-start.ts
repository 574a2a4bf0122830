/**
 * Starting R code in the sandbox, as a code recipe does (one process per run): start the process,
 * load a small entry, one call, stop. Confined by Landlock since issue 18 (a Python launcher
 * before R's binary, instead of the Rscript and R shell scripts). Medians of BENCH_RUNS runs
 * (default 9), in ms, with the load average: on a loaded machine only figures of one run compare.
 * Run: `npm run bench r-sandbox-start`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { runInSandbox } from '../src/sandbox/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const root = mkdtempSync(path.join(tmpdir(), 'llano-bench-r-start-'));
writeFileSync(path.join(root, 'code.R'), 'f <- function(n, llano) sum(seq_len(n))\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const times: number[] = [];
  // A first run pays R's probe and the Landlock check (once per server): not counted.
  for (let round = 0; round <= RUNS; round++) {
    const started = performance.now();
    const value = await runInSandbox(
      {
        language: 'r',
        entry: path.join(root, 'code.R'),
        workDir: mkdtempSync(path.join(root, 'run-')),
        readPaths: [root],
        limits: { memoryMb: 512, wallSeconds: 60, cpuSeconds: 60 },
      },
      'f',
      [100],
    );
    if (value !== 5050) throw new Error(`unexpected answer ${JSON.stringify(value)}`);
    if (round > 0) times.push(performance.now() - started);
  }
  console.log(`load ${loadavg()[0].toFixed(1)}, ${RUNS} runs`);
  console.table([{ case: 'R: start, load, one call, stop', 'median ms': Math.round(median(times)) }]);
} finally {
  rmSync(root, { recursive: true, force: true });
}
