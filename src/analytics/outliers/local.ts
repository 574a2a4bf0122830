import { checkInteger, checkNumber } from '../common/errors.js';
import { rollingReference } from '../common/rolling-reference.js';
import { robustScale, scoreWithScale } from './robust-z.js';
import { cycleProfile, findCycle, longestCycle } from './seasonal.js';
import { flagAbove, type OutlierScores } from './scores.js';

/** Local-baseline scores, with the baseline each value was compared with. */
export interface LocalOutlierResult extends OutlierScores {
  /**
   * The running median (Theil–Sen line near the ends) at each value, plus the cycle's profile when
   * one was found; NaN where the input was not finite.
   */
  baseline: Float64Array;
  /** Period (in values) of the cycle taken out before the median, 0 when there was none. */
  period: number;
}

/** Default points each side of the running median (bench/outliers-quality.ts: see the README). */
export const LOCAL_HALF_WINDOW = 5;
/** Most points each side: each of the 2h points at the ends fits a line through ~h²·2 slopes. */
export const LOCAL_MAX_HALF_WINDOW = 100;

/**
 * Robust z-scores of the residuals from a local baseline: r = each value minus the median of the
 * centred window of `halfWindow` points each side (itself included), scored (r − c)/(1.4826·MAD)
 * with c and the MAD of one set of residuals for the whole series, those from the median of the
 * neighbours alone (see below; robustScale's fallback when the MAD is 0), flagged when
 * |z| > threshold (default 3.5, as robust-z).
 *
 * Why: a global robust z compares a spike with the spread of the whole series, which a level
 * shift, a trend or a random walk inflate, so spikes hide and the ends of a trend look like
 * outliers. A centred median of an odd window follows shifts (it keeps steps sharp) and trends,
 * and stays put under a single spike. Unlike Hampel, the scale is one per series, not the MAD of
 * each 7-point window, which is too noisy to divide by (a window's MAD is 0 in quantised data,
 * and small by chance often enough to flag 2–5 % of clean points).
 *
 * A cycle too short for the window (period ≤ 2·(2h + 1)) is flattened by the median and would stay
 * in the residuals, widening the scale and hiding spikes at its troughs: when the residuals hold
 * one beyond chance (seasonal.ts), its profile is taken out first and added to the baseline.
 *
 * Within `halfWindow` of an end, where a centred window would shrink to the point itself, the
 * baseline is the Theil–Sen line through the neighbours there (rollingReference, the change-point
 * outlier clipping's reference too): a one-sided median would lag behind a trend. Non-finite values are
 * skipped: left out of the windows (the neighbours are the nearest finite values), scored NaN,
 * never flagged. One value scores 0.
 */
export function localOutlierScores(
  values: ArrayLike<number>,
  halfWindow = LOCAL_HALF_WINDOW,
  threshold = 3.5,
): LocalOutlierResult {
  checkInteger(halfWindow, 'halfWindow', 1, LOCAL_MAX_HALF_WINDOW);
  checkNumber(threshold, 'threshold', 0);
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) m++;
  // Missing values are left out: the windows run over the finite ones (positions maps them back).
  const positions = m < n ? new Int32Array(m) : null;
  let dense: Float64Array;
  if (positions) {
    dense = new Float64Array(m);
    for (let i = 0, k = 0; i < n; i++)
      if (Number.isFinite(values[i])) {
        positions[k] = i;
        dense[k++] = values[i];
      }
  } else dense = values instanceof Float64Array ? values : Float64Array.from(values);
  // `local`: the rolling median with the value itself (what it is scored against); `others`: the
  // median of its neighbours alone (what the scale is measured from). The residual from a window
  // that holds the value is shrunk for ordinary values (the median moves towards them, and is one
  // of them 1 time in 2h + 1) but not for the extreme ones, so its own MAD is too small for its
  // tails: with it, white noise was flagged 3 times per 1,000 points at 3.5 instead of ~0.5.
  const local = new Float64Array(m);
  const others = new Float64Array(m);
  rollingReference(dense, halfWindow, local, others);
  for (let k = 0; k < m; k++) others[k] = dense[k] - others[k];
  // A cycle too short for the window stays in the residuals (seasonal.ts): when one is found, its
  // profile is taken out of the series and the windows run again over what is left; the
  // baseline is then that median plus the profile.
  let scale = robustScale(others);
  const period = findCycle(others, longestCycle(halfWindow), scale.median, scale.scale);
  if (period) {
    const profile = cycleProfile(others, period);
    const adjusted = new Float64Array(m);
    for (let k = 0; k < m; k++) adjusted[k] = dense[k] - profile[k % period];
    rollingReference(adjusted, halfWindow, local, others);
    for (let k = 0; k < m; k++) {
      others[k] = adjusted[k] - others[k];
      local[k] += profile[k % period];
    }
    scale = robustScale(others);
  }
  // The residuals from the window median, scored in place of the neighbours' ones.
  for (let k = 0; k < m; k++) others[k] = dense[k] - local[k];
  const denseScores = scoreWithScale(others, scale);
  if (!positions) return { ...flagAbove(denseScores, threshold), baseline: local, period };
  const scores = new Float64Array(n).fill(NaN);
  const baseline = new Float64Array(n).fill(NaN);
  for (let k = 0; k < m; k++) {
    scores[positions[k]] = denseScores[k];
    baseline[positions[k]] = local[k];
  }
  return { ...flagAbove(scores, threshold), baseline, period };
}
