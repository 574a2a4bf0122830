/**
 * Before/after of the grouped analysis recipes on one machine load: this checkout's recipe types
 * and those of another checkout (BENCH_BASE=/path/to/checkout, e.g. a `git archive` of main with
 * node_modules linked) run in turn on the same Parquet input, round by round, each writing its
 * Parquet output; prints every round's wall and CPU time (all threads) and the medians, and
 * checks that both wrote the same rows. The recipe's run alone: no flow build around it.
 * `BENCH_BASE=… node --import tsx bench/_grouped-ab.ts [FILE.parquet]` (default: the size
 * that `BENCH_DAYS=1164 npm run bench analytics-recipes` caches); BENCH_CASES=changepoints,outliers,outliers-local,trend;
 * BENCH_RUNS rounds (default 3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDb } from '../src/engine/duckdb.js';
import type { RecipeContext, RecipeType } from '../src/recipes/recipe-type.js';

const file =
  process.argv[2] ?? path.join(tmpdir(), 'llano-bench-analytics-recipes-1164d-seed42', 'trec_measurement.parquet');
const base = process.env.BENCH_BASE;
if (!base) throw new Error('BENCH_BASE=/path/to/the/other/checkout');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const only = (process.env.BENCH_CASES ?? 'changepoints,outliers').split(',');

type Types = Record<string, RecipeType>;
const load = async (root: string): Promise<Types> => ({
  changepoints: ((await import(`${root}/src/recipes/changepoints-recipe.ts`)) as { changepointsRecipeType: RecipeType })
    .changepointsRecipeType,
  outliers: ((await import(`${root}/src/recipes/outliers-recipe.ts`)) as { outliersRecipeType: RecipeType })
    .outliersRecipeType,
  trend: ((await import(`${root}/src/recipes/trend-recipe.ts`)) as { trendRecipeType: RecipeType }).trendRecipeType,
});
const sides: [string, Types][] = [
  ['this checkout', await load(path.resolve('.'))],
  ['base', await load(path.resolve(base))],
];

const dir = mkdtempSync(path.join(tmpdir(), 'llano-grouped-ab-'));
const db = await DuckDb.open();
const ctx: RecipeContext = {
  duck: db,
  inputs: [{ name: 'trec', source: { kind: 'parquet', paths: [file] }, definition: {} as never, versionToken: null }],
  tempPath: (suffix) => path.join(dir, `tmp${Math.random()}${suffix}`),
  scope: { roots: [dir, path.dirname(file)], scratchDir: dir },
  log: () => undefined,
};
const series = {
  groupBy: ['antennaname', 'receiverband', 'basebandname'],
  orderBy: 'startvalidtime',
  column: 'trec_x',
};
const recipes: Record<string, Record<string, unknown>> = {
  changepoints: { type: 'changepoints', ...series },
  outliers: { type: 'outliers', ...series, method: 'robust-z' },
  // The default method along orderBy (local), every input column kept.
  'outliers-local': { type: 'outliers', ...series },
  trend: { type: 'trend', ...series },
};

/** The columns whose equality says both checkouts wrote the same rows; every column for the others. */
const SAME: Record<string, string> = {
  changepoints:
    'change_index IS NOT DISTINCT FROM b_change_index AND mean_before IS NOT DISTINCT FROM b_mean_before AND change_at IS NOT DISTINCT FROM b_change_at',
  outliers:
    'outlier_score IS NOT DISTINCT FROM b_outlier_score AND is_outlier IS NOT DISTINCT FROM b_is_outlier AND trec_x IS NOT DISTINCT FROM b_trec_x',
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log('| recipe | checkout | wall per round | CPU per round | median wall | median CPU |');
console.log('| --- | --- | --- | --- | ---: | ---: |');
for (const kind of only) {
  const times = sides.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let r = 0; r < runs; r++)
    for (const [i, [, types]] of sides.entries()) {
      const type = types[recipes[kind].type as string];
      const recipe = type.schema.parse({ name: 'r', inputs: ['trec'], output: 'o', ...recipes[kind] });
      const out = path.join(dir, `${kind}-${i}.parquet`);
      const w = performance.now();
      const c = process.cpuUsage();
      await type.run(ctx, recipe, { kind: 'parquet', path: out });
      const used = process.cpuUsage(c);
      times[i].wall.push(performance.now() - w);
      times[i].cpu.push((used.user + used.system) / 1000);
    }
  // Same output: the files' rows compared in order (EXCEPT ALL would miss a reordering).
  const first = `${dir}/${kind}-0.parquet`;
  const every = async () =>
    (await db.query(`DESCRIBE SELECT * FROM read_parquet('${first}')`)).rows
      .map((r) => `"${String(r[0])}" IS NOT DISTINCT FROM "b_${String(r[0])}"`)
      .join(' AND ');
  const same = SAME[kind] ?? (await every());
  const differ = await db.query(
    `SELECT count(*) FROM (SELECT * FROM read_parquet('${dir}/${kind}-0.parquet') POSITIONAL JOIN (SELECT COLUMNS(*) AS "b_\\0" FROM read_parquet('${dir}/${kind}-1.parquet'))) WHERE NOT (${same})`,
  );
  for (const [i, [name]] of sides.entries())
    console.log(
      `| ${kind} | ${name} | ${times[i].wall.map(s).join(', ')} | ${times[i].cpu.map(s).join(', ')} | ${s(median(times[i].wall))} | ${s(median(times[i].cpu))} |`,
    );
  console.log(`| ${kind} | rows that differ | ${String(differ.rows[0][0])} | | | |`);
}
await db.close();
rmSync(dir, { recursive: true, force: true });
