import { badRequest } from '../../common/errors.js';
import { quoteIdent, quoteLiteral } from '../../common/names.js';
import type { CodeColumn } from './ts-recipe-entry.js';

/**
 * The columnar handover with Python code: Parquet files that the sandbox's llano_parquet.py reads
 * and writes with numpy (no pyarrow on the machine), instead of CSV text parsed and printed one
 * value at a time. It carries flat numbers, booleans and text; an input with another column type
 * goes as CSV, and so does output the code writes row by row.
 */

/** Types written as they are; the others listed here are cast so that the code sees what CSV gave it. */
const AS_IS = new Set(['BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'DOUBLE', 'BOOLEAN', 'VARCHAR']);
const CAST: Record<string, string> = {
  // llano_parquet reads INT32 as signed: unsigned values go as BIGINT.
  UTINYINT: 'BIGINT',
  USMALLINT: 'BIGINT',
  UINTEGER: 'BIGINT',
  // Dates and timestamps reach the code as text (as from CSV): DuckDB's own text of each value.
  DATE: 'VARCHAR',
  TIMESTAMP: 'VARCHAR',
};

/**
 * Uncompressed: numpy decodes the pages in place. DuckDB's default row groups (122,880 rows):
 * larger ones made its COPY of 10 M rows take twice the CPU time, and read no faster.
 */
const PARQUET_OPTIONS = 'FORMAT parquet, COMPRESSION uncompressed';

/** The COPY that hands `relation` to Python code as Parquet, or null when a column's type needs CSV. */
export function parquetInputCopy(relation: string, columns: CodeColumn[], limit: string, file: string): string | null {
  const types = columns.map((c) => c.type.toUpperCase());
  if (columns.length === 0 || !types.every((t) => AS_IS.has(t) || t in CAST)) return null;
  const list = columns.map((c, i) => {
    const name = quoteIdent(c.name);
    return AS_IS.has(types[i]) ? name : `CAST(${name} AS ${CAST[types[i]]}) AS ${name}`;
  });
  return `COPY (SELECT ${list.join(', ')} FROM ${relation}${limit}) TO ${quoteLiteral(file)} (${PARQUET_OPTIONS})`;
}

const PLAIN_TYPE = /^[A-Za-z][A-Za-z0-9_ ]{0,60}$/;

/** One output file of the code, in the order of its rows. */
export interface OutputFile {
  path: string;
  format: 'parquet' | 'csv';
}

/**
 * The relation of the code's output files read in order (the Parquet file of its frames first,
 * then the CSV file of what followed), each cast to the output's schema. `csv` gives the relation
 * of a CSV file. UNION ALL keeps the order of its parts when insertion order is preserved (DuckDB's default).
 */
export function outputFilesRelation(files: OutputFile[], columns: CodeColumn[], csv: (file: string) => string): string {
  // The types come from the code's process: only plain type names go into the SQL text.
  const odd = files.some((f) => f.format === 'parquet') ? columns.find((c) => !PLAIN_TYPE.test(c.type)) : undefined;
  if (odd)
    throw badRequest(`The code's output column ${odd.name} has a type that is not a plain DuckDB type: ${odd.type}`);
  const parts = files.map((f) =>
    f.format === 'parquet'
      ? `SELECT ${columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')} FROM read_parquet(${quoteLiteral(f.path)})`
      : `SELECT * FROM ${csv(f.path)}`,
  );
  return `(${parts.join(' UNION ALL ')})`;
}
