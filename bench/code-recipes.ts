/**
 * Code recipes (TypeScript, Python) copying every row of an input through their columnar paths
 * (TypeScript `inputs.raw.batches()` → `output.writeBatch`, and Arrow RecordBatches through `llano/arrow`; Python `to_pandas()` →
 * `output.write_frame`), built the way users build them: a saved recipe and a flow build of its
 * output (export with DuckDB → code in the sandbox → import with DuckDB into the version's
 * Parquet). References in the same run on the same input: DuckDB's own copy (CREATE TABLE AS,
 * and a SQL recipe `SELECT *` written to Parquet by the flow). Start overhead: an empty recipe
 * over a one-row input, minus a SQL recipe over the same input; and a bare one-shot sandbox call.
 * The job log's timings split each code run into phases (medians printed): export (or, for the
 * dataset's own file, the check of its page headers: its uncompressed parts are then written while
 * the code reads them, a wait counted as reading), load, reading inputs, the code itself, writing output, stop, import
 * (or the code's Parquet kept as the version's file: its parts are adopted while the code writes the next, so this is
 * what is left once the code is done); then each copy's version file: its size, its row groups
 * with min / max statistics, and a filtered read of it (DuckDB skips the row groups the filter cannot match).
 * Medians of BENCH_RUNS rounds (default 3). BENCH_ROWS rows (default 10,000,000, the issue's
 * size: several minutes on a quiet 2-core machine; BENCH_ROWS=1000000 for a quick look).
 * Run: `npm run bench code-recipes`; BENCH_ONLY=Python runs only the cases whose label holds that text.
 */
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { startBuild } from '../src/flow/build.js';
import { JobStore } from '../src/flow/jobs.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { runInSandbox, sandboxLimits } from '../src/sandbox/index.js';
import { Workspace } from '../src/workspace/workspace.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const ONLY = process.env.BENCH_ONLY;

const home = mkdtempSync(path.join(tmpdir(), 'llano-bench-code-'));
const ws = await Workspace.open(loadConfig({ home, adminPassword: 'bench-password' }, {}));
await bootstrapWorkspace(ws);
await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });

// id BIGINT, band VARCHAR, trec DOUBLE (5 % NULL), antenna VARCHAR (3 % NULL).
const rawFile = path.join(home, 'raw.parquet');
await ws.duck.run(
  `COPY (SELECT i::BIGINT AS id, 'B' || (3 + i % 7) AS band, CASE WHEN i % 20 = 0 THEN NULL ELSE 30 + (i * 37 % 2300) / 100.0 END::DOUBLE AS trec,
   CASE WHEN i % 33 = 0 THEN NULL ELSE 'DA' || (40 + i % 25) END AS antenna FROM range(${ROWS}) t(i)) TO '${rawFile}' (FORMAT parquet)`,
);
const tinyFile = path.join(home, 'tiny.parquet');
await ws.duck.run(`COPY (SELECT 1::BIGINT AS id) TO '${tinyFile}' (FORMAT parquet)`);
await importDataset(ws, LOCAL_ADMIN, 'BENCH', 'raw', { filePath: rawFile, fileName: 'raw.parquet' });
await importDataset(ws, LOCAL_ADMIN, 'BENCH', 'tiny', { filePath: tinyFile, fileName: 'tiny.parquet' });

const TS_COPY = `export default async function run({ inputs, output }) {
  for await (const batch of inputs.raw.batches()) await output.writeBatch(batch);
}
`;
const TS_ARROW_COPY = `import { arrowBatches, writeArrow } from 'llano/arrow';
export default async function run({ inputs, output }) {
  for await (const batch of arrowBatches(inputs.raw)) await writeArrow(output, batch);
}
`;
const TS_ARROW_EMPTY =
  "import { writeArrow } from 'llano/arrow';\nimport { tableFromArrays } from 'apache-arrow';\nexport default async function run({ output }) {\n  await writeArrow(output, tableFromArrays({ id: [1] }));\n}\n";
const PY_COPY = `def run(inputs, output, variables, log):
    output.write_frame(inputs["raw"].to_pandas())
`;
const TS_EMPTY = 'export default async function run({ output }) {\n  await output.write({ id: 1 });\n}\n';
const PY_EMPTY = 'def run(inputs, output, variables, log):\n    output.write({"id": 1})\n';

// 10 M rows as one pandas frame hold 20 M Python strings: more than the default 1 GB limit (the run then stops as over its memory).
const COPY_LIMITS = { memoryMb: Number(process.env.BENCH_MEMORY_MB ?? 6144) };

const cases: { label: string; recipe: Record<string, unknown>; input: string }[] = [
  {
    label: 'TypeScript copy (batches → writeBatch)',
    input: 'raw',
    recipe: { type: 'typescript', code: TS_COPY, limits: COPY_LIMITS },
  },
  {
    label: 'Python copy (to_pandas → write_frame)',
    input: 'raw',
    recipe: { type: 'python', code: PY_COPY, limits: COPY_LIMITS },
  },
  {
    label: 'reference: SQL recipe SELECT * (Parquet)',
    input: 'raw',
    recipe: { type: 'sql', sql: 'SELECT * FROM raw' },
  },
  { label: 'empty TypeScript recipe, 1 row', input: 'tiny', recipe: { type: 'typescript', code: TS_EMPTY } },
  { label: 'empty Python recipe, 1 row', input: 'tiny', recipe: { type: 'python', code: PY_EMPTY } },
  { label: 'reference: SQL recipe, 1 row', input: 'tiny', recipe: { type: 'sql', sql: 'SELECT * FROM tiny' } },
  // The Arrow path (llano/arrow): its copy and its start overhead, printed in a table of their own.
  {
    label: 'TypeScript copy (Arrow: arrowBatches → writeArrow)',
    input: 'raw',
    recipe: { type: 'typescript', code: TS_ARROW_COPY, limits: COPY_LIMITS },
  },
  {
    label: 'empty TypeScript recipe with Arrow, 1 row',
    input: 'tiny',
    recipe: { type: 'typescript', code: TS_ARROW_EMPTY },
  },
];
/** The Arrow cases' indexes, and those they compare with (batches copy, empty TypeScript recipe). */
const ARROW = { copy: 6, empty: 7, batches: 0, plain: 3 };
for (const [i, c] of cases.entries())
  await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', { name: `r${i}`, inputs: [c.input], output: `out${i}`, ...c.recipe });

/** The last build's "Timings: …" job-log line per case: where a code run's time went. */
const timings: string[] = cases.map(() => '');

/** The phases of a copy, in ms: what the job log's Timings and import lines say, the rest of the build as "other". */
const PHASES = ['export', 'load', 'read', 'code', 'write', 'stop', 'import', 'other'] as const;
type Phases = Record<(typeof PHASES)[number], number>;
const phaseTimes: Phases[][] = cases.map(() => []);
function phasesOf(line: string, messages: string[], total: number): Phases {
  const ms = (name: string) => Number(new RegExp(`${name} (\\d+) ms`).exec(line)?.[1] ?? 0);
  const inCode = /reading inputs (\d+) ms, writing output (\d+) ms/.exec(line);
  const [read, write] = inCode ? [Number(inCode[1]), Number(inCode[2])] : [0, 0];
  // An import, or the code's own Parquet file kept as the version's (adopt-parquet-output.ts).
  const imported = messages
    .map((m) => /(?:Imported \d+ rows|as the version's file \(.*\)) in (\d+) ms/.exec(m))
    .find(Boolean);
  const p: Phases = {
    export: ms('inputs exported'),
    load: ms('code loaded'),
    read,
    code: ms('code ran') - read - write,
    write,
    stop: ms('process stopped'),
    import: Number(imported?.[1] ?? 0),
    other: 0,
  };
  p.other = total - PHASES.reduce((sum, k) => sum + p[k], 0);
  return p;
}

async function build(i: number): Promise<number> {
  const t0 = performance.now();
  const { done, jobId } = await startBuild(ws, LOCAL_ADMIN, 'BENCH', { targets: [`out${i}`], mode: 'recursive' });
  const job = await done;
  if (job.status !== 'succeeded') throw new Error(`${cases[i].label}: build ${job.status}: ${job.error}`);
  const ms = performance.now() - t0;
  const logs = await new JobStore(ws).logs('BENCH', jobId);
  const line = logs.find((l) => l.message.includes('Timings: '));
  timings[i] = line?.message.replace(/^.*Timings: /, '') ?? '';
  if (line)
    phaseTimes[i].push(
      phasesOf(
        timings[i],
        logs.map((l) => l.message),
        ms,
      ),
    );
  return ms;
}

/** DuckDB's own copy of the same input, in the same process: CREATE TABLE AS over the version's Parquet file. */
async function duckCopy(): Promise<number> {
  const t0 = performance.now();
  await ws.duck.run(`CREATE OR REPLACE TABLE bench_copy AS SELECT * FROM read_parquet('${rawFile}')`);
  const ms = performance.now() - t0;
  await ws.duck.run('DROP TABLE bench_copy');
  return ms;
}

/** A build that failed (a copy over its memory limit…) is reported in the table, not the end of the bench. */
const failures: string[] = cases.map(() => '');
const failed = (i: number) => (error: unknown) => {
  failures[i] = error instanceof Error ? error.message : String(error);
  return Number.NaN;
};

/** A bare one-shot sandbox: start the interpreter, load the entry, call a function that returns at once, stop. */
const bare = path.join(home, 'bare');
mkdirSync(bare, { recursive: true });
writeFileSync(path.join(bare, 'f.ts'), 'export function f() {\n  return 1;\n}\n');
writeFileSync(path.join(bare, 'f.py'), 'def f():\n    return 1\n');
async function bareCall(language: 'typescript' | 'python'): Promise<number> {
  const t0 = performance.now();
  await runInSandbox(
    {
      language,
      entry: path.join(bare, language === 'typescript' ? 'f.ts' : 'f.py'),
      workDir: bare,
      limits: sandboxLimits(ws),
    },
    'f',
    [],
  );
  return performance.now() - t0;
}

// Rounds alternate between the cases so that all see the same machine load.
const times: number[][] = cases.map(() => []);
const duck: number[] = [];
const bareTimes: Record<'typescript' | 'python', number[]> = { typescript: [], python: [] };
for (let round = 0; round < ROUNDS; round++) {
  duck.push(await duckCopy());
  for (let i = 0; i < cases.length; i++)
    times[i].push(ONLY && !cases[i].label.includes(ONLY) ? Number.NaN : await build(i).catch(failed(i)));
  for (const l of ['typescript', 'python'] as const) bareTimes[l].push(await bareCall(l));
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const ms = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;
const duckMedian = median(duck);
console.log(`### ${ROWS.toLocaleString('en-US')} rows (id, band, trec, antenna), median of ${ROUNDS}\n`);
console.log('| run | wall time | × DuckDB CREATE TABLE AS | target |');
console.log('| --- | ---: | ---: | ---: |');
console.log(`| reference: DuckDB CREATE TABLE AS SELECT * (in process) | ${ms(duckMedian)} | 1.0 | |`);
cases.slice(0, 3).forEach((c, i) => {
  const m = median(times[i]);
  if (failures[i]) return console.log(`| ${c.label} | did not finish: ${failures[i]} | | |`);
  console.log(`| ${c.label} | ${ms(m)} | ${(m / duckMedian).toFixed(1)} | ${i < 2 ? '≤ 3.0' : ''} |`);
});
const sqlTiny = median(times[5]);
console.log('\n| start overhead | wall time | minus the 1-row SQL recipe build | target |');
console.log('| --- | ---: | ---: | ---: |');
for (const i of [3, 4, 5]) {
  const target = i === 3 ? '≤ 100 ms' : i === 4 ? '≤ 300 ms' : '';
  console.log(`| ${cases[i].label} | ${ms(median(times[i]))} | ${ms(median(times[i]) - sqlTiny)} | ${target} |`);
}
for (const l of ['typescript', 'python'] as const)
  console.log(`| bare one-shot sandbox call (${l}) | ${ms(median(bareTimes[l]))} | | |`);
console.log('\n| Arrow path (llano/arrow) | wall time | against | its wall time |');
console.log('| --- | ---: | --- | ---: |');
for (const [arrow, other] of [
  [ARROW.copy, ARROW.batches],
  [ARROW.empty, ARROW.plain],
])
  console.log(
    `| ${cases[arrow].label} | ${failures[arrow] ? `did not finish: ${failures[arrow]}` : ms(median(times[arrow]))} | ${cases[other].label} | ${ms(median(times[other]))} |`,
  );
console.log('\n| phases (medians; job log) | ' + PHASES.join(' | ') + ' |');
console.log('| --- |' + PHASES.map(() => ' ---: |').join(''));
for (const [i, c] of cases.entries()) {
  if (!/copy|empty/.test(c.label) || phaseTimes[i].length === 0) continue;
  const cells = PHASES.map((k) => ms(median(phaseTimes[i].map((p) => p[k]))));
  console.log(`| ${c.label} | ${cells.join(' | ')} |`);
}
/** A case's newest version file: a copy's Parquet kept as the version's (adopt-parquet-output.ts) against DuckDB's own. */
function versionFile(i: number): string | null {
  const dir = path.join(home, 'data', 'BENCH', `out${i}`);
  const files = readdirSync(dir, { withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith('.parquet'));
  const paths = files.map((f) => path.join(dir, f.name));
  return paths.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0] ?? null;
}
/**
 * Its row groups, those with min / max statistics on `id`, and a filtered read of the last tenth of
 * the ids (median of 3): with statistics DuckDB skips the row groups the filter cannot match.
 */
async function versionReads(file: string): Promise<string[]> {
  const meta = await ws.duck.query(
    `SELECT count(*), count(stats_min_value) FROM parquet_metadata('${file}') WHERE path_in_schema = 'id'`,
  );
  const [groups, bounded] = meta.rows[0].map(Number);
  const reads: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await ws.duck.query(`SELECT count(*), sum(trec) FROM read_parquet('${file}') WHERE id >= ${ROWS * 0.9}`);
    reads.push(performance.now() - t0);
  }
  return [`${(statSync(file).size / 1e6).toFixed(1)} MB`, `${bounded} / ${groups}`, ms(median(reads))];
}
console.log(
  '\n| version file of the last build | size | row groups with min / max of id | read WHERE id ≥ 90 % of rows |',
);
console.log('| --- | ---: | ---: | ---: |');
for (const i of [0, 1, 2]) {
  const file = Number.isNaN(median(times[i])) ? null : versionFile(i);
  if (file) console.log(`| ${cases[i].label} | ${(await versionReads(file)).join(' | ')} |`);
}
console.log('\nTimings of the last run (job log):');
for (const i of [0, 1, 3, 4]) console.log(`- ${cases[i].label}: ${timings[i] || '(none logged)'}`);
console.log(
  `\nLoad average ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores). Targets: copies within 3× of DuckDB; start ≤ 100 ms (TypeScript), ≤ 300 ms (Python).`,
);

await ws.close();
rmSync(home, { recursive: true, force: true });
