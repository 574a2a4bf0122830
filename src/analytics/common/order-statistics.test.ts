import { describe, expect, it } from 'vitest';
import { medianInPlace, selectKth } from './order-statistics.js';
import { createRandom } from './random.js';

/** Arrays of the shapes the callers hand over: random, many ties, sorted, reversed, and deviations from a median just selected. */
function shapes(n: number, seed: number): Float64Array[] {
  const random = createRandom(seed);
  const normal = Float64Array.from({ length: n }, () => random.normal());
  const ties = Float64Array.from({ length: n }, () => random.integer(4));
  const sorted = Float64Array.from(normal).sort();
  const reversed = Float64Array.from(sorted).reverse();
  const deviations = Float64Array.from(normal);
  const m = medianInPlace(deviations);
  for (let i = 0; i < n; i++) deviations[i] = Math.abs(deviations[i] - m);
  return [normal, ties, sorted, reversed, deviations];
}

describe('order statistics', () => {
  it('selectKth puts the k-th smallest at k, no larger value before it and no smaller one after', () => {
    for (const n of [1, 2, 3, 7, 50, 1001, 5000]) {
      for (const values of shapes(n, n)) {
        const sorted = Array.from(values).sort((a, b) => a - b);
        for (const k of new Set([0, 1, n >> 1, n - 2, n - 1].filter((x) => x >= 0 && x < n))) {
          const a = Float64Array.from(values);
          expect(selectKth(a, n, k), `n = ${n}, k = ${k}`).toBe(sorted[k]);
          for (let i = 0; i < k; i++) expect(a[i]).toBeLessThanOrEqual(a[k]);
          for (let i = k + 1; i < n; i++) expect(a[i]).toBeGreaterThanOrEqual(a[k]);
          expect(Array.from(a).sort((x, y) => x - y)).toEqual(sorted);
        }
      }
    }
  });

  it('medianInPlace gives the middle value, or the mean of the two middle ones', () => {
    for (const n of [1, 2, 5, 6, 999, 1000, 4001, 4002]) {
      for (const values of shapes(n, 100 + n)) {
        const sorted = Array.from(values).sort((a, b) => a - b);
        const expected = n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        expect(medianInPlace(Float64Array.from(values)), `n = ${n}`).toBe(expected);
      }
    }
  });
});
