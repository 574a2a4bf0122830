/**
 * Cost of compiling a visual recipe: a 10-processor prepare recipe on BENCH_ROWS (10 M) rows
 * against the equivalent hand-written DuckDB SQL recipe, both built through the same build path
 * (sandbox, COPY to Parquet, commit), same input, rounds alternating. Medians of BENCH_RUNS (3).
 * Run: `npm run bench visual-recipes`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { currentVersion } from '../src/datasets/versions.js';
import { startBuild } from '../src/flow/build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { compilePrepare, PrepareParamsSchema } from '../src/recipes/visual/prepare.js';
import { Workspace } from '../src/workspace/workspace.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);

const home = mkdtempSync(path.join(tmpdir(), 'llano-bench-visual-'));
const ws = await Workspace.open(loadConfig({ home, adminPassword: 'bench-password' }, {}));
await bootstrapWorkspace(ws);
await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });
const seed = path.join(home, 'raw.parquet');
await ws.duck.query(
  `COPY (SELECT i AS id, 'DA' || (i % 66) AS antenna, CASE WHEN i % 17 = 0 THEN NULL ELSE 'b' || (i % 10) END AS band,
     (i % 2500) / 10.0 - 20 AS trec, TIMESTAMP '2024-01-01' + to_seconds(i) AS ts, '  note ' || (i % 1000) || ' ' AS note
   FROM range(${ROWS}) t(i)) TO '${seed}' (FORMAT parquet)`,
);
await importDataset(ws, LOCAL_ADMIN, 'BENCH', 'raw', { filePath: seed, fileName: 'raw.parquet' });

const steps = [
  { processor: 'filter-range', column: 'trec', min: 0, max: 200 },
  { processor: 'fill-empty', columns: ['band'], value: 'none' },
  { processor: 'trim', columns: ['note'] },
  { processor: 'change-case', columns: ['band'], case: 'upper' },
  { processor: 'round', columns: ['trec'], decimals: 0 },
  { processor: 'clip', columns: ['trec'], min: 10, max: 150 },
  { processor: 'formula', formula: "if trec > 100 then 'hot' else 'ok' end", output: 'state' },
  { processor: 'extract-date-part', column: 'ts', parts: [{ part: 'month', as: 'month' }] },
  { processor: 'concatenate', columns: ['antenna', 'band'], separator: '/', output: 'key' },
  { processor: 'delete', columns: ['note'] },
];
// The same transformation as one would write it by hand, column by column.
const handWritten = `SELECT id, antenna, upper(coalesce(band, 'none')) AS band,
  CASE WHEN round(trec, 0) < 10 THEN 10 WHEN round(trec, 0) > 150 THEN 150 ELSE round(trec, 0) END AS trec, ts,
  CASE WHEN (CASE WHEN round(trec, 0) < 10 THEN 10 WHEN round(trec, 0) > 150 THEN 150 ELSE round(trec, 0) END) > 100 THEN 'hot' ELSE 'ok' END AS state,
  month(ts) AS month, concat_ws('/', antenna, upper(coalesce(band, 'none'))) AS key
FROM raw WHERE trec >= 0 AND trec <= 200`;

await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', {
  name: 'visual',
  type: 'prepare',
  inputs: ['raw'],
  output: 'd_visual',
  params: { steps },
});
await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', {
  name: 'by_hand',
  type: 'sql',
  inputs: ['raw'],
  output: 'd_sql',
  sql: handWritten,
});

// Same result, checked once: the comparison is only fair if both compute the same rows.
async function measured(target: string): Promise<number> {
  const t0 = performance.now();
  const { done } = await startBuild(ws, LOCAL_ADMIN, 'BENCH', { targets: [target], mode: 'only' });
  const job = await done;
  if (job.status !== 'succeeded') throw new Error(`build ${job.status}: ${job.error}`);
  return performance.now() - t0;
}
await measured('d_visual');
await measured('d_sql');
const fileOf = async (name: string) => ws.resolve((await currentVersion(ws, 'BENCH', name))!.location);
const same = await ws.duck.query(
  `SELECT count(*) FROM (SELECT * FROM read_parquet('${await fileOf('d_visual')}') EXCEPT ALL SELECT * FROM read_parquet('${await fileOf('d_sql')}'))`,
);

const visual: number[] = [];
const sql: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  visual.push(await measured('d_visual'));
  sql.push(await measured('d_sql'));
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const ratios = visual.map((v, i) => v / sql[i]);
console.log(
  `| ${ROWS.toLocaleString('en')} rows, build through the flow, median of ${ROUNDS} alternating rounds | wall time |`,
);
console.log('| --- | ---: |');
console.log(`| prepare recipe, 10 processors (compiled SQL) | ${median(visual).toFixed(0)} ms |`);
console.log(`| SQL recipe, the same by hand | ${median(sql).toFixed(0)} ms |`);
console.log(
  `| prepare / hand-written (median of per-round ratios) | ${((median(ratios) - 1) * 100).toFixed(1)} % overhead |`,
);
console.log(
  `\nCompiled SQL:\n\n\`\`\`sql\n${compilePrepare(PrepareParamsSchema.parse({ steps }) as never, ['raw'])}\n\`\`\``,
);
console.log(`\nRows of one output missing from the other: ${String(same.rows[0][0])}`);
console.log(`\nLoad average ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores).`);

await ws.close();
rmSync(home, { recursive: true, force: true });
