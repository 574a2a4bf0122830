import type { DuckDBDataChunk } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';

/**
 * Fixed-width columns of a result chunk read where the engine holds them, for loops over millions
 * of rows. `getItem` of @duckdb/node-api builds each value through a method call and tests its
 * validity bit with BigInt arithmetic: reading 20 M doubles that way took ~2.5 s, most of an
 * analysis recipe's read. These are views of the chunk's own memory, valid until the next fetch:
 * copy out what is kept.
 */
export interface ChunkColumn<T> {
  values: T;
  /** Validity bits, one per row (bit i of byte i >> 3); null when every row is valid. */
  valid: Uint8Array | null;
}

function vectorOf(chunk: DuckDBDataChunk, column: number, bytes: number) {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
  const rows = chunk.rowCount;
  const data = duckdb.vector_get_data(vector, rows * bytes);
  // The engine leaves the validity mask out (a null answer) when no row is NULL.
  const valid = (duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8) as Uint8Array | null) ?? null;
  return { data, valid };
}

/** A DOUBLE column. */
export function doubleColumn(chunk: DuckDBDataChunk, column: number): ChunkColumn<Float64Array> {
  const { data, valid } = vectorOf(chunk, column, 8);
  return { values: new Float64Array(data.buffer, data.byteOffset, chunk.rowCount), valid };
}

/** A UBIGINT or BIGINT column as pairs of 32-bit words (low word first, as stored). */
export function wordPairColumn(chunk: DuckDBDataChunk, column: number): ChunkColumn<Uint32Array> {
  const { data, valid } = vectorOf(chunk, column, 8);
  return { values: new Uint32Array(data.buffer, data.byteOffset, 2 * chunk.rowCount), valid };
}

/** Whether row i of a column is valid. */
export const isValid = (valid: Uint8Array | null, i: number): boolean =>
  valid === null || (valid[i >> 3] & (1 << (i & 7))) !== 0;

/**
 * Fills column `column` of a chunk being built (rows 0 … count − 1) from `source[from …]`, NaN
 * as NULL (see {@link fillVector}). `as` INTEGER writes the values truncated to 32-bit integers.
 */
export function fillColumn(
  chunk: DuckDBDataChunk,
  column: number,
  source: Float64Array,
  from: number,
  count: number,
  as: 'DOUBLE' | 'INTEGER' = 'DOUBLE',
): void {
  fillVector(duckdb.data_chunk_get_vector(chunk.chunk, column), source.subarray(from, from + count), as);
}

/**
 * Fills a vector's first `values.length` rows, NaN as NULL: one native copy of the values, and of
 * the validity bits when a value is missing (`setItem` per value, with its BigInt validity bits,
 * took longer than DuckDB's own append).
 */
export function fillVector(
  vector: duckdb.Vector,
  values: Float64Array,
  as: 'DOUBLE' | 'INTEGER' = 'DOUBLE',
  /** False when the caller knows no value is NaN: the values are not looked through for one. */
  mayBeMissing = true,
): void {
  const count = values.length;
  let missing = false;
  for (let i = 0; i < count && !missing && mayBeMissing; i++) missing = Number.isNaN(values[i]);
  // The binding copies from an ArrayBuffer (not a shared one): a shared source is copied first.
  const data =
    as === 'INTEGER'
      ? Int32Array.from(values, (v) => (Number.isNaN(v) ? 0 : v))
      : values.buffer instanceof ArrayBuffer
        ? values
        : values.slice();
  duckdb.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  if (!missing) return;
  const bits = new Uint8Array(Math.ceil(count / 64) * 8);
  for (let i = 0; i < count; i++) if (!Number.isNaN(values[i])) bits[i >> 3] |= 1 << (i & 7);
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, bits.buffer, bits.byteOffset, bits.byteLength);
}
