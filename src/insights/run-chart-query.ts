import { badRequest } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import { connectionType, sourceReader } from '../connectors/registry.js';
import { engineError } from '../engine/engine-errors.js';
import { postgresRelation } from '../engine/postgres.js';
import { interruptible, type QueryLimits } from '../engine/query-limits.js';
import type { ColumnInfo, SqlDialect } from '../engine/table-query.js';
import { duckdbRelation, type TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * Where a chart's SQL runs: DuckDB for managed datasets and files, the source database for a
 * table or query of a connection (PostgreSQL today; others answer a 400 naming the type).
 */
export interface ChartEngine {
  dialect: SqlDialect;
  relation: string;
  columns(): Promise<ColumnInfo[]>;
  run(sql: string): Promise<unknown[][]>;
}

export function chartEngine(ws: Workspace, source: TableSource, limits: QueryLimits): ChartEngine {
  if (source.kind !== 'external') {
    const relation = duckdbRelation(source);
    const paths = source.kind === 'parquet' ? source.paths : [source.path];
    const run = async (sql: string) =>
      ws.duck.gates.reads.run(limits.signal, () =>
        ws.duck.withConnection((conn) =>
          interruptible(conn, limits, async () => {
            try {
              return (await ws.duck.query(sql, undefined, conn)).rows;
            } catch (error) {
              throw engineError(error, paths);
            }
          }),
        ),
      );
    return {
      dialect: 'duckdb',
      relation,
      run,
      columns: async () =>
        (await ws.duck.query(`DESCRIBE SELECT * FROM ${relation}`)).rows.map((r) => ({
          name: String(r[0]),
          type: String(r[1]),
        })),
    };
  }
  if (source.type !== 'postgres')
    throw badRequest(`Charts on ${source.type} datasets are not supported yet: build a managed copy and chart that`);
  const type = connectionType(source.type);
  return {
    dialect: 'postgres',
    relation: source.table || source.query ? postgresRelation(source) : quoteIdent('?'),
    run: async (sql) =>
      (
        await type.runSql!(source.connection, sql, {
          db: ws.duck,
          signal: limits.signal,
          timeoutMs: limits.timeoutMs,
          readOnly: true,
        })
      ).rows,
    columns: async () =>
      (
        await sourceReader(source).readRows(ws.duck, source, {
          limit: 1,
          limits,
          countRows: () => Promise.resolve(0),
        })
      ).columns,
  };
}
