import { MAD_TO_SD, medianInPlace } from '../common/order-statistics.js';

/**
 * The wandering part of the default model (README "Defaults and why", 6): a series whose level
 * follows a random walk has no finite long-run variance, so no noise scale makes a constant-mean
 * search leave it whole. It is modelled as a local level, y = level + walk + noise, with
 * walk increments of variance q² and independent noise of variance σ², and each change the search
 * found must stand out against that model:
 *
 * - {@link wanderingNoise}: σ² and q² from the variogram V(k) = Var(y[t + k] − y[t]) = 2σ² + k·q²,
 *   over pairs within the found segments only (a difference inside a segment does not see the
 *   level shifts between segments, so true changes do not pass for wandering); robust (MAD) at
 *   each lag, q² the slope between short and long lags. Stationary noise (white, AR(1), seasonal)
 *   has a flat variogram at long lags, so q² ≈ 0 there and nothing changes.
 * - {@link pruneWanderingChanges}: the jump at a change is estimated from the means of w points on
 *   each side, w = √(3σ²/q²) (the window that estimates a wandering level best), capped at the
 *   neighbouring segments; under the model without a change it has the variance
 *   σ²(1/w₁ + 1/w₂) + q²(w₁ + w₂)/3. A change is kept when jump²/variance exceeds the penalty, the
 *   same test the search applies (with q = 0 and whole segments they coincide); the weakest failing
 *   change is dropped and its neighbours tested again.
 */

/** The local-level noise of a segmented series, in its units. */
export interface WanderingNoise {
  /** Variance of the independent noise. */
  noiseVariance: number;
  /** Variance of the walk's increments per point (0 when the variogram is flat). */
  walkVariance: number;
}

/** Fewest within-segment pairs for a lag of the variogram to count. */
const MIN_PAIRS = 40;

/**
 * Most pairs one lag's MAD is taken over: every `stride`-th pair beyond that. A MAD of 4 096
 * differences is precise to a few per cent, and this keeps the variogram O(lags · 4 096) on long
 * series (it was a third of the wrapper's time at n = 10⁵); series up to ~4 000 points use every pair.
 */
const MAX_PAIRS = 4096;

/** Robust variance of the within-segment lag-`k` differences (NaN when too few pairs); `scratch` ≥ n long. */
function variogram(data: Float64Array, changes: readonly number[], k: number, scratch: Float64Array): number {
  const n = data.length;
  const stride = Math.max(1, Math.floor((n - k) / MAX_PAIRS));
  let count = 0;
  let start = 0;
  for (let s = 0; s <= changes.length; s++) {
    const end = s < changes.length ? changes[s] : n;
    for (let i = start + k; i < end; i += stride) scratch[count++] = data[i] - data[i - k];
    start = end;
  }
  if (count < MIN_PAIRS) return NaN;
  // Centred on the median difference: a drift the trend model left adds a constant k·slope.
  const centre = medianInPlace(scratch, count);
  for (let i = 0; i < count; i++) scratch[i] = Math.abs(scratch[i] - centre);
  const sd = MAD_TO_SD * medianInPlace(scratch, count);
  return sd * sd;
}

/**
 * σ² and q² of the local-level model from the within-segment variogram: σ² from lag 1, q² from the
 * growth between the lag `shortLag` (past which stationary noise has mostly decorrelated) and the
 * longest lags the segments allow (up to a quarter of the series), by least squares on V(k)
 * against k over lags shortLag, 2·shortLag, 4·shortLag, …
 */
export function wanderingNoise(data: Float64Array, changes: readonly number[], shortLag: number): WanderingNoise {
  const n = data.length;
  const scratch = new Float64Array(n);
  const v1 = variogram(data, changes, 1, scratch);
  const lags: number[] = [];
  const values: number[] = [];
  for (let k = Math.max(2, shortLag); k <= n / 4; k *= 2) {
    const v = variogram(data, changes, k, scratch);
    if (!Number.isFinite(v)) break;
    lags.push(k);
    values.push(v);
  }
  let walkVariance = 0;
  if (lags.length >= 2) {
    const mk = lags.reduce((a, b) => a + b, 0) / lags.length;
    const mv = values.reduce((a, b) => a + b, 0) / values.length;
    let cross = 0;
    let spread = 0;
    for (let j = 0; j < lags.length; j++) {
      cross += (lags[j] - mk) * (values[j] - mv);
      spread += (lags[j] - mk) * (lags[j] - mk);
    }
    walkVariance = Math.max(0, cross / spread);
  }
  const noiseVariance = Number.isFinite(v1) ? Math.max(0, (v1 - walkVariance) / 2) : 0;
  return { noiseVariance, walkVariance };
}

/** jump²/variance of the change between segments [a, c) and [c, b) under `noise`. */
function jumpEvidence(data: Float64Array, a: number, c: number, b: number, noise: WanderingNoise): number {
  const { noiseVariance: s2, walkVariance: q2 } = noise;
  const window = q2 > 0 ? Math.sqrt((3 * s2) / q2) : Infinity;
  const left = Math.max(1, Math.min(c - a, Math.round(window)));
  const right = Math.max(1, Math.min(b - c, Math.round(window)));
  let before = 0;
  for (let i = c - left; i < c; i++) before += data[i];
  let after = 0;
  for (let i = c; i < c + right; i++) after += data[i];
  const jump = after / right - before / left;
  const variance = s2 * (1 / left + 1 / right) + (q2 * (left + right)) / 3;
  return variance > 0 ? (jump * jump) / variance : Infinity;
}

/**
 * The changes of `changes` that stand out against the wandering `noise` by more than `penalty`
 * (jump²/variance, see above); the others are dropped, weakest first. Returns `changes` itself
 * when the series does not wander.
 */
export function pruneWanderingChanges(
  data: Float64Array,
  changes: readonly number[],
  penalty: number,
  noise: WanderingNoise,
): readonly number[] {
  if (noise.walkVariance <= 0 || changes.length === 0) return changes;
  const kept = [...changes];
  const n = data.length;
  for (;;) {
    let weakest = -1;
    let lowest = penalty;
    for (let j = 0; j < kept.length; j++) {
      const evidence = jumpEvidence(
        data,
        j > 0 ? kept[j - 1] : 0,
        kept[j],
        j + 1 < kept.length ? kept[j + 1] : n,
        noise,
      );
      if (evidence < lowest) {
        lowest = evidence;
        weakest = j;
      }
    }
    if (weakest < 0) return kept;
    kept.splice(weakest, 1);
  }
}
