import { ByteSink } from './byte-sink.js';
import { NumberIndex } from './number-index.js';
import { bitWidth, writeRleConstant, writeRleHybrid } from './rle-hybrid.js';
import { snappy } from './snappy.js';
import { struct, writeStruct } from './thrift-compact.js';

/**
 * Encodes one column of one row group into Parquet pages (format 2.x data pages v1):
 * numbers PLAIN, strings as a dictionary page plus RLE_DICTIONARY indices, fixed-length
 * float lists with repetition levels. Every page body is Snappy-compressed unless
 * `compression` is 'none'. Pure function of its input, so worker threads can encode row
 * groups in parallel and the writer only appends bytes (`parquet-file-writer.ts`).
 */

export type ParquetType = 'boolean' | 'float' | 'double' | 'int32' | 'int64' | 'timestamp' | 'string' | 'float-list';
export type ParquetCompression = 'snappy' | 'none';

export interface ParquetColumnSpec {
  name: string;
  type: ParquetType;
  /**
   * The column is OPTIONAL: a string index below 0 is a null; other types take
   * `NullableValues` (or a plain array when nothing is null). Not for float lists.
   */
  nullable?: boolean;
  /**
   * Numbers only: dictionary-encode (RLE_DICTIONARY) when few distinct values repeat, as
   * constants per run do; falls back to PLAIN past `NUMERIC_DICTIONARY_LIMIT` entries.
   */
  dictionary?: boolean;
  /** Min / max statistics in the footer (default true; off saves a pass over long float lists). */
  statistics?: boolean;
}

/** Strings as indices into a dictionary (unused entries are dropped from the file; -1 is null in a nullable column). */
export interface DictionaryValues {
  dictionary: readonly string[];
  indices: Int32Array;
}

/**
 * Numbers as indices into a dictionary the producer already has (values constant per
 * run, say): written RLE_DICTIONARY without looking a value up. Statistics come from the
 * dictionary, so every entry should be used.
 */
export interface NumericDictionaryValues {
  dictionary: Float32Array | Float64Array | Int32Array;
  indices: Int32Array;
}

/** Values with a null mask: `present[i]` 0 makes row i null (its slot in `values` is ignored). */
export interface NullableValues {
  values: Float32Array | Float64Array | Int32Array | Uint8Array;
  present: Uint8Array;
}

/** Lists of exactly `listLength` floats per row, row after row. */
export interface FloatListValues {
  values: Float32Array;
  listLength: number;
}

/**
 * A column's values for one row group: `Uint8Array` of 0/1 (boolean), `Float32Array`
 * (float), `Float64Array` (double; int64 and timestamp as integral numbers, timestamps in
 * microseconds since the epoch), `Int32Array` (int32), `NumericDictionaryValues` (any
 * numeric type, pre-encoded), `DictionaryValues` (string),
 * `FloatListValues` (float-list); `NullableValues` around any numeric one for nulls.
 */
export type ColumnValues =
  | Uint8Array
  | Float32Array
  | Float64Array
  | Int32Array
  | NullableValues
  | DictionaryValues
  | NumericDictionaryValues
  | FloatListValues;

type NumberArray = Uint8Array | Float32Array | Float64Array | Int32Array;

/** What the footer says about one encoded column chunk (its bytes went into the caller's sink). */
export interface ColumnChunkMeta {
  /** Bytes of all its pages. */
  length: number;
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
export const PARQUET_TYPE = { BOOLEAN: 0, INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
export const ENCODING = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
export const CODEC = { UNCOMPRESSED: 0, SNAPPY: 1 } as const;
const PAGE_TYPE = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;

/** Distinct values above which a numeric dictionary is abandoned for PLAIN. */
export const NUMERIC_DICTIONARY_LIMIT = 1 << 16;

/** Values per data page: ~1 MB of doubles, so a reader never buffers a huge page. */
const PAGE_VALUES = 131072;

/**
 * One scratch array for the dictionary indices of the column being encoded (encoding is
 * synchronous and one column at a time): a thread encoding row group after row group
 * then allocates nothing per column.
 */
let scratchIndices = new Int32Array(0);
function indexScratch(n: number): Int32Array {
  if (scratchIndices.length < n) scratchIndices = new Int32Array(Math.max(n, scratchIndices.length * 2));
  return scratchIndices;
}

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

/** Booleans PLAIN: one bit each, least significant first. */
function booleanBytes(a: NumberArray, start: number, end: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((end - start) / 8));
  for (let i = start; i < end; i++) if (a[i]) out[(i - start) >> 3] |= 1 << ((i - start) & 7);
  return out;
}

/** PLAIN bytes of values [start, end) of a numeric column. */
function plainBytes(type: ParquetType, a: NumberArray, start: number, end: number): Uint8Array {
  if (type === 'boolean') return booleanBytes(a, start, end);
  if (type === 'int64' || type === 'timestamp') return int64Bytes(a as Float64Array, start, end);
  return leBytes(a as Float32Array | Float64Array | Int32Array, start, end);
}

function plainScalar(v: number, type: ParquetType): Uint8Array {
  if (type === 'boolean') return new Uint8Array([v ? 1 : 0]);
  if (type === 'float' || type === 'float-list') return leBytes(new Float32Array([v]), 0, 1);
  if (type === 'double') return leBytes(new Float64Array([v]), 0, 1);
  if (type === 'int32') return leBytes(new Int32Array([v]), 0, 1);
  return int64Bytes(new Float64Array([v]), 0, 1);
}

/** Min and max of numbers, NaN skipped (Parquet's rule); null when no value is a number. */
function numericBounds(a: NumberArray, type: ParquetType): [Uint8Array, Uint8Array] | [null, null] {
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
  readonly start: number;
  uncompressedSize = 0;

  /** Pages go straight into `out` (header, then body): one copy of every value, no buffer of its own. */
  constructor(
    private readonly compression: ParquetCompression,
    readonly out: ByteSink,
  ) {
    this.start = out.length;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.out.length - this.start;
  }

  /** Appends one page: its Thrift header, then its body (the parts, concatenated and compressed). */
  page(
    parts: Uint8Array | Uint8Array[],
    header: (uncompressed: number, compressed: number) => ReturnType<typeof struct>,
  ): void {
    let list = Array.isArray(parts) ? parts : [parts];
    const length = list.reduce((n, p) => n + p.length, 0);
    let stored = length;
    if (this.compression === 'snappy') {
      const compressed = snappy().compressSync(
        list.length === 1 ? Buffer.from(list[0].buffer, list[0].byteOffset, length) : Buffer.concat(list),
      );
      list = [compressed];
      stored = compressed.length;
    }
    const headerStart = this.out.length;
    writeStruct(this.out, header(length, stored));
    this.uncompressedSize += this.out.length - headerStart + length;
    this.out.reserve(stored);
    for (const p of list) this.out.bytes(p);
  }

  /** `body`: the page's parts in order (levels, then values). */
  dataPage(body: Uint8Array | Uint8Array[], numValues: number, encoding: number): void {
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
    this.page(body, (u, c) =>
      struct([1, PAGE_TYPE.DICTIONARY_PAGE], [2, u], [3, c], [7, struct([1, numValues], [2, ENCODING.PLAIN])]),
    );
  }
}

/** Definition levels of an OPTIONAL column: which rows hold a value. */
class Definition {
  private readonly sink = new ByteSink(256);

  constructor(readonly present: Uint8Array) {}

  /** Levels of rows [start, end) as a page prefix (4-byte length, then RLE hybrid) and how many rows hold a value. */
  page(start: number, end: number): { prefix: Uint8Array; count: number } {
    let count = 0;
    for (let i = start; i < end; i++) count += this.present[i];
    this.sink.clear();
    this.sink.int32LE(0);
    writeRleHybrid(this.sink, this.present.subarray(start, end), end - start, 1);
    const prefix = this.sink.copy();
    new DataView(prefix.buffer).setInt32(0, prefix.length - 4, true);
    return { prefix, count };
  }
}

/** The present values, packed (row order kept), and their count. */
function compactPresent(values: NumberArray, present: Uint8Array, rows: number): NumberArray {
  let n = 0;
  for (let i = 0; i < rows; i++) n += present[i];
  const out = new (values.constructor as new (n: number) => NumberArray)(n);
  for (let i = 0, o = 0; i < rows; i++) if (present[i]) out[o++] = values[i];
  return out;
}

/**
 * Data pages over rows [0, rows): `valuePart(from, to)` gives the encoded values of the
 * present values from..to; nullable columns get definition levels first.
 */
function writeDataPages(
  rows: number,
  definition: Definition | null,
  encoding: number,
  pages: PageWriter,
  valuePart: (from: number, to: number) => Uint8Array[],
): void {
  let valueAt = 0;
  for (let start = 0; start < rows || start === 0; start += PAGE_VALUES) {
    const end = Math.min(rows, start + PAGE_VALUES);
    const levels = definition?.page(start, end);
    const count = levels ? levels.count : end - start;
    const values = valuePart(valueAt, valueAt + count);
    pages.dataPage(levels ? [levels.prefix, ...values] : values, end - start, encoding);
    valueAt += count;
    if (end >= rows) break;
  }
}

/** `values`: the present values only (`count` of them). */
function encodeNumbers(
  type: ParquetType,
  values: NumberArray,
  count: number,
  rows: number,
  definition: Definition | null,
  pages: PageWriter,
): Omit<ColumnChunkMeta, 'length' | 'uncompressedSize'> {
  writeDataPages(rows, definition, ENCODING.PLAIN, pages, (from, to) => [plainBytes(type, values, from, to)]);
  const [min, max] = numericBounds(values.subarray(0, count), type);
  return {
    dictionaryBytes: 0,
    encodings: [ENCODING.PLAIN, ENCODING.RLE],
    numValues: rows,
    nullCount: rows - count,
    min,
    max,
  };
}

/**
 * Dictionary-encodes numbers, or returns null (nothing written) when they have more than
 * `NUMERIC_DICTIONARY_LIMIT` distinct values. A value equal to its predecessor (the
 * common case: constants per scan, unit or EB) or to the value four rows back (values per
 * baseband, cycling) reuses its index without a lookup.
 */
function encodeNumericDictionary(
  type: ParquetType,
  values: NumberArray,
  count: number,
  rows: number,
  definition: Definition | null,
  pages: PageWriter,
): Omit<ColumnChunkMeta, 'length' | 'uncompressedSize'> | null {
  const index = new NumberIndex(256);
  const indices = indexScratch(count);
  let previous = NaN;
  let previousIndex = -1;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    // (Zeros take the lookup: −0 === 0, yet they are different dictionary entries.)
    if (v === previous && v !== 0) {
      indices[i] = previousIndex;
      continue;
    }
    if (i >= 4 && v === values[i - 4] && v !== 0) {
      indices[i] = previousIndex = indices[i - 4];
      previous = v;
      continue;
    }
    previousIndex = indices[i] = index.indexOf(v);
    if (index.size > NUMERIC_DICTIONARY_LIMIT) return null;
    previous = v;
  }
  const distinct = index.values.subarray(0, index.size);
  const dictionaryValues =
    type === 'float' ? Float32Array.from(distinct) : type === 'int32' ? Int32Array.from(distinct) : distinct;
  pages.dictionaryPage(plainBytes(type, dictionaryValues, 0, distinct.length), distinct.length);
  const dictionaryBytes = pages.size;
  writeDataPages(rows, definition, ENCODING.RLE_DICTIONARY, pages, (from, to) => [
    dictionaryIndices(indices, from, to, distinct.length),
  ]);
  const [min, max] = numericBounds(dictionaryValues, type);
  return {
    dictionaryBytes,
    encodings: [ENCODING.PLAIN, ENCODING.RLE, ENCODING.RLE_DICTIONARY],
    numValues: rows,
    nullCount: rows - count,
    min,
    max,
  };
}

/** An RLE_DICTIONARY page's values: the bit width, then indices [from, to) in the hybrid encoding. */
function dictionaryIndices(indices: Int32Array, from: number, to: number, dictionarySize: number): Uint8Array {
  const width = bitWidth(Math.max(0, dictionarySize - 1));
  const body = new ByteSink(64 + ((to - from) * width) / 8);
  body.byte(width);
  writeRleHybrid(body, indices.subarray(from, to), to - from, width);
  return body.view8();
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

function encodeDictionary(
  column: DictionaryValues,
  rows: number,
  nullable: boolean,
  pages: PageWriter,
): Omit<ColumnChunkMeta, 'length' | 'uncompressedSize'> {
  const { dictionary, indices } = column;
  // Renumber the entries in first-use order so unused ones are not written; nulls get no index.
  const local = new Int32Array(dictionary.length).fill(-1);
  const used: number[] = [];
  const renumbered = indexScratch(rows);
  const defined = nullable ? new Uint8Array(rows) : null;
  let nonNull = 0;
  // Only ever a valid index (NaN at first): nulls never take the shortcut.
  let previous = NaN;
  let previousLocal = -1;
  for (let i = 0; i < rows; i++) {
    const g = indices[i];
    if (g === previous) {
      // Runs (one EB, one antenna) skip the lookup.
      if (defined) defined[i] = 1;
      renumbered[nonNull++] = previousLocal;
      continue;
    }
    if (g < 0 && defined) continue;
    let l = local[g];
    if (l === undefined)
      throw new RangeError(`dictionary index ${g} out of range (dictionary of ${dictionary.length})`);
    if (l < 0) {
      l = local[g] = used.length;
      used.push(g);
    }
    if (defined) defined[i] = 1;
    renumbered[nonNull++] = l;
    previous = g;
    previousLocal = l;
  }
  const encoded = used.map((g) => utf8.encode(dictionary[g]));
  const dict = new ByteSink(1024);
  for (const b of encoded) {
    dict.int32LE(b.length);
    dict.bytes(b);
  }
  pages.dictionaryPage(dict.view8(), used.length);
  const dictionaryBytes = pages.size;
  writeDataPages(rows, defined ? new Definition(defined) : null, ENCODING.RLE_DICTIONARY, pages, (from, to) => [
    dictionaryIndices(renumbered, from, to, used.length),
  ]);
  let min: Uint8Array | null = null;
  let max: Uint8Array | null = null;
  for (const b of encoded) {
    if (!min || compareBytes(b, min) < 0) min = b;
    if (!max || compareBytes(b, max) > 0) max = b;
  }
  return {
    dictionaryBytes,
    encodings: [ENCODING.PLAIN, ENCODING.RLE, ENCODING.RLE_DICTIONARY],
    numValues: rows,
    nullCount: rows - nonNull,
    min,
    max,
  };
}

function encodeFloatList(
  column: FloatListValues,
  rows: number,
  statistics: boolean,
  pages: PageWriter,
): Omit<ColumnChunkMeta, 'length' | 'uncompressedSize'> {
  const { values, listLength } = column;
  if (!Number.isInteger(listLength) || listLength < 1)
    throw new RangeError(`list length must be a positive integer, got ${listLength}`);
  if (values.length < rows * listLength)
    throw new RangeError(`${rows} lists of ${listLength} need ${rows * listLength} values, got ${values.length}`);
  const rowsPerPage = Math.max(1, Math.floor((2 * PAGE_VALUES) / listLength));
  // Repetition levels of one list: 0 opens the row, 1 continues it; every value is defined.
  const repetition = new Uint8Array(rowsPerPage * listLength).fill(1);
  for (let r = 0; r < rowsPerPage; r++) repetition[r * listLength] = 0;
  // The levels depend on the page's row count only: encode them once per count.
  const levelsFor = new Map<number, Uint8Array>();
  const levels = (n: number): Uint8Array => {
    let bytes = levelsFor.get(n);
    if (!bytes) {
      const sink = new ByteSink(1024);
      sink.int32LE(0);
      writeRleHybrid(sink, repetition, n, 1);
      const repetitionLength = sink.length - 4;
      sink.int32LE(0);
      const definitionStart = sink.length;
      writeRleConstant(sink, n, 1, 1);
      bytes = sink.copy();
      const view = new DataView(bytes.buffer);
      view.setInt32(0, repetitionLength, true);
      view.setInt32(definitionStart - 4, bytes.length - definitionStart, true);
      levelsFor.set(n, bytes);
    }
    return bytes;
  };
  for (let start = 0; start < rows || start === 0; start += rowsPerPage) {
    const end = Math.min(rows, start + rowsPerPage);
    const n = (end - start) * listLength;
    pages.dataPage([levels(n), leBytes(values, start * listLength, end * listLength)], n, ENCODING.PLAIN);
    if (end >= rows) break;
  }
  const [min, max] = statistics ? numericBounds(values.subarray(0, rows * listLength), 'float-list') : [null, null];
  return {
    dictionaryBytes: 0,
    encodings: [ENCODING.PLAIN, ENCODING.RLE],
    numValues: rows * listLength,
    nullCount: 0,
    min,
    max,
  };
}

function isDictionary(v: ColumnValues): v is DictionaryValues {
  return 'indices' in v && Array.isArray(v.dictionary);
}

function isNumericDictionary(v: ColumnValues): v is NumericDictionaryValues {
  return 'indices' in v && ArrayBuffer.isView(v.dictionary);
}

/** A pre-built numeric dictionary: its page, then the indices. */
function encodePrebuiltDictionary(
  type: ParquetType,
  column: NumericDictionaryValues,
  rows: number,
  pages: PageWriter,
): Omit<ColumnChunkMeta, 'length' | 'uncompressedSize'> {
  const { dictionary, indices } = column;
  if (indices.length < rows) throw new RangeError(`${indices.length} indices for ${rows} rows`);
  const size = dictionary.length;
  for (let i = 0; i < rows; i++)
    if (!(indices[i] >= 0 && indices[i] < size))
      throw new RangeError(`dictionary index ${indices[i]} out of range (dictionary of ${size})`);
  pages.dictionaryPage(plainBytes(type, dictionary, 0, size), size);
  const dictionaryBytes = pages.size;
  writeDataPages(rows, null, ENCODING.RLE_DICTIONARY, pages, (from, to) => [
    dictionaryIndices(indices, from, to, size),
  ]);
  const [min, max] = numericBounds(dictionary, type);
  return {
    dictionaryBytes,
    encodings: [ENCODING.PLAIN, ENCODING.RLE, ENCODING.RLE_DICTIONARY],
    numValues: rows,
    nullCount: 0,
    min,
    max,
  };
}

function isNullable(v: ColumnValues): v is NullableValues {
  return 'present' in v;
}

function isFloatList(v: ColumnValues): v is FloatListValues {
  return 'listLength' in v;
}

const ARRAY_FOR: Record<
  Exclude<ParquetType, 'string' | 'float-list'>,
  typeof Uint8Array | typeof Float32Array | typeof Float64Array | typeof Int32Array
> = {
  boolean: Uint8Array,
  float: Float32Array,
  double: Float64Array,
  int32: Int32Array,
  int64: Float64Array,
  timestamp: Float64Array,
};

/**
 * Encodes `rows` values of one column, appending its pages to `out`. Throws a RangeError
 * when the values do not fit the type.
 */
export function encodeColumnChunk(
  spec: ParquetColumnSpec,
  values: ColumnValues,
  rows: number,
  compression: ParquetCompression,
  out: ByteSink,
): ColumnChunkMeta {
  const pages = new PageWriter(compression, out);
  let encoded: Omit<ColumnChunkMeta, 'length' | 'uncompressedSize'>;
  if (spec.type === 'string') {
    if (!isDictionary(values))
      throw new RangeError(`column ${spec.name}: a string column takes { dictionary, indices }`);
    if (values.indices.length < rows)
      throw new RangeError(`column ${spec.name}: ${values.indices.length} indices for ${rows} rows`);
    encoded = encodeDictionary(values, rows, spec.nullable === true, pages);
  } else if (spec.type === 'float-list') {
    if (spec.nullable || spec.dictionary)
      throw new RangeError(`column ${spec.name}: float lists can be neither nullable nor dictionary-encoded`);
    if (!isFloatList(values))
      throw new RangeError(`column ${spec.name}: a float-list column takes { values, listLength }`);
    encoded = encodeFloatList(values, rows, spec.statistics !== false, pages);
  } else if (isNumericDictionary(values)) {
    if (spec.nullable || spec.type === 'boolean')
      throw new RangeError(`column ${spec.name}: a pre-built dictionary needs a non-nullable number column`);
    const expected = ARRAY_FOR[spec.type];
    if (!(values.dictionary instanceof expected))
      throw new RangeError(`column ${spec.name}: a ${spec.type} dictionary is a ${expected.name}`);
    encoded = encodePrebuiltDictionary(spec.type, values, rows, pages);
  } else {
    const expected = ARRAY_FOR[spec.type];
    const withNulls = isNullable(values) ? values : null;
    if (withNulls && !spec.nullable)
      throw new RangeError(`column ${spec.name}: values with nulls for a column that is not nullable`);
    const numbers = withNulls ? withNulls.values : values;
    if (!(numbers instanceof expected))
      throw new RangeError(`column ${spec.name}: a ${spec.type} column takes a ${expected.name}`);
    const all = numbers;
    if (all.length < rows) throw new RangeError(`column ${spec.name}: ${all.length} values for ${rows} rows`);
    if (withNulls && withNulls.present.length < rows)
      throw new RangeError(`column ${spec.name}: present has ${withNulls.present.length} entries for ${rows} rows`);
    // Any non-zero `present` entry means a value: levels must be exactly 0 or 1.
    const present = spec.nullable
      ? withNulls
        ? withNulls.present.subarray(0, rows).map((p) => (p !== 0 ? 1 : 0))
        : new Uint8Array(rows).fill(1)
      : null;
    const definition = present ? new Definition(present) : null;
    const compact = withNulls && present ? compactPresent(all, present, rows) : all;
    const count = withNulls ? compact.length : rows;
    encoded =
      (spec.dictionary &&
        spec.type !== 'boolean' &&
        encodeNumericDictionary(spec.type, compact, count, rows, definition, pages)) ||
      encodeNumbers(spec.type, compact, count, rows, definition, pages);
  }
  if (spec.statistics === false) {
    encoded.min = null;
    encoded.max = null;
  }
  return { ...encoded, length: pages.size, uncompressedSize: pages.uncompressedSize };
}
