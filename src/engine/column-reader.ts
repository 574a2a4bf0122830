import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { badRequest } from '../common/errors.js';
import type { DuckDb } from './duckdb.js';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import { doubleColumn, isValid } from './chunk-columns.js';
import { interruptible, type QueryLimits } from './query-limits.js';

/** A column's name and DuckDB type as the file reader infers it. */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** Numeric columns of a file as typed arrays; SQL NULL becomes NaN. */
export interface NumericColumns {
  rows: number;
  values: Record<string, Float64Array>;
}

const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** SQL for a table function reading a CSV or Parquet file (by extension; anything else is read as CSV). */
export function fileSource(file: string): string {
  if (!existsSync(file)) throw badRequest(`file not found: ${file}`);
  const literal = quoteLiteral(file);
  return /\.parquet$/i.test(path.extname(file)) ? `read_parquet(${literal})` : `read_csv(${literal})`;
}

/**
 * A relation to read instead of a file (e.g. a dataset's source, see `duckdbRelation`), with the
 * name errors call it by.
 */
export interface NamedRelation {
  relation: string;
  label: string;
}

/** What the readers below read: a CSV or Parquet file by path, or a {@link NamedRelation}. */
export type ColumnSource = string | NamedRelation;

const relationOf = (source: ColumnSource) => (typeof source === 'string' ? fileSource(source) : source.relation);
const labelOf = (source: ColumnSource) => (typeof source === 'string' ? source : source.label);

/** Columns of a CSV or Parquet file (or a relation) with their inferred types. */
export async function describeFile(db: DuckDb, file: ColumnSource, conn?: DuckDBConnection): Promise<ColumnInfo[]> {
  const source = relationOf(file);
  try {
    const result = await db.query(`DESCRIBE SELECT * FROM ${source}`, undefined, conn);
    return result.rows.map((row) => ({ name: String(row[0]), type: String(row[1]) }));
  } catch (err) {
    throw badRequest(
      `cannot read ${labelOf(file)}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
}

function requireColumns(
  available: ColumnInfo[],
  wanted: readonly string[],
  file: ColumnSource,
): Map<string, ColumnInfo> {
  const byName = new Map(available.map((c) => [c.name, c]));
  for (const name of wanted) {
    if (!byName.has(name))
      throw badRequest(
        `column "${name}" not found in ${labelOf(file)}; it has: ${available.map((c) => c.name).join(', ')}`,
      );
  }
  return byName;
}

const TEMPORAL_TYPE = /^(DATE|TIMESTAMP.*)$/;

/**
 * Whether a column of this type can put rows in time order: a number (MJD, seconds…) or a date,
 * time or timestamp. Text sorts lexically ("10:00" before "9:00"), so it is not a time.
 */
export const isTimeType = (type: string) => NUMERIC_TYPE.test(type) || /^(DATE|TIME|TIMESTAMP)/.test(type);

/** How to read a file's rows. */
export interface ReadOptions {
  /** Sort rows by this column first (e.g. a time column). */
  orderBy?: string;
  /** Accept DATE and TIMESTAMP columns, read as seconds since 1970 (default false). */
  temporalAsEpochSeconds?: boolean;
  /** Time limit and cancellation of the read (the server's requests; the CLI reads without). */
  limits?: QueryLimits;
}

const orderClause = (orderBy: string | undefined) => (orderBy ? ` ORDER BY ${quoteIdent(orderBy)}` : '');

/**
 * Reads numeric columns as Float64Arrays, chunk by chunk from DuckDB's vectors (copied as they
 * are, no value by value). Rejects missing and non-numeric columns with a clear error.
 */
export async function readNumericColumns(
  db: DuckDb,
  file: ColumnSource,
  columns: readonly string[],
  options: ReadOptions = {},
): Promise<NumericColumns> {
  return db.withConnection(async (conn) => {
    const byName = requireColumns(
      await describeFile(db, file, conn),
      [...columns, ...(options.orderBy ? [options.orderBy] : [])],
      file,
    );
    const select = columns
      .map((name) => {
        const type = byName.get(name)!.type;
        if (options.temporalAsEpochSeconds && TEMPORAL_TYPE.test(type))
          return `CAST(epoch(${quoteIdent(name)}) AS DOUBLE)`;
        if (!NUMERIC_TYPE.test(type)) throw badRequest(`column "${name}" is ${type}, not numeric`);
        return `CAST(${quoteIdent(name)} AS DOUBLE)`;
      })
      .join(', ');
    const parts: Float64Array[][] = columns.map(() => []);
    let rows = 0;
    await interruptible(conn, options.limits, async () => {
      const result = await conn.stream(`SELECT ${select} FROM ${relationOf(file)}${orderClause(options.orderBy)}`);
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const count = chunk.rowCount;
        columns.forEach((_, j) => {
          const { values: read, valid } = doubleColumn(chunk, j);
          const out = Float64Array.from(read);
          if (valid) for (let i = 0; i < count; i++) if (!isValid(valid, i)) out[i] = NaN;
          parts[j].push(out);
        });
        rows += count;
      }
    });
    const values: Record<string, Float64Array> = {};
    columns.forEach((name, j) => {
      const all = new Float64Array(rows);
      let offset = 0;
      for (const part of parts[j]) {
        all.set(part, offset);
        offset += part.length;
      }
      values[name] = all;
    });
    return { rows, values };
  });
}

/** One numeric column in the order of another, with each row's place in the input: see {@link readNumericInOrder}. */
export interface OrderedColumn {
  /** The numeric column (NaN where missing), sorted. */
  values: Float64Array;
  /** Each sorted row's 0-based position in the input. */
  positions: Float64Array;
  /** The order column as JSON (as {@link readColumnsAsJson} reads it), sorted. */
  order: unknown[];
  /** The order column's DuckDB type. */
  orderType: string;
}

/**
 * A numeric column sorted by `orderBy`, then by position in the input (rows with equal keys keep
 * their input order), with each row's position and the `orderBy` values: one describe and one
 * query, whose one window numbers the rows as they are read, before the sort.
 */
export async function readNumericInOrder(
  db: DuckDb,
  file: ColumnSource,
  column: string,
  orderBy: string,
  limits?: QueryLimits,
): Promise<OrderedColumn> {
  return db.withConnection(async (conn) => {
    const types = requireColumns(await describeFile(db, file, conn), [column, orderBy], file);
    const type = types.get(column)!.type;
    if (!NUMERIC_TYPE.test(type)) throw badRequest(`column "${column}" is ${type}, not numeric`);
    const [value, order, position] = [column, orderBy, '__llano_input_row'].map(quoteIdent);
    const sql = `SELECT CAST(${value} AS DOUBLE), CAST(${position} AS DOUBLE), ${order}
      FROM (SELECT *, row_number() OVER () - 1 AS ${position} FROM ${relationOf(file)})
      ORDER BY ${order}, ${position}`;
    const { rows } = await interruptible(conn, limits, () => db.query(sql, undefined, conn));
    const values = new Float64Array(rows.length);
    const positions = new Float64Array(rows.length);
    const orderValues = new Array<unknown>(rows.length);
    rows.forEach((row, i) => {
      values[i] = row[0] === null ? NaN : (row[0] as number);
      positions[i] = row[1] as number;
      orderValues[i] = row[2];
    });
    return { values, positions, order: orderValues, orderType: types.get(orderBy)!.type };
  });
}

/** Reads columns of any type as JSON-friendly values (strings for text and timestamps, numbers for numbers). */
export async function readColumnsAsJson(
  db: DuckDb,
  file: ColumnSource,
  columns: readonly string[],
  options: Pick<ReadOptions, 'orderBy' | 'limits'> = {},
): Promise<Record<string, unknown[]>> {
  return db.withConnection(async (conn) => {
    requireColumns(
      await describeFile(db, file, conn),
      [...columns, ...(options.orderBy ? [options.orderBy] : [])],
      file,
    );
    const sql = `SELECT ${columns.map(quoteIdent).join(', ')} FROM ${relationOf(file)}${orderClause(options.orderBy)}`;
    const result = await interruptible(conn, options.limits, () => db.query(sql, undefined, conn));
    const out: Record<string, unknown[]> = {};
    columns.forEach((name, j) => (out[name] = result.rows.map((row) => row[j])));
    return out;
  });
}
