import { badRequest, LlanoError } from '../common/errors.js';
import type { CsvEncoding } from './table-source.js';

/**
 * Files users send by mistake, known by their first bytes: read as CSV they would fail with
 * advice about delimiters and encodings that does not help.
 */
const NOT_TEXT: { magic: string; what: string }[] = [
  { magic: 'PK\u0003\u0004', what: 'a ZIP archive (an Excel .xlsx workbook is one): save the sheet as CSV' },
  { magic: '\u00d0\u00cf\u0011\u00e0', what: 'an Office document (an Excel .xls workbook?): save the sheet as CSV' },
  { magic: '%PDF-', what: 'a PDF document' },
];

/** The reason a file that was to be read as CSV is not text at all, from its first bytes. */
export function notTextReason(head: Buffer): string | undefined {
  const start = head.subarray(0, 8).toString('latin1');
  return NOT_TEXT.find((kind) => start.startsWith(kind.magic))?.what;
}

export function notTextError(what: string): LlanoError {
  return badRequest(`This file is not text but ${what}; Llano imports CSV, TSV, JSON and Parquet files`);
}

/**
 * An encoding is a property of text read as CSV or TSV. JSON is UTF-8 (RFC 8259; DuckDB reads
 * nothing else) and Parquet stores its own text as UTF-8, so another encoding asked for such a
 * file cannot be honoured: refused, rather than ignored into a confusing failure further on.
 */
export function checkEncodingFitsFormat(format: 'json' | 'jsonl' | 'parquet', encoding: CsvEncoding | undefined) {
  if (encoding === undefined || encoding === 'utf-8') return;
  const kind = format === 'parquet' ? 'Parquet' : format === 'json' ? 'JSON' : 'JSON lines';
  const why =
    format === 'parquet'
      ? 'a Parquet file stores its text as UTF-8 itself: leave the encoding out'
      : `JSON is always read as UTF-8: leave the encoding out, or convert the file first (iconv -f ${encoding} -t utf-8)`;
  throw badRequest(
    `The encoding ${encoding} applies to CSV and TSV files only; this file is read as ${kind}, and ${why}`,
  );
}

/** UTF-16 text of any language holds zero bytes (every ASCII character, line ends and commas included). */
export function checkUtf16(head: Buffer): void {
  if (head.length >= 2 && !head.includes(0))
    throw badRequest(
      'The file is not UTF-16 (its first bytes hold no zero byte, which UTF-16 text always has): leave the encoding out to have it detected',
    );
}

/**
 * DuckDB's latin-1 is ISO 8859-1 proper, without the bytes 0x80–0x9F, where Windows-1252 (what
 * most "latin-1" exports really are) puts €, curly quotes and dashes; its own message, "File is
 * not latin-1 encoded", says neither that nor what to do.
 */
export function notLatin1Error(error: unknown, head: Buffer | undefined): LlanoError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!/File is not latin-1 encoded/i.test(message)) return undefined;
  if (head?.includes(0)) return notTextError('binary data (it holds zero bytes)');
  return badRequest(
    'The file is not latin-1 text: it holds bytes 0x80–0x9F, which latin-1 (ISO 8859-1) does not use and Windows-1252 uses for €, curly quotes and dashes. Convert it to UTF-8 first (iconv -f windows-1252 -t utf-8)',
  );
}
