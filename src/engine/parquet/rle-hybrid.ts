import type { ByteSink } from './byte-sink.js';

/**
 * Parquet's RLE / bit-packing hybrid encoding of small non-negative integers (dictionary
 * indices, repetition and definition levels). Runs of 8 or more equal values become RLE
 * runs; everything else is bit-packed in groups of 8, LSB first.
 */

/** Bits needed for values up to `max` (at least 1: some readers reject width 0). */
export function bitWidth(max: number): number {
  let w = 1;
  while (2 ** w <= max) w++;
  return w;
}

function runLength(values: ArrayLike<number>, start: number, end: number): number {
  const v = values[start];
  let j = start + 1;
  while (j < end && values[j] === v) j++;
  return j - start;
}

function writeRleRun(out: ByteSink, count: number, value: number, width: number): void {
  out.varint(count * 2);
  for (let b = 0; b < width; b += 8) {
    out.byte(value & 0xff);
    value = Math.floor(value / 256);
  }
}

function writeBitPacked(
  out: ByteSink,
  values: ArrayLike<number>,
  start: number,
  groups: number,
  end: number,
  width: number,
): void {
  out.varint(groups * 2 + 1);
  out.reserve(groups * width);
  const buf = out.raw();
  let o = out.length;
  const stop = start + groups * 8;
  if (width <= 24) {
    // Fits 32-bit integer arithmetic: fewer than 8 bits wait in `acc` before each value.
    let acc = 0;
    let bits = 0;
    for (let i = start; i < stop; i++) {
      acc |= (i < end ? values[i] : 0) << bits;
      bits += width;
      while (bits >= 8) {
        buf[o++] = acc & 255;
        acc >>>= 8;
        bits -= 8;
      }
    }
  } else {
    let acc = 0;
    let bits = 0;
    for (let i = start; i < stop; i++) {
      // Values past the end pad the last group with zeros.
      acc += (i < end ? values[i] : 0) * 2 ** bits;
      bits += width;
      while (bits >= 8) {
        buf[o++] = acc % 256;
        acc = Math.floor(acc / 256);
        bits -= 8;
      }
    }
  }
  out.length = o;
}

/** Appends the hybrid encoding of `values[0…n)` (each below 2^width) to `out`. */
export function writeRleHybrid(out: ByteSink, values: ArrayLike<number>, n: number, width: number): void {
  let i = 0;
  while (i < n) {
    const run = runLength(values, i, n);
    if (run >= 8) {
      writeRleRun(out, run, values[i], width);
      i += run;
      continue;
    }
    // Bit-pack whole groups of 8 until a group starts a run of 8 or more.
    let groups = 0;
    let g = i;
    while (g < n && (groups === 0 || runLength(values, g, Math.min(n, g + 8)) < 8)) {
      groups++;
      g += 8;
    }
    writeBitPacked(out, values, i, groups, n, width);
    i = Math.min(g, n);
  }
}

/** One RLE run of `count` copies of `value` (the definition levels of columns without nulls). */
export function writeRleConstant(out: ByteSink, count: number, value: number, width: number): void {
  if (count > 0) writeRleRun(out, count, value, width);
}
