import { MAD_TO_SD, medianInPlace, selectKth } from '../common/order-statistics.js';
import { edgeReference } from '../common/rolling-reference.js';

/**
 * The two data-driven parts of the default change-in-mean model (see README "Defaults and why"):
 *
 * - {@link clipToRollingMedian}: single-point outliers are pulled back to within `limit` of a
 *   centred rolling median before the L2 search (a Huber-type winsorisation). A median filter
 *   keeps level shifts sharp, so only runs shorter than the half-window are affected.
 * - {@link longRunScale}: the noise scale the penalty should be measured against when the
 *   residuals are autocorrelated: σ·√((1 + φ)/(1 − φ)), the long-run standard deviation of an
 *   AR(1) process, from the residuals of a given segmentation.
 */

/** The long-run scale (or the AR(1) coefficient behind it) is re-estimated until it grows by less than this factor. */
export const SCALE_SETTLED = 1.05;
/** Most rounds of re-estimating the noise model and segmenting again. */
export const MAX_SCALE_ROUNDS = 12;
/** …and until the common trend moves by less than this many noise SDs over the series. */
export const TREND_SETTLED = 0.5;

/** Largest half-window of the outlier clipping (keeps it O(n·50) for any minimum segment). */
export const MAX_CLIP_HALF_WINDOW = 25;

/** Spike clipping limit in noise SDs (a point further than this from the local median is pulled back): the mean cost's and BOCPD segmentation's. */
export const CLIP_LIMIT = 3;

/**
 * Writes to `out` the series with every point moved to within ±`limit` of its rolling reference
 * (see rollingReference, common/rolling-reference.ts: the median of the centred window
 * [i − h, i + h]; within h of an end, a robust line through the window cut there). Returns how
 * many points moved. Only the few points that move need their reference, so it is not computed
 * for all (below); with `limit` 0 every point would move: use rollingReference then.
 * `h` = 0 copies the series unchanged.
 */
export function clipToRollingMedian(data: Float64Array, h: number, limit: number, out: Float64Array): number {
  const n = data.length;
  if (h <= 0 || n < 3) {
    out.set(data);
    return 0;
  }
  // Whether a point moves is decided without the median: rounding is monotone, so the median m
  // of the 2r + 1 window values has m + limit < x exactly when at least r + 1 of the values w
  // have w + limit < x (likewise m − limit > x). Counting stops as soon as neither count can get
  // there, usually after r + 1 values, and the median itself is only taken for the few points
  // that move. Keeping the window sorted instead (the earlier way) cost a search and a shift with
  // unpredictable branches at every point: about three times as long at h = 4.
  const window = new Float64Array(2 * h + 1);
  let moved = 0;
  for (let i = 0; i < n; i++) {
    const x = data[i];
    const r = Math.min(h, i, n - 1 - i);
    if (r < h) {
      // Near an end the centred window shrinks to nothing (the last point would be its own
      // median): such a point is compared with a robust line through its one-sided window.
      const reference = edgeReference(data, i, h, window);
      const pulled = x > reference + limit ? reference + limit : x < reference - limit ? reference - limit : x;
      if (pulled !== x) moved++;
      out[i] = pulled;
      continue;
    }
    const needed = r + 1;
    const last = i + r;
    let below = 0;
    let above = 0;
    for (let q = i - r; q <= last; q++) {
      const w = data[q];
      if (w + limit < x) below++;
      else if (w - limit > x) above++;
      const left = last - q;
      if (below + left < needed && above + left < needed) break;
    }
    if (below >= needed) {
      out[i] = windowMedian(data, i, r, window) + limit;
      moved++;
    } else if (above >= needed) {
      out[i] = windowMedian(data, i, r, window) - limit;
      moved++;
    } else out[i] = x;
  }
  return moved;
}

/** Median of data[i − r … i + r] (2r + 1 values), on a copy in `window`. */
function windowMedian(data: Float64Array, i: number, r: number, window: Float64Array): number {
  for (let q = 0; q <= 2 * r; q++) window[q] = data[i - r + q];
  return selectKth(window, 2 * r + 1, r);
}

/** Residual noise of a segmentation. */
export interface ResidualNoise {
  /** Standard deviation of the residuals around the segment means. */
  sd: number;
  /** Lag-1 autocorrelation of the residuals within segments, bias-corrected, clamped to [0, 0.98]. */
  phi: number;
  /** sd·√((1 + φ)/(1 − φ)): the standard deviation of a mean of m points is about longRun/√m. */
  longRun: number;
}

/** Highest autocorrelation used: caps the long-run factor at √99 ≈ 10. */
const MAX_PHI = 0.98;

/**
 * Residual standard deviation and lag-1 autocorrelation of `data` around the means of the
 * segments starting at 0 and at each of `changes` (pairs across a change are not counted),
 * residuals winsorised at 3 MAD-based SDs.
 * The autocorrelation of residuals from estimated means is biased low by about (1 + 3φ)/m for
 * segments of m points (Marriott & Pope 1954); that bias is added back with m = n/segments.
 */
export function residualNoise(
  data: Float64Array,
  changes: readonly number[],
  scratch: { residuals: Float64Array; absolute: Float64Array } = {
    residuals: new Float64Array(data.length),
    absolute: new Float64Array(data.length),
  },
): ResidualNoise {
  const n = data.length;
  const segments = changes.length + 1;
  // Residuals around the segment means, then winsorised at 3 robust SDs (MAD) so that an
  // outlier the clipping could not reach (e.g. the first or last point) does not inflate them.
  // Their absolute values go to `absolute` in the same pass, for the median that sets the limit.
  const { residuals, absolute } = scratch;
  let start = 0;
  for (let k = 0; k < segments; k++) {
    const end = k < changes.length ? changes[k] : n;
    let mean = 0;
    for (let i = start; i < end; i++) mean += data[i];
    mean /= end - start;
    for (let i = start; i < end; i++) {
      const r = data[i] - mean;
      residuals[i] = r;
      absolute[i] = Math.abs(r);
    }
    start = end;
  }
  // No limit (0: more than half the residuals are 0) leaves them as they are.
  const limit = n ? 3 * MAD_TO_SD * medianInPlace(absolute, n) : 0;
  const bound = limit > 0 ? limit : Infinity;
  // Winsorised on the fly: the sums take the same values in the same order as a separate pass would.
  let squares = 0;
  let lagged = 0;
  start = 0;
  for (let k = 0; k < segments; k++) {
    const end = k < changes.length ? changes[k] : n;
    let previous = clamp(residuals[start], bound);
    squares += previous * previous;
    for (let i = start + 1; i < end; i++) {
      const r = clamp(residuals[i], bound);
      squares += r * r;
      lagged += r * previous;
      previous = r;
    }
    start = end;
  }
  const dof = n - segments;
  const sd = dof > 0 ? Math.sqrt(squares / dof) : 0;
  let phi = squares > 0 ? lagged / squares : 0;
  phi += (1 + 3 * Math.max(phi, 0)) / (n / segments);
  phi = Math.min(Math.max(phi, 0), MAX_PHI);
  return { sd, phi, longRun: sd * Math.sqrt((1 + phi) / (1 - phi)) };
}

/** `r` moved to within ±`limit`. */
const clamp = (r: number, limit: number) => (r > limit ? limit : r < -limit ? -limit : r);

/** Fewest blocks for {@link blockMeanScale} to say anything. */
const MIN_BLOCKS = 8;

/**
 * Noise scale seen by means of `b`-point blocks: the differences of consecutive block means
 * have a variance of about 2·S²/b, where S is the long-run standard deviation. Their MAD
 * ignores the few blocks a level shift falls into and a steady drift (a constant difference;
 * the common trend is modelled separately), and unlike point-wise estimates it sees
 * autocorrelation and slow wandering at the time scale of a block. 0 when the series has fewer than 8 blocks. `scratch` ≥ n/b long.
 */
export function blockMeanScale(data: Float64Array, b: number, scratch?: Float64Array): number {
  const blocks = Math.floor(data.length / b);
  if (blocks < MIN_BLOCKS) return 0;
  const diffs = scratch !== undefined && scratch.length >= blocks ? scratch : new Float64Array(blocks);
  let previous = 0;
  for (let j = 0; j < blocks; j++) {
    let sum = 0;
    for (let i = j * b; i < (j + 1) * b; i++) sum += data[i];
    const mean = sum / b;
    if (j > 0) diffs[j - 1] = mean - previous;
    previous = mean;
  }
  const centre = medianInPlace(diffs, blocks - 1);
  for (let j = 0; j < blocks - 1; j++) diffs[j] = Math.abs(diffs[j] - centre);
  return MAD_TO_SD * medianInPlace(diffs, blocks - 1) * Math.sqrt(b / 2);
}

/** A linear trend common to all segments (each segment keeps its own level). */
export interface CommonTrend {
  /** Change per point. */
  slope: number;
  /** Σ over segments of Σ (i − ī)²: the slope's precision is this / σ². */
  spread: number;
}

/**
 * Least-squares slope shared by all segments, each with its own mean (the within-segment
 * pooled regression on the index). A level shift between segments does not affect it, so it
 * measures a drift even while the drift is still cut into steps by the segmentation.
 */
export function commonTrend(data: Float64Array, changes: readonly number[]): CommonTrend {
  const n = data.length;
  let cross = 0;
  let spread = 0;
  let start = 0;
  for (let k = 0; k <= changes.length; k++) {
    const end = k < changes.length ? changes[k] : n;
    const m = end - start;
    const centre = start + (m - 1) / 2;
    let mean = 0;
    for (let i = start; i < end; i++) mean += data[i];
    mean /= m;
    for (let i = start; i < end; i++) {
      cross += (i - centre) * (data[i] - mean);
      spread += (i - centre) * (i - centre);
    }
    start = end;
  }
  return { slope: spread > 0 ? cross / spread : 0, spread };
}
