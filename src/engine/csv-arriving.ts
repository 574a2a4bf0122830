import { open, rm } from 'node:fs/promises';
import type { DuckDb } from './duckdb.js';
import { feedFifo, makeFifo, type ArrivingFile } from './arriving-file.js';
import { csvReadExpression, detectCsv, type CsvDialect } from './csv-detect.js';
import { copySelectToParquet, type ProgressCallback } from './parquet-output.js';
import type { CsvOptions } from './table-source.js';

/**
 * Bytes of an arriving CSV file the dialect is detected on before its import starts: DuckDB's
 * sniffer reads 20,480 records, whole in 8 MB unless they are 400 bytes long. A smaller upload
 * is imported once whole, as a file is.
 */
export const ARRIVING_HEAD_BYTES = 8 << 20;

/**
 * Arriving imports running at once per database; more are imported once whole. Each holds a
 * thread of libuv's pool (its statement) for as long as its client takes to send the file, and
 * that pool also serves logins, catalog work and every other query: a few slow clients must not
 * hold it all.
 */
const ARRIVING_AT_ONCE = 1;
const RUNNING = Symbol('csv-arriving.running');

export interface ArrivingCsvCopy {
  file: ArrivingFile;
  csv: CsvOptions;
  /** Column type overrides, checked against the detected columns by `checkColumns` (throws). */
  schema: Record<string, string>;
  checkColumns: (names: string[]) => void;
  targetPath: string;
  onProgress?: ProgressCallback;
  maxColumns?: number;
}

/** What an arriving copy wrote, and the dialect it read. */
interface ArrivingCopied {
  written: Awaited<ReturnType<typeof copySelectToParquet>>;
  dialect: CsvDialect;
}

/**
 * Imports a CSV file while it is still arriving: the dialect is detected on its first
 * ARRIVING_HEAD_BYTES (copied apart), then DuckDB's COPY reads the file through a FIFO fed as
 * the file grows, so that receiving and importing overlap instead of following each other.
 * Optimistic: the result stands only when the copy succeeded, the file arrived whole, and the
 * dialect detected on the whole file is the one used. Anything else answers undefined (and
 * leaves nothing at `targetPath`) and the caller imports the whole file as usual, which finds the same dialect, retries and errors as ever. At most ARRIVING_AT_ONCE run
 * at once.
 */
export async function copyCsvArriving(db: DuckDb, copy: ArrivingCsvCopy): Promise<ArrivingCopied | undefined> {
  const running = db.resource(
    RUNNING,
    () => ({ count: 0 }),
    () => undefined,
  );
  if (running.count >= ARRIVING_AT_ONCE) return undefined;
  running.count++;
  try {
    return await copyWhileArriving(db, copy);
  } finally {
    running.count--;
  }
}

async function copyWhileArriving(db: DuckDb, copy: ArrivingCsvCopy): Promise<ArrivingCopied | undefined> {
  const { file, csv, schema, targetPath, onProgress, maxColumns } = copy;
  const head = `${file.path}.head`;
  const fifo = `${file.path}.fifo`;
  let copied: ArrivingCopied | undefined;
  try {
    await copyHead(file.path, head, ARRIVING_HEAD_BYTES);
    if (!(await makeFifo(fifo))) return undefined;
    copied = await db.withConnection(async (conn) => {
      const dialect = await detectCsv(conn, head, csv, undefined, maxColumns).catch(() => undefined);
      // A preamble to skip is checked against the whole file's width (see detectCsv): not here.
      if (!dialect || dialect.skip > 0) return undefined;
      copy.checkColumns(dialect.columns.map((c) => c.name));
      const feed = feedFifo(file, fifo);
      const written = await copySelectToParquet(
        conn,
        `SELECT * FROM ${csvReadExpression(fifo, dialect, schema)}`,
        targetPath,
        { onProgress },
      ).finally(feed.stop);
      await file.whole;
      const whole = await detectCsv(conn, file.path, csv, undefined, maxColumns);
      return JSON.stringify(whole) === JSON.stringify(dialect) ? { written, dialect } : undefined;
    });
  } catch {
    copied = undefined;
  } finally {
    await Promise.all([rm(head, { force: true }), rm(fifo, { force: true })]);
  }
  // What a copy that does not stand wrote must not outlive it (the whole file's import may fail).
  if (!copied) await rm(targetPath, { force: true });
  return copied;
}

/** The first `bytes` bytes of `path` (at least that many are there) into a file of their own. */
async function copyHead(path: string, target: string, bytes: number): Promise<void> {
  const source = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(bytes);
    const { bytesRead } = await source.read(buffer, 0, bytes, 0);
    const out = await open(target, 'wx', 0o600);
    try {
      await out.write(buffer, 0, bytesRead);
    } finally {
      await out.close();
    }
  } finally {
    await source.close();
  }
}
