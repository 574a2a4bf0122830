import { AnalyticsInputError, checkNumber, finiteSeries } from '../common/errors.js';
import { normalQuantile } from '../common/normal.js';
import { quantileSorted } from '../common/order-statistics.js';
import { selectSlopes } from './slope-selection.js';
import { ties } from './ties.js';

/** Theil–Sen estimate with its confidence interval. */
export interface TheilSenResult {
  slope: number;
  /** median(y) − slope · median(x). */
  intercept: number;
  lower: number;
  upper: number;
  confidence: number;
  /** Number of slopes: the pairs with distinct x. */
  pairs: number;
}

/** Options of {@link theilSen}. */
export interface TheilSenOptions {
  /** Confidence level of the interval. Default 0.95. */
  confidence?: number;
}

/**
 * Theil–Sen slope (Theil 1950, Sen 1968): the median of the pairwise slopes
 * (y_j − y_i)/(x_j − x_i) over pairs with x_i ≠ x_j, with Sen's distribution-free confidence
 * interval from the variance of Kendall's S (ties in y corrected), the same construction
 * as scipy.stats.theilslopes. `x` defaults to 0, 1, 2, … Exact for any n: the three order
 * statistics are selected among the n(n−1)/2 slopes in O(n log n) expected time
 * ({@link selectSlopes}), without listing them all.
 */
export function theilSen(y: ArrayLike<number>, x?: ArrayLike<number>, options: TheilSenOptions = {}): TheilSenResult {
  const ys = finiteSeries(y, 'y');
  const n = ys.length;
  const xs = x ? finiteSeries(x, 'x') : Float64Array.from({ length: n }, (_, i) => i);
  if (xs.length !== n) throw new AnalyticsInputError(`x has ${xs.length} values and y ${n}`);
  return theilSenSorted(ys, xs, Float64Array.from(ys).sort(), options);
}

/** {@link theilSen} of finite `y` and `x` of one length, given y sorted ascending (`sortedY`). */
export function theilSenSorted(
  ys: Float64Array,
  xs: Float64Array,
  sortedY: Float64Array,
  options: TheilSenOptions = {},
): TheilSenResult {
  const n = ys.length;
  if (n < 2) throw new AnalyticsInputError(`Theil–Sen needs at least 2 points, got ${n}`);
  const confidence = checkNumber(options.confidence ?? 0.95, 'confidence', 0, 1);
  // x in time order, the usual case, is already sorted: used as is for its ties and median.
  const sortedX = ascending(xs) ? xs : Float64Array.from(xs).sort();
  const total = (n * (n - 1)) / 2 - ties(sortedX).pairs;
  if (total === 0) throw new AnalyticsInputError('Theil–Sen needs at least two distinct x values');
  const tieTerm = ties(sortedY).varianceTerm;
  const sigma = Math.sqrt((n * (n - 1) * (2 * n + 5) - tieTerm) / 18);
  const z = normalQuantile(0.5 + confidence / 2);
  // Sen's interval: ranks (N ∓ z·σ_S)/2 among the N ordered slopes, σ_S² = Var(S) with ties.
  const upperRank = Math.min(total - 1, Math.round((total + z * sigma) / 2));
  const lowerRank = Math.max(0, Math.round((total - z * sigma) / 2) - 1);
  // The median as quantileSorted interpolates it: between ranks ⌊(N − 1)/2⌋ and the next.
  const h = (total - 1) / 2;
  const low = Math.floor(h);
  const [below, above, lower, upper] = selectSlopes(xs, ys, [
    low,
    Math.min(total - 1, low + 1),
    lowerRank,
    upperRank,
  ]).values;
  const slope = quantileSorted([below, above], h - low);
  const intercept = quantileSorted(sortedY, 0.5) - slope * quantileSorted(sortedX, 0.5);
  return { slope, intercept, lower, upper, confidence, pairs: total };
}

/** Whether `a` is in the order that sorting it would give (−0 sorts before 0, so its presence says no). */
function ascending(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if ((i > 0 && !(a[i - 1] <= a[i])) || Object.is(a[i], -0)) return false;
  return true;
}
