import { badRequest } from '../../common/errors.js';
import { quoteIdent, quoteLiteral } from '../../common/names.js';
import type { ColumnSchema } from '../../datasets/definitions.js';
import { PERIOD_FORMAT, type PartitionDimension, type Partitioning } from '../../datasets/partitioning.js';
import { withReadConnection } from '../../engine/connection-pool.js';
import type { DuckDb } from '../../engine/duckdb.js';
import { isZonedTimeType } from '../../engine/column-types.js';

/**
 * The value a row has for a dimension, written as a partition id writes it. A time column is
 * compared by what it means (the TIMESTAMP `2026-12-01 13:00` is in day `2026-12-01`, so is the
 * DATE and the text `2026-12-01`); text that is no timestamp (`2026-12` for a month) is taken as
 * it is, so it matches when it is written like the partition. Partition times are UTC: an
 * instant (TIMESTAMPTZ) is read in UTC, not in the session's time zone (the machine's: at the
 * observatory, America/Santiago, where 02:00 UTC on 1 December is still 30 November).
 */
export function partitionValueSql(d: PartitionDimension, columnType: string): string {
  const column = quoteIdent(d.column);
  if (d.type !== 'time') return `CAST(${column} AS VARCHAR)`;
  const format = quoteLiteral(PERIOD_FORMAT[d.period]);
  if (isZonedTimeType(columnType)) return `strftime(timezone('UTC', ${column}), ${format})`;
  return `coalesce(strftime(TRY_CAST(${column} AS TIMESTAMP), ${format}), CAST(${column} AS VARCHAR))`;
}

/**
 * Refuses a built partition whose rows belong to other partitions: a partitioned recipe that
 * ignores `{{partition.X}}` writes its whole output into every partition, duplicating each row
 * once per partition. Only the dimensions whose column the output has are checked (an output
 * without them is taken as it is); a row without a value belongs to no partition, so it is
 * refused too. One aggregate query in DuckDB; the error (a 400) says how many rows, shows one
 * of them and how to fix the recipe.
 */
export async function checkPartitionRows(
  duck: DuckDb,
  built: { path: string; columns: ColumnSchema[] },
  partitioning: Partitioning,
  partition: { id: string; values: Record<string, string> },
): Promise<void> {
  const types = new Map(built.columns.map((c) => [c.name.toLowerCase(), c.type]));
  const checked = partitioning.dimensions.filter((d) => types.has(d.column.toLowerCase()));
  if (checked.length === 0) return;
  const rowValueSql = (d: PartitionDimension) => partitionValueSql(d, types.get(d.column.toLowerCase()) ?? '');
  const matches = checked
    .map((d) => `${rowValueSql(d)} IS NOT DISTINCT FROM ${quoteLiteral(partition.values[d.name])}`)
    .join(' AND ');
  const example = checked
    .map((d) => `${quoteLiteral(`${d.column}=`)} || coalesce(${rowValueSql(d)}, 'NULL')`)
    .join(` || ', ' || `);
  const query = `SELECT count(*) AS n, any_value(${example}) AS example
    FROM read_parquet(${quoteLiteral(built.path)}) WHERE NOT (${matches})`;
  const r = await withReadConnection(duck, (conn) => duck.query(query, undefined, conn));
  const wrong = Number(r.rows[0][0]);
  if (wrong === 0) return;
  const filters = checked.map((d) => `${d.column} = '{{partition.${d.name}}}'`).join(' AND ');
  throw badRequest(
    `Partition ${partition.id}: ${wrong} row${wrong === 1 ? '' : 's'} belong${wrong === 1 ? 's' : ''} to another partition (e.g. ${String(r.rows[0][1])}); ` +
      `the recipe must write only this partition's rows: filter its input on {{partition.X}} (e.g. WHERE ${filters})`,
  );
}
