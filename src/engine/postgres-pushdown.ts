import type pg from 'pg';
import { postgresDriver } from '../common/postgres-driver.js';
import { badRequest } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import type { DuckDb } from './duckdb.js';
import { postgresColumns, postgresError, qualifiedName, queryOne } from './postgres.js';
import { withPostgresClient, type PostgresConnectionInfo } from './postgres-connection.js';
import { trimSql } from './sql-text.js';
import type { ColumnInfo } from './table-query.js';
import type { PostgresTableRef } from './table-source.js';

export interface PostgresSelectRecipe {
  /** Dataset name → its table in the same database. */
  inputs: Record<string, PostgresTableRef>;
  sql: string;
  output: PostgresTableRef;
}

/** PostgreSQL's read_only_sql_transaction: something in the query tried to write. */
const READ_ONLY_VIOLATION = '25006';

const onlyReads = (what: string) =>
  badRequest(`A SQL recipe only reads its inputs: ${what}`, { code: READ_ONLY_VIOLATION });

/**
 * Runs a SQL recipe inside PostgreSQL (pushdown), in two transactions on one session.
 *
 * The first reads. Temporary views named after the inputs (temporary objects are found first on
 * PostgreSQL's search path) and an empty temporary table shaped like the result (`WITH NO DATA`
 * plans the query, it does not run it) are made; then the transaction turns read-only
 * (`transaction_read_only` may always be switched on, never back off) and only then does the
 * recipe's query run, into that temporary table. Writing a temporary table is allowed to a
 * read-only transaction; anything else is refused wherever it hides: a data-modifying CTE, and as
 * much a function that writes (`nextval`, `lo_import`, `pg_notify`…), which no plan shows. An
 * EXPLAIN first names the data-modifying CTE in a clearer message. Checking the query in a
 * read-only transaction and running it again to write would not be sound: the second run could
 * take another branch (`random()`, the clock).
 *
 * The second writes: `CREATE TABLE <new> AS TABLE <temporary>`, the old output table renamed away,
 * the new one renamed into place and the old one dropped. Readers see the old table until its
 * commit; on any error it rolls back and the old output table is untouched. The rows are written
 * twice (the temporary table is session-local, not WAL-logged): the price of the guarantee.
 *
 * At the end `DISCARD ALL` drops the temporary objects and undoes what the query may have set for
 * the session (`set_config(…, false)`, an advisory lock) before the pooled connection is reused.
 * The SQL runs with the extended protocol, so it is one statement. Not governed by the read-only
 * transaction: a function opening a session of its own (`dblink`): the connection's role should
 * not be allowed to use one.
 */
export async function executeSelectInPostgres(
  db: DuckDb,
  connection: PostgresConnectionInfo,
  recipe: PostgresSelectRecipe,
): Promise<{ rowCount: number; columns: ColumnInfo[] }> {
  const sql = trimSql(recipe.sql);
  const suffix = Math.random().toString(36).slice(2, 10);
  const rows = `pg_temp.${quoteIdent(`llano_rows_${suffix}`)}`;
  const fresh: PostgresTableRef = { schema: recipe.output.schema, name: `llano_new_${suffix}` };
  const old: PostgresTableRef = { schema: recipe.output.schema, name: `llano_old_${suffix}` };

  const read = async (client: pg.PoolClient): Promise<number> => {
    await client.query('BEGIN');
    for (const [name, table] of Object.entries(recipe.inputs))
      await client.query(`CREATE TEMP VIEW ${quoteIdent(name)} AS SELECT * FROM ${qualifiedName(table)}`);
    const plan = await queryOne(client, `EXPLAIN (FORMAT JSON) ${sql}`);
    if (JSON.stringify(plan.rows).includes('"Node Type":"ModifyTable"'))
      throw onlyReads('INSERT, UPDATE and DELETE are not allowed, not even inside WITH');
    await queryOne(client, `CREATE TEMP TABLE ${rows} AS (\n${sql}\n) WITH NO DATA`);
    await client.query('SET LOCAL transaction_read_only = on');
    const filled = await queryOne(client, `INSERT INTO ${rows} SELECT * FROM (\n${sql}\n) AS llano_recipe`);
    await client.query('COMMIT');
    return filled.rowCount ?? 0;
  };

  const write = async (client: pg.PoolClient): Promise<ColumnInfo[]> => {
    await client.query('BEGIN');
    await client.query(`CREATE TABLE ${qualifiedName(fresh)} AS TABLE ${rows}`);
    const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
      qualifiedName(recipe.output),
    ]);
    if (exists.rows[0].found)
      await client.query(`ALTER TABLE ${qualifiedName(recipe.output)} RENAME TO ${quoteIdent(old.name)}`);
    await client.query(`ALTER TABLE ${qualifiedName(fresh)} RENAME TO ${quoteIdent(recipe.output.name)}`);
    if (exists.rows[0].found) await client.query(`DROP TABLE ${qualifiedName(old)}`);
    const columns = await postgresColumns(client, qualifiedName(recipe.output));
    await client.query('COMMIT');
    return columns;
  };

  const run = async (client: pg.PoolClient) => {
    let failed = false;
    try {
      const rowCount = await read(client);
      const columns = await write(client);
      return { rowCount, columns };
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(() => undefined);
      if (error instanceof postgresDriver().DatabaseError && error.code === READ_ONLY_VIOLATION)
        throw onlyReads(error.message);
      throw error;
    } finally {
      // Outside any transaction (DISCARD cannot run in one). It fails only with the connection,
      // after which the first error is the one to report.
      await client.query('DISCARD ALL').catch((error: unknown) => {
        if (!failed) throw error;
      });
    }
  };
  try {
    return await withPostgresClient(db, connection, run);
  } catch (error) {
    throw postgresError(error);
  }
}
