/**
 * Notebook code cells in their kernels (real Python and Node processes), the way the server runs
 * them (`runInKernel`): a trivial cell (the per-cell overhead) and a cell printing BENCH_LINES
 * lines (default 20,000) in a loop, which since cells stream their outputs also sends some of
 * them to the server while it runs (STREAM_BURST, then STREAM_RATE a second). Kernels are started
 * before timing.
 * Medians of BENCH_RUNS runs (default 15), in ms, with the load average: on a loaded machine
 * only figures of one run compare. Run: `npm run bench notebook-cells`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { runInKernel } from '../src/notebooks/kernels.js';
import type { KernelLanguage } from '../src/notebooks/notebook-types.js';
import { Workspace } from '../src/workspace/workspace.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const LINES = Number(process.env.BENCH_LINES ?? 20_000);

const home = mkdtempSync(path.join(tmpdir(), 'llano-bench-notebook-'));
const ws = await Workspace.open(loadConfig({ home, adminPassword: 'bench-password' }, {}));
await bootstrapWorkspace(ws);
await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });
const ref = { projectKey: 'BENCH', notebookId: 'bench', session: 'bench' };

const CASES: { label: string; language: KernelLanguage; source: string }[] = [
  { label: 'Python: 1 + 1', language: 'python', source: '1 + 1' },
  {
    label: `Python: print ${LINES.toLocaleString('en-US')} lines`,
    language: 'python',
    source: `for i in range(${LINES}):\n    print("line", i)`,
  },
  { label: 'TypeScript: 1 + 1', language: 'typescript', source: '1 + 1' },
  {
    label: `TypeScript: print ${LINES.toLocaleString('en-US')} lines`,
    language: 'typescript',
    source: `for (let i = 0; i < ${LINES}; i++) console.log('line', i);`,
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  // Kernels started (and TypeScript's bundle built) before anything is timed.
  for (const c of CASES) await runInKernel(ws, ref, c.language, '0');
  const times = new Map<string, number[]>(CASES.map((c) => [c.label, []]));
  // Cases alternate within each round, so a change of load falls on all of them.
  for (let round = 0; round < RUNS; round++)
    for (const c of CASES) {
      const started = performance.now();
      const { outputs } = await runInKernel(ws, ref, c.language, c.source);
      times.get(c.label)!.push(performance.now() - started);
      if (outputs.some((o) => o.type === 'error')) throw new Error(`${c.label}: ${JSON.stringify(outputs)}`);
    }
  console.log(`load average ${loadavg()[0].toFixed(1)}; medians of ${RUNS} runs\n`);
  console.log('| cell | median ms |\n| --- | ---: |');
  for (const c of CASES) console.log(`| ${c.label} | ${median(times.get(c.label)!).toFixed(1)} |`);
} finally {
  await ws.close();
  rmSync(home, { recursive: true, force: true });
}
