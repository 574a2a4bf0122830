import { checkNumber } from '../common/errors.js';
import { MAD_TO_SD, medianAndMad } from '../common/order-statistics.js';
import { flagAbove, type OutlierScores } from './scores.js';

/** Centre and scale of a robust z-score. */
export interface RobustScale {
  median: number;
  /** 1.4826 × MAD, or the fallback described in {@link robustScale}. */
  scale: number;
}

/**
 * Median and a robust standard deviation of the finite values: 1.4826·MAD; when more than
 * half the values are equal (MAD = 0) falls back to 1.2533·mean absolute deviation
 * (Iglewicz & Hoaglin), and to 0 only for a constant series.
 */
export function robustScale(values: ArrayLike<number>): RobustScale {
  return robustScaleAndSource(values).scale;
}

/**
 * {@link robustScale}, saying whether the scale is the fallback: a sum over the values in their
 * order, whose last bits depend on that order (the median and the MAD do not). Callers that hold
 * a series in no particular order compute the fallback again in order.
 */
export function robustScaleAndSource(values: ArrayLike<number>): { scale: RobustScale; fallback: boolean } {
  const { median, mad } = medianAndMad(values);
  if (mad > 0) return { scale: { median, scale: MAD_TO_SD * mad }, fallback: false };
  let total = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      total += Math.abs(values[i] - median);
      count++;
    }
  }
  return { scale: { median, scale: count ? (1.2533141373155 * total) / count : 0 }, fallback: true };
}

/** z = (x − centre)/scale, with ±Infinity for x ≠ centre when the scale is 0 and NaN for non-finite x. */
export function scoreWithScale(values: ArrayLike<number>, { median, scale }: RobustScale): Float64Array {
  const scores = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - median;
    scores[i] = !Number.isFinite(values[i]) ? NaN : scale > 0 ? d / scale : d === 0 ? 0 : d * Infinity;
  }
  return scores;
}

/**
 * Robust z-scores z = (x − median)/(1.4826·MAD), flagged when |z| > threshold (default
 * 3.5, Iglewicz & Hoaglin; the ALMA Trec QA uses 4). Non-finite values are skipped.
 */
export function robustZScores(values: ArrayLike<number>, threshold = 3.5): OutlierScores {
  checkNumber(threshold, 'threshold', 0);
  return flagAbove(scoreWithScale(values, robustScale(values)), threshold);
}
