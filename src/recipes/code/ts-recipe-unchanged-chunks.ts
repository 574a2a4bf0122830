import { isUtf8 } from 'node:buffer';

/**
 * Column chunks the TypeScript harness read, kept so that the writer copies their pages when the
 * code writes the values back unchanged (a copy, or columns passed through beside computed ones)
 * instead of encoding them again: for a string column that is a Map lookup per value, most of a
 * copy's writing time. Runs INSIDE the sandbox: Node built-ins only.
 *
 * Exactness: the writer copies a chunk only when the array it is given holds, in its first
 * `numRows` places, exactly the values the reader put there (compared with a snapshot taken at
 * reading), and only for chunks whose pages the writer's own encoding would give the same values
 * for: 64-bit integers within ±(2^53 − 1) (beyond, the reader rounded them), finite doubles (the
 * writer writes NaN and ±Infinity as NULL), -0 kept apart from 0, and text of dictionary pages whose
 * entries are valid UTF-8 (the reader would have replaced invalid bytes). Anything else is encoded
 * as before. The code may change the arrays in place: the comparison sees it.
 */

export const PHYSICAL = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;

/** A chunk as read: its pages' bytes (uncompressed, version 1) and what the reader gave from them. */
export interface ReadChunk {
  physical: number;
  /** The chunk's pages, a dictionary page first when `hasDictionary`. */
  bytes: Buffer;
  hasDictionary: boolean;
  /** Where the first data page starts in `bytes`. */
  dataOffset: number;
  /** The chunk's encodings, as its metadata lists them. */
  encodings: number[];
  /**
   * The values given, apart from the array the code holds (typed arrays: no work for the
   * garbage collector, which a copy of the array itself made cost more than it saved):
   * each row's dictionary index (-1 for NULL) into `dictionary` when every data page is
   * dictionary-encoded, else numbers with NULL as NaN (a NaN value never compares equal, so it
   * is never copied).
   */
  numbers?: Float64Array;
  codes?: Int32Array;
  dictionary?: unknown[];
}

const chunks = new WeakMap<object, ReadChunk>();

/**
 * Remembers the chunk `values` was read from (the reader calls this for chunks it may copy: text
 * always with `codes`).
 */
export function rememberChunk(values: unknown[], chunk: ReadChunk): void {
  if (chunk.codes) {
    // Checked once here rather than for every row: values the writer would not write as they are.
    const unfit = chunk.dictionary?.some((d) => typeof d === 'number' && !fits(d, chunk.physical));
    if (!unfit) chunks.set(values, chunk);
    return;
  }
  if (chunk.physical !== PHYSICAL.BYTE_ARRAY) {
    const numbers = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      numbers[i] = v === null ? Number.NaN : (v as number);
    }
    chunk.numbers = numbers;
  }
  chunks.set(values, chunk);
}

/** Finite (the writer writes NaN and ±Infinity as NULL), and a 64-bit integer within ±(2^53 − 1) (beyond, the reader rounded it). */
const fits = (v: number, physical: number) => v - v === 0 && (physical !== PHYSICAL.INT64 || Number.isSafeInteger(v));

/** Whether a dictionary page's `count` PLAIN text entries at data[pos] are each valid UTF-8. */
export function validTextEntries(data: Buffer, pos: number, count: number): boolean {
  for (let i = 0; i < count; i++) {
    if (pos + 4 > data.length) return false;
    const end = pos + 4 + data.readUInt32LE(pos);
    if (end > data.length || !isUtf8(data.subarray(pos + 4, end))) return false;
    pos = end;
  }
  return true;
}

/**
 * The chunk `values` was read from when its first `numRows` values are still those read and
 * its pages hold them for a column of `physical` type; null otherwise (the writer encodes).
 */
export function unchangedChunk(values: ArrayLike<unknown>, numRows: number, physical: number): ReadChunk | null {
  const chunk = typeof values === 'object' && values !== null ? chunks.get(values) : undefined;
  if (!chunk || chunk.physical !== physical || values.length < numRows) return null;
  const { numbers, codes, dictionary } = chunk;
  if (numbers) {
    if (numbers.length !== numRows) return null;
    for (let i = 0; i < numRows; i++) {
      const v = values[i];
      const was = numbers[i];
      if (v === null) {
        if (was === was) return null; // not NULL when read
        continue;
      }
      // -0 is not 0.
      if (v !== was || (v === 0 && 1 / v !== 1 / was) || !fits(v, physical)) return null;
    }
    return chunk;
  }
  if (!codes || !dictionary || codes.length !== numRows) return null;
  for (let i = 0; i < numRows; i++) {
    const c = codes[i];
    const v = values[i];
    const was = c < 0 ? null : dictionary[c];
    if (v !== was || (v === 0 && 1 / v !== 1 / (was as number))) return null;
  }
  return chunk;
}
