/** Numbers appended one at a time into a typed array that doubles when full (reused: {@link clear}). */
export class GrowingSample {
  values = new Float64Array(1024);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  /** Makes room for `extra` more values and returns the array to write them to (then set `length`). */
  reserve(extra: number): Float64Array {
    if (this.length + extra > this.values.length) {
      let size = this.values.length * 2;
      while (size < this.length + extra) size *= 2;
      const bigger = new Float64Array(size);
      bigger.set(this.values.subarray(0, this.length));
      this.values = bigger;
    }
    return this.values;
  }

  push(v: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = v;
  }
}
