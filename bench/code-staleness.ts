/**
 * What judging a code recipe's staleness costs now that its libraries and environment are signed
 * (src/recipes/code/code-fingerprint.ts): the signatures of a flow of BENCH_RECIPES Python and R
 * recipes (each importing a library file), as the flow view and a `required` build take them (one memo for the flow), against the
 * settings' hash alone (what was taken before), in the same run, rounds alternating. Also the
 * whole flow view. Medians of CPU time (process, all threads) and wall time over BENCH_RUNS rounds.
 * Run: `npm run bench code-staleness`.
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { currentSignature } from '../src/flow/current-signature.js';
import { getFlow } from '../src/flow/flow-view.js';
import { RECIPE_KIND, saveRecipe, storedRecipe } from '../src/flow/recipes-service.js';
import { signatureOf } from '../src/flow/staleness.js';
import { saveLibraryFile } from '../src/recipes/code/code-libraries.js';
import type { RecipeBase } from '../src/recipes/recipe-type.js';
import { createFlowChain } from './_flow-chain.js';

const RECIPES = Number(process.env.BENCH_RECIPES ?? 40);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 7);

// A workspace with project BENCH and its dataset d0, no recipe yet.
const { ws, home } = await createFlowChain(0, 'llano-bench-stale-');
for (const name of ['a.py', 'b.py', 'c.R', 'd.ts'])
  await saveLibraryFile(ws, LOCAL_ADMIN, 'BENCH', { name, content: `# ${name}\n`.repeat(200) });
for (let i = 0; i < RECIPES; i++)
  await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', {
    name: `r${i}`,
    type: i % 2 ? 'python' : 'r',
    inputs: ['d0'],
    output: `o${i}`,
    code:
      i % 2
        ? 'import a\n\ndef run(inputs, output, variables, log):\n    pass\n'
        : 'source("lib/c.R")\nrun <- function(inputs, output, variables, log) NULL\n',
  });
const recipes = (await ws.catalog.objects.list<RecipeBase>('BENCH', RECIPE_KIND)).map((o) => storedRecipe(o.body));
async function measured(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

// The interpreters' versions (and their machine packages) are asked once per server process: asked here before
// timing, and that first time printed on its own.
const first = await measured(() => Promise.all(recipes.map((r) => currentSignature(ws, 'BENCH', r))));

const cases: Record<string, () => Promise<unknown>> = {
  'settings hash only (before)': () => Promise.resolve(recipes.map((r) => signatureOf(r))),
  'settings + libraries + environment (now)': async () => {
    const memo = new Map<string, Promise<unknown>>();
    for (const r of recipes) await currentSignature(ws, 'BENCH', r, memo);
  },
  'whole flow view (now)': () => getFlow(ws, LOCAL_ADMIN, 'BENCH'),
  // A build activity's three looks at each recipe's fingerprint (staleness re-check, signature before the run, the
  // run's own): each with look-ups of its own, as before, and sharing the activity's memo, as now.
  'build activities, 3 looks each, own look-ups (before)': async () => {
    for (const r of recipes) for (let look = 0; look < 3; look++) await currentSignature(ws, 'BENCH', r);
  },
  'build activities, 3 looks each, one memo (now)': async () => {
    for (const r of recipes) {
      const memo = new Map<string, Promise<unknown>>();
      for (let look = 0; look < 3; look++) await currentSignature(ws, 'BENCH', r, memo);
    }
  },
};
const times = new Map<string, { wall: number[]; cpu: number[] }>(
  Object.keys(cases).map((k) => [k, { wall: [], cpu: [] }]),
);
for (let round = 0; round < ROUNDS; round++)
  for (const [name, fn] of Object.entries(cases)) {
    const m = await measured(fn);
    times.get(name)!.wall.push(m.wall);
    times.get(name)!.cpu.push(m.cpu);
  }
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`\n${RECIPES} code recipes, ${ROUNDS} rounds; ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}\n`);
console.log("| signatures of the flow's recipes | CPU ms (median) | wall ms (median) |\n|---|---:|---:|");
for (const [name, t] of times) console.log(`| ${name} | ${median(t.cpu).toFixed(1)} | ${median(t.wall).toFixed(1)} |`);
console.log(
  `\nFirst signatures of the process (Python and R asked their versions and packages): CPU ${first.cpu.toFixed(1)} ms` +
    ` in this process, wall ${first.wall.toFixed(0)} ms (the interpreters' own time is in the wall time only)`,
);
await ws.close();
rmSync(home, { recursive: true, force: true });
