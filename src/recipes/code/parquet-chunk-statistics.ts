import { i64, struct, type ThriftStruct as ThriftOut } from '../../engine/parquet/thrift-compact.js';
import { typedValues } from './ts-recipe-parquet.js';

/**
 * Min / max and null count of one column chunk of a code's output, taken from its pages' bytes
 * while the page copy passes them (see parquet-uncompressed-copy.ts): with them in the version's
 * footer, DuckDB skips the row groups a filter cannot match. The harnesses' own statistics would
 * not do: a wrong bound makes DuckDB skip rows a filter needs, and the code's file is not trusted.
 * So the bounds hold every value the pages' bytes can give (every dictionary entry, every PLAIN
 * value), whatever the file claims elsewhere; DuckDB's check of every value refuses a file that
 * is damaged or lies anyway. Bounds are left out when a page holds something they cannot bound
 * (NaN, a value running past its page, another encoding), the null count when the definition
 * levels do not cover the page's values.
 */

const PHYSICAL = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
const ENCODING = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE_DICTIONARY: 8 } as const;
/** Longer text bounds are left out rather than copied into every footer. */
const MAX_TEXT_BOUND = 1024;

/** A value's PLAIN bytes, compared in Parquet's order for the column's physical type. */
type Compare = (a: Buffer, b: Buffer) => number;

const int32 = (b: Buffer) => b.readInt32LE(0);
const COMPARE: Record<number, Compare> = {
  [PHYSICAL.BOOLEAN]: (a, b) => a[0] - b[0],
  [PHYSICAL.INT32]: (a, b) => int32(a) - int32(b),
  [PHYSICAL.INT64]: (a, b) => {
    const hi = a.readInt32LE(4) - b.readInt32LE(4);
    return hi !== 0 ? hi : a.readUInt32LE(0) - b.readUInt32LE(0);
  },
  [PHYSICAL.DOUBLE]: (a, b) => a.readDoubleLE(0) - b.readDoubleLE(0),
  // Text: unsigned byte order (UTF-8), as DuckDB compares VARCHAR.
  [PHYSICAL.BYTE_ARRAY]: (a, b) => Buffer.compare(a, b),
};

export class ChunkStatistics {
  private min: Buffer | null = null;
  private max: Buffer | null = null;
  /** False once a page held something the bounds cannot be trusted for. */
  private bounded = true;
  private nullCount: number | null = 0;

  constructor(
    private readonly physical: number,
    private readonly optional: boolean,
  ) {}

  /** A dictionary page's `count` PLAIN entries: every value a dictionary-encoded page can give. */
  addDictionary(data: Buffer, count: number): void {
    this.addPlain(data, 0, count);
  }

  /** A version 1 data page (uncompressed): its definition levels, then its values in `encoding`. */
  addDataPage(data: Buffer, numValues: number, encoding: number): void {
    if (!isCount(numValues)) {
      this.nullCount = null;
      this.bounded = false;
      return;
    }
    let at = 0;
    let present: number | null = numValues;
    if (this.optional) {
      const length = data.length >= 4 ? data.readUInt32LE(0) : Number.NaN;
      present = 4 + length <= data.length ? countDefined(data, 4, 4 + length, numValues) : null;
      at = 4 + length;
    }
    if (present === null || this.nullCount === null) this.nullCount = null;
    else this.nullCount += numValues - present;
    if (encoding === ENCODING.PLAIN_DICTIONARY || encoding === ENCODING.RLE_DICTIONARY) return;
    if (encoding !== ENCODING.PLAIN || present === null || !(at <= data.length)) this.bounded = false;
    else this.addPlain(data, at, present);
  }

  /** Statistics for the chunk's metadata (field 12), or undefined when nothing is known. */
  metadata(): ThriftOut | undefined {
    let { min, max } = this;
    if (
      !this.bounded ||
      (this.physical === PHYSICAL.BYTE_ARRAY && (min?.length ?? 0) + (max?.length ?? 0) > 2 * MAX_TEXT_BOUND)
    )
      min = max = null;
    if (min && max && this.physical === PHYSICAL.DOUBLE) {
      // Parquet's rule for zeros: -0 as a minimum, +0 as a maximum (either may be in the chunk).
      if (min.readDoubleLE(0) === 0) min = doubleBytes(-0);
      if (max.readDoubleLE(0) === 0) max = doubleBytes(0);
    }
    if (this.nullCount === null && !(min && max)) return undefined;
    return struct(
      [3, this.nullCount === null ? undefined : i64(this.nullCount)],
      [5, max ?? undefined],
      [6, min ?? undefined],
    );
  }

  /** `count` PLAIN values at data[at]: folded into the bounds (copied: the page's buffer is not kept). */
  private addPlain(data: Buffer, at: number, count: number): void {
    if (!isCount(count)) this.bounded = false;
    if (!this.bounded || count === 0) return;
    const bounds = pageBounds(this.physical, data, at, count);
    if (!bounds) {
      this.bounded = false;
      return;
    }
    const compare = COMPARE[this.physical];
    if (!this.min || compare(bounds[0], this.min) < 0) this.min = Buffer.from(bounds[0]);
    if (!this.max || compare(bounds[1], this.max) > 0) this.max = Buffer.from(bounds[1]);
  }
}

/** A header's count of values (a damaged header may hold anything). */
const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

const doubleBytes = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return b;
};

/**
 * The least and greatest of `count` PLAIN values at data[at] (views of `data`; numbers: of every
 * whole value to the page's end), or null when they run past the page or cannot be bounded (NaN). Numbers are compared through typed arrays: a
 * Buffer read per value costs several times as much over millions of values. One loop per
 * array type keeps each loop's element reads monomorphic (one loop shared by Int32Array and
 * Float64Array ran slower).
 */
function pageBounds(physical: number, data: Buffer, at: number, count: number): [Buffer, Buffer] | null {
  const width = physical === PHYSICAL.INT32 ? 4 : physical === PHYSICAL.INT64 || physical === PHYSICAL.DOUBLE ? 8 : 0;
  if (width > 0) {
    // Every whole value the page holds, not only the `count` read: bytes a lying page adds past them widen the bounds.
    const whole = Math.floor((data.length - at) / width);
    if (whole < count) return null;
    count = whole;
  }
  const value = (i: number) => data.subarray(at + i * width, at + (i + 1) * width);
  switch (physical) {
    case PHYSICAL.BOOLEAN: {
      if (at + ((count + 7) >> 3) > data.length) return null;
      let ones = 0;
      for (let i = 0; i < count; i++) ones += (data[at + (i >> 3)] >> (i & 7)) & 1;
      return [Buffer.from([ones === count ? 1 : 0]), Buffer.from([ones > 0 ? 1 : 0])];
    }
    case PHYSICAL.INT32: {
      const v = typedValues(Int32Array, data, at, count);
      let [lo, hi] = [0, 0];
      for (let i = 1; i < count; i++) {
        const x = v[i];
        if (x < v[lo]) lo = i;
        else if (x > v[hi]) hi = i;
      }
      return [value(lo), value(hi)];
    }
    case PHYSICAL.INT64: {
      // Each value as its two 32-bit halves: the high one signed, the low one unsigned.
      const v = typedValues(Int32Array, data, at, 2 * count);
      let [lo, loHigh, loLow, hi, hiHigh, hiLow] = [0, v[1], v[0] >>> 0, 0, v[1], v[0] >>> 0];
      for (let i = 1; i < count; i++) {
        const h = v[2 * i + 1];
        const l = v[2 * i] >>> 0;
        if (h < loHigh || (h === loHigh && l < loLow)) {
          lo = i;
          loHigh = h;
          loLow = l;
        } else if (h > hiHigh || (h === hiHigh && l > hiLow)) {
          hi = i;
          hiHigh = h;
          hiLow = l;
        }
      }
      return [value(lo), value(hi)];
    }
    case PHYSICAL.DOUBLE: {
      const v = typedValues(Float64Array, data, at, count);
      let [lo, hi, min, max] = [0, 0, v[0], v[0]];
      for (let i = 0; i < count; i++) {
        const x = v[i];
        if (x < min) {
          lo = i;
          min = x;
        } else if (x > max) {
          hi = i;
          max = x;
        } else if (x !== x) return null; // NaN: DuckDB orders it above every number, Parquet's bounds leave it out
      }
      return [value(lo), value(hi)];
    }
    case PHYSICAL.BYTE_ARRAY: {
      let min: Buffer | null = null;
      let max: Buffer | null = null;
      for (let i = 0, pos = at; i < count; i++) {
        if (pos + 4 > data.length) return null;
        const end = pos + 4 + data.readUInt32LE(pos);
        if (end > data.length) return null;
        const text = data.subarray(pos + 4, end);
        if (!min || Buffer.compare(text, min) < 0) min = text;
        if (!max || Buffer.compare(text, max) > 0) max = text;
        pos = end;
      }
      return min && max ? [min, max] : null;
    }
    default:
      return null;
  }
}

/** The number of 1 bits of each byte value. */
const ONES = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let v = b; v; v >>= 1) n += v & 1;
  return n;
});

/**
 * How many of the first `count` definition levels (RLE / bit-packed hybrid, bit width 1) in
 * data[pos:end] are 1: the page's non-null values. Null when the levels end before `count`.
 */
export function countDefined(data: Buffer, pos: number, end: number, count: number): number | null {
  let seen = 0;
  let defined = 0;
  while (seen < count) {
    if (pos >= end) return null;
    let header = 0;
    for (let scale = 1; ; scale *= 128) {
      if (pos >= end) return null;
      const b = data[pos++];
      header += (b & 0x7f) * scale;
      if (b < 0x80) break;
    }
    if (header % 2 === 0) {
      // A run of one repeated level, in one byte.
      // Past the end, or a level that is neither 0 nor 1 (readers may disagree on it): not counted.
      if (pos >= end || data[pos] > 1) return null;
      const run = Math.min(header / 2, count - seen);
      if (data[pos++] === 1) defined += run;
      seen += run;
      continue;
    }
    const bytes = (header - 1) / 2; // groups of 8 levels, one byte each at width 1
    if (pos + bytes > end) return null;
    const take = Math.min(bytes * 8, count - seen);
    // A byte at a time (a whole page's levels are often one run of millions of bits).
    const whole = take >> 3;
    for (let k = 0; k < whole; k++) defined += ONES[data[pos + k]];
    if (take & 7) defined += ONES[data[pos + whole] & ((1 << (take & 7)) - 1)];
    pos += bytes;
    seen += take;
  }
  return defined;
}
