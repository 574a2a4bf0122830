import { describe, expect, it } from 'vitest';
import { robustScale, tukeyFences } from '../../analytics/index.js';
import { runKernel, type SeriesBatch } from './series-kernels.js';

/** One batch of the given series, in the given order. */
const batch = (...series: number[][]): SeriesBatch => {
  const starts = new Int32Array(series.length + 1);
  series.forEach((s, g) => (starts[g + 1] = starts[g] + s.length));
  return { firstGroup: 0, starts, values: Float64Array.from(series.flat()), order: null };
};

/**
 * The outlier-scales kernel on series in no particular order: robust-z marks (column c = 1) the
 * series whose numbers could depend on that order, which the recipe computes again in order.
 */
describe('outlier-scales kernel, unordered', () => {
  const series = [
    [3, 1, 4, 1, 5, 9, 2, 6], // MAD > 0: order-free
    [5, 5, 5, 9, 5, 6], // MAD = 0: the fallback's sum depends on the order
    [0, -0, 1, -1, 0, 2, -2], // median 0 among −0 and +0
    [0, 0, 1, -1, 0, 2, -2], // median 0, one sign only: order-free
    [7, 7, 7], // constant: the fallback too
  ];

  it('robust-z: the median and scale of each series, and 1 where they need the order', () => {
    const out = runKernel({ kind: 'outlier-scales', method: 'robust-z', unordered: true }, batch(...series));
    expect(Array.from(out.columns[0])).toEqual(series.map((s) => robustScale(s).median));
    expect(Array.from(out.columns[1])).toEqual(series.map((s) => robustScale(s).scale));
    expect(Array.from(out.columns[2])).toEqual([NaN, 1, 1, NaN, 1]);
    // In order (the second read), nothing is marked.
    const ordered = runKernel({ kind: 'outlier-scales', method: 'robust-z' }, batch(...series));
    expect(Array.from(ordered.columns[2])).toEqual(series.map(() => NaN));
  });

  it('iqr: the fences and the IQR, which never depend on the order', () => {
    const out = runKernel({ kind: 'outlier-scales', method: 'iqr', unordered: true }, batch(...series));
    const fences = series.map((s) => tukeyFences(s));
    expect(Array.from(out.columns[0])).toEqual(fences.map((f) => f.lower));
    expect(Array.from(out.columns[2])).toEqual(fences.map((f) => f.q3 - f.q1));
  });
});
