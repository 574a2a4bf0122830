/**
 * Large answers of user code through the sandbox's protocol (real Node and Python processes, as
 * `startSandbox` runs them for API services, webapp backends and notebooks): a call returning a
 * string of 20 KB and of 5 MB, and 1,000 small objects. The server reads each answer as one line
 * of the child's stdout, arriving in 64 KB chunks; the time is the whole call, mostly that reading
 * and JSON on both sides. Processes are started before timing; cases alternate within each round.
 * Medians of BENCH_RUNS runs (default 9), in ms, with the load average: on a loaded machine only
 * figures of one run compare. Run: `npm run bench sandbox-messages`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const root = mkdtempSync(path.join(tmpdir(), 'llano-bench-messages-'));
writeFileSync(
  path.join(root, 'big.ts'),
  `export function big(n: number) { return 'x'.repeat(n); }
export function many(n: number) { return Array.from({ length: n }, (_, i) => ({ i, name: 'row' + i })); }
`,
);
writeFileSync(
  path.join(root, 'big.py'),
  `def big(n):
    return "x" * n
def many(n):
    return [{"i": i, "name": "row" + str(i)} for i in range(n)]
`,
);

const CALLS: { label: string; fn: string; arg: number }[] = [
  { label: '20 KB string', fn: 'big', arg: 20_000 },
  { label: '5 MB string', fn: 'big', arg: 5_000_000 },
  { label: '1,000 objects', fn: 'many', arg: 1000 },
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const limits = { memoryMb: 512, wallSeconds: 60, cpuSeconds: 300 };

const sandboxes: [string, Sandbox][] = [];
try {
  for (const [label, language, file] of [
    ['TypeScript', 'typescript', 'big.ts'],
    ['Python', 'python', 'big.py'],
  ] as const)
    sandboxes.push([
      label,
      await startSandbox({
        language,
        entry: path.join(root, file),
        workDir: path.join(root, language),
        readPaths: [root],
        limits,
      }),
    ]);
  const times = new Map<string, number[]>();
  for (let round = 0; round < RUNS; round++)
    for (const [language, sandbox] of sandboxes)
      for (const c of CALLS) {
        const started = performance.now();
        await sandbox.call(c.fn, [c.arg]);
        const key = `${language}: ${c.label}`;
        times.set(key, [...(times.get(key) ?? []), performance.now() - started]);
      }
  console.log(`load average ${loadavg()[0].toFixed(1)}; medians of ${RUNS} runs\n`);
  console.log('| call | median ms |\n| --- | ---: |');
  for (const [key, xs] of times) console.log(`| ${key} | ${median(xs).toFixed(1)} |`);
} finally {
  await Promise.all(sandboxes.map(([, s]) => s.stop()));
  rmSync(root, { recursive: true, force: true });
}
