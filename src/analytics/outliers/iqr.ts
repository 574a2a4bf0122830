import { checkNumber } from '../common/errors.js';
import { quantileSorted, sortedFinite } from '../common/order-statistics.js';
import { scoreOutside, type OutlierScores } from './scores.js';

/** Tukey fences of a sample. */
export interface TukeyFences {
  q1: number;
  q3: number;
  lower: number;
  upper: number;
}

/** Q1 − k·IQR and Q3 + k·IQR of the finite values (type 7 quartiles). */
export function tukeyFences(values: ArrayLike<number>, k = 1.5): TukeyFences {
  checkNumber(k, 'k', 0);
  const sorted = sortedFinite(values);
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  return { q1, q3, lower: q1 - k * (q3 - q1), upper: q3 + k * (q3 - q1) };
}

/**
 * Tukey IQR rule: flags values outside the fences (k = 1.5 by default, 3 for "far out").
 * Score = distance beyond the nearer fence in IQR units (0 inside, signed: negative below).
 * Non-finite values are skipped.
 */
export function iqrOutliers(values: ArrayLike<number>, k = 1.5): OutlierScores {
  const { q1, q3, lower, upper } = tukeyFences(values, k);
  return scoreOutside(values, lower, upper, q3 - q1);
}
