import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import duckdb from '@duckdb/node-bindings';
import type { DuckDBConnection } from '@duckdb/node-api';
import { COLUMN_WIDTH } from './ts-recipe-columns.js';

/**
 * An input handed to code as binary columns, without text in between: per column `i` of the
 * relation, `i.values` (little-endian values as DuckDB holds them: 1, 2, 4 or 8 bytes; text as
 * its UTF-8 bytes one after the other) and `i.valid` (one byte per row, 1 = not NULL); text
 * columns also have `i.lengths` (uint32 bytes per row, 0 for NULL). The values are copied from
 * DuckDB's result vectors (numbers byte for byte), so the export costs about a scan, and the
 * code reads them with typed arrays (TypeScript) or numpy.fromfile (Python) instead of parsing
 * CSV. Types without a binary form here (dates, decimals, FLOAT, nested…) keep the CSV handover.
 */

/** Whether every column of the input has a binary form. */
export function binaryColumnsCarry(columns: { type: string }[]): boolean {
  return columns.length > 0 && columns.every((c) => Object.hasOwn(COLUMN_WIDTH, c.type));
}

/** Appends bytes to a file through a 1 MB buffer: one write per MB, not one per vector. */
class BufferedFile {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  /** Room for `size` more bytes; answers the buffer and where to write (bigger pieces are written at once). */
  reserve(size: number): [Buffer, number] {
    if (this.used + size > this.buffer.length) this.flush();
    const at = this.used;
    this.used += size;
    return [this.buffer, at];
  }

  append(bytes: Uint8Array): void {
    if (bytes.length > this.buffer.length) {
      this.flush();
      writeSync(this.fd, bytes);
      return;
    }
    const [buffer, at] = this.reserve(bytes.length);
    buffer.set(bytes, at);
  }

  flush(): void {
    if (this.used > 0) writeSync(this.fd, this.buffer, 0, this.used);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Copies one column's vector of a result chunk into its files. */
function copyColumn(vector: duckdb.Vector, rows: number, width: number, files: BufferedFile[]): void {
  const [values, valid, lengths] = files;
  const bitmap = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8) as Uint8Array | null;
  const [flags, at] = valid.reserve(rows);
  if (bitmap) for (let i = 0; i < rows; i++) flags[at + i] = (bitmap[i >> 3] >> (i & 7)) & 1;
  else flags.fill(1, at, at + rows);
  if (width > 0) {
    values.append(duckdb.vector_get_data(vector, rows * width));
    return;
  }
  // duckdb_string_t: uint32 length, then the bytes inline when at most 12, else a 4-byte prefix and a pointer.
  const data = duckdb.vector_get_data(vector, rows * 16);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const [sizes, sizesAt] = lengths.reserve(rows * 4);
  for (let i = 0; i < rows; i++) {
    const offset = i * 16;
    const size = !bitmap || flags[at + i] === 1 ? view.getUint32(offset, true) : 0;
    sizes.writeUInt32LE(size, sizesAt + i * 4);
    if (size === 0) continue;
    if (size <= 12) {
      const [out, outAt] = values.reserve(size);
      for (let b = 0; b < size; b++) out[outAt + b] = data[offset + 4 + b];
    } else values.append(duckdb.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + offset + 8, size));
  }
}

/** Writes the rows of `select` (whose columns all have a binary form) as binary column files into `dir`. */
export async function exportBinaryColumns(
  conn: DuckDBConnection,
  select: string,
  columns: { type: string }[],
  dir: string,
): Promise<number> {
  const files = columns.map((c, i) => {
    const base = path.join(dir, String(i));
    const own = [new BufferedFile(`${base}.values`), new BufferedFile(`${base}.valid`)];
    return c.type === 'VARCHAR' ? [...own, new BufferedFile(`${base}.lengths`)] : own;
  });
  let total = 0;
  try {
    const result = await conn.stream(select);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const rows = chunk.rowCount;
      columns.forEach((c, i) =>
        copyColumn(duckdb.data_chunk_get_vector(chunk.chunk, i), rows, COLUMN_WIDTH[c.type], files[i]),
      );
      total += rows;
    }
  } finally {
    for (const own of files) for (const f of own) f.close();
  }
  return total;
}
