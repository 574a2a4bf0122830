import { lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { badRequest } from '../../common/errors.js';
import { quoteIdent, quoteLiteral } from '../../common/names.js';
import { describeRelation, sha256File, tempPathNextTo, type DatasetColumn } from '../../engine/parquet-output.js';
import type { OutputFile } from './parquet-transfer.js';
import { snappyParquetCopy } from './parquet-uncompressed-copy.js';
import type { CodeColumn } from './ts-recipe-entry.js';

/** What a version's file is recorded with (as `copySelectToParquet` answers it). */
export interface AdoptedOutput {
  rowCount: number;
  columns: DatasetColumn[];
  contentHash: string;
}

/**
 * The code's Parquet output made the version's file without an import. An import (DuckDB's COPY
 * of the output to a new file) decodes and encodes every value again: a quarter to a third of a
 * copy recipe's time. When the harness wrote one Parquet file of exactly the output's types, its pages are
 * instead compressed as they are (snappy, as DuckDB's own files: see `snappyParquetCopy`) into a
 * file next to `targetPath`, renamed into place once DuckDB has checked the code's file:
 * - its columns read as the output's names and types (else: null, and the import casts);
 * - DuckDB decodes every value of every column (a hash of each), so a damaged page, invalid
 *   UTF-8 or a row group holding fewer values than it claims fails here, not in a later read.
 * The row count is the rows read; the copy's footer counts its row groups' (a lying total is not copied).
 * A failure is a 400 with the reason, and nothing is left at `targetPath`.
 *
 * Answers null (the caller imports as before) when the output is not one Parquet file directly in
 * `workDir` (the harness names the files; a path elsewhere or a link is never moved), a type is not
 * one the page copy carries, or the page copy finds something it does not copy (other encodings…).
 * Unlike an import, the version's pages keep the harness's encodings: its values are the same, and
 * its footer has each column chunk's min / max and null count, taken by the copy from the pages'
 * bytes (the code's own statistics are not trusted), so DuckDB skips row groups a filter cannot match.
 */
export async function adoptParquetOutput(
  conn: DuckDBConnection,
  files: OutputFile[],
  columns: CodeColumn[],
  workDir: string,
  targetPath: string,
): Promise<AdoptedOutput | null> {
  if (files.length !== 1 || files[0].format !== 'parquet') return null;
  const file = path.resolve(files[0].path);
  if (path.dirname(file) !== path.resolve(workDir)) return null;
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.nlink !== 1) return null;
  if (columns.length === 0 || new Set(columns.map((c) => c.name)).size !== columns.length) return null;

  // The code's file is checked while its pages are compressed into the copy (the same values' bytes).
  const described = await describeRelation(conn, `read_parquet(${quoteLiteral(file)})`).catch(damaged(file));
  const same =
    described.length === columns.length &&
    described.every((c, i) => c.name === columns[i].name && c.type === columns[i].type.toUpperCase());
  if (!same) return null;
  mkdirSync(path.dirname(targetPath), { recursive: true });
  const temp = tempPathNextTo(targetPath);
  const copied = async () => ((await snappyParquetCopy([file], columns, temp)) ? sha256File(temp) : null);
  // Both settle before anything is removed: the copy may still be writing when the check fails.
  const [counted, contentHash] = await Promise.allSettled([
    readEveryValue(conn, file, columns).catch(damaged(file)),
    copied(),
  ]);
  try {
    if (counted.status === 'rejected') throw counted.reason;
    if (contentHash.status === 'rejected') throw contentHash.reason;
    if (contentHash.value === null) return null;
    renameSync(temp, targetPath);
    return {
      rowCount: counted.value.rows,
      columns: columns.map((c, i) => ({
        name: c.name,
        type: described[i].type,
        nullable: counted.value.nonNull[i] < counted.value.rows,
      })),
      contentHash: contentHash.value,
    };
  } finally {
    rmSync(temp, { force: true });
  }
}

/** A DuckDB error reading the code's file as a 400 that names it by its own name, never the server's folders. */
const damaged =
  (file: string) =>
  (error: unknown): never => {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw badRequest(`The code's output Parquet file is damaged: ${message.split(file).join(path.basename(file))}`);
  };

/**
 * Rows and non-null values per column of `file`. The hashes make DuckDB decode every value:
 * counts alone may be answered from the footer and its statistics.
 */
async function readEveryValue(
  conn: DuckDBConnection,
  file: string,
  columns: CodeColumn[],
): Promise<{ rows: number; nonNull: number[] }> {
  const each = columns.map((c) => `count(${quoteIdent(c.name)}), bit_xor(hash(${quoteIdent(c.name)}))`);
  const sql = `SELECT count(*), ${each.join(', ')} FROM read_parquet(${quoteLiteral(file)})`;
  const row = (await conn.runAndReadAll(sql)).getRows()[0];
  return { rows: Number(row[0]), nonNull: columns.map((_, i) => Number(row[1 + 2 * i])) };
}
