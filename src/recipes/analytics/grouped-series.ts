import type { DuckDBConnection } from '@duckdb/node-api';
import { badRequest } from '../../common/errors.js';
import { quoteIdent } from '../../common/names.js';

/** Temporary table of the groups, `gid` 0, 1, … in the order the rows are read; the keys keep their types. */
export const GROUPS_TABLE = 'llano_groups';

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const TIMESTAMP = /^TIMESTAMP(_S|_MS|_NS)?$/;

/**
 * How an ordering column travels as a double and back: numbers as they are, DATE as days and
 * TIMESTAMP as microseconds since 1970 (exact in a double for any real date).
 */
export interface OrderCodec {
  type: string;
  toDouble(expr: string): string;
  fromDouble(expr: string): string;
  /** Order units per day for dates and times (Theil–Sen slopes are then per day); 1 for numbers. */
  perDay: number;
}

export function orderCodec(column: string, type: string): OrderCodec {
  if (NUMERIC.test(type))
    return { type, toDouble: (e) => `CAST(${e} AS DOUBLE)`, fromDouble: (e) => `CAST(${e} AS ${type})`, perDay: 1 };
  if (type === 'DATE')
    return {
      type,
      toDouble: (e) => `CAST(${e} - DATE '1970-01-01' AS DOUBLE)`,
      fromDouble: (e) => `(DATE '1970-01-01' + CAST(${e} AS INTEGER))`,
      perDay: 1,
    };
  if (TIMESTAMP.test(type))
    return {
      type: 'TIMESTAMP',
      toDouble: (e) => `CAST(epoch_us(CAST(${e} AS TIMESTAMP)) AS DOUBLE)`,
      fromDouble: (e) => `make_timestamp(CAST(${e} AS BIGINT))`,
      perDay: 86_400e6,
    };
  throw badRequest(`orderBy column "${column}" is ${type}; use a number, DATE or TIMESTAMP column`);
}

/** Per-group series read in one pass: group g is rows starts[g] … starts[g + 1] − 1 of `values` and `order`. */
export interface GroupedSeries {
  groupCount: number;
  starts: Int32Array;
  values: Float64Array;
  /** The ordering column as doubles (see {@link OrderCodec}); null when there is none. */
  order: Float64Array | null;
  /** Where each row is in the input's scan (see {@link GroupedRead.rowId}); null unless asked for. */
  rowIds: Float64Array | null;
}

export interface GroupedRead {
  /** A DuckDB relation (table function call, table or parenthesised query). */
  relation: string;
  groupBy: readonly string[];
  orderBy?: { column: string; codec: OrderCodec };
  column: string;
  /** `valid`: only rows with an order value and a finite value; `all`: every row, NaN for a missing value. */
  rows: 'valid' | 'all';
  /** SQL for each row's position in the relation's scan (e.g. `rowid`), to write results back in input order. */
  rowId?: string;
}

/** ORDER BY of the rows read, NULLs last: the same expression sorts the rows when they are written back. */
export function rowOrder(read: { groupBy: readonly string[]; orderBy?: string; column: string }): string {
  const keys = [...read.groupBy, ...(read.orderBy !== undefined ? [read.orderBy] : []), read.column];
  return keys.map((k) => `${quoteIdent(k)} NULLS LAST`).join(', ');
}

function validFilter(read: GroupedRead): string {
  if (read.rows === 'all') return '';
  const v = quoteIdent(read.column);
  const order = read.orderBy ? `${quoteIdent(read.orderBy.column)} IS NOT NULL AND ` : '';
  return `${order}${v} IS NOT NULL AND isfinite(CAST(${v} AS DOUBLE))`;
}

/**
 * Reads a value column grouped and ordered, in bulk: the groups (with their row counts) into
 * {@link GROUPS_TABLE}, then the value and ordering columns with each row's group id, in whatever
 * order DuckDB's parallel scan gives them, straight into typed arrays at their group's place (no
 * per-row object, and no sort by text keys in DuckDB: that was most of the time). Each group is
 * then put in order (order value, then value, missing ones last) where it is not already, which
 * is the order {@link rowOrder} sorts the rows in SQL.
 */
export async function readGroupedSeries(conn: DuckDBConnection, read: GroupedRead): Promise<GroupedSeries> {
  const keys = read.groupBy.map(quoteIdent);
  const filter = validFilter(read);
  const where = filter ? ` WHERE ${filter}` : '';
  const keyList = keys.join(', ');
  const groupsSql = keys.length
    ? `SELECT CAST(row_number() OVER (ORDER BY ${keys.map((k) => `${k} NULLS LAST`).join(', ')}) - 1 AS INTEGER) AS gid, ${keyList}, n FROM (SELECT ${keyList}, count(*) AS n FROM ${read.relation}${where} GROUP BY ALL)`
    : `SELECT 0 AS gid, count(*) AS n FROM ${read.relation}${where}`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${GROUPS_TABLE} AS ${groupsSql}`);
  const counts = (await conn.runAndReadAll(`SELECT n FROM ${GROUPS_TABLE} ORDER BY gid`)).getRowsJson();
  const groupCount = counts.length;
  const starts = new Int32Array(groupCount + 1);
  for (let g = 0; g < groupCount; g++) starts[g + 1] = starts[g] + Number(counts[g][0]);
  const total = starts[groupCount];

  const values = new Float64Array(total);
  const order = read.orderBy ? new Float64Array(total) : null;
  const rowIds = read.rowId ? new Float64Array(total) : null;
  const columns = [
    keys.length ? 'g.gid' : '0',
    `CAST(r.${quoteIdent(read.column)} AS DOUBLE)`,
    read.orderBy ? read.orderBy.codec.toDouble(`r.${quoteIdent(read.orderBy.column)}`) : 'NULL',
    read.rowId ? `CAST(r.llano_row AS DOUBLE)` : 'NULL',
  ];
  const join = keys.length
    ? ` JOIN ${GROUPS_TABLE} g ON ${keys.map((k) => `r.${k} IS NOT DISTINCT FROM g.${k}`).join(' AND ')}`
    : '';
  const result = await conn.stream(
    `SELECT ${columns.join(', ')} FROM (SELECT *${read.rowId ? `, ${read.rowId} AS llano_row` : ''} FROM ${read.relation}${where}) r${join}`,
  );
  const next = starts.slice(0, groupCount);
  let seen = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const count = chunk.rowCount;
    seen += count;
    if (seen > total) throw new Error('the input changed while it was read');
    const gidVector = chunk.getColumnVector(0);
    const valueVector = chunk.getColumnVector(1);
    const orderVector = chunk.getColumnVector(2);
    const rowVector = chunk.getColumnVector(3);
    for (let i = 0; i < count; i++) {
      const at = next[gidVector.getItem(i) as number]++;
      const v = valueVector.getItem(i);
      values[at] = typeof v === 'number' ? v : NaN;
      if (order) {
        const t = orderVector.getItem(i);
        order[at] = typeof t === 'number' ? t : NaN;
      }
      if (rowIds) rowIds[at] = rowVector.getItem(i) as number;
    }
  }
  if (seen !== total) throw new Error('the input changed while it was read');
  const carried = rowIds ? [rowIds] : [];
  for (let g = 0; g < groupCount; g++) sortGroup(values, order, carried, starts[g], starts[g + 1]);
  return { groupCount, starts, values, order, rowIds };
}

/** a before b in SQL's `ORDER BY a NULLS LAST` for doubles where NaN stands for NULL. */
const compareNullsLast = (a: number, b: number) =>
  Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b;

/**
 * Sorts rows [from, to) by (order, value), moving the `carried` columns along. DuckDB's
 * parallel scan hands a group's rows over as a few runs already in file order (files are mostly
 * written in time order), so runs are found and merged pairwise: O(n log runs), and nothing to
 * do for a group already in order.
 */
function sortGroup(
  values: Float64Array,
  order: Float64Array | null,
  carried: Float64Array[],
  from: number,
  to: number,
): void {
  const before = (i: number, j: number) =>
    ((order ? compareNullsLast(order[i], order[j]) : 0) || compareNullsLast(values[i], values[j])) <= 0;
  let runs = [from];
  for (let i = from + 1; i < to; i++) if (!before(i - 1, i)) runs.push(i);
  if (runs.length === 1) return;
  runs.push(to);
  const columns = [values, ...(order ? [order] : []), ...carried];
  let src = columns.map((c) => c.slice(from, to));
  let dst = columns.map(() => new Float64Array(to - from));
  runs = runs.map((r) => r - from);
  while (runs.length > 2) {
    const merged = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const end = r + 2 < runs.length ? runs[r + 2] : runs[r + 1];
      mergeRuns(src, dst, order !== null, runs[r], runs[r + 1], end);
      merged.push(end);
    }
    runs = merged;
    [src, dst] = [dst, src];
  }
  columns.forEach((c, j) => c.set(src[j], from));
}

/**
 * Merges sorted runs [a0, a1) and [a1, b1) of `src` into the same place of `dst`; column 0 is
 * the value, column 1 the order when `ordered`.
 */
function mergeRuns(src: Float64Array[], dst: Float64Array[], ordered: boolean, a0: number, a1: number, b1: number) {
  const v = src[0];
  const o = ordered ? src[1] : null;
  const take = (from: number, k: number) => {
    for (let c = 0; c < src.length; c++) dst[c][k] = src[c][from];
  };
  let i = a0;
  let j = a1;
  let k = a0;
  while (i < a1 && j < b1) {
    const c = (o ? compareNullsLast(o[i], o[j]) : 0) || compareNullsLast(v[i], v[j]);
    take(c <= 0 ? i++ : j++, k++);
  }
  while (i < a1) take(i++, k++);
  while (j < b1) take(j++, k++);
}
