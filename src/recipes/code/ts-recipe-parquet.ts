import { closeSync, fstatSync, ftruncateSync, openSync, readSync, renameSync, rmSync, writevSync } from 'node:fs';
import {
  encodeStruct,
  i64,
  list,
  struct,
  type ThriftStruct as ThriftOut,
} from '../../engine/parquet/thrift-compact.js';
import { ByteSink } from '../../engine/parquet/byte-sink.js';
import { ThriftReader, type ThriftStruct } from './ts-recipe-thrift.js';
import { valueText, type FieldKind } from './ts-recipe-csv.js';
import { codesOf, readHybrid, rememberCodes, rowCodes, type RowCodes } from './ts-recipe-parquet-codes.js';

/**
 * The TypeScript harness's columnar handover: flat, uncompressed Parquet both ways. DuckDB writes
 * the inputs (`COPY … (FORMAT parquet, COMPRESSION uncompressed)`: PLAIN numbers, dictionary
 * strings, version 1 data pages) and this file reads them straight into column arrays; the output
 * is written here as PLAIN numbers and dictionary-encoded strings, which DuckDB reads back in
 * parallel with its types. Compared with CSV text both ways, numbers never become text and
 * a string column of few values costs one Map lookup per value, or none for the values the code
 * handed back as the reader gave them (ts-recipe-parquet-codes.ts). Runs INSIDE the sandbox:
 * Node built-ins only.
 */

const PHYSICAL = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
const PAGE = { DATA: 0, DICTIONARY: 2 } as const;
const ENCODING = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, RLE_DICTIONARY: 8 } as const;
const MAGIC = Buffer.from('PAR1');
const TWO_32 = 4294967296;

/** Output types the writer carries exactly; others go to CSV or NDJSON. */
const WRITE: Record<string, { physical: number; converted?: number; min?: number; max?: number }> = {
  BOOLEAN: { physical: PHYSICAL.BOOLEAN },
  TINYINT: { physical: PHYSICAL.INT32, converted: 15, min: -128, max: 127 },
  SMALLINT: { physical: PHYSICAL.INT32, converted: 16, min: -32768, max: 32767 },
  INTEGER: { physical: PHYSICAL.INT32, converted: 17, min: -2147483648, max: 2147483647 },
  BIGINT: { physical: PHYSICAL.INT64, converted: 18 },
  DOUBLE: { physical: PHYSICAL.DOUBLE },
  VARCHAR: { physical: PHYSICAL.BYTE_ARRAY, converted: 0 },
};

export const parquetWrites = (duckType: string): boolean => duckType.toUpperCase() in WRITE;

// ---------------------------------------------------------------------------------------------
// Reading

/** Where `typedValues` copies unaligned values: reused, as pages of millions of values would each allocate one. */
let scratch = new ArrayBuffer(1 << 16);

/**
 * `count` little-endian values at buf[pos] as a typed array: a view of the buffer's bytes when
 * aligned, else of a copy at the start of `scratch` (one memcpy; valid until the next call).
 * Typed array reads are several times cheaper than Buffer's readInt32LE / readDoubleLE, which
 * assemble each value byte by byte.
 */
export function typedValues<T extends Int32Array | Float64Array>(
  Type: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
  buf: Buffer,
  pos: number,
  count: number,
): T {
  const start = buf.byteOffset + pos;
  if (start % Type.BYTES_PER_ELEMENT === 0 && buf.buffer instanceof ArrayBuffer)
    return new Type(buf.buffer, start, count);
  const bytes = count * Type.BYTES_PER_ELEMENT;
  if (scratch.byteLength < bytes) scratch = new ArrayBuffer(Math.max(bytes, 2 * scratch.byteLength));
  new Uint8Array(scratch, 0, bytes).set(buf.subarray(pos, pos + bytes));
  return new Type(scratch, 0, count);
}

/** `count` PLAIN values of a physical type, converted for the column's kind, into `out` from `at`. */
function readPlain(
  buf: Buffer,
  pos: number,
  physical: number,
  count: number,
  kind: FieldKind,
  exact: boolean,
  out: unknown[],
  at: number,
): void {
  switch (physical) {
    case PHYSICAL.BOOLEAN:
      for (let i = 0; i < count; i++) out[at + i] = (buf[pos + (i >> 3)] & (1 << (i & 7))) !== 0;
      break;
    case PHYSICAL.INT32: {
      const values = typedValues(Int32Array, buf, pos, count);
      for (let i = 0; i < count; i++) out[at + i] = values[i];
      break;
    }
    case PHYSICAL.INT64: {
      const halves = typedValues(Int32Array, buf, pos, 2 * count);
      for (let i = 0; i < count; i++) {
        const lo = halves[2 * i];
        const hi = halves[2 * i + 1];
        // A 32-bit integer (its high half its sign) as is: a small integer, without double arithmetic.
        // Beyond 2^53 a Number rounds, as Number(text) did; `exact` (re-reading our own output) keeps a BigInt.
        out[at + i] =
          hi === lo >> 31
            ? lo
            : exact && (hi >= 0x200000 || hi < -0x200000)
              ? buf.readBigInt64LE(pos + 8 * i)
              : hi * TWO_32 + (lo >>> 0);
      }
      break;
    }
    case PHYSICAL.DOUBLE: {
      const values = typedValues(Float64Array, buf, pos, count);
      for (let i = 0; i < count; i++) out[at + i] = values[i];
      break;
    }
    case PHYSICAL.BYTE_ARRAY:
      for (let i = 0; i < count; i++) {
        const length = buf.readUInt32LE(pos);
        const text = buf.toString('utf8', pos + 4, pos + 4 + length);
        out[at + i] = kind === 'number' ? Number(text) : text;
        pos += 4 + length;
      }
      break;
    default:
      throw new Error(`Parquet: physical type ${physical} is not read by the harness`);
  }
}

interface ChunkMeta {
  physical: number;
  codec: number;
  numValues: number;
  start: number;
  size: number;
}

/** Where definition levels and dictionary codes are decoded: reused, as each page would allocate its own. */
let levelScratch = new Int32Array(0);
let codeScratch = new Int32Array(0);

/**
 * One column chunk's values (nulls as null), from its dictionary and version 1 data pages. A text
 * column's codes are remembered with its array (ts-recipe-parquet-codes.ts) for the writer.
 */
function readChunk(buf: Buffer, meta: ChunkMeta, optional: boolean, kind: FieldKind, exact: boolean): unknown[] {
  if (meta.codec !== 0) throw new Error('Parquet: compressed pages are not read by the harness');
  // Preallocated and filled by index: pushing one value at a time costs three times as much.
  const out = new Array<unknown>(meta.numValues);
  let row = 0;
  let dictionary: unknown[] | null = null;
  let dictionaries = 0;
  let kept: RowCodes | null = null;
  let pos = 0;
  // Locals in the loops: a module-level `let` is loaded (and checked) at each use.
  let defined = levelScratch;
  let codes = codeScratch;
  while (row < meta.numValues && pos < buf.length) {
    const reader = new ThriftReader(buf, pos);
    const header = reader.struct();
    const body = reader.pos;
    pos = body + (header[3] as number);
    if (header[1] === PAGE.DICTIONARY) {
      const size = (header[7] as ThriftStruct)[1] as number;
      dictionary = new Array<unknown>(size);
      readPlain(buf, body, meta.physical, size, kind, exact, dictionary, 0);
      // Codes are kept for text under one dictionary (DuckDB writes one per chunk).
      kept = kind === 'text' && ++dictionaries === 1 ? rowCodes(size, meta.numValues) : null;
      continue;
    }
    if (header[1] !== PAGE.DATA) throw new Error(`Parquet: page type ${String(header[1])} is not read by the harness`);
    const page = header[5] as ThriftStruct;
    const count = page[1] as number;
    const encoding = page[2] as number;
    let at = body;
    let present = count;
    if (optional) {
      const length = buf.readUInt32LE(at);
      if (defined.length < count) defined = levelScratch = new Int32Array(count);
      present = readHybrid(buf, at + 4, at + 4 + length, 1, count, defined);
      at += 4 + length;
    }
    const nulls = present < count;
    if (encoding === ENCODING.PLAIN) {
      if (!nulls) readPlain(buf, at, meta.physical, count, kind, exact, out, row);
      else {
        const values = new Array<unknown>(present);
        readPlain(buf, at, meta.physical, present, kind, exact, values, 0);
        for (let i = 0, v = 0; i < count; i++) out[row + i] = defined[i] ? values[v++] : null;
      }
      // No codes for these rows: the writer looks their texts up.
      kept = null;
    } else if (encoding === ENCODING.PLAIN_DICTIONARY || encoding === ENCODING.RLE_DICTIONARY) {
      if (!dictionary) throw new Error('Parquet: a dictionary page is missing');
      if (codes.length < present) codes = codeScratch = new Int32Array(present);
      if (present > 0) readHybrid(buf, at + 1, pos, buf[at], present, codes);
      if (kept) fillWithCodes(out, kept, row, count, dictionary, codes, nulls ? defined : null);
      else if (!nulls) for (let i = 0; i < count; i++) out[row + i] = dictionary[codes[i]];
      else for (let i = 0, v = 0; i < count; i++) out[row + i] = defined[i] ? dictionary[codes[v++]] : null;
    } else throw new Error(`Parquet: encoding ${encoding} is not read by the harness`);
    row += count;
  }
  if (kept && dictionary) rememberCodes(out, { dictionary, codes: kept });
  return out;
}

/** A dictionary page's values into out[row…row + count) from its `codes`, each row's code into `kept` (`defined`: which rows have one). */
function fillWithCodes(
  out: unknown[],
  kept: RowCodes,
  row: number,
  count: number,
  dictionary: unknown[],
  codes: Int32Array,
  defined: Int32Array | null,
): void {
  if (!defined)
    for (let i = 0; i < count; i++) {
      const code = codes[i];
      kept[row + i] = code;
      out[row + i] = dictionary[code];
    }
  else
    for (let i = 0, v = 0; i < count; i++) {
      if (defined[i]) {
        const code = codes[v++];
        kept[row + i] = code;
        out[row + i] = dictionary[code];
      } else out[row + i] = null;
    }
}

/** Where column chunks are read: reused, as the values are copied out of it (strings) or converted (numbers). */
let chunkBytes = Buffer.alloc(0);

/**
 * Row groups of a flat Parquet file as `[numRows, columnArrays]`, the columns in the file's
 * order, each value converted for its kind (numbers, booleans, text; NULL as null). `exact`
 * keeps 64-bit integers beyond 2^53 as BigInts.
 */
export function* parquetRowGroups(path: string, kinds: FieldKind[], exact = false): Generator<[number, unknown[][]]> {
  const fd = openSync(path, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    const tail = Buffer.alloc(8);
    readSync(fd, tail, 0, 8, fileSize - 8);
    if (!tail.subarray(4).equals(MAGIC)) throw new Error(`Parquet: ${path} is not a Parquet file`);
    const footerLength = tail.readUInt32LE(0);
    const footer = Buffer.alloc(footerLength);
    readSync(fd, footer, 0, footerLength, fileSize - 8 - footerLength);
    const meta = new ThriftReader(footer).struct();
    const leaves = (meta[2] as ThriftStruct[]).slice(1);
    if (leaves.length !== kinds.length || leaves.some((s) => s[5] !== undefined))
      throw new Error('Parquet: the harness reads flat files of the configured columns only');
    const optional = leaves.map((s) => s[3] !== 0);
    for (const group of (meta[4] as ThriftStruct[] | undefined) ?? []) {
      const numRows = group[3] as number;
      const arrays = (group[1] as ThriftStruct[]).map((chunk, j) => {
        const m = chunk[3] as ThriftStruct;
        const dictionaryAt = m[11] as number | undefined;
        const info: ChunkMeta = {
          physical: m[1] as number,
          codec: m[4] as number,
          numValues: m[5] as number,
          start: dictionaryAt !== undefined && dictionaryAt > 0 ? dictionaryAt : (m[9] as number),
          size: m[7] as number,
        };
        if (chunkBytes.length < info.size) chunkBytes = Buffer.allocUnsafe(Math.max(info.size, 2 * chunkBytes.length));
        const buf = chunkBytes.subarray(0, info.size);
        readSync(fd, buf, 0, info.size, info.start);
        return readChunk(buf, info, optional[j], kinds[j], exact);
      });
      yield [numRows, arrays];
    }
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A value the column's type cannot hold exactly: the writer gives the row group back. */
const UNFIT = Symbol('unfit');

const utf8 = new TextEncoder();

/** A PLAIN BYTE_ARRAY value: its UTF-8 length, then its bytes. */
function putText(sink: ByteSink, text: string): void {
  sink.reserve(4 + 3 * text.length);
  const at = sink.length;
  const { written } = utf8.encodeInto(text, sink.raw().subarray(at + 4));
  sink.int32LE(written);
  sink.length += written;
}

interface EncodedChunk {
  dictionary: Uint8Array | null;
  dictionaryCount: number;
  data: Uint8Array;
  encoding: number;
}

const MAX_DICTIONARY = 65536;

/**
 * Where the writer encodes a column: reused, each column's chunk being written before the next is
 * encoded (fresh typed arrays of a row group's size cost their zeroing, page faults and GCs).
 */
let numberScratch = new ArrayBuffer(0);
let definedScratch = new Uint8Array(0);
let codeOutScratch = new Int32Array(0);
const dictionarySink = new ByteSink(1 << 12);
const dataSink = new ByteSink(1 << 16);

/** `numberScratch`, at least `bytes` long. */
function numberBytes(bytes: number): ArrayBuffer {
  if (numberScratch.byteLength < bytes) numberScratch = new ArrayBuffer(Math.max(bytes, 2 * numberScratch.byteLength));
  return numberScratch;
}

/** A column's values as PLAIN bytes (dictionary codes for strings when few), or UNFIT; valid until the next call. */
function encodeColumn(
  type: string,
  values: ArrayLike<unknown>,
  n: number,
  jsonText: (value: unknown) => string,
): { defined: Uint8Array; chunk: EncodedChunk } | typeof UNFIT {
  const spec = WRITE[type.toUpperCase()];
  if (definedScratch.length < (n + 7) >> 3) definedScratch = new Uint8Array(2 * ((n + 7) >> 3));
  const defined = definedScratch.subarray(0, (n + 7) >> 3).fill(0);
  let present = 0;
  const mark = (i: number) => {
    defined[i >> 3] |= 1 << (i & 7);
    present++;
  };
  const plain = (data: Uint8Array): { defined: Uint8Array; chunk: EncodedChunk } => ({
    defined,
    chunk: { dictionary: null, dictionaryCount: 0, data, encoding: ENCODING.PLAIN },
  });
  switch (spec.physical) {
    case PHYSICAL.DOUBLE: {
      const out = new Float64Array(numberBytes(8 * n), 0, n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'number') {
          // NaN and ±Infinity were NULL in the CSV handover.
          if (Number.isFinite(v)) {
            out[present] = v;
            mark(i);
          }
        } else if (typeof v === 'bigint') {
          out[present] = Number(v);
          mark(i);
        } else if (v !== null && v !== undefined) return UNFIT;
      }
      return plain(new Uint8Array(out.buffer, 0, present * 8));
    }
    case PHYSICAL.INT64: {
      const out = new Int32Array(numberBytes(8 * n), 0, 2 * n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'number') {
          if ((v | 0) === v) {
            // A 32-bit integer (most are): its high half is its sign.
            out[2 * present] = v;
            out[2 * present + 1] = v >> 31;
            mark(i);
            continue;
          }
          if (!Number.isFinite(v)) continue;
          if (!Number.isInteger(v) || v < -(2 ** 63) || v >= 2 ** 63) return UNFIT;
          const hi = Math.floor(v / TWO_32);
          out[2 * present] = v - hi * TWO_32;
          out[2 * present + 1] = hi;
          mark(i);
        } else if (typeof v === 'bigint') {
          if (BigInt.asIntN(64, v) !== v) return UNFIT;
          out[2 * present] = Number(v & 0xffffffffn);
          out[2 * present + 1] = Number(v >> 32n);
          mark(i);
        } else if (v !== null && v !== undefined) return UNFIT;
      }
      return plain(new Uint8Array(out.buffer, 0, present * 8));
    }
    case PHYSICAL.INT32: {
      const out = new Int32Array(numberBytes(4 * n), 0, n);
      const min = spec.min ?? 0;
      const max = spec.max ?? 0;
      for (let i = 0; i < n; i++) {
        let v = values[i];
        if (typeof v === 'bigint') v = Number(v);
        if (typeof v === 'number') {
          if (!Number.isFinite(v)) continue;
          if (!Number.isInteger(v) || v < min || v > max) return UNFIT;
          out[present] = v;
          mark(i);
        } else if (v !== null && v !== undefined) return UNFIT;
      }
      return plain(new Uint8Array(out.buffer, 0, present * 4));
    }
    case PHYSICAL.BOOLEAN: {
      const out = new Uint8Array(numberBytes((n + 7) >> 3), 0, (n + 7) >> 3).fill(0);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'boolean') {
          if (v) out[present >> 3] |= 1 << (present & 7);
          mark(i);
        } else if (v !== null && v !== undefined) return UNFIT;
      }
      return plain(new Uint8Array(out.buffer, 0, (present + 7) >> 3));
    }
    default:
      return encodeTexts(values, n, jsonText, defined);
  }
}

/**
 * A text column as dictionary codes while its distinct values stay few, else PLAIN. Rows still
 * holding the value the reader gave them from its dictionary (codesOf) take their code from
 * there: one Map lookup per dictionary entry instead of one per row.
 */
function encodeTexts(
  values: ArrayLike<unknown>,
  n: number,
  jsonText: (value: unknown) => string,
  defined: Uint8Array,
): { defined: Uint8Array; chunk: EncodedChunk } {
  const known = codesOf(values);
  const fromReader = known && known.codes.length >= n && known.dictionary.length > 0 ? known : null;
  const inDictionary = fromReader?.dictionary ?? [];
  const inCodes = fromReader?.codes ?? new Uint8Array(0);
  // Input code → output code, -1 until the entry is first met.
  const remap = new Int32Array(inDictionary.length).fill(-1);
  if (codeOutScratch.length < n) codeOutScratch = new Int32Array(Math.max(n, 2 * codeOutScratch.length));
  const codes = codeOutScratch;
  const dictionary = new Map<string, number>();
  let present = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const inCode = fromReader ? inCodes[i] : 0;
    // The same string as the reader gave (or an equal one): its code. NULL rows hold any code and fail the compare.
    const unchanged = fromReader !== null && v === inDictionary[inCode] && v !== undefined;
    let code = unchanged ? remap[inCode] : -1;
    if (code < 0) {
      const text = valueText(v, jsonText);
      if (text === null) continue;
      code = dictionary.get(text) ?? -1;
      if (code < 0) {
        // Too many distinct values: the whole column as a PLAIN page instead.
        if (dictionary.size === MAX_DICTIONARY) return plainTexts(values, n, jsonText, defined.fill(0));
        code = dictionary.size;
        dictionary.set(text, code);
      }
      if (unchanged) remap[inCode] = code;
    }
    codes[present++] = code;
    defined[i >> 3] |= 1 << (i & 7);
  }
  if (present === 0) return plainTexts(values, 0, jsonText, defined);
  const dict = dictionarySink;
  dict.clear();
  for (const key of dictionary.keys()) putText(dict, key);
  // Codes bit-packed at 8 or 16 bits: the run's bytes are the little-endian codes (a Uint16Array is
  // little-endian on the platforms Node runs on: x64, arm64).
  const width = dictionary.size <= 256 ? 8 : 16;
  const padded = Math.ceil(present / 8) * 8;
  const packed =
    width === 8 ? new Uint8Array(numberBytes(padded), 0, padded) : new Uint16Array(numberBytes(2 * padded), 0, padded);
  packed.set(codes.subarray(0, present));
  packed.fill(0, present);
  const data = dataSink;
  data.clear();
  data.byte(width);
  data.varint((padded / 8) * 2 + 1);
  data.bytes(new Uint8Array(packed.buffer, 0, packed.byteLength));
  return {
    defined,
    chunk: {
      dictionary: dict.view8(),
      dictionaryCount: dictionary.size,
      data: data.view8(),
      encoding: ENCODING.PLAIN_DICTIONARY,
    },
  };
}

/** A text column as a PLAIN page (each value's length and UTF-8 bytes), its rows marked in `defined` (all clear). */
function plainTexts(
  values: ArrayLike<unknown>,
  n: number,
  jsonText: (value: unknown) => string,
  defined: Uint8Array,
): { defined: Uint8Array; chunk: EncodedChunk } {
  const bytes = dataSink;
  bytes.clear();
  for (let i = 0; i < n; i++) {
    const text = valueText(values[i], jsonText);
    if (text === null) continue;
    putText(bytes, text);
    defined[i >> 3] |= 1 << (i & 7);
  }
  return { defined, chunk: { dictionary: null, dictionaryCount: 0, data: bytes.view8(), encoding: ENCODING.PLAIN } };
}

/** A page header (the same thrift writer as the engine's Parquet files): `header` is its field 5 (data) or 7 (dictionary). */
function pageHeader(type: number, size: number, header: readonly [number, ThriftOut]): Uint8Array {
  return encodeStruct(struct([1, type], [2, size], [3, size], header));
}

/** A version 1 page's definition levels before the null bitmap `defined`: their 4-byte length, then the header of one bit-packed run of width 1. */
function levelsPrefix(defined: Uint8Array): Uint8Array {
  const run = new ByteSink(16);
  run.varint(defined.length * 2 + 1);
  const out = new ByteSink(4 + run.length);
  out.int32LE(run.length + defined.length);
  out.bytes(run.view8());
  return out.view8();
}

/** `buffers` without their first `skip` bytes (what a short write left). */
function remaining(buffers: Uint8Array[], skip: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  for (const b of buffers) {
    if (skip >= b.length) skip -= b.length;
    else {
      rest.push(b.subarray(skip));
      skip = 0;
    }
  }
  return rest;
}

/** Writes a flat Parquet file one row group at a time; `writeRowGroup` answers false (writing nothing) on a value its column's type cannot hold. */
export class ParquetWriter {
  private readonly fd: number;
  private offset = 0;
  private rows = 0;
  private readonly groups: ThriftOut[] = [];

  constructor(
    path: string,
    private readonly columns: { name: string; type: string }[],
    private readonly jsonText: (value: unknown) => string,
  ) {
    this.fd = openSync(path, 'w');
    this.write([MAGIC]);
  }

  /** Writes the buffers at the end of what was written (positioned: a row group given back is cut off). */
  private write(buffers: Uint8Array[]): void {
    const total = buffers.reduce((sum, b) => sum + b.length, 0);
    let done = 0;
    while (done < total) {
      const written = writevSync(this.fd, done === 0 ? buffers : remaining(buffers, done), this.offset + done);
      done += written;
    }
    this.offset += total;
  }

  writeRowGroup(arrays: ArrayLike<unknown>[], numRows: number): boolean {
    if (numRows === 0) return true;
    const chunks: ThriftOut[] = [];
    const groupStart = this.offset;
    for (let j = 0; j < this.columns.length; j++) {
      // Each column written once encoded (the encoder's buffers are reused); a value that does not fit cuts the group off.
      const encoded = encodeColumn(this.columns[j].type, arrays[j], numRows, this.jsonText);
      if (encoded === UNFIT) {
        ftruncateSync(this.fd, groupStart);
        this.offset = groupStart;
        return false;
      }
      chunks.push(this.writeChunk(j, encoded, numRows));
    }
    this.groups.push(struct([1, list('struct', chunks)], [2, i64(this.offset - groupStart)], [3, i64(numRows)]));
    this.rows += numRows;
    return true;
  }

  /** A column chunk's pages (dictionary, then data) in one write; answers its metadata. */
  private writeChunk(j: number, { defined, chunk }: { defined: Uint8Array; chunk: EncodedChunk }, numRows: number) {
    const start = this.offset;
    const buffers: Uint8Array[] = [];
    let dictionaryAt: number | undefined;
    let dataAt = start;
    if (chunk.dictionary) {
      dictionaryAt = start;
      const header = pageHeader(PAGE.DICTIONARY, chunk.dictionary.length, [
        7,
        struct([1, chunk.dictionaryCount], [2, ENCODING.PLAIN_DICTIONARY]),
      ]);
      buffers.push(header, chunk.dictionary);
      dataAt += header.length + chunk.dictionary.length;
    }
    const levels = levelsPrefix(defined);
    const size = levels.length + defined.length + chunk.data.length;
    buffers.push(
      pageHeader(PAGE.DATA, size, [5, struct([1, numRows], [2, chunk.encoding], [3, ENCODING.RLE], [4, ENCODING.RLE])]),
      levels,
      defined,
      chunk.data,
    );
    this.write(buffers);
    const total = this.offset - start;
    const spec = WRITE[this.columns[j].type.toUpperCase()];
    const encodings = chunk.dictionary ? [ENCODING.PLAIN_DICTIONARY, ENCODING.RLE] : [ENCODING.PLAIN, ENCODING.RLE];
    return struct(
      [2, i64(start)],
      [
        3,
        struct(
          [1, spec.physical],
          [2, list('i32', encodings)],
          [3, list('string', [this.columns[j].name])],
          [4, 0],
          [5, i64(numRows)],
          [6, i64(total)],
          [7, i64(total)],
          [9, i64(dataAt)],
          [11, dictionaryAt === undefined ? undefined : i64(dictionaryAt)],
        ),
      ],
    );
  }

  close(): void {
    const schema: ThriftOut[] = [
      struct([4, 'schema'], [5, this.columns.length]),
      ...this.columns.map((c) => {
        const spec = WRITE[c.type.toUpperCase()];
        return struct([1, spec.physical], [3, 1], [4, c.name], [6, spec.converted]);
      }),
    ];
    const footer = encodeStruct(
      struct([1, 1], [2, list('struct', schema)], [3, i64(this.rows)], [4, list('struct', this.groups)], [6, 'llano']),
    );
    const length = Buffer.alloc(4);
    length.writeUInt32LE(footer.length);
    this.write([footer, length, MAGIC]);
    closeSync(this.fd);
  }
}

/**
 * The output as Parquet part files `<path>.part<k>` of one row group each, each written as
 * `.partial` and renamed into place once complete: the server checks and compresses each part
 * while the code writes the next (adopt-parquet-output.ts), so that little is left once it is done.
 * `close` writes a part without rows when none was written: the file still tells the columns.
 */
export class ParquetParts {
  /** The parts written, in row order. */
  readonly files: string[] = [];

  constructor(
    private readonly path: string,
    private readonly columns: { name: string; type: string }[],
    private readonly jsonText: (value: unknown) => string,
  ) {}

  /** As `ParquetWriter.writeRowGroup`, as a part of its own. */
  writeRowGroup(arrays: ArrayLike<unknown>[], numRows: number): boolean {
    return numRows === 0 || this.part((writer) => writer.writeRowGroup(arrays, numRows));
  }

  close(): void {
    if (this.files.length === 0) this.part(() => true);
  }

  /** Writes the next part with `write`; keeps it when `write` answers true. */
  private part(write: (writer: ParquetWriter) => boolean): boolean {
    const part = `${this.path}.part${this.files.length}`;
    const writer = new ParquetWriter(`${part}.partial`, this.columns, this.jsonText);
    const kept = write(writer);
    writer.close();
    if (!kept) {
      rmSync(`${part}.partial`, { force: true });
      return false;
    }
    renameSync(`${part}.partial`, part);
    this.files.push(part);
    return true;
  }

  /** Removes the parts (the output went on as another format). */
  remove(): void {
    for (const file of this.files) rmSync(file, { force: true });
  }
}
