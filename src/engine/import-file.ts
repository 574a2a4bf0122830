import { rm, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { badRequest, LlanoError } from '../common/errors.js';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import {
  checkComplete,
  compressionNamed,
  compressionOf,
  compressionOption,
  readContentHead,
  readStoredHead,
  readZstdTail,
  withoutCompressionExtension,
  type Compression,
} from './compression.js';
import { waitForBytes } from './arriving-file.js';
import { ARRIVING_HEAD_BYTES, copyCsvArriving } from './csv-arriving.js';
import { csvBadRequest, csvReadExpression, detectCsv, parseCsvError, type CsvDialect } from './csv-detect.js';
import { checkJsonDepth, JSON_TYPED_DEPTH, tooManyColumnsMessage, type ImportLimits } from './import-limits.js';
import type { DuckDb } from './duckdb.js';
import { checkEncodingFitsFormat, checkUtf16, notLatin1Error, notTextError, notTextReason } from './encoding-checks.js';
import { engineError, type ShownPath } from './engine-errors.js';
import { checkArrayClosed, checkArrayTail, firstCharacter, jsonLinesErrorMessage } from './json-file-checks.js';
import { copySelectToParquet, describeRelation, type DatasetColumn, type ProgressCallback } from './parquet-output.js';
import type { CsvEncoding, CsvOptions } from './table-source.js';

/** `json` and `jsonl` both read a JSON array of records or JSON lines, whichever the file holds. */
export type ImportFormat = 'auto' | 'csv' | 'tsv' | 'parquet' | 'json' | 'jsonl';
/** What was found: `json` is one array of records, `jsonl` one record per line. */
export type StoredFormat = 'csv' | 'parquet' | 'json' | 'jsonl';

export interface ImportFileOptions {
  sourcePath: string;
  /** The name the file had (uploads are stored under a temporary name): its extension hints the format. */
  fileName?: string;
  format?: ImportFormat;
  csv?: CsvOptions;
  /** Column → DuckDB type, overriding the detected type. */
  schema?: Record<string, string>;
  targetPath: string;
  onProgress?: ProgressCallback;
  /** Refuse files wider or deeper than this (LLANO_MAX_COLUMNS, LLANO_MAX_JSON_DEPTH); unbounded when absent. */
  limits?: ImportLimits;
  /**
   * `sourcePath` is still being written (an upload arriving): settles when it is whole, rejects
   * when the upload failed (then so does the import). A large CSV file is imported as it arrives.
   */
  whole?: Promise<unknown>;
}

export interface ImportResult {
  rowCount: number;
  columns: DatasetColumn[];
  /** sha256 (hex) of the written Parquet file. */
  contentHash: string;
  detected: {
    format: StoredFormat;
    delimiter?: string;
    quote?: string;
    escape?: string;
    header?: boolean;
    encoding?: CsvEncoding;
    compression?: Compression;
  };
}

/** Type names as DuckDB spells them: `DOUBLE`, `DECIMAL(10, 2)`, `TIMESTAMP WITH TIME ZONE`, `VARCHAR[]`. */
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_]*( [A-Za-z][A-Za-z0-9_]*)*\s*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\d*\])*$/;

function checkSchema(schema: Record<string, string>, columns: readonly string[]): void {
  for (const [column, type] of Object.entries(schema)) {
    if (!columns.includes(column)) {
      throw badRequest(
        `Unknown column ${JSON.stringify(column)} in the type overrides; the file has ${columns.map((c) => JSON.stringify(c)).join(', ')}`,
      );
    }
    if (!TYPE_NAME.test(type.trim()))
      throw badRequest(`Invalid type ${JSON.stringify(type)} for column ${JSON.stringify(column)}`);
  }
}

/** `[` or `{` first: JSON; otherwise the (decompressed) name's extension, then CSV. */
function sniffFormat(content: Buffer, stored: Buffer, name: string): StoredFormat | 'tsv' {
  if (stored.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  const extension = extname(withoutCompressionExtension(name)).toLowerCase();
  if (extension === '.parquet' || extension === '.parq') return 'parquet';
  if (extension === '.tsv' || extension === '.tab') return 'tsv';
  if (extension === '.csv' || extension === '.txt') return 'csv';
  const first = firstCharacter(content);
  if (first === '[') return 'json';
  if (first === '{' || extension === '.jsonl' || extension === '.ndjson' || extension === '.json') return 'jsonl';
  return 'csv';
}

const HEAD_BYTES = 4096;

/**
 * Imports a CSV, TSV, JSON (an array of records, or JSON lines) or Parquet file into a new
 * Parquet file at `targetPath`; CSV and JSON may be gzip- or zstd-compressed (found by the magic
 * bytes). Nested JSON records become STRUCT and LIST columns.
 * The work is one DuckDB `COPY … TO … (FORMAT parquet)` with every reader option fixed
 * after a cheap detection pass, so it runs at DuckDB's own speed. The Parquet file is written
 * next to `targetPath` and renamed into place; on any error nothing is left behind.
 */
/**
 * A file named `….gz` or `….zst` whose bytes are not compressed is read as plain text (a misnamed
 * CSV still imports); when that fails, the reason users need first is that it is not compressed.
 */
function notCompressedAsNamed(error: unknown, fileName: string): never {
  const named = compressionNamed(fileName);
  if (!named || !(error instanceof LlanoError) || error.status !== 400) throw error;
  throw badRequest(
    `${fileName} is not ${named}-compressed, though its name says so; read as plain text: ${error.message}`,
    error.details,
  );
}

export async function importFile(db: DuckDb, options: ImportFileOptions): Promise<ImportResult> {
  if (options.whole) {
    const whole = options.whole;
    const early = await importArrivingCsv(db, { ...options, whole });
    // The upload's own failure (cut short, too large) is the error, whatever the import did.
    await whole;
    if (early) return early;
  }
  const { sourcePath, targetPath } = options;
  const info = await stat(sourcePath).catch(() => undefined);
  if (!info?.isFile()) throw badRequest('The file to import does not exist');
  if (info.size === 0) throw badRequest('The file is empty');
  const totalBytes = info.size;
  const onProgress: ProgressCallback | undefined = options.onProgress
    ? (p) =>
        options.onProgress!({
          ...p,
          bytes: p.percent >= 0 ? Math.round((Math.min(p.percent, 100) / 100) * totalBytes) : undefined,
          totalBytes,
        })
    : undefined;
  onProgress?.({ phase: 'start', percent: 0 });
  const requested = options.format ?? 'auto';
  const schema = options.schema ?? {};
  const limits = options.limits ?? {};
  const result = await db.withConnection(async (conn) => {
    const stored = await readStoredHead(sourcePath, HEAD_BYTES);
    const compression = compressionOf(stored);
    const content = compression ? await readContentHead(conn, sourcePath, compression, HEAD_BYTES) : stored;
    const sniffed = sniffFormat(content, stored, options.fileName ?? sourcePath);
    const shownAs: ShownPath = options.fileName ? [sourcePath, basename(options.fileName)] : sourcePath;
    const format = requested === 'auto' ? sniffed : requested;
    const read = async (): Promise<ImportResult> => {
      if (format === 'csv' || format === 'tsv') {
        const notText = notTextReason(content);
        if (notText) throw notTextError(notText);
        if (options.csv?.encoding === 'utf-16') checkUtf16(content);
        return importCsv(
          conn,
          { path: sourcePath, targetPath, schema, onProgress, compression, shownAs, limits },
          csvOptionsFor(format, options.csv),
        );
      }
      const jsonLayout = sniffed === 'json' ? 'json' : 'jsonl';
      checkEncodingFitsFormat(format === 'parquet' ? 'parquet' : jsonLayout, options.csv?.encoding);
      if (format === 'parquet') {
        if (compression)
          throw badRequest(
            `A ${compression}-compressed Parquet file cannot be read: Parquet compresses its pages itself, import the .parquet file`,
          );
        return importSelfDescribing(
          conn,
          { path: sourcePath, targetPath, schema, onProgress, shownAs, limits },
          'parquet',
        );
      }
      return importSelfDescribing(
        conn,
        { path: sourcePath, targetPath, schema, onProgress, compression, shownAs, limits },
        jsonLayout,
      );
    };
    if (!compression)
      return read().catch((error: unknown) => notCompressedAsNamed(error, basename(options.fileName ?? sourcePath)));
    if (format === 'parquet') return read();
    // Checked alongside the import; a cut-off file fails it (and the import's error is then moot).
    const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
    const jsonArray = format !== 'csv' && format !== 'tsv' && sniffed === 'json';
    if (jsonArray && compression === 'zstd') {
      // zlib hands the gzip check the content's end; for zstd DuckDB reads it, before the import
      // (one connection), once the frame walk has found the file whole.
      await checkComplete(sourcePath, compression);
      checkArrayTail(await readZstdTail(conn, sourcePath), basename(options.fileName ?? sourcePath));
    }
    const whole = checkComplete(sourcePath, compression)
      .then(({ tail }) => {
        if (jsonArray && tail) checkArrayTail(tail, basename(options.fileName ?? sourcePath));
      })
      .then(() => undefined, asError);
    const outcome = await read().then(
      (value) => ({ value }),
      (error: unknown) => ({ error: asError(error) }),
    );
    const problem = await whole;
    if (problem) {
      await rm(targetPath, { force: true });
      throw problem;
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  });
  onProgress?.({ phase: 'done', percent: 100, rows: result.rowCount });
  return result;
}

/**
 * A CSV or TSV file imported while it arrives (see copyCsvArriving); undefined for any other
 * file (compressed, JSON, Parquet, small) or whenever that fast path does not stand, once the
 * file is whole or failed: it is then imported as a whole file.
 */
async function importArrivingCsv(
  db: DuckDb,
  options: ImportFileOptions & { whole: Promise<unknown> },
): Promise<ImportResult | undefined> {
  const file = { path: options.sourcePath, whole: options.whole };
  if (await waitForBytes(file, ARRIVING_HEAD_BYTES)) return undefined;
  const stored = await readStoredHead(options.sourcePath, HEAD_BYTES);
  const sniffed = sniffFormat(stored, stored, options.fileName ?? options.sourcePath);
  const format = !options.format || options.format === 'auto' ? sniffed : options.format;
  if (compressionOf(stored) || (format !== 'csv' && format !== 'tsv')) return undefined;
  // Checked on the whole file's way, with their own errors.
  if (notTextReason(stored) || options.csv?.encoding === 'utf-16') return undefined;
  const schema = options.schema ?? {};
  const copied = await copyCsvArriving(db, {
    file,
    csv: csvOptionsFor(format, options.csv),
    schema,
    checkColumns: (names) => checkSchema(schema, names),
    targetPath: options.targetPath,
    onProgress: options.onProgress,
    maxColumns: options.limits?.maxColumns,
  });
  return copied && { ...copied.written, detected: detectedCsv(copied.dialect) };
}

/** A TSV file's delimiter is a tab unless told otherwise. */
function csvOptionsFor(format: 'csv' | 'tsv', options: CsvOptions | undefined): CsvOptions {
  const csv = { ...options };
  if (format === 'tsv' && csv.delimiter === undefined) csv.delimiter = '\t';
  return csv;
}

/** What an import tells of the CSV dialect it read. */
function detectedCsv(dialect: CsvDialect, compression?: Compression): ImportResult['detected'] {
  return {
    format: 'csv',
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    escape: dialect.escape,
    header: dialect.header,
    encoding: dialect.encoding,
    ...(compression ? { compression } : {}),
  };
}

/** One file to copy into a Parquet file, with column type overrides. */
interface FileCopy {
  path: string;
  targetPath: string;
  schema: Record<string, string>;
  onProgress: ProgressCallback | undefined;
  /** gzip or zstd, read by DuckDB as it goes. */
  compression?: Compression;
  /** What errors call the file: the uploaded file's name, never the temporary file it landed in. */
  shownAs: ShownPath;
  limits: ImportLimits;
}

async function importCsv(conn: DuckDBConnection, copy: FileCopy, csv: CsvOptions): Promise<ImportResult> {
  const { path, targetPath, schema, onProgress, compression, shownAs, limits } = copy;
  onProgress?.({ phase: 'detect', percent: 0 });
  let dialect: CsvDialect = await detectCsv(conn, path, csv, compression, limits.maxColumns);
  checkSchema(
    schema,
    dialect.columns.map((c) => c.name),
  );
  const types = { ...schema };
  // A type guessed from the sniffer's sample can meet a value it does not fit further down
  // (a "N/A" among numbers): such a column is widened to VARCHAR and the copy retried.
  // Likewise a file that turns out not to be UTF-8 past the probed head is re-read as latin-1.
  for (let attempt = 0; attempt <= dialect.columns.length + 1; attempt++) {
    try {
      const written = await copySelectToParquet(
        conn,
        `SELECT * FROM ${csvReadExpression(path, dialect, types)}`,
        targetPath,
        { onProgress },
      );
      return { ...written, detected: detectedCsv(dialect, compression) };
    } catch (error) {
      const info = parseCsvError(error);
      if (!info) throw notLatin1Error(error, undefined) ?? engineError(error, [shownAs, targetPath]);
      if (info.kind === 'unicode' && csv.encoding === undefined && dialect.encoding === 'utf-8') {
        dialect = { ...dialect, encoding: 'latin-1' };
        continue;
      }
      const column = dialect.columns.find((c) => c.name === info.column);
      if (info.kind === 'conversion' && column && !(column.name in schema) && types[column.name] !== 'VARCHAR') {
        types[column.name] = 'VARCHAR';
        continue;
      }
      throw csvBadRequest(info);
    }
  }
  throw badRequest('Could not find column types that fit this CSV file; set them explicitly');
}

async function importSelfDescribing(
  conn: DuckDBConnection,
  copy: FileCopy,
  format: 'parquet' | 'json' | 'jsonl',
): Promise<ImportResult> {
  const { path, targetPath, schema, onProgress, compression, shownAs, limits } = copy;
  const shownName = typeof shownAs === 'string' ? basename(shownAs) : shownAs[1];
  if (format === 'json' && !compression) await checkArrayClosed(path, shownName);
  if (format !== 'parquet' && limits.maxJsonDepth !== undefined)
    await checkJsonDepth(conn, path, compression, limits.maxJsonDepth);
  // A file that starts with `[` is read as an array, which also skips a byte-order mark (`auto`
  // reads the array behind one as a single value); otherwise `auto`: one record per line, or an
  // array after all, whatever the name promised. Nesting past JSON_TYPED_DEPTH stays JSON text.
  const layout = format === 'json' ? 'array' : 'auto';
  const relation =
    format === 'parquet'
      ? `read_parquet(${quoteLiteral(path)})`
      : `read_json(${quoteLiteral(path)}, format = '${layout}', maximum_depth = ${JSON_TYPED_DEPTH}${compressionOption(compression)})`;
  const what =
    format === 'parquet'
      ? 'This is not a readable Parquet file'
      : format === 'json'
        ? 'Malformed JSON'
        : 'Malformed JSON lines';
  // DuckDB counts JSON lines records, not lines: the faulty record's own line is looked up.
  const malformed = async (error: unknown, paths: ShownPath[]) => {
    const lines = format === 'jsonl' && (await jsonLinesErrorMessage(path, compression, shownName));
    return lines ? badRequest(lines) : engineError(error, paths, `${what}: `);
  };
  let names: string[];
  try {
    names = (await describeRelation(conn, relation)).map((c) => c.name);
  } catch (error) {
    throw await malformed(error, [shownAs]);
  }
  if (limits.maxColumns !== undefined && names.length > limits.maxColumns)
    throw badRequest(tooManyColumnsMessage(names.length, limits.maxColumns));
  checkSchema(schema, names);
  const casts = Object.entries(schema).map(
    ([column, type]) => `CAST(${quoteIdent(column)} AS ${type.trim()}) AS ${quoteIdent(column)}`,
  );
  const select = `SELECT * ${casts.length ? `REPLACE (${casts.join(', ')})` : ''} FROM ${relation}`;
  try {
    const written = await copySelectToParquet(conn, select, targetPath, { onProgress });
    return { ...written, detected: { format, ...(compression ? { compression } : {}) } };
  } catch (error) {
    const conversion = error instanceof Error && error.message.startsWith('Conversion Error');
    if (conversion) throw engineError(error, [shownAs, targetPath], 'A type override does not fit the data: ');
    throw await malformed(error, [shownAs, targetPath]);
  }
}
