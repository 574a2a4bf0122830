/**
 * A growable little-endian byte buffer: the one place the Parquet encoders write bytes
 * into, so page bodies, Thrift headers and the footer share the growth and varint code.
 */
export class ByteSink {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let capacity = Math.max(64, this.buf.length * 2);
    while (capacity < this.length + n) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  /**
   * Direct writes for hot loops: `reserve(n)` first, then write up to n bytes into
   * `raw()` from `length` on and advance `length` yourself.
   */
  raw(): Uint8Array {
    return this.buf;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  int32LE(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }

  /** Unsigned LEB128 of a non-negative integer up to 2^53 (plain number arithmetic, no BigInt). */
  varint(v: number): void {
    this.reserve(8);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  /** Zigzag varint of a signed integer in ±2^52. */
  zigzag(v: number): void {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** A view of the bytes written so far (valid until the next write). */
  view8(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** A copy of the bytes written so far, in its own buffer (safe to transfer to another thread). */
  copy(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}
