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
 * of the output to a new file) decodes and encodes every value again: a third of a copy recipe's
 * time. When the harness wrote one Parquet file of exactly the output's types, its pages are
 * instead compressed as they are (snappy, as DuckDB's own files: see `snappyParquetCopy`) next to
 * `targetPath`, and the copy is checked with DuckDB before it is renamed into place:
 * - its columns read back as the output's names and types (else: null, and the import casts);
 * - DuckDB decodes every value of every column (a hash of each), so a damaged page, invalid
 *   UTF-8 or a row group holding fewer values than it claims fails here, not in a later read.
 * The row count is the rows read; the copy's footer counts its row groups' (a lying total is not copied).
 * A failure is a 400 with the reason, and nothing is left at `targetPath`.
 *
 * Answers null (the caller imports as before) when the output is not one Parquet file directly in
 * `workDir` (the harness names the files; a path elsewhere or a link is never moved), a type is not
 * one the page copy carries, or the page copy finds something it does not copy (other encodings…).
 * Unlike an import, the version's pages keep the harness's encodings and carry no min/max
 * statistics (DuckDB then reads every row group of a filtered query): its values are the same.
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

  mkdirSync(path.dirname(targetPath), { recursive: true });
  const temp = tempPathNextTo(targetPath);
  try {
    if (!(await snappyParquetCopy([file], columns, temp))) return null;
    const relation = `read_parquet(${quoteLiteral(temp)})`;
    const described = await describeRelation(conn, relation);
    const same =
      described.length === columns.length &&
      described.every((c, i) => c.name === columns[i].name && c.type === columns[i].type.toUpperCase());
    if (!same) {
      rmSync(temp, { force: true });
      return null;
    }
    const [counted, contentHash] = await Promise.all([
      readEveryValue(conn, temp, columns).catch((error: unknown) => {
        // Named as the output: users see the message, never the server's folders.
        const message = (error instanceof Error ? error.message.split('\n')[0] : String(error))
          .split(temp)
          .join('output');
        throw badRequest(`The code's output Parquet file is damaged: ${message}`);
      }),
      sha256File(temp),
    ]);
    renameSync(temp, targetPath);
    return {
      rowCount: counted.rows,
      columns: columns.map((c, i) => ({
        name: c.name,
        type: described[i].type,
        nullable: counted.nonNull[i] < counted.rows,
      })),
      contentHash,
    };
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

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
