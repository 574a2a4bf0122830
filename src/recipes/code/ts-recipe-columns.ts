import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

/**
 * Reads the binary column files of an input (see column-export.ts) in batches of rows, straight
 * into one array per column: numbers from typed arrays, text from one read of its bytes. Runs
 * INSIDE the sandbox: Node built-ins only. Values are those the CSV handover gave: numbers
 * (BIGINT as a number), booleans, strings, null.
 */
/** Bytes per value of the types with a binary form (0: text). FLOAT stays CSV: its values widened to doubles would not be the text's. */
export const COLUMN_WIDTH: Record<string, number> = {
  BOOLEAN: 1,
  TINYINT: 1,
  UTINYINT: 1,
  SMALLINT: 2,
  USMALLINT: 2,
  INTEGER: 4,
  UINTEGER: 4,
  BIGINT: 8,
  UBIGINT: 8,
  DOUBLE: 8,
  VARCHAR: 0,
};

type Reader = (bytes: Buffer, rows: number) => ArrayLike<unknown>;

/** The typed view of a column's raw values (copied when the bytes are not aligned for it). */
function numbers(type: string): Reader {
  const view =
    <T>(make: (b: ArrayBuffer, at: number, n: number) => T, width: number) =>
    (bytes: Buffer, rows: number) => {
      const aligned = bytes.byteOffset % width === 0 ? bytes : Buffer.from(bytes);
      return make(aligned.buffer as ArrayBuffer, aligned.byteOffset, rows);
    };
  switch (type) {
    case 'BOOLEAN':
    case 'UTINYINT':
      return (bytes) => bytes;
    case 'TINYINT':
      return view((b, at, n) => new Int8Array(b, at, n), 1);
    case 'SMALLINT':
      return view((b, at, n) => new Int16Array(b, at, n), 2);
    case 'USMALLINT':
      return view((b, at, n) => new Uint16Array(b, at, n), 2);
    case 'INTEGER':
      return view((b, at, n) => new Int32Array(b, at, n), 4);
    case 'UINTEGER':
      return view((b, at, n) => new Uint32Array(b, at, n), 4);
    case 'BIGINT':
      return view((b, at, n) => new BigInt64Array(b, at, n), 8);
    case 'UBIGINT':
      return view((b, at, n) => new BigUint64Array(b, at, n), 8);
    default:
      return view((b, at, n) => new Float64Array(b, at, n), 8);
  }
}

class ColumnFile {
  private position = 0;
  private readonly fd: number;

  constructor(file: string) {
    this.fd = openSync(file, 'r');
  }

  read(size: number): Buffer {
    const bytes = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = readSync(this.fd, bytes, done, size - done, this.position + done);
      if (n === 0) throw new Error('an input column file ended early');
      done += n;
    }
    this.position += size;
    return bytes;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Whether all bytes are below 0x80: the text is then decoded as latin1, much faster than UTF-8. */
function ascii(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 127) return false;
  return true;
}

/** Batches of `[numRows, arrays]` of the input's `rows` rows, `size` rows at most each. */
export function* binaryColumnBatches(
  dir: string,
  types: string[],
  rows: number,
  size: number,
): Generator<[number, unknown[][]]> {
  const files = types.map((type, i) => {
    const base = path.join(dir, String(i));
    return {
      type,
      width: COLUMN_WIDTH[type],
      values: new ColumnFile(`${base}.values`),
      valid: new ColumnFile(`${base}.valid`),
      lengths: type === 'VARCHAR' ? new ColumnFile(`${base}.lengths`) : null,
      reader: numbers(type),
    };
  });
  try {
    for (let start = 0; start < rows; start += size) {
      const n = Math.min(size, rows - start);
      const arrays = files.map((f) => {
        const valid = f.valid.read(n);
        const out = new Array<unknown>(n);
        if (f.lengths) {
          const lengths = f.lengths.read(n * 4);
          let total = 0;
          for (let i = 0; i < n; i++) total += lengths.readUInt32LE(i * 4);
          const text = f.values.read(total);
          const encoding = ascii(text) ? 'latin1' : 'utf8';
          let at = 0;
          for (let i = 0; i < n; i++) {
            const length = lengths.readUInt32LE(i * 4);
            out[i] = valid[i] === 1 ? text.toString(encoding, at, at + length) : null;
            at += length;
          }
          return out;
        }
        const values = f.reader(f.values.read(n * f.width), n);
        if (f.type === 'BOOLEAN') for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? values[i] === 1 : null;
        else if (f.width === 8 && f.type !== 'DOUBLE')
          for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? Number(values[i]) : null;
        else for (let i = 0; i < n; i++) out[i] = valid[i] === 1 ? values[i] : null;
        return out;
      });
      yield [n, arrays];
    }
  } finally {
    for (const f of files) for (const file of [f.values, f.valid, f.lengths]) file?.close();
  }
}
