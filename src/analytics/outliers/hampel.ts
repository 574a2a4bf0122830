import { checkInteger, checkNumber } from '../common/errors.js';
import { MAD_TO_SD } from '../common/order-statistics.js';
import { SortedWindow } from '../common/sorted-window.js';
import type { OutlierScores } from './scores.js';

/** Hampel filter output: scores, flags and the series with flagged points replaced by the rolling median. */
export interface HampelResult extends OutlierScores {
  filtered: Float64Array;
}

/**
 * Hampel filter: for each point, the median and 1.4826·MAD of the centred window of
 * `halfWindow` points each side (shrunk at the ends); flags |x − median| > threshold·scale.
 * Score = (x − median)/scale. Defaults: halfWindow 3, threshold 3. O(n·w), no allocation per point.
 * Non-finite values are skipped: left out of windows, scored NaN, kept as is in `filtered`.
 */
export function hampelFilter(values: ArrayLike<number>, halfWindow = 3, threshold = 3): HampelResult {
  checkInteger(halfWindow, 'halfWindow', 1);
  checkNumber(threshold, 'threshold', 0);
  const n = values.length;
  const window = new SortedWindow(2 * halfWindow + 1);
  const scratch = new Float64Array(2 * halfWindow + 1);
  const scores = new Float64Array(n);
  const flags = new Uint8Array(n);
  const filtered = Float64Array.from(values);
  for (let i = 0; i < Math.min(n, halfWindow); i++) if (Number.isFinite(values[i])) window.insert(values[i]);
  for (let i = 0; i < n; i++) {
    const leaving = i - halfWindow - 1;
    if (leaving >= 0 && Number.isFinite(values[leaving])) window.remove(values[leaving]);
    const entering = i + halfWindow;
    if (entering < n && Number.isFinite(values[entering])) window.insert(values[entering]);
    const x = values[i];
    if (!Number.isFinite(x)) {
      scores[i] = NaN;
      continue;
    }
    const median = window.quantile(0.5);
    const scale = MAD_TO_SD * window.absoluteDeviationMedian(median, scratch);
    const d = x - median;
    scores[i] = scale > 0 ? d / scale : d === 0 ? 0 : d * Infinity;
    if (Math.abs(scores[i]) > threshold) {
      flags[i] = 1;
      filtered[i] = median;
    }
  }
  return { scores, flags, filtered };
}
