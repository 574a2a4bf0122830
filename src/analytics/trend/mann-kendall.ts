import { AnalyticsInputError, finiteSeries } from '../common/errors.js';
import { twoSidedNormalPValue } from '../common/normal.js';
import { ties } from './ties.js';

/** Mann–Kendall trend test result. */
export interface MannKendallResult {
  n: number;
  /** S = Σ_{i<j} sign(x_j − x_i). */
  s: number;
  /** Var(S) with the ties correction. */
  variance: number;
  /** Continuity-corrected z = (S − sign S)/√Var(S). */
  z: number;
  /** Two-sided p-value from the normal approximation. */
  pValue: number;
  /** Kendall's τ-a = S / (n(n−1)/2). */
  tau: number;
}

/**
 * Mann–Kendall test (Mann 1945, Kendall 1975) for a monotonic trend in a series in time
 * order. Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)]/18 over groups of t tied values.
 * S is counted in O(n log n) by a merge sort (Knight 1966), so long series are fine.
 * NaN and ±Infinity are rejected; fewer than 2 points is an error.
 */
export function mannKendall(values: ArrayLike<number>): MannKendallResult {
  const x = finiteSeries(values);
  const n = x.length;
  if (n < 2) throw new AnalyticsInputError(`the Mann–Kendall test needs at least 2 points, got ${n}`);
  const sorted = Float64Array.from(x);
  const inversions = countStrictInversions(sorted, new Float64Array(n), 0, n);
  const tied = ties(sorted);
  const pairs = (n * (n - 1)) / 2;
  const increasing = pairs - tied.pairs - inversions;
  const s = increasing - inversions;
  const variance = (n * (n - 1) * (2 * n + 5) - tied.varianceTerm) / 18;
  const z = variance > 0 && s !== 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  return { n, s, variance, z, pValue: twoSidedNormalPValue(z), tau: s / pairs };
}

/** Sorts a[from..to) ascending and returns the number of pairs i < j with a[i] > a[j] (ties not counted). */
function countStrictInversions(a: Float64Array, scratch: Float64Array, from: number, to: number): number {
  if (to - from < 2) return 0;
  const mid = (from + to) >> 1;
  let count = countStrictInversions(a, scratch, from, mid) + countStrictInversions(a, scratch, mid, to);
  let i = from;
  let j = mid;
  let k = from;
  while (i < mid && j < to) {
    if (a[i] <= a[j]) scratch[k++] = a[i++];
    else {
      count += mid - i;
      scratch[k++] = a[j++];
    }
  }
  while (i < mid) scratch[k++] = a[i++];
  while (j < to) scratch[k++] = a[j++];
  a.set(scratch.subarray(from, to), from);
  return count;
}
