import { isUtf8 } from 'node:buffer';
import type { DuckDBConnection } from '@duckdb/node-api';
import { badRequest, LlanoError } from '../common/errors.js';
import { quoteLiteral } from '../common/names.js';
import { compressionOption, compressionSetting, readContentHead, type Compression } from './compression.js';
import { notLatin1Error } from './encoding-checks.js';
import { engineMessage } from './engine-errors.js';
import { tooManyColumnsMessage } from './import-limits.js';
import type { CsvEncoding, CsvOptions } from './table-source.js';

/** Everything needed to read a CSV file without any further guessing. */
export interface CsvDialect {
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  encoding: CsvEncoding;
  skip: number;
  comment: string;
  dateFormat?: string;
  timestampFormat?: string;
  columns: { name: string; type: string }[];
  /** A gzip or zstd file, decompressed by the reader. */
  compression?: Compression;
}

const ENCODING_PROBE_BYTES = 1 << 20;

/**
 * The longest CSV line (a record, quoted newlines included) Llano reads: a long text field (4 MB
 * of free text) imports. DuckDB's own limit is 2 MB, and its read buffer is 16 lines long by
 * default: it is set to the default's 32 MB, so memory stays as it was.
 */
export const MAX_CSV_LINE_BYTES = 16 << 20;
const LINE_OPTIONS = [`max_line_size = ${MAX_CSV_LINE_BYTES}`, `buffer_size = ${2 * MAX_CSV_LINE_BYTES}`];
const SAMPLE_BYTES = 1 << 16;
const DELIMITER_CANDIDATES = [',', '\t', ';', '|'];

/** True when `head` is valid UTF-8, allowing the probe to cut the last character in half. */
function looksUtf8(head: Buffer, complete: boolean): boolean {
  if (complete) return isUtf8(head);
  for (let cut = 0; cut < 4 && cut < head.length; cut++) {
    if (isUtf8(head.subarray(0, head.length - cut))) return true;
  }
  return head.length === 0;
}

/**
 * Encoding policy (documented for users): a byte-order mark decides (UTF-16 or UTF-8);
 * otherwise the first megabyte is checked and, if it is not valid UTF-8, the file is read as
 * latin-1 (every byte is a valid latin-1 character, and that is what legacy observatory
 * exports use). Invalid UTF-8 further down is caught by the reader itself; the importer then
 * retries once as latin-1, unless the user forced utf-8, in which case it is an error
 * naming the line.
 */
export function detectEncoding(head: Buffer, complete: boolean): CsvEncoding {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)))
    return 'utf-16';
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  return looksUtf8(head, complete) ? 'utf-8' : 'latin-1';
}

function decodeSample(head: Buffer, encoding: CsvEncoding): string {
  const sample = head.subarray(0, SAMPLE_BYTES);
  if (encoding === 'latin-1') return sample.toString('latin1');
  if (encoding === 'utf-16') return sample.subarray(2).toString('utf16le');
  return sample.toString('utf8');
}

/** Field count of each record in the sample (quote-aware, blank lines skipped); a record cut by the sample end is dropped. */
function fieldCounts(sample: string, delimiter: string, quote: string): number[] {
  const counts: number[] = [];
  let fields = 1;
  let blank = true;
  let inQuotes = false;
  let atFieldStart = true;
  for (let i = 0; i < sample.length; i++) {
    const ch = sample[i];
    if (inQuotes) {
      if (ch === quote) {
        if (sample[i + 1] === quote) i++;
        else inQuotes = false;
      }
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && sample[i + 1] === '\n') i++;
      if (!blank) counts.push(fields);
      fields = 1;
      blank = true;
      atFieldStart = true;
      continue;
    }
    blank = false;
    if (quote && ch === quote && atFieldStart) {
      inQuotes = true;
      atFieldStart = false;
    } else if (ch === delimiter) {
      fields++;
      atFieldStart = true;
    } else {
      atFieldStart = false;
    }
  }
  if (counts.length === 0 && !blank) counts.push(fields);
  return counts;
}

/** The most common field count of the sample's first 1,000 records (the wider on a tie), and the share of records with it. */
function usualWidth(fieldCountsOfSample: number[]): { fields: number; share: number } | undefined {
  const counts = fieldCountsOfSample.slice(0, 1000);
  if (counts.length === 0) return undefined;
  const frequency = new Map<number, number>();
  for (const c of counts) frequency.set(c, (frequency.get(c) ?? 0) + 1);
  const [fields, hits] = [...frequency.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
  return { fields, share: hits / counts.length };
}

/**
 * Our own delimiter guess, so that a ragged or badly quoted file is read with the delimiter the
 * user meant and fails on the faulty line, instead of DuckDB's sniffer quietly choosing another
 * delimiter under which the file happens to parse as one column.
 * The winner is the candidate whose most common field count (> 1) covers most records.
 */
export function guessDelimiter(sample: string, quote: string): { delimiter: string; fields: number } {
  let best = { delimiter: ',', fields: 1, share: 0 };
  for (const delimiter of DELIMITER_CANDIDATES) {
    const usual = usualWidth(fieldCounts(sample, delimiter, quote));
    if (!usual) continue;
    const { fields, share } = usual;
    if (fields > 1 && (share > best.share || (share === best.share && fields > best.fields)))
      best = { delimiter, fields, share };
  }
  return { delimiter: best.delimiter, fields: best.fields };
}

const EMPTY = '(empty)';
const sniffedChar = (value: unknown) =>
  value === EMPTY || value === null || value === undefined
    ? ''
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/** The `read_csv` call that reads exactly this dialect, with optional per-column types. */
export function csvReadExpression(path: string, dialect: CsvDialect, types: Record<string, string> = {}): string {
  const columns = dialect.columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(types[c.name] ?? c.type)}`);
  const options = [
    quoteLiteral(path),
    'auto_detect = false',
    `delim = ${quoteLiteral(dialect.delimiter)}`,
    `quote = ${quoteLiteral(dialect.quote)}`,
    `escape = ${quoteLiteral(dialect.escape)}`,
    `header = ${dialect.header}`,
    `skip = ${dialect.skip}`,
    `encoding = ${quoteLiteral(dialect.encoding)}`,
    `columns = {${columns.join(', ')}}`,
    'strict_mode = true',
    ...LINE_OPTIONS,
  ];
  if (dialect.comment) options.push(`comment = ${quoteLiteral(dialect.comment)}`);
  if (dialect.dateFormat) options.push(`dateformat = ${quoteLiteral(dialect.dateFormat)}`);
  if (dialect.timestampFormat) options.push(`timestampformat = ${quoteLiteral(dialect.timestampFormat)}`);
  options.push(compressionSetting(dialect.compression));
  return `read_csv(${options.join(', ')})`;
}

export interface CsvErrorInfo {
  line?: number;
  kind: 'columns' | 'quote' | 'unicode' | 'conversion' | 'other';
  reason: string;
  /** For conversion errors: the column that failed. */
  column?: string;
}

/** Picks the line number and the one-sentence reason out of a DuckDB CSV error. */
export function parseCsvError(error: unknown): CsvErrorInfo | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const lineMatch = /CSV Error on Line: (\d+)/.exec(message);
  if (!lineMatch) return undefined;
  const line = Number(lineMatch[1]);
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (columns) return { line, kind: 'columns', reason: `expected ${columns[1]} columns, found ${columns[2]}` };
  if (/unterminated quote/i.test(message))
    return { line, kind: 'quote', reason: 'a quoted value is not closed (unterminated or misplaced quote)' };
  const longLine = /Maximum line size of (\d+) bytes exceeded/i.exec(message);
  if (longLine)
    return {
      line,
      kind: 'other',
      reason: `the line is longer than ${Math.round(Number(longLine[1]) / 2 ** 20)} MB, the longest CSV line Llano reads (is a quote left open?)`,
    };
  if (/Invalid unicode/i.test(message))
    return {
      line,
      kind: 'unicode',
      reason:
        "the bytes are not valid UTF-8: leave the encoding out to have it detected, or give the file's own (latin-1 for most legacy exports)",
    };
  const conversion = /Error when converting column "((?:[^"]|"")*)"\. ([^\n]*)/.exec(message);
  if (conversion)
    return { line, kind: 'conversion', column: conversion[1], reason: `column "${conversion[1]}": ${conversion[2]}` };
  const body = message
    .split(/\nPossible (?:fixes|solutions?):/)[0]
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return { line, kind: 'other', reason: body[body.length - 1] ?? 'malformed CSV' };
}

export function csvBadRequest(info: CsvErrorInfo): LlanoError {
  return badRequest(`Malformed CSV on line ${info.line}: ${info.reason}`, {
    line: info.line,
    kind: info.kind,
    column: info.column,
  });
}

/**
 * Detects how to read a CSV file: encoding (see {@link detectEncoding}), delimiter (our guess),
 * quote (`"` unless told otherwise), then escape, header, column names and types from DuckDB's
 * sniffer run with those fixed. Every explicit option wins over detection. A file that cannot be
 * read under the detected dialect is rejected with the line at fault.
 */
export async function detectCsv(
  conn: DuckDBConnection,
  path: string,
  options: CsvOptions = {},
  compression?: Compression,
  maxColumns = Infinity,
): Promise<CsvDialect> {
  const head = await readContentHead(conn, path, compression, ENCODING_PROBE_BYTES);
  if (head.length === 0) throw badRequest('The file is empty');
  const encoding = options.encoding ?? detectEncoding(head, head.length < ENCODING_PROBE_BYTES);
  const quote = options.quote ?? '"';
  const sample = decodeSample(head, encoding);
  const guess = guessDelimiter(sample, quote);
  const delimiter = options.delimiter ?? guess.delimiter;
  // Counted in the sample before DuckDB's sniffer, whose time grows faster than the width.
  const counts = fieldCounts(sample, delimiter, quote);
  const width = Math.max(0, ...counts.slice(0, 100));
  if (width > maxColumns) throw badRequest(tooManyColumnsMessage(width, maxColumns));
  // How to read the file strictly, to name a faulty line: its usual width under the delimiter used.
  const strict: StrictDialect = {
    delimiter,
    quote,
    escape: options.escape ?? quote,
    encoding,
    fields: usualWidth(counts)?.fields ?? 1,
    compression,
  };
  const sniffOptions = [
    quoteLiteral(path),
    `delim = ${quoteLiteral(delimiter)}`,
    `quote = ${quoteLiteral(quote)}`,
    `encoding = ${quoteLiteral(encoding)}`,
    'strict_mode = true',
    ...LINE_OPTIONS,
  ];
  if (options.escape !== undefined) sniffOptions.push(`escape = ${quoteLiteral(options.escape)}`);
  if (options.header !== undefined) sniffOptions.push(`header = ${options.header}`);
  sniffOptions.push(compressionSetting(compression));
  let sniffed: Record<string, unknown>;
  try {
    const reader = await conn.runAndReadAll(
      `SELECT Escape, HasHeader, SkipRows, Comment, DateFormat, TimestampFormat, Columns FROM sniff_csv(${sniffOptions.join(', ')})`,
    );
    sniffed = reader.getRowObjectsJson()[0];
  } catch (error) {
    const mixed = mixedLineEndings(sample);
    if (mixed) throw badRequest(mixed.message, { line: mixed.line, kind: 'line-endings' });
    throw await diagnose(conn, path, strict, error, head);
  }
  const columns = (sniffed.Columns as { name: string; type: string }[]).map((c) => ({ name: c.name, type: c.type }));
  const skip = Number(sniffed.SkipRows ?? 0);
  // The sniffer takes lines before the first run of equal-width records as a preamble to skip: a
  // ragged record near the end makes it skip all the records before it (one row imported out of
  // thousands). When the width it chose is not the file's usual width, the file is read strictly
  // with the usual width instead, so the ragged line is named rather than the rows dropped.
  if (skip > 0 && columns.length !== strict.fields) {
    const faulty = await strictLineError(conn, path, strict);
    if (faulty) throw faulty;
  }
  if (columns.length > maxColumns) throw badRequest(tooManyColumnsMessage(columns.length, maxColumns));
  return {
    delimiter,
    quote,
    escape: options.escape ?? sniffedChar(sniffed.Escape),
    header: Boolean(sniffed.HasHeader),
    encoding,
    skip,
    comment: sniffedChar(sniffed.Comment),
    dateFormat: (sniffed.DateFormat as string | null) ?? undefined,
    timestampFormat: (sniffed.TimestampFormat as string | null) ?? undefined,
    columns,
    ...(compression ? { compression } : {}),
  };
}

/**
 * A file whose lines end in both `\r\n` and `\n` (pieces of Windows and Unix files pasted
 * together) defeats DuckDB's sniffer with a message that does not say so: this one does, with
 * the first line that ends differently from the first. Reading such a file leniently would also
 * let ragged rows through unnoticed, so it is refused rather than guessed.
 */
function mixedLineEndings(sample: string): { message: string; line: number } | null {
  const first = /\r?\n/.exec(sample);
  if (!first) return null;
  const windows = first[0] === '\r\n';
  let line = 1;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== '\n') continue;
    line++;
    if ((sample[i - 1] === '\r') !== windows) {
      const message = `The file mixes Windows (\\r\\n) and Unix (\\n) line endings: line ${line - 1} ends with ${windows ? '\\n' : '\\r\\n'}, line 1 with ${windows ? '\\r\\n' : '\\n'}. Convert it to one kind (e.g. dos2unix) and import it again`;
      return { message, line: line - 1 };
    }
  }
  return null;
}

interface StrictDialect {
  delimiter: string;
  quote: string;
  escape: string;
  encoding: CsvEncoding;
  fields: number;
  compression?: Compression;
}

/**
 * Reads the whole file strictly as text with the given delimiter and field count, so that
 * DuckDB names the first faulty line; undefined when every line fits.
 */
async function strictLineError(
  conn: DuckDBConnection,
  path: string,
  dialect: StrictDialect,
): Promise<LlanoError | undefined> {
  const columns = Array.from({ length: Math.max(1, dialect.fields) }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  try {
    await conn.run(
      `SELECT count(*) FROM read_csv(${quoteLiteral(path)}, auto_detect = false, delim = ${quoteLiteral(dialect.delimiter)}, quote = ${quoteLiteral(dialect.quote)}, escape = ${quoteLiteral(dialect.escape)}, header = false, encoding = ${quoteLiteral(dialect.encoding)}, columns = {${columns}}, strict_mode = true, ${LINE_OPTIONS.join(', ')}${compressionOption(dialect.compression)})`,
    );
  } catch (error) {
    const info = parseCsvError(error);
    if (info) return csvBadRequest(info);
  }
  return undefined;
}

/** The sniffer gives up without saying where: the strict read names the faulty line. */
async function diagnose(
  conn: DuckDBConnection,
  path: string,
  dialect: StrictDialect,
  sniffError: unknown,
  head: Buffer,
): Promise<LlanoError> {
  // Encoding faults are the file's, not the dialect's: advice about delimiters would not help.
  const notLatin1 = notLatin1Error(sniffError, head);
  if (notLatin1) return notLatin1;
  const sniffed = parseCsvError(sniffError);
  if (sniffed?.kind === 'unicode') return csvBadRequest(sniffed);
  const faulty = await strictLineError(conn, path, dialect);
  if (faulty) return faulty;
  const first = engineMessage(sniffError, [path]).split('\n')[0];
  return badRequest(
    `Could not detect how to read this CSV file (${first}); set the delimiter, quote and header explicitly`,
  );
}
