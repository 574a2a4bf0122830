import { compressSync } from 'snappy';
import { ByteSink } from './byte-sink.js';
import { bitWidth, writeRleConstant, writeRleHybrid } from './rle-hybrid.js';
import { struct, writeStruct } from './thrift-compact.js';

/**
 * Encodes one column of one row group into Parquet pages (format 2.x data pages v1):
 * numbers PLAIN, strings as a dictionary page plus RLE_DICTIONARY indices, fixed-length
 * float lists with repetition levels. Every page body is Snappy-compressed unless
 * `compression` is 'none'. Pure function of its input, so worker threads can encode row
 * groups in parallel and the writer only appends bytes (`parquet-file-writer.ts`).
 */

export type ParquetType = 'float' | 'double' | 'int32' | 'int64' | 'timestamp' | 'string' | 'float-list';
export type ParquetCompression = 'snappy' | 'none';

export interface ParquetColumnSpec {
  name: string;
  type: ParquetType;
  /** Strings only: an index below 0 is a null (the column is OPTIONAL). */
  nullable?: boolean;
  /**
   * Numbers only: dictionary-encode (RLE_DICTIONARY) when few distinct values repeat, as
   * constants per run do; falls back to PLAIN past `NUMERIC_DICTIONARY_LIMIT` entries.
   */
  dictionary?: boolean;
}

/** Strings as indices into a dictionary (unused entries are dropped from the file; -1 is null in a nullable column). */
export interface DictionaryValues {
  dictionary: readonly string[];
  indices: Int32Array;
}

/** Lists of exactly `listLength` floats per row, row after row. */
export interface FloatListValues {
  values: Float32Array;
  listLength: number;
}

/**
 * A column's values for one row group: `Float32Array` (float), `Float64Array` (double;
 * int64 and timestamp as integral numbers, timestamps in microseconds since the epoch),
 * `Int32Array` (int32), `DictionaryValues` (string), `FloatListValues` (float-list).
 */
export type ColumnValues = Float32Array | Float64Array | Int32Array | DictionaryValues | FloatListValues;

/** One column chunk, encoded: its pages' bytes and what the footer says about them. */
export interface EncodedColumnChunk {
  bytes: Uint8Array;
  /** Bytes of the leading dictionary page (0: none). */
  dictionaryBytes: number;
  encodings: number[];
  numValues: number;
  uncompressedSize: number;
  nullCount: number;
  /** Min and max as Parquet's PLAIN bytes, or null when there is no value to bound. */
  min: Uint8Array | null;
  max: Uint8Array | null;
}

// parquet.thrift enums
export const PARQUET_TYPE = { INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
export const ENCODING = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
export const CODEC = { UNCOMPRESSED: 0, SNAPPY: 1 } as const;
const PAGE_TYPE = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;

/** Distinct values above which a numeric dictionary is abandoned for PLAIN. */
export const NUMERIC_DICTIONARY_LIMIT = 1 << 16;

/** Values per data page: ~1 MB of doubles, so a reader never buffers a huge page. */
const PAGE_VALUES = 131072;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

/** The raw little-endian bytes of a typed array (copied on a big-endian machine). */
function leBytes(a: Float32Array | Float64Array | Int32Array, start: number, end: number): Uint8Array {
  const width = a.BYTES_PER_ELEMENT;
  if (LITTLE_ENDIAN) return new Uint8Array(a.buffer, a.byteOffset + start * width, (end - start) * width);
  const out = new DataView(new ArrayBuffer((end - start) * width));
  for (let i = start; i < end; i++) {
    const at = (i - start) * width;
    if (a instanceof Float32Array) out.setFloat32(at, a[i], true);
    else if (a instanceof Float64Array) out.setFloat64(at, a[i], true);
    else out.setInt32(at, a[i], true);
  }
  return new Uint8Array(out.buffer);
}

/** Integral doubles as little-endian two's-complement int64 (exact up to 2^53). */
function int64Bytes(a: Float64Array, start: number, end: number): Uint8Array {
  const out = new Int32Array((end - start) * 2);
  for (let i = start, o = 0; i < end; i++, o += 2) {
    const v = a[i];
    out[o] = v >>> 0;
    out[o + 1] = Math.floor(v / 4294967296) | 0;
  }
  return leBytes(out, 0, out.length);
}

function plainScalar(v: number, type: ParquetType): Uint8Array {
  if (type === 'float' || type === 'float-list') return leBytes(new Float32Array([v]), 0, 1);
  if (type === 'double') return leBytes(new Float64Array([v]), 0, 1);
  if (type === 'int32') return leBytes(new Int32Array([v]), 0, 1);
  return int64Bytes(new Float64Array([v]), 0, 1);
}

/** Min and max of numbers, NaN skipped (Parquet's rule); null when no value is a number. */
function numericBounds(a: Float32Array | Float64Array | Int32Array, type: ParquetType): [Uint8Array, Uint8Array] | [null, null] {
  let min = Infinity;
  let max = -Infinity;
  let any = false;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === v) any = true;
  }
  if (!any) return [null, null];
  return [plainScalar(min, type), plainScalar(max, type)];
}

class PageWriter {
  readonly out: ByteSink;
  uncompressedSize = 0;

  /** `expectedBytes`: a guess of the chunk's size, so the buffer rarely grows. */
  constructor(
    private readonly compression: ParquetCompression,
    expectedBytes: number,
  ) {
    this.out = new ByteSink(Math.max(1024, expectedBytes + 256));
  }

  /** The pages' bytes; a view when the buffer is nearly full (no copy), else a trimmed copy. */
  bytes(): Uint8Array {
    const view = this.out.view8();
    return view.length >= view.buffer.byteLength * 0.75 ? view : this.out.copy();
  }

  /** Appends one page: its Thrift header, then its (compressed) body. */
  page(body: Uint8Array, header: (uncompressed: number, compressed: number) => ReturnType<typeof struct>): void {
    const stored = this.compression === 'snappy' ? compressSync(Buffer.from(body.buffer, body.byteOffset, body.length)) : body;
    const start = this.out.length;
    writeStruct(this.out, header(body.length, stored.length));
    this.uncompressedSize += this.out.length - start + body.length;
    this.out.bytes(stored);
  }

  dataPage(body: Uint8Array, numValues: number, encoding: number): void {
    this.page(body, (u, c) =>
      struct(
        [1, PAGE_TYPE.DATA_PAGE],
        [2, u],
        [3, c],
        [5, struct([1, numValues], [2, encoding], [3, ENCODING.RLE], [4, ENCODING.RLE])],
      ),
    );
  }

  dictionaryPage(body: Uint8Array, numValues: number): void {
    this.page(body, (u, c) => struct([1, PAGE_TYPE.DICTIONARY_PAGE], [2, u], [3, c], [7, struct([1, numValues], [2, ENCODING.PLAIN])]));
  }
}

function encodeNumbers(type: ParquetType, values: Float32Array | Float64Array | Int32Array, rows: number, pages: PageWriter): Omit<EncodedColumnChunk, 'bytes' | 'uncompressedSize'> {
  for (let start = 0; start < rows || start === 0; start += PAGE_VALUES) {
    const end = Math.min(rows, start + PAGE_VALUES);
    const bytes = type === 'int64' || type === 'timestamp' ? int64Bytes(values as Float64Array, start, end) : leBytes(values, start, end);
    pages.dataPage(bytes, end - start, ENCODING.PLAIN);
    if (end >= rows) break;
  }
  const [min, max] = numericBounds(values.subarray(0, rows), type);
  return { dictionaryBytes: 0, encodings: [ENCODING.PLAIN, ENCODING.RLE], numValues: rows, nullCount: 0, min, max };
}

/** Dictionary keys: the number itself, but −0 apart from 0 (a Map treats them as one). */
const NEGATIVE_ZERO = 'neg0';

/**
 * Dictionary-encodes numbers, or returns null (nothing written) when they have more than
 * `NUMERIC_DICTIONARY_LIMIT` distinct values. A value equal to its predecessor (the
 * common case: constants per scan, unit or EB) reuses its index without a lookup.
 */
function encodeNumericDictionary(type: ParquetType, values: Float32Array | Float64Array | Int32Array, rows: number, pages: PageWriter): Omit<EncodedColumnChunk, 'bytes' | 'uncompressedSize'> | null {
  const index = new Map<number | string, number>();
  const distinct: number[] = [];
  const indices = new Int32Array(rows);
  let previous = NaN;
  let previousIndex = -1;
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    if (v === previous && v !== 0) {
      indices[i] = previousIndex;
      continue;
    }
    // Values cycling with period 4 (per baseband) reuse the index of four rows back.
    if (i >= 4 && v === values[i - 4] && v !== 0) {
      indices[i] = previousIndex = indices[i - 4];
      previous = v;
      continue;
    }
    const key = v === 0 && 1 / v < 0 ? NEGATIVE_ZERO : v;
    let at = index.get(key);
    if (at === undefined) {
      if (distinct.length >= NUMERIC_DICTIONARY_LIMIT) return null;
      at = distinct.length;
      index.set(key, at);
      distinct.push(v);
    }
    indices[i] = previousIndex = at;
    previous = v;
  }
  const dictionaryValues = type === 'float' ? Float32Array.from(distinct) : type === 'int32' ? Int32Array.from(distinct) : Float64Array.from(distinct);
  const dictionaryPage = type === 'int64' || type === 'timestamp' ? int64Bytes(dictionaryValues as Float64Array, 0, distinct.length) : leBytes(dictionaryValues, 0, distinct.length);
  pages.dictionaryPage(dictionaryPage, distinct.length);
  const dictionaryBytes = pages.out.length;
  const width = bitWidth(Math.max(0, distinct.length - 1));
  const body = new ByteSink(1024);
  for (let start = 0; start < rows || start === 0; start += PAGE_VALUES) {
    const end = Math.min(rows, start + PAGE_VALUES);
    body.clear();
    body.byte(width);
    writeRleHybrid(body, indices.subarray(start, end), end - start, width);
    pages.dataPage(body.view8(), end - start, ENCODING.RLE_DICTIONARY);
    if (end >= rows) break;
  }
  const [min, max] = numericBounds(dictionaryValues, type);
  return { dictionaryBytes, encodings: [ENCODING.PLAIN, ENCODING.RLE, ENCODING.RLE_DICTIONARY], numValues: rows, nullCount: 0, min, max };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

function encodeDictionary(column: DictionaryValues, rows: number, nullable: boolean, pages: PageWriter): Omit<EncodedColumnChunk, 'bytes' | 'uncompressedSize'> {
  const { dictionary, indices } = column;
  // Renumber the entries in first-use order so unused ones are not written; nulls get no index.
  const local = new Int32Array(dictionary.length).fill(-1);
  const used: number[] = [];
  const renumbered = new Int32Array(rows);
  const defined = nullable ? new Uint8Array(rows) : null;
  let nonNull = 0;
  for (let i = 0; i < rows; i++) {
    const g = indices[i];
    if (g < 0 && defined) continue;
    let l = local[g];
    if (l === undefined) throw new RangeError(`dictionary index ${g} out of range (dictionary of ${dictionary.length})`);
    if (l < 0) {
      l = local[g] = used.length;
      used.push(g);
    }
    if (defined) defined[i] = 1;
    renumbered[nonNull++] = l;
  }
  const encoded = used.map((g) => utf8.encode(dictionary[g]));
  const dict = new ByteSink(1024);
  for (const b of encoded) {
    dict.int32LE(b.length);
    dict.bytes(b);
  }
  pages.dictionaryPage(dict.view8(), used.length);
  const dictionaryBytes = pages.out.length;
  const width = bitWidth(Math.max(0, used.length - 1));
  const body = new ByteSink(1024);
  const levels = new ByteSink(256);
  let valueAt = 0;
  for (let start = 0; start < rows || start === 0; start += PAGE_VALUES) {
    const end = Math.min(rows, start + PAGE_VALUES);
    body.clear();
    let present = end - start;
    if (defined) {
      present = 0;
      for (let i = start; i < end; i++) present += defined[i];
      levels.clear();
      writeRleHybrid(levels, defined.subarray(start, end), end - start, 1);
      body.int32LE(levels.length);
      body.bytes(levels.view8());
    }
    body.byte(width);
    writeRleHybrid(body, renumbered.subarray(valueAt, valueAt + present), present, width);
    valueAt += present;
    pages.dataPage(body.view8(), end - start, ENCODING.RLE_DICTIONARY);
    if (end >= rows) break;
  }
  let min: Uint8Array | null = null;
  let max: Uint8Array | null = null;
  for (const b of encoded) {
    if (!min || compareBytes(b, min) < 0) min = b;
    if (!max || compareBytes(b, max) > 0) max = b;
  }
  return { dictionaryBytes, encodings: [ENCODING.PLAIN, ENCODING.RLE, ENCODING.RLE_DICTIONARY], numValues: rows, nullCount: rows - nonNull, min, max };
}

function encodeFloatList(column: FloatListValues, rows: number, pages: PageWriter): Omit<EncodedColumnChunk, 'bytes' | 'uncompressedSize'> {
  const { values, listLength } = column;
  if (!Number.isInteger(listLength) || listLength < 1) throw new RangeError(`list length must be a positive integer, got ${listLength}`);
  if (values.length < rows * listLength) throw new RangeError(`${rows} lists of ${listLength} need ${rows * listLength} values, got ${values.length}`);
  const rowsPerPage = Math.max(1, Math.floor((2 * PAGE_VALUES) / listLength));
  const levels = new ByteSink(1024);
  const body = new ByteSink(1 << 16);
  // Repetition levels of one list: 0 opens the row, 1 continues it.
  const repetition = new Uint8Array(rowsPerPage * listLength).fill(1);
  for (let r = 0; r < rowsPerPage; r++) repetition[r * listLength] = 0;
  for (let start = 0; start < rows || start === 0; start += rowsPerPage) {
    const end = Math.min(rows, start + rowsPerPage);
    const n = (end - start) * listLength;
    body.clear();
    levels.clear();
    writeRleHybrid(levels, repetition, n, 1);
    body.int32LE(levels.length);
    body.bytes(levels.view8());
    levels.clear();
    writeRleConstant(levels, n, 1, 1);
    body.int32LE(levels.length);
    body.bytes(levels.view8());
    body.bytes(leBytes(values, start * listLength, end * listLength));
    pages.dataPage(body.view8(), n, ENCODING.PLAIN);
    if (end >= rows) break;
  }
  const [min, max] = numericBounds(values.subarray(0, rows * listLength), 'float-list');
  return { dictionaryBytes: 0, encodings: [ENCODING.PLAIN, ENCODING.RLE], numValues: rows * listLength, nullCount: 0, min, max };
}

function isDictionary(v: ColumnValues): v is DictionaryValues {
  return 'indices' in v;
}

function isFloatList(v: ColumnValues): v is FloatListValues {
  return 'listLength' in v;
}

const ARRAY_FOR: Record<Exclude<ParquetType, 'string' | 'float-list'>, Function> = {
  float: Float32Array,
  double: Float64Array,
  int32: Int32Array,
  int64: Float64Array,
  timestamp: Float64Array,
};

/** About the PLAIN size of a column chunk (dictionary-encoded ones come out smaller). */
function expectedBytes(spec: ParquetColumnSpec, values: ColumnValues, rows: number): number {
  if (spec.type === 'float-list') return rows * (values as FloatListValues).listLength * 4 + rows * 4;
  if (spec.type === 'string' || spec.dictionary) return rows / 2;
  return rows * (spec.type === 'float' || spec.type === 'int32' ? 4 : 8);
}

/** Encodes `rows` values of one column. Throws a RangeError when the values do not fit the type. */
export function encodeColumnChunk(spec: ParquetColumnSpec, values: ColumnValues, rows: number, compression: ParquetCompression): EncodedColumnChunk {
  const pages = new PageWriter(compression, expectedBytes(spec, values, rows));
  let encoded: Omit<EncodedColumnChunk, 'bytes' | 'uncompressedSize'>;
  if (spec.type === 'string') {
    if (!isDictionary(values)) throw new RangeError(`column ${spec.name}: a string column takes { dictionary, indices }`);
    if (values.indices.length < rows) throw new RangeError(`column ${spec.name}: ${values.indices.length} indices for ${rows} rows`);
    encoded = encodeDictionary(values, rows, spec.nullable === true, pages);
  } else if (spec.nullable) {
    throw new RangeError(`column ${spec.name}: only string columns can be nullable`);
  } else if (spec.dictionary && spec.type === 'float-list') {
    throw new RangeError(`column ${spec.name}: float lists cannot be dictionary-encoded`);
  } else if (spec.type === 'float-list') {
    if (!isFloatList(values)) throw new RangeError(`column ${spec.name}: a float-list column takes { values, listLength }`);
    encoded = encodeFloatList(values, rows, pages);
  } else {
    const expected = ARRAY_FOR[spec.type];
    if (!(values instanceof expected)) throw new RangeError(`column ${spec.name}: a ${spec.type} column takes a ${expected.name}`);
    const numbers = values as Float32Array | Float64Array | Int32Array;
    if (numbers.length < rows) throw new RangeError(`column ${spec.name}: ${numbers.length} values for ${rows} rows`);
    encoded = (spec.dictionary && encodeNumericDictionary(spec.type, numbers, rows, pages)) || encodeNumbers(spec.type, numbers, rows, pages);
  }
  return { ...encoded, bytes: pages.bytes(), uncompressedSize: pages.uncompressedSize };
}

