import { describe, expect, it } from 'vitest';
import { createRandom } from '../../analytics/common/random.js';
import { ByteSink } from './byte-sink.js';
import { bitWidth, writeRleConstant, writeRleHybrid } from './rle-hybrid.js';

/** Parquet's RLE / bit-packing hybrid, decoded as Encodings.md describes it (LSB-first bit packing). */
function decode(bytes: Uint8Array, width: number, count: number): number[] {
  const out: number[] = [];
  let at = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 1; ; shift *= 128) {
      const b = bytes[at++];
      v += (b & 0x7f) * shift;
      if (b < 0x80) return v;
    }
  };
  while (out.length < count) {
    const header = varint();
    if (header % 2 === 0) {
      let value = 0;
      for (let b = 0, scale = 1; b < width; b += 8, scale *= 256) value += bytes[at++] * scale;
      for (let i = 0; i < header / 2; i++) out.push(value);
    } else {
      const n = ((header - 1) / 2) * 8;
      let bit = at * 8;
      for (let i = 0; i < n; i++) {
        let value = 0;
        for (let k = 0; k < width; k++, bit++) if (bytes[bit >> 3] & (1 << (bit & 7))) value += 2 ** k;
        out.push(value);
      }
      at += (n * width) / 8;
    }
  }
  expect(at).toBe(bytes.length);
  return out.slice(0, count);
}

function encode(values: number[], width: number): Uint8Array {
  const sink = new ByteSink(16);
  writeRleHybrid(sink, values, values.length, width);
  return sink.copy();
}

describe('RLE / bit-packing hybrid', () => {
  it('needs at least one bit, and exactly enough for the largest value', () => {
    expect([0, 1, 2, 3, 4, 255, 256, 65535, 65536, 69999].map(bitWidth)).toEqual([1, 1, 2, 2, 3, 8, 9, 16, 17, 17]);
  });

  it('bit-packs 0…7 at width 3 as the spec example, and repeats as one RLE run', () => {
    expect([...encode([0, 1, 2, 3, 4, 5, 6, 7], 3)]).toEqual([0x03, 0b10001000, 0b11000110, 0b11111010]);
    // 300 copies of 5: varint(600) then the value in ceil(3 / 8) = 1 byte.
    expect([...encode(new Array<number>(300).fill(5), 3)]).toEqual([0xd8, 0x04, 0x05]);
    // A 17-bit value takes three bytes, little-endian.
    expect([...encode(new Array<number>(8).fill(69999), 17)]).toEqual([0x10, 0x6f, 0x11, 0x01]);
  });

  it('pads a short tail to a whole group of 8 and writes nothing for a constant of zero values', () => {
    expect([...encode([1, 0, 1], 1)]).toEqual([0x03, 0b101]);
    const sink = new ByteSink(4);
    writeRleConstant(sink, 0, 1, 1);
    expect(sink.length).toBe(0);
    writeRleConstant(sink, 10, 1, 1);
    expect([...sink.view8()]).toEqual([20, 1]);
  });

  it('round-trips runs of every length 1…20, long runs and random values at widths 1…17', () => {
    const rand = createRandom(7).next;
    for (let width = 1; width <= 17; width++) {
      const top = 2 ** width;
      const values: number[] = [];
      for (let length = 1; length <= 20; length++) for (let i = 0; i < length; i++) values.push(length % top);
      for (let i = 0; i < 500; i++) values.push(Math.floor(rand() * top));
      for (let i = 0; i < 3000; i++) values.push(top - 1);
      for (let i = 0; i < 37; i++) values.push(Math.floor(rand() * top));
      expect(decode(encode(values, width), width, values.length)).toEqual(values);
    }
  });
});
