import type pg from 'pg';
import { quoteIdent } from '../../common/names.js';
import {
  postgresColumns,
  postgresCopyColumns,
  postgresReader,
  postgresRelation,
  qualifiedName,
  queryOne,
  readPostgresOr400,
  type PostgresTableSource,
} from '../../engine/postgres.js';
import {
  describeConnection,
  postgresConnectionInfoSchema,
  withPostgresClient,
  withReadOnlyPostgresClient,
  type PostgresConnectionInfo,
} from '../../engine/postgres-connection.js';
import { executeSelectInPostgres } from '../../engine/postgres-pushdown.js';
import { postgresTableToken } from './postgres-table-token.js';
import type { DuckDb } from '../../engine/duckdb.js';
import type { ExternalTableSource } from '../../engine/table-source.js';
import { defineConnectionType, type MetricsSession } from '../connector.js';

const TYPE = 'postgres';

/** The quality metrics pass inside PostgreSQL, on one pooled client. */
function metrics<T>(db: DuckDb, source: ExternalTableSource, fn: (session: MetricsSession) => Promise<T>): Promise<T> {
  const pgSource = source as PostgresTableSource;
  const relation = postgresRelation(pgSource);
  return readPostgresOr400(db, pgSource.connection, (client) =>
    fn({
      dialect: 'postgres',
      columns: () => postgresColumns(client, relation),
      one: async (select) =>
        (await queryOne(client, `${select} FROM ${relation}`, [], { rowMode: 'array' })).rows[0] as unknown[],
      async userMetric(name, sql) {
        // The session is a read-only transaction (a WITH … DELETE cannot change anything); a savepoint
        // keeps a failing metric from aborting it for the next ones.
        await client.query('SAVEPOINT llano_metric');
        try {
          const r = await queryOne(
            client,
            `WITH ${quoteIdent(name)} AS (SELECT * FROM ${relation}) ${sql.replace(/;\s*$/, '')}`,
            [],
            { rowMode: 'array' },
          );
          return (r.rows[0] as unknown[] | undefined)?.[0] ?? null;
        } finally {
          await client.query('ROLLBACK TO SAVEPOINT llano_metric');
        }
      },
    }),
  );
}

/**
 * One PostgreSQL database. Tables and queries are read in place (paging, filters and statistics
 * run in PostgreSQL), and a SQL recipe whose inputs and output are tables of the same
 * connection runs inside it (pushdown).
 */
export const postgresConnection = defineConnectionType<PostgresConnectionInfo>({
  type: TYPE,
  label: 'PostgreSQL',
  settings: postgresConnectionInfoSchema.strict(),
  secrets: ['password'],
  secretUrls: ['url'],
  secretDestination: ['url', 'host', 'port', 'database', 'user'],
  async test(info, db) {
    const version = await readPostgresOr400(
      db,
      info,
      async (client) => (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v,
    );
    return `PostgreSQL ${version} at ${describeConnection(info)}`;
  },
  async runSql(info, sql, { db, signal, timeoutMs, readOnly }) {
    const limits = { signal, timeoutMs, setting: 'LLANO_QUERY_TIMEOUT_SECONDS' };
    const result = readOnly
      ? // One statement (the extended protocol), so that no COMMIT can end the read-only transaction.
        await withReadOnlyPostgresClient(db, info, (client) => queryOne(client, sql, [], { rowMode: 'array' }), limits)
      : // The simple protocol: the text may hold several statements.
        await withPostgresClient(db, info, (client) => client.query({ text: sql, rowMode: 'array' }), limits);
    const all = result as unknown as pg.QueryArrayResult | pg.QueryArrayResult[];
    const last = Array.isArray(all) ? all[all.length - 1] : all;
    return {
      command: last?.command ?? null,
      rowCount: last?.rowCount ?? null,
      columns: (last?.fields ?? []).map((f) => f.name),
      rows: (last?.rows ?? []) as unknown[][],
    };
  },
  describeTable: (info, table, db) =>
    readPostgresOr400(db, info, (client) => postgresColumns(client, qualifiedName(table))),
  tables: {
    source: (info, where) => ({ kind: 'external', type: TYPE, connection: info, ...where }),
    reader: postgresReader,
    describe: (info, where, db) =>
      postgresCopyColumns(db, { kind: 'external', type: TYPE, connection: info, ...where }),
    metrics,
    versionToken: (info, where, db) =>
      where.table ? postgresTableToken(db, info, where.table) : Promise.resolve(null),
    existingTable: (info, table, db) =>
      readPostgresOr400(db, info, async (client) => {
        const found = await client.query<{ schema: string; name: string }>(
          'SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)',
          [qualifiedName(table)],
        );
        return found.rows[0] ? `${found.rows[0].schema}.${found.rows[0].name}` : null;
      }),
    runRecipe: (info, db, recipe) => executeSelectInPostgres(db, info, recipe),
  },
});
