/**
 * An open-addressing hash map from numbers to dense indices (0, 1, 2, … in first-seen
 * order), keyed by the number's 64 bits: no boxing of doubles (a `Map` allocates one per
 * lookup of a non-small-integer), and −0 and 0 stay apart.
 */
export class NumberIndex {
  private keys: Float64Array;
  private slots: Int32Array;
  private mask: number;
  private readonly scratch = new Float64Array(1);
  private readonly scratchWords = new Int32Array(this.scratch.buffer);
  /** The distinct numbers, by index. */
  values: Float64Array;
  size = 0;

  constructor(capacity = 1024) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.keys = new Float64Array(n);
    this.slots = new Int32Array(n).fill(-1);
    this.mask = n - 1;
    this.values = new Float64Array(Math.max(16, capacity));
  }

  private hash(v: number): number {
    // Every NaN is one key (they compare equal in `same`), whatever its bits.
    if (v !== v) return 0x7ff80000;
    this.scratch[0] = v;
    let h = Math.imul(this.scratchWords[0], 0x9e3779b1) ^ Math.imul(this.scratchWords[1], 0x85ebca77);
    h ^= h >>> 15;
    return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 13);
  }

  private same(a: number, b: number): boolean {
    // Bitwise equality: NaN finds itself, −0 is not 0.
    return a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b;
  }

  /** The index of `v`, adding it when new. */
  indexOf(v: number): number {
    let i = this.hash(v) & this.mask;
    for (;;) {
      const slot = this.slots[i];
      if (slot < 0) break;
      if (this.same(this.keys[i], v)) return slot;
      i = (i + 1) & this.mask;
    }
    const index = this.size++;
    this.keys[i] = v;
    this.slots[i] = index;
    if (index >= this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[index] = v;
    if (this.size * 2 > this.slots.length) this.rehash();
    return index;
  }

  private rehash(): void {
    const keys = this.keys;
    const slots = this.slots;
    const n = slots.length * 2;
    this.keys = new Float64Array(n);
    this.slots = new Int32Array(n).fill(-1);
    this.mask = n - 1;
    for (let j = 0; j < slots.length; j++) {
      if (slots[j] < 0) continue;
      let i = this.hash(keys[j]) & this.mask;
      while (this.slots[i] >= 0) i = (i + 1) & this.mask;
      this.keys[i] = keys[j];
      this.slots[i] = slots[j];
    }
  }
}
