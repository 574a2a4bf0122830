import { badRequest } from '../../common/errors.js';
import { quoteIdent, quoteLiteral } from '../../common/names.js';
import type { CodeColumn, HarnessResult } from './ts-recipe-entry.js';

/**
 * The columnar handover with code: uncompressed Parquet files that Python's llano_parquet.py reads
 * and writes with numpy (no pyarrow on the machine) and TypeScript's ts-recipe-parquet.ts with
 * Node built-ins, instead of CSV text parsed and printed one value at a time. It carries flat
 * numbers, booleans and text; an input with another column type goes as CSV (or NDJSON), and so
 * does output the code writes row by row.
 */

/** Types written as they are; the others listed here are cast so that the code sees what CSV gave it. */
const AS_IS = new Set(['BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'DOUBLE', 'BOOLEAN', 'VARCHAR']);
const CAST: Record<string, string> = {
  // llano_parquet reads INT32 as signed: unsigned values go as BIGINT (Python only, see `unsigned`).
  UTINYINT: 'BIGINT',
  USMALLINT: 'BIGINT',
  UINTEGER: 'BIGINT',
  // Dates and timestamps reach the code as text (as from CSV): DuckDB's own text of each value.
  DATE: 'VARCHAR',
  TIMESTAMP: 'VARCHAR',
};

const UNSIGNED = new Set(['UTINYINT', 'USMALLINT', 'UINTEGER']);

export interface ParquetInputOptions {
  /**
   * Rows per row group. Default DuckDB's (122,880 rows): for Python, larger ones made its COPY of
   * 10 M rows take twice the CPU time and read no faster; TypeScript asks for its batch size so
   * that each row group is one batch.
   */
  rowGroupRows?: number;
  /** Whether unsigned integers go (as BIGINT); the TypeScript reader takes them from CSV. Default true. */
  unsigned?: boolean;
}

/** The COPY that hands `relation` to code as Parquet, or null when a column's type needs CSV. */
export function parquetInputCopy(
  relation: string,
  columns: CodeColumn[],
  limit: string,
  file: string,
  options: ParquetInputOptions = {},
): string | null {
  const types = columns.map((c) => c.type.toUpperCase());
  const carried = (t: string) => AS_IS.has(t) || (t in CAST && (options.unsigned !== false || !UNSIGNED.has(t)));
  if (columns.length === 0 || !types.every(carried)) return null;
  const list = columns.map((c, i) => {
    const name = quoteIdent(c.name);
    return AS_IS.has(types[i]) ? name : `CAST(${name} AS ${CAST[types[i]]}) AS ${name}`;
  });
  // Uncompressed: numpy and the TypeScript reader decode the pages in place.
  const groups = options.rowGroupRows ? `, ROW_GROUP_SIZE ${options.rowGroupRows}` : '';
  return `COPY (SELECT ${list.join(', ')} FROM ${relation}${limit}) TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION uncompressed${groups})`;
}

const PLAIN_TYPE = /^[A-Za-z][A-Za-z0-9_ ]{0,60}$/;

/** One output file of the code, in the order of its rows. */
export type OutputFile = NonNullable<HarnessResult['files']>[number];

/**
 * The relation of the code's output files read in order (the Parquet parts of its frames first,
 * then the CSV file of what followed), each cast to the output's schema. `csv` gives the relation
 * of a CSV file. UNION ALL keeps the order of its parts when insertion order is preserved (DuckDB's default).
 */
export function outputFilesRelation(files: OutputFile[], columns: CodeColumn[], csv: (file: string) => string): string {
  // The types come from the code's process: only plain type names go into the SQL text.
  const odd = files.some((f) => f.format === 'parquet') ? columns.find((c) => !PLAIN_TYPE.test(c.type)) : undefined;
  if (odd)
    throw badRequest(`The code's output column ${odd.name} has a type that is not a plain DuckDB type: ${odd.type}`);
  // The Parquet parts (one row group each) are read as one list: DuckDB keeps the list's order.
  const parquet = files.filter((f) => f.format === 'parquet').map((f) => quoteLiteral(f.path));
  const cast = columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ');
  const parts = [
    ...(parquet.length > 0 ? [`SELECT ${cast} FROM read_parquet([${parquet.join(', ')}])`] : []),
    ...files.filter((f) => f.format === 'csv').map((f) => `SELECT * FROM ${csv(f.path)}`),
  ];
  return `(${parts.join(' UNION ALL ')})`;
}
