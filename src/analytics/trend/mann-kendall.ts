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
  return mannKendallSorting(x, Float64Array.from(x));
}

/**
 * {@link mannKendall} of the finite series `x`, given a copy of it, `sorted`, which it sorts
 * ascending in passing (Theil–Sen then reuses it for the ties and the median of y).
 */
export function mannKendallSorting(x: Float64Array, sorted: Float64Array): MannKendallResult {
  const n = x.length;
  if (n < 2) throw new AnalyticsInputError(`the Mann–Kendall test needs at least 2 points, got ${n}`);
  const inversions = countStrictInversions(sorted);
  const tied = ties(sorted);
  const pairs = (n * (n - 1)) / 2;
  const increasing = pairs - tied.pairs - inversions;
  const s = increasing - inversions;
  const variance = (n * (n - 1) * (2 * n + 5) - tied.varianceTerm) / 18;
  const z = variance > 0 && s !== 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  return { n, s, variance, z, pValue: twoSidedNormalPValue(z), tau: s / pairs };
}

/** Points per run sorted by insertion before the merge passes (fewer passes over the array). */
const RUN = 16;

/** The merge passes' second array, kept between calls (a recipe tests thousands of series); its contents are not kept. */
let scratch = new Float64Array(0);

/**
 * Sorts `a` ascending and returns the number of pairs i < j with a[i] > a[j] (ties not counted).
 * Bottom-up: runs of {@link RUN} by insertion, then merge passes between `a` and one scratch
 * array (no copy back per merge, no views allocated), and runs already in order are copied.
 */
function countStrictInversions(a: Float64Array): number {
  const n = a.length;
  let inversions = 0;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let j = lo + 1; j < hi; j++) {
      const v = a[j];
      let p = j;
      while (p > lo && a[p - 1] > v) {
        a[p] = a[p - 1];
        p--;
      }
      a[p] = v;
      inversions += j - p;
    }
  }
  let src: Float64Array = a;
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  let dst: Float64Array = scratch.subarray(0, n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      if (mid === hi || src[mid - 1] <= src[mid]) {
        for (let k = lo; k < hi; k++) dst[k] = src[k];
        continue;
      }
      let i = lo;
      let j = mid;
      let k = lo;
      // Without a branch on the comparison (c is 0 or 1): a series' values are in no order a
      // branch predictor could follow, so a branch is mispredicted every other step.
      while (i < mid && j < hi) {
        const c = +(src[j] < src[i]);
        dst[k++] = src[i + c * (j - i)];
        inversions += c * (mid - i);
        i += 1 - c;
        j += c;
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    [src, dst] = [dst, src];
  }
  if (src !== a) a.set(src);
  return inversions;
}
