import { ExactInteger, stringifyExact } from '../common/exact-json.js';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';

export type ExportFormat = 'csv' | 'json' | 'jsonl' | 'parquet' | 'arrow';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'jsonl', 'parquet', 'arrow'];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  // Arrow IPC, streaming format (what pyarrow.ipc.open_stream and apache-arrow's tableFromIPC read).
  arrow: 'application/vnd.apache.arrow.stream',
};

/** A cell as CSV text: scalars as they print, lists and structs as JSON. */
function cellText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'boolean' ||
    value instanceof ExactInteger
  )
    return String(value);
  return JSON.stringify(value);
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = cellText(value);
  return /[",\r\n]/.test(text) || text === '' ? '"' + text.replace(/"/g, '""') + '"' : text;
}

/**
 * Text export of a stream of row batches. CSV: RFC 4180, a header line, nulls as empty
 * fields, empty strings as `""`, nested values as JSON. JSON: one array of row objects,
 * written batch by batch so that memory holds one batch at a time. JSON lines: one row
 * object per line. Both JSON forms import back as they were exported.
 */
export function textExport(
  format: Exclude<ExportFormat, 'parquet' | 'arrow'>,
  columns: readonly string[],
  batches: AsyncIterable<unknown[][]>,
): Readable {
  async function* generate(): AsyncGenerator<string> {
    if (format === 'csv') {
      yield columns.map(csvField).join(',') + '\r\n';
      for await (const rows of batches) {
        if (rows.length) yield rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
      }
      return;
    }
    const keys = columns.map((c) => JSON.stringify(c));
    const record = (row: unknown[]) =>
      '{' + row.map((v, i) => `${keys[i]}:${stringifyExact(v ?? null)}`).join(',') + '}';
    if (format === 'jsonl') {
      for await (const rows of batches) {
        if (rows.length) yield rows.map(record).join('\n') + '\n';
      }
      return;
    }
    let first = true;
    yield '[';
    for await (const rows of batches) {
      if (rows.length === 0) continue;
      const text = rows.map(record).join(',\n');
      yield (first ? '\n' : ',\n') + text;
      first = false;
    }
    yield first ? ']\n' : '\n]\n';
  }
  return Readable.from(generate(), { objectMode: false });
}

/** Streams a temporary file and deletes it once the stream is finished or abandoned. */
export function streamAndDelete(path: string): Readable {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  stream.on('close', () => {
    void rm(path, { force: true });
  });
  return stream;
}
