import { describe, expect, it } from 'vitest';
import { ChunkStatistics, countDefined } from './parquet-chunk-statistics.js';

const PLAIN = 0;
const RLE_DICTIONARY = 8;
const [BOOLEAN, INT32, INT64, DOUBLE, BYTE_ARRAY] = [0, 1, 2, 5, 6];

/** The statistics' fields: null count (3), max (5), min (6); undefined when none. */
function fields(stats: ChunkStatistics): { nulls?: number; max?: Buffer; min?: Buffer } | undefined {
  const m = stats.metadata();
  if (!m) return undefined;
  const f = new Map(m.struct);
  const nulls = f.get(3) as { i64: number } | undefined;
  return { nulls: nulls?.i64, max: f.get(5) as Buffer | undefined, min: f.get(6) as Buffer | undefined };
}

/** Definition levels of an optional column's page: 4-byte length, one bit-packed run of `defined` (0/1 each). */
function levels(defined: number[]): Buffer {
  const groups = Math.ceil(defined.length / 8);
  const bits = Buffer.alloc(groups);
  defined.forEach((d, i) => (bits[i >> 3] |= d << (i & 7)));
  const run = Buffer.concat([Buffer.from([groups * 2 + 1]), bits]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(run.length);
  return Buffer.concat([length, run]);
}

const int64s = (values: bigint[]) => {
  const b = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => b.writeBigInt64LE(v, 8 * i));
  return b;
};
const doubles = (values: number[]) => Buffer.from(new Float64Array(values).buffer);
const texts = (values: string[]) =>
  Buffer.concat(
    values.flatMap((v) => {
      const bytes = Buffer.from(v, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );

describe('ChunkStatistics', () => {
  it('bounds 64-bit integers across the sign and the 32-bit halves, and counts nulls', () => {
    const stats = new ChunkStatistics(INT64, true);
    const values = [-1n, 5n, -(2n ** 40n), 2n ** 40n + 1n, 4294967295n];
    stats.addDataPage(Buffer.concat([levels([1, 0, 1, 1, 1, 0, 1]), int64s(values)]), 7, PLAIN);
    stats.addDataPage(Buffer.concat([levels([0, 1]), int64s([7n])]), 2, PLAIN);
    const f = fields(stats)!;
    expect(f.nulls).toBe(3);
    expect(f.min!.readBigInt64LE(0)).toBe(-(2n ** 40n));
    expect(f.max!.readBigInt64LE(0)).toBe(2n ** 40n + 1n);
  });

  it("takes a dictionary's entries as the bounds of its codes, text in UTF-8 byte order", () => {
    const stats = new ChunkStatistics(BYTE_ARRAY, false);
    stats.addDictionary(texts(['B3', 'é', 'z', 'A']), 4);
    stats.addDataPage(Buffer.from([8, 3, 0x00]), 1, RLE_DICTIONARY);
    const f = fields(stats)!;
    expect([f.min!.toString(), f.max!.toString(), f.nulls]).toEqual(['A', 'é', 0]);
  });

  it('widens the bounds to bytes a page holds past its values, and drops them for what it cannot bound', () => {
    // Two values read, a third past them in the page: the bounds hold it too (a reader may read it).
    const extra = new ChunkStatistics(INT32, false);
    extra.addDataPage(Buffer.from(new Int32Array([3, 4, -9]).buffer), 2, PLAIN);
    expect(fields(extra)!.min!.readInt32LE(0)).toBe(-9);

    const nan = new ChunkStatistics(DOUBLE, true);
    nan.addDataPage(Buffer.concat([levels([1, 1, 0]), doubles([1, Number.NaN])]), 3, PLAIN);
    expect(fields(nan)).toEqual({ nulls: 1, max: undefined, min: undefined });

    const past = new ChunkStatistics(BYTE_ARRAY, false);
    past.addDataPage(texts(['a', 'b']).subarray(0, 7), 2, PLAIN);
    expect(fields(past)).toEqual({ nulls: 0, max: undefined, min: undefined });

    // Definition levels whose RLE value is neither 0 nor 1: no null count, no bounds (which values are read is unclear).
    const odd = new ChunkStatistics(INT32, true);
    const body = Buffer.from([2, 0, 0, 0, 4 /* run of 2 */, 2 /* level 2 */, 1, 0, 0, 0]);
    odd.addDataPage(body, 2, PLAIN);
    expect(fields(odd)).toBeUndefined();

    // A header without its count of values.
    const uncounted = new ChunkStatistics(BOOLEAN, false);
    uncounted.addDictionary(Buffer.from([1]), undefined as unknown as number);
    uncounted.addDataPage(Buffer.from([1]), undefined as unknown as number, PLAIN);
    expect(fields(uncounted)).toBeUndefined();
  });

  it('writes zero bounds with Parquet’s signs (-0 least, +0 greatest) and booleans by the values read', () => {
    const zeros = new ChunkStatistics(DOUBLE, false);
    zeros.addDataPage(doubles([0, -0, 0]), 3, PLAIN);
    const f = fields(zeros)!;
    expect(Object.is(f.min!.readDoubleLE(0), -0)).toBe(true);
    expect(Object.is(f.max!.readDoubleLE(0), 0)).toBe(true);

    const flags = new ChunkStatistics(BOOLEAN, false);
    flags.addDataPage(Buffer.from([0b111]), 3, PLAIN);
    expect([...fields(flags)!.min!, ...fields(flags)!.max!]).toEqual([1, 1]);
  });
});

describe('countDefined', () => {
  it('counts the 1 levels among the first `count` of RLE and bit-packed runs; null when they end early', () => {
    // RLE run of 10 ones (header 20), bit-packed group 0b00000101, RLE run of 3 zeros.
    const levels = Buffer.from([20, 1, 3, 0b101, 6, 0]);
    expect(countDefined(levels, 0, levels.length, 21)).toBe(12);
    expect(countDefined(levels, 0, levels.length, 11)).toBe(11);
    expect(countDefined(levels, 0, levels.length, 22)).toBeNull();
  });
});
