import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../common/random.js';
import { mannKendall } from './mann-kendall.js';
import { selectSlopes } from './slope-selection.js';

/** Every slope of pairs with distinct x, sorted: the quadratic definition. */
function allSlopes(x: number[], y: number[]): Float64Array {
  const slopes = new Float64Array((x.length * (x.length - 1)) / 2);
  let k = 0;
  for (let i = 0; i < x.length; i++)
    for (let j = i + 1; j < x.length; j++) if (x[j] !== x[i]) slopes[k++] = (y[j] - y[i]) / (x[j] - x[i]);
  return slopes.subarray(0, k).sort();
}

/** Random series with many ties: x on a coarse grid, shuffled or in order; y rounded, with a trend, steps or outliers. */
function series(random: Random, n: number): { x: number[]; y: number[] } {
  const grid = [0.5, 1, 1 / 3, 86_400e6][random.integer(4)];
  const offset = random.next() < 0.5 ? 0 : 20_000;
  const x = Array.from({ length: n }, (_, i) => offset + grid * (random.next() < 0.3 ? random.integer(n) : i));
  if (random.next() < 0.5) x.sort((a, b) => a - b);
  const trend = [0, 0.01, -3, 1e-9][random.integer(4)];
  const digits = [0, 1, 3][random.integer(3)];
  const y = x.map((xi, i) => {
    let v = trend * (xi - offset) + random.normal() * 5 + (i > n / 2 ? 4 : 0);
    if (random.next() < 0.02) v += 100;
    return Math.round(v * 10 ** digits) / 10 ** digits;
  });
  return { x, y };
}

describe('slope selection', () => {
  it('selects the same slopes as the sorted list of every pair, on random series with ties (property)', () => {
    const random = createRandom(2024);
    for (let trial = 0; trial < 40; trial++) {
      const n = [5, 40, 250, 400, 800][trial % 5];
      const { x, y } = series(random, n);
      const sorted = allSlopes(x, y);
      if (sorted.length === 0) continue;
      const ranks = [0, sorted.length - 1, (sorted.length - 1) >> 1, random.integer(sorted.length)];
      for (let k = 0; k < 4; k++) ranks.push(random.integer(sorted.length));
      const { pairs, values } = selectSlopes(x, y, ranks);
      expect(pairs).toBe(sorted.length);
      expect(Array.from(values)).toEqual(ranks.map((r) => sorted[r]));
    }
  });

  it('selects exactly on long series, where a second sample brackets each rank again (property)', () => {
    const random = createRandom(31);
    for (let trial = 0; trial < 4; trial++) {
      const { x, y } = series(random, 1_500 + random.integer(1_500));
      const sorted = allSlopes(x, y);
      // Sen's interval and the median (two ranks), as theilSen asks, a third consecutive rank (each
      // next one is the least of those after the one before), and four ranks anywhere.
      const middle = (sorted.length - 1) >> 1;
      const half = Math.round(0.33 * sorted.length ** 0.75);
      const ranks = [middle - half, middle, middle + 1, middle + 2, middle + half];
      for (let k = 0; k < 4; k++) ranks.push(random.integer(sorted.length));
      const { values } = selectSlopes(x, y, ranks);
      expect(Array.from(values)).toEqual(ranks.map((r) => sorted[r]));
    }
  });

  it('selects exactly at n = 5,000, where each narrow bracket is counted and listed on its own (property)', () => {
    const random = createRandom(5000);
    for (let trial = 0; trial < 1; trial++) {
      const { x, y } = series(random, 5_000);
      const sorted = allSlopes(x, y);
      const middle = (sorted.length - 1) >> 1;
      const half = Math.round(0.33 * sorted.length ** 0.75);
      // Theil–Sen's four ranks, both ends of the list (brackets open at one side) and two anywhere.
      const ranks = [middle - half, middle, middle + 1, middle + half, 0, sorted.length - 1];
      for (let k = 0; k < 2; k++) ranks.push(random.integer(sorted.length));
      const { values } = selectSlopes(x, y, ranks);
      expect(Array.from(values)).toEqual(ranks.map((r) => sorted[r]));
    }
  });

  it('has no slope when every x is the same, and rejects a rank out of range', () => {
    expect(selectSlopes([3, 3, 3], [1, 2, 3], [0]).pairs).toBe(0);
    expect(() => selectSlopes([1, 2, 3], [1, 2, 3], [3])).toThrow(/not in \[0, 3\)/);
  });
});

describe('Mann–Kendall S by merge sort', () => {
  it('equals Σ sign(y_j − y_i) and the ties-corrected variance of the definitions on random series with ties (property)', () => {
    const random = createRandom(77);
    for (let trial = 0; trial < 40; trial++) {
      const n = 2 + random.integer(600);
      const { y } = series(random, n);
      let s = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(y[j] - y[i]);
      const counts = new Map<number, number>();
      for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
      let tieTerm = 0;
      for (const t of counts.values()) tieTerm += t * (t - 1) * (2 * t + 5);
      const r = mannKendall(y);
      expect(r.s).toBe(s);
      expect(r.variance).toBeCloseTo((n * (n - 1) * (2 * n + 5) - tieTerm) / 18, 6);
    }
  });
});
