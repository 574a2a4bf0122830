import { describe, expect, it } from 'vitest';
import { codesOf, readHybrid, rememberCodes, rowCodes, sliceColumn } from './ts-recipe-parquet-codes.js';

/** One bit-packed run of `values` at `width` bits (padded to a multiple of 8 values), as Parquet writes it. */
function bitPacked(values: number[], width: number): Buffer {
  const groups = Math.ceil(values.length / 8);
  const body = Buffer.alloc(groups * width);
  values.forEach((v, i) => {
    for (let b = 0; b < width; b++) if (v & (1 << b)) body[(i * width + b) >> 3] |= 1 << ((i * width + b) & 7);
  });
  return Buffer.concat([Buffer.from([(groups << 1) | 1]), body]);
}

/** One RLE run: `count` (under 64: a one-byte header) times `value`, in (width + 7) / 8 bytes. */
function rle(value: number, count: number, width: number): Buffer {
  const bytes = Array.from({ length: (width + 7) >> 3 }, (_, k) => (value >> (8 * k)) & 0xff);
  return Buffer.from([count << 1, ...bytes]);
}

describe('readHybrid', () => {
  it('decodes bit-packed runs of every width up to 32, to the last byte of the buffer', () => {
    for (let width = 1; width <= 32; width++) {
      // 29 values: the last group is partial, and the buffer ends where its bytes end.
      const max = width === 32 ? 2 ** 31 - 1 : 2 ** width - 1;
      const values = Array.from({ length: 29 }, (_, i) => (i * 2654435761) % (max + 1));
      values[3] = max;
      const buf = bitPacked(values, width);
      const out = new Int32Array(29);
      const ones = readHybrid(buf, 0, buf.length, width, 29, out);
      expect(Array.from(out), `width ${width}`).toEqual(values);
      expect(ones, `width ${width}`).toBe(width === 1 ? values.filter((v) => v === 1).length : 0);
    }
  });

  it('mixes RLE and bit-packed runs, counting the present values of definition levels', () => {
    const levels = [1, 0, 1, 1, 0, 0, 1, 0];
    const buf = Buffer.concat([rle(1, 60, 1), bitPacked(levels, 1), rle(0, 20, 1)]);
    const out = new Int32Array(88);
    expect(readHybrid(buf, 0, buf.length, 1, 88, out)).toBe(64);
    expect(Array.from(out.subarray(58, 70))).toEqual([1, 1, ...levels, 0, 0]);
    // Bit-packed levels whose bytes are all 1 (read at once), then a partial byte at the buffer's end.
    const packed = [...Array.from({ length: 16 }, () => 1), 0, ...Array.from({ length: 8 }, () => 1), 1, 0, 1];
    const tail = bitPacked(packed, 1);
    const levelsOut = new Int32Array(28);
    expect(readHybrid(tail, 0, tail.length, 1, 28, levelsOut)).toBe(26);
    expect(Array.from(levelsOut)).toEqual(packed);
    const codes = Buffer.concat([rle(300, 5, 9), bitPacked([1, 2, 511, 0, 7, 8, 9, 10], 9)]);
    const decoded = new Int32Array(13);
    readHybrid(codes, 0, codes.length, 9, 13, decoded);
    expect(Array.from(decoded)).toEqual([300, 300, 300, 300, 300, 1, 2, 511, 0, 7, 8, 9, 10]);
  });
});

describe('remembered codes', () => {
  it('go with slices of the array, and only with arrays the reader made', () => {
    const dictionary = ['a', 'b', 'c'];
    const values = ['c', null, 'a', 'b', 'b'];
    const codes = rowCodes(dictionary.length, values.length);
    codes.set([2, 0, 0, 1, 1]);
    rememberCodes(values, { dictionary, codes });
    const part = sliceColumn(values, 2, 5);
    expect(part).toEqual(['a', 'b', 'b']);
    expect(Array.from(codesOf(part)!.codes)).toEqual([0, 1, 1]);
    expect(codesOf(part)!.dictionary).toBe(dictionary);
    expect(codesOf([...values])).toBeUndefined();
    expect(sliceColumn(['x', 'y'], 1, 2)).toEqual(['y']);
    expect(codesOf(sliceColumn(['x', 'y'], 1, 2))).toBeUndefined();
  });

  it('are as narrow as the dictionary allows', () => {
    expect(rowCodes(256, 4)).toBeInstanceOf(Uint8Array);
    expect(rowCodes(257, 4)).toBeInstanceOf(Uint16Array);
    expect(rowCodes(65537, 4)).toBeInstanceOf(Int32Array);
  });
});
