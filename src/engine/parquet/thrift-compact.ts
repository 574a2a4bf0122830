import { ByteSink } from './byte-sink.js';

/**
 * Just enough of Thrift's compact protocol to write Parquet's page headers and footer.
 * A struct is written as a list of `[fieldId, value]` pairs in increasing field order;
 * `undefined` values are skipped (optional fields), so the callers read like the
 * `parquet.thrift` definitions they follow.
 */

const T_TRUE = 1;
const T_FALSE = 2;
const T_I32 = 5;
const T_I64 = 6;
const T_BINARY = 8;
const T_LIST = 9;
const T_STRUCT = 12;

/** Thrift values: numbers default to i32; wrap 64-bit fields in `i64()`. */
export type ThriftValue = number | I64 | boolean | string | Uint8Array | ThriftStruct | ThriftList;
export type ThriftStruct = { struct: readonly (readonly [number, ThriftValue | undefined])[] };
export type ThriftList = { list: readonly ThriftValue[]; of: 'i32' | 'string' | 'struct' };
export type I64 = { i64: number };

export const i64 = (v: number): I64 => ({ i64: v });
export const struct = (...fields: (readonly [number, ThriftValue | undefined])[]): ThriftStruct => ({ struct: fields });
export const list = (of: ThriftList['of'], values: readonly ThriftValue[]): ThriftList => ({ list: values, of });

const textEncoder = new TextEncoder();

function typeOf(v: ThriftValue): number {
  if (typeof v === 'number') return T_I32;
  if (typeof v === 'boolean') return v ? T_TRUE : T_FALSE;
  if (typeof v === 'string' || v instanceof Uint8Array) return T_BINARY;
  if ('i64' in v) return T_I64;
  if ('list' in v) return T_LIST;
  return T_STRUCT;
}

const LIST_ELEMENT: Record<ThriftList['of'], number> = { i32: T_I32, string: T_BINARY, struct: T_STRUCT };

function writeValue(out: ByteSink, v: ThriftValue): void {
  if (typeof v === 'number') out.zigzag(v);
  else if (typeof v === 'boolean')
    out.byte(v ? 1 : 0); // only inside lists; fields carry booleans in their header
  else if (typeof v === 'string') writeBinary(out, textEncoder.encode(v));
  else if (v instanceof Uint8Array) writeBinary(out, v);
  else if ('i64' in v) out.zigzag(v.i64);
  else if ('list' in v) {
    const n = v.list.length;
    const element = LIST_ELEMENT[v.of];
    if (n < 15) out.byte((n << 4) | element);
    else {
      out.byte(0xf0 | element);
      out.varint(n);
    }
    for (const item of v.list) writeValue(out, item);
  } else writeStruct(out, v);
}

function writeBinary(out: ByteSink, b: Uint8Array): void {
  out.varint(b.length);
  out.bytes(b);
}

/** Writes a struct (and, recursively, its fields) in the compact protocol. */
export function writeStruct(out: ByteSink, s: ThriftStruct): void {
  let last = 0;
  for (const [id, v] of s.struct) {
    if (v === undefined) continue;
    if (id <= last) throw new Error(`thrift fields must be in increasing order (${id} after ${last})`);
    const delta = id - last;
    const type = typeOf(v);
    if (delta <= 15) out.byte((delta << 4) | type);
    else {
      out.byte(type);
      out.zigzag(id);
    }
    if (type !== T_TRUE && type !== T_FALSE) writeValue(out, v);
    last = id;
  }
  out.byte(0);
}

/** The compact encoding of one struct as its own byte array. */
export function encodeStruct(s: ThriftStruct): Uint8Array {
  const out = new ByteSink(256);
  writeStruct(out, s);
  return out.copy();
}
