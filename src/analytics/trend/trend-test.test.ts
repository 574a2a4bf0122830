import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { mannKendall } from './mann-kendall.js';
import { theilSen } from './theil-sen.js';
import { trendTest } from './trend-test.js';

describe('trendTest (Mann–Kendall and Theil–Sen sharing one sort of y)', () => {
  it('gives exactly what mannKendall and theilSen give, on series with ties, repeated and unsorted x, and −0 (property)', () => {
    const random = createRandom(13);
    for (let trial = 0; trial < 60; trial++) {
      const n = [2, 3, 9, 150, 400, 2_500][trial % 6];
      const x = Array.from({ length: n }, (_, i) => (random.next() < 0.2 ? random.integer(n) : i) * 0.25);
      if (trial % 3 !== 0) x.sort((a, b) => a - b);
      const y = Array.from({ length: n }, (_, i) => Math.round(0.01 * i + random.normal() * 4) / 2);
      if (trial % 4 === 0) for (let i = 0; i < n; i += 3) y[i] = random.next() < 0.5 ? -0 : 0;
      const confidence = [0.95, 0.9, 0.99][trial % 3];
      const both = trendTest(y, x, confidence);
      expect(both.mannKendall).toEqual(mannKendall(y));
      if (new Set(x).size === 1) {
        expect(both.theilSen).toBeNull();
        continue;
      }
      const alone = theilSen(y, x, { confidence });
      expect(both.theilSen).toEqual(alone);
      // toEqual does not tell −0 from 0.
      for (const key of ['slope', 'intercept', 'lower', 'upper'] as const)
        expect(Object.is(both.theilSen?.[key], alone[key]), `${key}, trial ${trial}`).toBe(true);
    }
  });

  it('has the test but no slope when every x is equal, and rejects non-finite values and unequal lengths', () => {
    const r = trendTest([1, 3, 2, 5], [7, 7, 7, 7]);
    expect(r.mannKendall).toEqual(mannKendall([1, 3, 2, 5]));
    expect(r.theilSen).toBeNull();
    expect(() => trendTest([1, NaN, 3], [0, 1, 2])).toThrow(/non-finite/);
    expect(() => trendTest([1, 2, 3], [0, 1])).toThrow(/x has 2 values and y 3/);
    expect(() => trendTest([1], [0])).toThrow(/at least 2 points/);
  });
});
