/**
 * What running a pushed-down SQL recipe read-only costs: `executeSelectInPostgres` (the query in
 * a read-only transaction into a temporary table, then a second transaction copying it to the
 * output table and swapping it in) against the same query as one plain `CREATE TABLE AS` (what a
 * pushdown did before it ran read-only: the query straight into the new table), in the same run,
 * rounds alternating. Two recipes: a copy of every row (the worst case: every row is written
 * twice) and a GROUP BY (a small output). Medians of BENCH_RUNS rounds over BENCH_ROWS rows.
 * Run: `npm run bench postgres-pushdown`.
 */
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { DuckDb } from '../src/engine/duckdb.js';
import { closePostgresPools } from '../src/engine/postgres.js';
import { executeSelectInPostgres } from '../src/engine/postgres-pushdown.js';
import { startPostgres } from '../test/support/embedded-postgres.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 5);

const server = await startPostgres();
const db = await DuckDb.open(':memory:', { threads: 2 });
const client = new pg.Client({ connectionString: server.url });
await client.connect();
await client.query(
  `CREATE TABLE obs AS SELECT i AS id, 'DA' || (40 + i % 50) AS antenna, (i % 9973) * 0.01 AS trec
   FROM generate_series(1, ${ROWS}) AS i`,
);
await client.query('VACUUM ANALYZE obs');

const recipes = {
  copy: 'SELECT id, antenna, trec * 2 AS trec FROM obs',
  group: 'SELECT antenna, count(*) AS n, avg(trec) AS trec FROM obs GROUP BY antenna',
};

const timed = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};
/** The query straight into a new table, in one transaction, as a pushdown ran it before. */
const plainCreate = async (sql: string) => {
  await client.query('BEGIN');
  await client.query(`CREATE TEMP VIEW o AS SELECT * FROM public.obs`);
  await client.query(`CREATE TABLE plain_out AS (${sql.replace('FROM obs', 'FROM o')})`);
  await client.query('COMMIT');
  await client.query('DROP TABLE plain_out; DROP VIEW o');
};
const pushdown = (sql: string) =>
  executeSelectInPostgres(
    db,
    { url: server.url },
    { inputs: { obs: { schema: 'public', name: 'obs' } }, sql, output: { schema: 'public', name: 'pushed_out' } },
  );

const times: Record<string, { readOnly: number[]; plain: number[] }> = {};
for (const [name, sql] of Object.entries(recipes)) {
  times[name] = { readOnly: [], plain: [] };
  await pushdown(sql); // warm-up: the table's pages in PostgreSQL's cache
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['readOnly', 'plain'] as const) : (['plain', 'readOnly'] as const);
    for (const which of order)
      times[name][which].push(await timed(() => (which === 'readOnly' ? pushdown(sql) : plainCreate(sql))));
  }
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(
  `| recipe over ${ROWS.toLocaleString('en-US')} rows (median of ${ROUNDS}) | read-only pushdown | plain CREATE TABLE AS | ratio |`,
);
console.log('| --- | --- | --- | --- |');
for (const [name, t] of Object.entries(times)) {
  const [a, b] = [median(t.readOnly), median(t.plain)];
  console.log(`| ${name} | ${a.toFixed(0)} ms | ${b.toFixed(0)} ms | ${(a / b).toFixed(2)}× |`);
}
console.log(`\nLoad average ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores).`);

await client.end();
await closePostgresPools(db);
await db.close();
await server.stop();
