import { checkInteger, checkNumber } from '../common/errors.js';
import { SortedWindow } from '../common/sorted-window.js';

/**
 * Exponentially weighted moving average s_t = α·x_t + (1 − α)·s_{t−1}, s_0 = x_0.
 * Non-finite values are skipped: they get the previous average and do not update it.
 */
export function ewma(values: ArrayLike<number>, alpha: number): Float64Array {
  checkNumber(alpha, 'alpha', Number.MIN_VALUE, 1);
  const out = new Float64Array(values.length);
  let s = NaN;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isFinite(x)) s = Number.isNaN(s) ? x : alpha * x + (1 - alpha) * s;
    out[i] = s;
  }
  return out;
}

/** Options of the rolling statistics. */
export interface RollingOptions {
  /** Trailing window length (the current point and the window − 1 before it). */
  window: number;
  /** Fewest finite values in the window for a result; NaN otherwise. Default: the window length. */
  minPeriods?: number;
}

function rollingOptions({ window, minPeriods }: RollingOptions): { window: number; minPeriods: number } {
  checkInteger(window, 'window', 1);
  return { window, minPeriods: checkInteger(minPeriods ?? window, 'minPeriods', 1, window) };
}

/** Trailing rolling mean (pandas `rolling(window, min_periods).mean()`); non-finite values are skipped. */
export function rollingMean(values: ArrayLike<number>, options: RollingOptions): Float64Array {
  const { window, minPeriods } = rollingOptions(options);
  const out = new Float64Array(values.length);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      sum += values[i];
      count++;
    }
    const leaving = i - window;
    if (leaving >= 0 && Number.isFinite(values[leaving])) {
      sum -= values[leaving];
      count--;
    }
    out[i] = count >= minPeriods ? sum / count : NaN;
  }
  return out;
}

/** Trailing rolling quantile (type 7) in O(n·window); non-finite values are skipped. */
export function rollingQuantile(values: ArrayLike<number>, p: number, options: RollingOptions): Float64Array {
  checkNumber(p, 'p', 0, 1);
  const { window, minPeriods } = rollingOptions(options);
  const sorted = new SortedWindow(window);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const leaving = i - window;
    if (leaving >= 0 && Number.isFinite(values[leaving])) sorted.remove(values[leaving]);
    if (Number.isFinite(values[i])) sorted.insert(values[i]);
    out[i] = sorted.count >= minPeriods ? sorted.quantile(p) : NaN;
  }
  return out;
}

/** Trailing rolling median; see {@link rollingQuantile}. */
export function rollingMedian(values: ArrayLike<number>, options: RollingOptions): Float64Array {
  return rollingQuantile(values, 0.5, options);
}
