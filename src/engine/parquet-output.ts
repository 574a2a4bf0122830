import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  type DuckDBConnection,
  type DuckDBMapValue,
  type DuckDBMaterializedResult,
  type DuckDBValue,
  type Json,
} from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import { AppendedFileHash, HASH_IN_ONE_READ } from './appended-file-hash.js';

/** A column of a written dataset, as Llano stores it in the catalog. */
export interface DatasetColumn {
  name: string;
  type: string;
  nullable: boolean;
}

/** Progress of a long write: `percent` from DuckDB's own progress tracking (-1 when it cannot tell). */
export interface WriteProgress {
  phase: 'start' | 'detect' | 'write' | 'finish' | 'done';
  percent: number;
  rows?: number;
  /** Imports: bytes of the source file read so far (estimated from `percent`) and in total. */
  bytes?: number;
  totalBytes?: number;
}
export type ProgressCallback = (progress: WriteProgress) => void;

const POLL_MS = 250;
/** Makes DuckDB track query progress without printing a progress bar. */
export const PROGRESS_SETTINGS =
  'SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0';

/** A hidden sibling of `target`, on the same file system so the final rename is atomic. */
export function tempPathNextTo(target: string, suffix = '.tmp'): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}${suffix}`);
}

export async function sha256File(path: string, size?: number): Promise<string> {
  if (size !== undefined && size <= HASH_IN_ONE_READ)
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

/**
 * Runs `work` on `conn` while reporting DuckDB's query progress every 250 ms. The progress
 * bar setting is what makes DuckDB track progress; printing it is switched off.
 */
export async function withQueryProgress<T>(
  conn: DuckDBConnection,
  onProgress: ProgressCallback | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (!onProgress) return work();
  const enabled = (await conn.runAndReadAll("SELECT current_setting('enable_progress_bar')")).getRowsJson()[0][0];
  // A sandbox has these set before its configuration is locked (see duckdb-sandbox.ts).
  if (enabled !== true) await conn.run(PROGRESS_SETTINGS);
  let last = -1;
  const timer = setInterval(() => {
    const percent = conn.progress.percentage;
    if (percent > last) {
      last = percent;
      onProgress({ phase: 'write', percent: Math.min(99.9, percent) });
    }
  }, POLL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * `COPY (select) TO <temp> (FORMAT parquet)` next to `targetPath`, then an atomic rename: a
 * crash or an error never leaves a half-written file at `targetPath`. Returns the row count.
 * `tempPath` lets a caller that sandboxes DuckDB decide (and allow) the temporary file.
 * `columns` (the prepared query's, when the caller has them) saves describing the written file
 * when every type reads back from Parquet unchanged.
 */
export async function copySelectToParquet(
  conn: DuckDBConnection,
  selectSql: string,
  targetPath: string,
  options: { onProgress?: ProgressCallback; tempPath?: string; columns?: PreparedColumn[] } = {},
): Promise<{ rowCount: number; columns: DatasetColumn[]; contentHash: string }> {
  // Synchronous: one system call, cheaper than a turn through libuv's pool (see HASH_IN_ONE_READ).
  mkdirSync(dirname(targetPath), { recursive: true });
  const temp = options.tempPath ?? tempPathNextTo(targetPath);
  // The file is hashed as DuckDB writes it (see AppendedFileHash).
  const hash = new AppendedFileHash(temp);
  try {
    const stopHashing = hash.follow();
    // RETURN_STATS answers the row count, the size and every leaf column's null count of the written file.
    const result = await withQueryProgress(conn, options.onProgress, () =>
      conn.run(`COPY (${selectSql}) TO ${quoteLiteral(temp)} (FORMAT parquet, RETURN_STATS)`),
    ).finally(stopHashing);
    const stats = writeStats(result);
    const rowCount = stats.rowCount;
    options.onProgress?.({ phase: 'finish', percent: 99.9, rows: rowCount });
    const columns = await writtenColumns(conn, temp, stats, options.columns);
    const contentHash = await hash.digest(stats.fileSize);
    renameSync(temp, targetPath);
    return { rowCount, columns, contentHash };
  } catch (error) {
    await hash.close();
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * What `COPY … (RETURN_STATS)` answers of the file it wrote, read from its one row's vectors on
 * this thread (`readAll` would fetch each chunk through libuv's pool, two waits for a one-row
 * answer when DuckDB's queries keep the pool busy). Only the values used are converted: the
 * whole row as JSON (every column's min and max included) costs about as much again.
 */
function writeStats(result: DuckDBMaterializedResult): WriteStats {
  const names = result.columnNames();
  const row = result.chunkCount === 0 ? null : result.getChunk(0);
  const value = (name: string) => row?.getColumnVector(names.indexOf(name)).getItem(0);
  const columns = value('column_statistics') as DuckDBMapValue | null | undefined;
  const nullCount = (stats: DuckDBValue) =>
    (stats as DuckDBMapValue | null)?.entries.find((e) => e.key === 'null_count')?.value;
  return {
    rowCount: Number(value('count')),
    fileSize: Number(value('file_size_bytes')),
    nullCounts: new Map((columns?.entries ?? []).map((c) => [String(c.key), nullCount(c.value)])),
  };
}

/** A result column of a prepared query; `alias` is set for aliased types (JSON is a VARCHAR aliased JSON). */
export interface PreparedColumn {
  name: string;
  type: string;
  alias?: string;
}

/** One row of `COPY … (RETURN_STATS)`: rows and bytes written, and the null count by quoted top-level column name. */
interface WriteStats {
  rowCount: number;
  fileSize: number;
  nullCounts: Map<string, DuckDBValue | undefined>;
}

/** Types a Parquet file written by DuckDB reads back as exactly (TIMESTAMP_S, HUGEINT, JSON, nested types… do not). */
const SAME_IN_PARQUET =
  /^(BOOLEAN|U?TINYINT|U?SMALLINT|U?INTEGER|U?BIGINT|FLOAT|DOUBLE|VARCHAR|BLOB|DATE|TIME|TIMESTAMP|TIMESTAMP WITH TIME ZONE|TIMESTAMP_NS|UUID|INTERVAL|DECIMAL\(\d+,\d+\))$/;

/**
 * The columns of a file just written, with their nullability from the write's statistics. Types
 * come from the prepared query when they all read back unchanged, else from the file (DESCRIBE);
 * columns without a top-level null count (nested types) are counted from the file's metadata.
 */
async function writtenColumns(
  conn: DuckDBConnection,
  path: string,
  stats: WriteStats,
  prepared: PreparedColumn[] | undefined,
): Promise<DatasetColumn[]> {
  const typed =
    prepared &&
    new Set(prepared.map((c) => c.name)).size === prepared.length &&
    prepared.every((c) => c.alias === undefined && SAME_IN_PARQUET.test(c.type))
      ? prepared.map(({ name, type }) => ({ name, type }))
      : await describeRelation(conn, `read_parquet(${quoteLiteral(path)})`);
  const nullCount = (name: string) => stats.nullCounts.get(`"${name.replace(/"/g, '""')}"`);
  const unknown = typed.filter((c) => nullCount(c.name) === undefined);
  if (unknown.length === 0) return typed.map((c) => ({ ...c, nullable: Number(nullCount(c.name)) > 0 }));
  const described = await describeParquet(conn, path);
  return typed.map((c, i) => ({ ...c, nullable: described[i]?.nullable ?? true }));
}

/** Column names and types of a relation, as DuckDB's DESCRIBE answers them. */
export async function describeRelation(
  conn: DuckDBConnection,
  relation: string,
): Promise<{ name: string; type: string }[]> {
  const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`)).getRowObjectsJson();
  // DESCRIBE answers text in both columns.
  const text = (value: Json) => (typeof value === 'string' ? value : JSON.stringify(value));
  return described.map((row) => ({ name: text(row.column_name), type: text(row.column_type) }));
}

/**
 * Column names, types and nullability of a Parquet file. `count(*) - count(col)` is answered
 * from the Parquet statistics when present, so this costs milliseconds even on big files.
 */
export async function describeParquet(conn: DuckDBConnection, path: string): Promise<DatasetColumn[]> {
  const relation = `read_parquet(${quoteLiteral(path)})`;
  const columns = await describeRelation(conn, relation);
  if (columns.length === 0) return [];
  const nullCounts = columns.map((c) => `count(*) - count(${quoteIdent(c.name)})`).join(', ');
  const counts = (await conn.runAndReadAll(`SELECT ${nullCounts} FROM ${relation}`)).getRowsJson()[0];
  return columns.map((c, i) => ({ ...c, nullable: Number(counts[i]) > 0 }));
}
