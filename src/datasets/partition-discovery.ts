import { badRequest } from '../common/errors.js';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import { withReadConnection } from '../engine/connection-pool.js';
import type { DuckDb } from '../engine/duckdb.js';
import { duckdbRelation, type TableSource } from '../engine/table-source.js';
import { PERIOD_FORMAT, type Partitioning } from './partitioning.js';

/**
 * The partitions present in data not stored by partition (an imported dataset, a file, a table
 * declared partitioned): the distinct values of the dimension columns, with their row counts.
 * Rows with an empty dimension value belong to no partition.
 */
export async function discoverPartitions(
  duck: DuckDb,
  source: TableSource,
  partitioning: Partitioning,
): Promise<Map<string, number>> {
  if (source.kind === 'external')
    throw badRequest('Partitions of a table of a database connection cannot be listed: import it first');
  if (source.kind === 'parquet' && source.paths.length === 0) return new Map();
  const exprs = partitioning.dimensions.map((d) =>
    d.type === 'time'
      ? `strftime(CAST(${quoteIdent(d.column)} AS TIMESTAMP), ${quoteLiteral(PERIOD_FORMAT[d.period])})`
      : `CAST(${quoteIdent(d.column)} AS VARCHAR)`,
  );
  const id = exprs.join(` || '|' || `);
  const notNull = partitioning.dimensions.map((d) => `${quoteIdent(d.column)} IS NOT NULL`).join(' AND ');
  const query = `SELECT ${id} AS id, count(*) AS n FROM ${duckdbRelation(source)} WHERE ${notNull} GROUP BY 1 ORDER BY 1`;
  try {
    const r = await withReadConnection(duck, (conn) => duck.query(query, undefined, conn));
    return new Map(r.rows.map((row) => [String(row[0]), Number(row[1])]));
  } catch (e) {
    throw badRequest(`Cannot list partitions: ${(e as Error).message.split('\n')[0]}`);
  }
}
