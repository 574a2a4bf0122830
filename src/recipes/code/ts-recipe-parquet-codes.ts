/**
 * Dictionary codes for the TypeScript harness's Parquet reader and writer (ts-recipe-parquet.ts):
 * decoding Parquet's RLE / bit-packed hybrid, and remembering, for each text column array the
 * reader made from dictionary pages, its dictionary and each row's code. A copy hands those
 * arrays back to the writer mostly unchanged: a row whose value is still its dictionary entry
 * (one pointer compare) takes its code from there instead of a Map lookup of the text. Runs
 * INSIDE the sandbox: no imports.
 */

/** Each row's dictionary code (any value on NULL rows), in the narrowest array that holds the dictionary's codes. */
export type RowCodes = Uint8Array | Uint16Array | Int32Array;

/** A text column array's dictionary and codes, as the reader made it: `values[i]` was `dictionary[codes[i]]` (or NULL). */
export interface ColumnCodes {
  dictionary: readonly unknown[];
  codes: RowCodes;
}

/** Weak: the codes go with the array when the code drops it. */
const remembered = new WeakMap<object, ColumnCodes>();

export function rememberCodes(values: unknown[], codes: ColumnCodes): void {
  remembered.set(values, codes);
}

/** The codes the reader made `values` with, if it did; the values may have changed since (the writer compares). */
export function codesOf(values: ArrayLike<unknown>): ColumnCodes | undefined {
  return typeof values === 'object' && values !== null ? remembered.get(values) : undefined;
}

/** `values.slice(from, to)`, its codes remembered with it when `values` had some (the harness's batches of a row group). */
export function sliceColumn(values: unknown[], from: number, to: number): unknown[] {
  const part = values.slice(from, to);
  const codes = remembered.get(values);
  if (codes) remembered.set(part, { dictionary: codes.dictionary, codes: codes.codes.subarray(from, to) });
  return part;
}

/** A row codes array for a dictionary of `size` entries. */
export function rowCodes(size: number, rows: number): RowCodes {
  return size <= 256 ? new Uint8Array(rows) : size <= 65536 ? new Uint16Array(rows) : new Int32Array(rows);
}

/**
 * The RLE / bit-packed hybrid (definition levels, dictionary codes): `count` values into `out`.
 * Answers, for width 1 (definition levels), how many values are 1 (present); else 0.
 */
export function readHybrid(
  buf: Buffer,
  pos: number,
  end: number,
  width: number,
  count: number,
  out: Int32Array,
): number {
  let n = 0;
  let ones = 0;
  const bytes = (width + 7) >> 3;
  while (n < count && pos < end) {
    let header = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++];
      header += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
    }
    if (header % 2 === 0) {
      const run = Math.min(header / 2, count - n);
      let value = 0;
      for (let k = 0; k < bytes; k++) value += buf[pos++] * 2 ** (8 * k);
      out.fill(value, n, n + run);
      if (width === 1 && value === 1) ones += run;
      n += run;
      continue;
    }
    const values = ((header - 1) / 2) * 8;
    const stop = Math.min(count, n + values);
    if (width === 1) ones += unpackBits(buf, pos, out, n, stop);
    else if (width <= 25) unpackWindow(buf, pos, width, out, n, stop);
    else unpackWide(buf, pos, width, out, n, stop);
    n = stop;
    pos += (values * width) / 8;
  }
  return ones;
}

/** Width 1: out[n…stop) from the bits at buf[pos]; answers how many are 1. A byte at a time, all-present bytes at once. */
function unpackBits(buf: Buffer, pos: number, out: Int32Array, n: number, stop: number): number {
  let ones = 0;
  let p = pos;
  for (; n + 8 <= stop; n += 8) {
    const byte = buf[p++];
    if (byte === 0xff) {
      // Stores, not fill(): a builtin call for 8 values costs more than the loop it saves.
      out[n] = out[n + 1] = out[n + 2] = out[n + 3] = out[n + 4] = out[n + 5] = out[n + 6] = out[n + 7] = 1;
      ones += 8;
      continue;
    }
    for (let k = 0; k < 8; k++) {
      const bit = (byte >> k) & 1;
      out[n + k] = bit;
      ones += bit;
    }
  }
  for (let k = 0; n < stop; k++) {
    const bit = (buf[p] >> k) & 1;
    out[n++] = bit;
    ones += bit;
  }
  return ones;
}

/**
 * Widths 2 to 25: each value from the 32-bit little-endian window at its first byte (its bits
 * start at most 7 bits in), without the byte-by-byte accumulator's branches: about twice as fast.
 * The window's bytes past the buffer's end read as 0.
 */
function unpackWindow(buf: Buffer, pos: number, width: number, out: Int32Array, n: number, stop: number): void {
  const mask = (1 << width) - 1;
  let bit = pos * 8;
  // The values whose window ends within the buffer (first byte at most length - 4), counted once.
  const fast = Math.min(stop, n + Math.max(0, Math.floor(((buf.length - 4) * 8 + 7 - bit) / width) + 1));
  for (; n < fast; n++, bit += width) {
    const b = bit >> 3;
    out[n] = ((buf[b] | (buf[b + 1] << 8) | (buf[b + 2] << 16) | (buf[b + 3] << 24)) >>> (bit & 7)) & mask;
  }
  for (; n < stop; n++, bit += width) {
    const b = bit >> 3;
    let window = 0;
    for (let k = 0; k < 4 && b + k < buf.length; k++) window |= buf[b + k] << (8 * k);
    out[n] = (window >>> (bit & 7)) & mask;
  }
}

/** Wider values bit by bit (no dictionary or level is this wide in practice). */
function unpackWide(buf: Buffer, pos: number, width: number, out: Int32Array, n: number, stop: number): void {
  for (let bit = pos * 8; n < stop; bit += width) {
    let v = 0;
    for (let b = 0; b < width; b++) if (buf[(bit + b) >> 3] & (1 << ((bit + b) & 7))) v += 2 ** b;
    out[n++] = v;
  }
}
