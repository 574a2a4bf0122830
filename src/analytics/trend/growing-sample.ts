/** Numbers appended one at a time into a typed array that doubles when full (reused: {@link clear}). */
export class GrowingSample {
  values = new Float64Array(1024);
  length = 0;

  clear(): void {
    this.length = 0;
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
