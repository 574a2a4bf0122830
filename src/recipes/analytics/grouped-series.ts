import type { DuckDBConnection } from '@duckdb/node-api';
import { badRequest } from '../../common/errors.js';
import { quoteIdent } from '../../common/names.js';
import { doubleColumn, isValid, wordPairColumn } from '../../engine/chunk-columns.js';
import { sinkChunks } from '../../engine/chunk-sink.js';

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
  /**
   * The groups are not in order yet (read with {@link GroupedRead.deferSort}): {@link sortGroups}
   * puts them in order, as computeGroups does batch by batch.
   */
  pendingSort?: boolean;
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
  /**
   * Each group's rows as the scan hands them over, not sorted: for statistics of a group that do
   * not depend on the order of its rows (medians, quantiles), which then skip the sort.
   */
  unordered?: boolean;
  /** Where the groups go (default {@link GROUPS_TABLE}): a second read must not replace the first's. */
  groupsTable?: string;
  /**
   * Leave each group to be sorted by whoever takes it ({@link GroupedSeries.pendingSort}):
   * computeGroups sorts a batch just before it hands it to a worker, while the workers compute
   * the batches before it, so the sort no longer holds the computation up.
   */
  deferSort?: boolean;
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
 * {@link GROUPS_TABLE} (or `read.groupsTable`), then the value and ordering columns in the input's own order, each row
 * with the hash of its group keys, straight into typed arrays at their group's place (no
 * per-row object, no join and no sort by text keys in DuckDB: those were most of the time). Each
 * group is then put in order (order value, then value, missing ones last) where it is not already,
 * which is the order {@link rowOrder} sorts the rows in SQL. Two groups with one hash (never seen;
 * 64-bit hashes) are told apart by a join with the groups table instead.
 */
export async function readGroupedSeries(
  conn: DuckDBConnection,
  read: GroupedRead,
  /** Tests only: find groups by a join, as when two groups share a hash. */
  options: { joinGroups?: boolean } = {},
): Promise<GroupedSeries> {
  const keys = read.groupBy.map(quoteIdent);
  const filter = validFilter(read);
  const where = filter ? ` WHERE ${filter}` : '';
  const keyList = keys.join(', ');
  const groupsTable = read.groupsTable ?? GROUPS_TABLE;
  const groupsSql = keys.length
    ? `SELECT CAST(row_number() OVER (ORDER BY ${keys.map((k) => `${k} NULLS LAST`).join(', ')}) - 1 AS INTEGER) AS gid, ${keyList}, n FROM (SELECT ${keyList}, count(*) AS n FROM ${read.relation}${where} GROUP BY ALL)`
    : `SELECT 0 AS gid, count(*) AS n FROM ${read.relation}${where}`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${groupsTable} AS ${groupsSql}`);
  const counts = (await conn.runAndReadAll(`SELECT n FROM ${groupsTable} ORDER BY gid`)).getRowsJson();
  const groupCount = counts.length;
  const starts = new Int32Array(groupCount + 1);
  for (let g = 0; g < groupCount; g++) starts[g + 1] = starts[g] + Number(counts[g][0]);
  const total = starts[groupCount];

  const values = new Float64Array(total);
  const order = read.orderBy ? new Float64Array(total) : null;
  const rowIds = read.rowId ? new Float64Array(total) : null;
  const byHash = keys.length && !options.joinGroups ? await groupsByHash(conn, groupsTable, keyList, groupCount) : null;
  // Column 0 finds the row's group: the hash of its keys, or (one group, or two with one hash) its gid.
  const locator = keys.length === 0 ? '0' : byHash ? `hash(${keys.map((k) => `r.${k}`).join(', ')})` : 'g.gid';
  // Chunk column 0 is the sink's handle; then the locator, the value, and the order and row where read
  // (`push` answers the new length: the chunk column of what it pushed).
  const columns = [`CAST(${locator} AS UBIGINT)`, `CAST(r.${quoteIdent(read.column)} AS DOUBLE)`];
  const orderAt = read.orderBy ? columns.push(read.orderBy.codec.toDouble(`r.${quoteIdent(read.orderBy.column)}`)) : 0;
  const rowAt = read.rowId ? columns.push(`CAST(r.llano_row AS DOUBLE)`) : 0;
  const join =
    keys.length && !byHash
      ? ` JOIN ${groupsTable} g ON ${keys.map((k) => `r.${k} IS NOT DISTINCT FROM g.${k}`).join(' AND ')}`
      : '';
  const next = starts.slice(0, groupCount);
  const changed = () => new Error('the input changed while it was read');
  await sinkChunks(
    conn,
    columns,
    `(SELECT *${read.rowId ? `, ${read.rowId} AS llano_row` : ''} FROM ${read.relation}${where}) r${join}`,
    (chunk) => {
      const count = chunk.rowCount;
      const locators = wordPairColumn(chunk, 1).values;
      const v = doubleColumn(chunk, 2);
      const o = order ? doubleColumn(chunk, orderAt) : null;
      const r = rowIds ? doubleColumn(chunk, rowAt) : null;
      for (let i = 0; i < count; i++) {
        const g = byHash ? byHash.find(locators[2 * i], locators[2 * i + 1]) : locators[2 * i];
        if (g < 0 || next[g] >= starts[g + 1]) throw changed();
        const at = next[g]++;
        values[at] = isValid(v.valid, i) ? v.values[i] : NaN;
        if (o) order![at] = isValid(o.valid, i) ? o.values[i] : NaN;
        if (r) rowIds![at] = r.values[i];
      }
    },
  );
  for (let g = 0; g < groupCount; g++) if (next[g] !== starts[g + 1]) throw changed();
  const series: GroupedSeries = { groupCount, starts, values, order, rowIds };
  if (read.unordered) return series;
  if (read.deferSort) return { ...series, pendingSort: true };
  sortGroups(series, 0, groupCount);
  return series;
}

/**
 * Puts groups [from, to) of a series read with {@link GroupedRead.deferSort} in order (order
 * value, then value, missing ones last: {@link rowOrder}); a group already in order costs one look.
 */
export function sortGroups(series: GroupedSeries, from: number, to: number): void {
  const { values, order, rowIds, starts } = series;
  const carried = rowIds ? [rowIds] : [];
  for (let g = from; g < to; g++) sortGroup(values, order, carried, starts[g], starts[g + 1]);
}

/** The groups by the hash of their keys; null when two groups share a hash. */
async function groupsByHash(
  conn: DuckDBConnection,
  groupsTable: string,
  keyList: string,
  groupCount: number,
): Promise<HashIndex | null> {
  const index = new HashIndex(groupCount);
  const result = await conn.stream(`SELECT CAST(hash(${keyList}) AS UBIGINT) FROM ${groupsTable} ORDER BY gid`);
  let gid = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const words = wordPairColumn(chunk, 0).values;
    for (let i = 0; i < chunk.rowCount; i++) if (!index.add(words[2 * i], words[2 * i + 1], gid++)) return null;
  }
  return index;
}

/** Open addressing from a 64-bit hash (two 32-bit words) to a group id. */
class HashIndex {
  private readonly mask: number;
  private readonly low: Uint32Array;
  private readonly high: Uint32Array;
  private readonly ids: Int32Array;

  constructor(entries: number) {
    let size = 16;
    while (size < 2 * entries) size *= 2;
    this.mask = size - 1;
    this.low = new Uint32Array(size);
    this.high = new Uint32Array(size);
    this.ids = new Int32Array(size).fill(-1);
  }

  /** False when the hash is there already. */
  add(low: number, high: number, id: number): boolean {
    let slot = low & this.mask;
    while (this.ids[slot] >= 0) {
      if (this.low[slot] === low && this.high[slot] === high) return false;
      slot = (slot + 1) & this.mask;
    }
    this.low[slot] = low;
    this.high[slot] = high;
    this.ids[slot] = id;
    return true;
  }

  /** The id of the hash, or −1. */
  find(low: number, high: number): number {
    let slot = low & this.mask;
    for (let id = this.ids[slot]; id >= 0; id = this.ids[slot]) {
      if (this.low[slot] === low && this.high[slot] === high) return id;
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }
}

/** a before b in SQL's `ORDER BY a NULLS LAST` for doubles where NaN stands for NULL. */
const compareNullsLast = (a: number, b: number) =>
  Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b;

/** More sorted subsequences than this in one group: the runs are merged pairwise instead. */
const MAX_PILES = 8;

/**
 * Sorts rows [from, to) by (order, value), moving the `carried` columns along. DuckDB's
 * parallel scan hands a group's rows over as its threads interleave them: a few subsequences,
 * each in file order (files are mostly written in time order), cut into dozens of runs. The rows
 * are dealt into the fewest such subsequences greedily (each row onto the first whose last row
 * is not after it) and those are merged in one pass: O(n · piles), nothing to do for a group
 * already in order. More than {@link MAX_PILES} (an input in no particular order): runs merged
 * pairwise, O(n log runs).
 */
function sortGroup(
  values: Float64Array,
  order: Float64Array | null,
  carried: Float64Array[],
  from: number,
  to: number,
): void {
  const before = comparison(values, order, from, to);
  let sorted = true;
  for (let i = from + 1; i < to && sorted; i++) sorted = before(i - 1, i);
  if (sorted) return;
  const n = to - from;
  const pileOf = new Uint8Array(n);
  const tails: number[] = [];
  for (let i = from; i < to; i++) {
    let p = 0;
    while (p < tails.length && !before(tails[p], i)) p++;
    if (p === MAX_PILES) return mergeSortRuns(values, order, carried, from, to, before);
    tails[p] = i;
    pileOf[i - from] = p;
  }
  // Each pile's rows, in order, one pile after another; then merged by their heads.
  const piles = tails.length;
  const next = new Int32Array(piles + 1);
  for (let k = 0; k < n; k++) next[pileOf[k] + 1]++;
  for (let p = 0; p < piles; p++) next[p + 1] += next[p];
  const ends = next.slice(1);
  const byPile = new Int32Array(n);
  for (let k = 0; k < n; k++) byPile[next[pileOf[k]]++] = from + k;
  const heads = Int32Array.from({ length: piles }, (_, p) => (p === 0 ? 0 : ends[p - 1]));
  const permutation = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let best = -1;
    for (let p = 0; p < piles; p++)
      if (heads[p] < ends[p] && (best < 0 || !before(byPile[heads[best]], byPile[heads[p]]))) best = p;
    permutation[k] = byPile[heads[best]++];
  }
  const scratch = new Float64Array(n);
  for (const column of [values, ...(order ? [order] : []), ...carried]) {
    for (let k = 0; k < n; k++) scratch[k] = column[permutation[k]];
    column.set(scratch, from);
  }
}

/** Whether row i goes before row j (or is equal); a quicker test when no value is missing. */
function comparison(values: Float64Array, order: Float64Array | null, from: number, to: number) {
  let missing = false;
  for (let i = from; i < to && !missing; i++)
    missing = Number.isNaN(values[i]) || (order !== null && Number.isNaN(order[i]));
  if (missing)
    return (i: number, j: number) =>
      ((order ? compareNullsLast(order[i], order[j]) : 0) || compareNullsLast(values[i], values[j])) <= 0;
  if (!order) return (i: number, j: number) => values[i] <= values[j];
  return (i: number, j: number) => order[i] < order[j] || (order[i] === order[j] && values[i] <= values[j]);
}

/** Sorts rows [from, to) by finding the runs in order and merging them pairwise. */
function mergeSortRuns(
  values: Float64Array,
  order: Float64Array | null,
  carried: Float64Array[],
  from: number,
  to: number,
  before: (i: number, j: number) => boolean,
): void {
  let runs = [from];
  for (let i = from + 1; i < to; i++) if (!before(i - 1, i)) runs.push(i);
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
