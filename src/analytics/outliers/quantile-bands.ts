import { AnalyticsInputError, checkNumber } from '../common/errors.js';
import { quantileSorted, sortedFinite } from '../common/order-statistics.js';
import { scoreOutside, type OutlierScores } from './scores.js';

/** A band [low, high] learnt from a reference history. */
export interface QuantileBand {
  low: number;
  high: number;
  /** Number of finite reference values behind it. */
  n: number;
}

/** The [lower, upper] quantiles (default 1 % and 99 %) of the finite reference values. */
export function quantileBand(reference: ArrayLike<number>, lower = 0.01, upper = 0.99): QuantileBand {
  checkNumber(lower, 'lower quantile', 0, 1);
  checkNumber(upper, 'upper quantile', lower, 1);
  const sorted = sortedFinite(reference);
  if (sorted.length === 0) throw new AnalyticsInputError('the reference history has no finite values');
  return { low: quantileSorted(sorted, lower), high: quantileSorted(sorted, upper), n: sorted.length };
}

/**
 * Scores new values against a band from their reference history: 0 inside, otherwise the
 * distance outside in band widths (signed). Flags every value outside. Non-finite values are skipped.
 */
export function scoreAgainstBand(values: ArrayLike<number>, band: QuantileBand): OutlierScores {
  return scoreOutside(values, band.low, band.high, band.high - band.low);
}
