/**
 * A reader of Thrift's compact protocol, as much as Parquet's footer and page headers need (a
 * struct becomes an object keyed by field id). Writing uses the engine's own Parquet writer's
 * thrift-compact.ts. Both run INSIDE the sandbox (bundled into the code's module): no imports
 * beyond Node built-ins and other such pure files.
 */

const T = {
  TRUE: 1,
  FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

/** A decoded struct: field id → value (numbers, booleans, Buffers, arrays, nested structs). */
export type ThriftStruct = { [field: number]: unknown };

export class ThriftReader {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
  ) {}

  /** The next byte; past the end is an error (a damaged file must not loop on undefined bytes). */
  private byte(): number {
    if (this.pos >= this.buf.length) throw new Error('Thrift: the data ends inside a value');
    return this.buf[this.pos++];
  }

  private varint(): number {
    // Numbers, not BigInts: Parquet's i64 fields (offsets, sizes, row counts) stay below 2^53.
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
  }

  private zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  private value(type: number): unknown {
    switch (type) {
      case T.TRUE:
        return true;
      case T.FALSE:
        return false;
      case T.BYTE:
        return this.buf.readInt8(this.pos++);
      case T.I16:
      case T.I32:
      case T.I64:
        return this.zigzag();
      case T.DOUBLE: {
        const d = this.buf.readDoubleLE(this.pos);
        this.pos += 8;
        return d;
      }
      case T.BINARY: {
        const length = this.varint();
        const bytes = this.buf.subarray(this.pos, this.pos + length);
        this.pos += length;
        return bytes;
      }
      case T.LIST:
      case T.SET: {
        const header = this.byte();
        const size = header >> 4 === 15 ? this.varint() : header >> 4;
        const elem = header & 0x0f;
        const items: unknown[] = [];
        // Booleans in a list are one byte each (1 true), not folded into a type nibble.
        for (let i = 0; i < size; i++)
          items.push(elem === T.TRUE || elem === T.FALSE ? this.byte() === 1 : this.value(elem));
        return items;
      }
      case T.MAP: {
        const size = this.varint();
        if (size === 0) return new Map();
        const kinds = this.byte();
        const map = new Map<unknown, unknown>();
        for (let i = 0; i < size; i++) map.set(this.value(kinds >> 4), this.value(kinds & 0x0f));
        return map;
      }
      case T.STRUCT:
        return this.struct();
      default:
        throw new Error(`Thrift: unknown type ${type}`);
    }
  }

  struct(): ThriftStruct {
    const out: ThriftStruct = {};
    let last = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return out;
      const delta = header >> 4;
      const id = delta === 0 ? this.zigzag() : last + delta;
      out[id] = this.value(header & 0x0f);
      last = id;
    }
  }
}

/** A field to write: id, compact type and value (a list is `{ elem, items }`, a struct its fields). */
