import { AnalyticsInputError, checkNumber, finiteSeries } from '../common/errors.js';
import { normalQuantile } from '../common/normal.js';
import { quantileSorted } from '../common/order-statistics.js';
import { createRandom } from '../common/random.js';

/** Theil–Sen estimate with its confidence interval. */
export interface TheilSenResult {
  slope: number;
  /** median(y) − slope · median(x). */
  intercept: number;
  lower: number;
  upper: number;
  confidence: number;
  /** Number of slopes used (all pairs with distinct x, or a seeded sample of them). */
  pairs: number;
  /** True when the slopes came from a random sample of pairs (n above `exactLimit`). */
  sampled: boolean;
}

/** Options of {@link theilSen}. */
export interface TheilSenOptions {
  /** Confidence level of the interval. Default 0.95. */
  confidence?: number;
  /** Up to this many points every pair is used (n²/2 slopes). Default 3000. */
  exactLimit?: number;
  /** Pairs drawn above the limit. Default 2 000 000. */
  samplePairs?: number;
  seed?: number;
}

/**
 * Theil–Sen slope (Theil 1950, Sen 1968): the median of the pairwise slopes
 * (y_j − y_i)/(x_j − x_i) over pairs with x_i ≠ x_j, with Sen's distribution-free confidence
 * interval from the variance of Kendall's S (ties in y corrected), the same construction
 * as scipy.stats.theilslopes. `x` defaults to 0, 1, 2, … Above `exactLimit` points a seeded
 * random sample of pairs is used and the interval ranks are scaled to the sample.
 */
export function theilSen(y: ArrayLike<number>, x?: ArrayLike<number>, options: TheilSenOptions = {}): TheilSenResult {
  const ys = finiteSeries(y, 'y');
  const n = ys.length;
  const xs = x ? finiteSeries(x, 'x') : Float64Array.from({ length: n }, (_, i) => i);
  if (xs.length !== n) throw new AnalyticsInputError(`x has ${xs.length} values and y ${n}`);
  if (n < 2) throw new AnalyticsInputError(`Theil–Sen needs at least 2 points, got ${n}`);
  const confidence = checkNumber(options.confidence ?? 0.95, 'confidence', 0, 1);
  const exactLimit = options.exactLimit ?? 3000;
  const sampled = n > exactLimit;
  let slopes: Float64Array;
  if (!sampled) {
    slopes = new Float64Array((n * (n - 1)) / 2);
    let k = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) if (xs[j] !== xs[i]) slopes[k++] = (ys[j] - ys[i]) / (xs[j] - xs[i]);
    slopes = slopes.subarray(0, k);
  } else {
    const random = createRandom(options.seed ?? 1);
    slopes = new Float64Array(options.samplePairs ?? 2_000_000);
    let k = 0;
    for (let attempt = 0; k < slopes.length && attempt < 4 * slopes.length; attempt++) {
      const i = random.integer(n);
      const j = random.integer(n);
      if (xs[j] !== xs[i]) slopes[k++] = (ys[j] - ys[i]) / (xs[j] - xs[i]);
    }
    slopes = slopes.subarray(0, k);
  }
  if (slopes.length === 0) throw new AnalyticsInputError('Theil–Sen needs at least two distinct x values');
  slopes.sort();
  const slope = quantileSorted(slopes, 0.5);
  const median = (v: Float64Array) => quantileSorted(Float64Array.from(v).sort(), 0.5);
  const intercept = median(ys) - slope * median(xs);
  // Sen's interval: ranks (N ∓ z·σ_S)/2 among the N ordered slopes, σ_S² = Var(S) with ties.
  const sorted = Float64Array.from(ys).sort();
  let tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    tieTerm += t * (t - 1) * (2 * t + 5);
    i = j;
  }
  const sigma = Math.sqrt((n * (n - 1) * (2 * n + 5) - tieTerm) / 18);
  const z = normalQuantile(0.5 + confidence / 2);
  const total = sampled ? (n * (n - 1)) / 2 : slopes.length;
  const scale = slopes.length / total;
  const upperRank = Math.min(slopes.length - 1, Math.round(((total + z * sigma) / 2) * scale));
  const lowerRank = Math.max(0, Math.round(((total - z * sigma) / 2) * scale) - 1);
  return {
    slope,
    intercept,
    lower: slopes[lowerRank],
    upper: slopes[upperRank],
    confidence,
    pairs: slopes.length,
    sampled,
  };
}
