/**
 * The seasonal baseline of the anomaly likelihood: the period of a cycle (hours of a day, days of
 * a week) found in the probationary points by autocorrelation, and the cycle's shape from them.
 * The detector subtracts the shape from each value, so a level step is judged against the noise
 * and not against the spread of the whole cycle (on a 3σ-amplitude cycle the window's MAD is ~2.3σ:
 * a 3σ step was found in 11 of 20 series without the baseline).
 */

/** Shortest period looked for: below it a cycle is better followed by the one-step prediction. */
export const MIN_PERIOD = 4;
/**
 * Lowest autocorrelation at the period for a cycle to be used: a sine of amplitude A in noise σ
 * gives (A²/2) / (A²/2 + σ²), 0.67 at A = 2σ. Sample autocorrelations of AR(1) φ = 0.9 or random
 * walk noise over 400 points wander to ~±0.3 at long lags (their spurious "cycles").
 */
const MIN_AUTOCORRELATION = 0.5;
/** A repeat of the cycle at a multiple of the period counts as the same cycle if it is this close to the best. */
const HARMONIC_SHARE = 0.85;
/** How far from the autocorrelation's peak {@link refinePeriod} looks (a share of it). */
const REFINE_SPAN = 0.15;
/**
 * Cycles seen before a period is refined and its shape fitted: the autocorrelation peak of 2.4
 * cycles (period 168 in 400 points) missed 168 by up to ±7 in 3 of 4 series, and a period off by
 * one drifts the shape by a point per cycle; with 8 cycles the refined period was exact in 98 of
 * 100 (amplitude 3σ; 77 of 100 at 2σ, the others one point off).
 */
export const MIN_CYCLES = 8;

/** Points to see before the period near `rough` can be refined (see {@link MIN_CYCLES}). */
export const pointsToRefine = (rough: number) => Math.ceil(MIN_CYCLES * (1 + REFINE_SPAN) * rough);

/** `values` minus their least-squares line (a trend would look like a long cycle). */
function detrended(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const midX = (n - 1) / 2;
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += values[i];
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - midX) * (values[i] - meanY);
    sxx += (i - midX) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return Float64Array.from({ length: n }, (_, i) => values[i] - meanY - slope * (i - midX));
}

/**
 * The period of a cycle in `values` (0 when there is none): the shortest lag in
 * [MIN_PERIOD, n/2] that is a local maximum of the autocorrelation (of the detrended values),
 * after it has dipped below 0, reaching MIN_AUTOCORRELATION and within HARMONIC_SHARE of the
 * highest such maximum (2P, 3P… repeat the cycle; the shortest is its period). Each lag's
 * autocorrelation is its mean lagged product over the mean square, so long lags are not shrunk
 * by their fewer pairs.
 */
export function estimatePeriod(values: ArrayLike<number>): number {
  const n = values.length;
  const maxLag = Math.floor(n / 2);
  if (maxLag < MIN_PERIOD + 1) return 0;
  const y = detrended(values);
  let squares = 0;
  for (let i = 0; i < n; i++) squares += y[i] * y[i];
  if (!(squares > 0)) return 0;
  const r = new Float64Array(maxLag + 2);
  for (let k = 1; k <= maxLag + 1; k++) {
    let s = 0;
    for (let i = k; i < n; i++) s += y[i] * y[i - k];
    r[k] = s / (n - k) / (squares / n);
  }
  let dipped = false;
  const peaks: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    if (r[k] < 0) dipped = true;
    else if (dipped && k >= MIN_PERIOD && r[k] >= r[k - 1] && r[k] > r[k + 1] && r[k] >= MIN_AUTOCORRELATION)
      peaks.push(k);
  }
  if (peaks.length === 0) return 0;
  const best = Math.max(...peaks.map((k) => r[k]));
  return peaks.find((k) => r[k] >= HARMONIC_SHARE * best)!;
}

/**
 * The exact period near `rough` (an autocorrelation peak, which is broad and shifted by noise):
 * the candidate within ±15 % whose lags P, 2P, 3P… give the smallest sum of mean squared
 * differences of the detrended values (at lag mP a wrong period is m points off, so the long lags
 * decide; weighting them 1/m found period 168 in 92 of 100 series, equal weights in 98). Every
 * candidate uses the same multiples, so a longer period is not favoured by having fewer of them.
 */
export function refinePeriod(values: ArrayLike<number>, rough: number): number {
  const y = detrended(values);
  const n = y.length;
  const lo = Math.max(MIN_PERIOD, Math.floor(rough * (1 - REFINE_SPAN)));
  const hi = Math.max(lo, Math.min(Math.floor(n / 2), Math.ceil(rough * (1 + REFINE_SPAN))));
  const multiples = Math.max(1, Math.floor((n - 1) / hi));
  let best = rough;
  let bestDifference = Infinity;
  for (let p = lo; p <= hi; p++) {
    let difference = 0;
    for (let m = 1; m <= multiples; m++) {
      const lag = m * p;
      let s = 0;
      for (let i = lag; i < n; i++) s += (y[i] - y[i - lag]) ** 2;
      difference += s / (n - lag);
    }
    if (difference < bestDifference) {
      bestDifference = difference;
      best = p;
    }
  }
  return best;
}

/**
 * The cycle's shape from `values` (at least two periods): per phase (index mod `period`), the
 * mean deviation from the centred moving average over one period (the classical decomposition;
 * every value here is in the past, so centring the average is causal), then centred on 0 so it
 * carries no level. Phases the moving average does not reach keep 0.
 */
export function seasonalShape(values: ArrayLike<number>, period: number): number[] {
  const n = values.length;
  const sums = new Float64Array(period);
  const counts = new Float64Array(period);
  // A moving average over one period: for an even period, 2 × P averaging (half weights at both ends).
  const half = Math.floor(period / 2);
  const even = period % 2 === 0;
  let window = 0;
  for (let i = 0; i < Math.min(n, period); i++) window += values[i];
  for (let start = 0; start + period <= n; start++) {
    const centre = start + half;
    let level = window;
    if (even) {
      if (start + period >= n) break;
      level = window - 0.5 * values[start] + 0.5 * values[start + period];
    }
    sums[centre % period] += values[centre] - level / period;
    counts[centre % period]++;
    if (start + period < n) window += values[start + period] - values[start];
  }
  const shape = Array.from(sums, (s, j) => (counts[j] > 0 ? s / counts[j] : 0));
  const mean = shape.reduce((a, b) => a + b, 0) / period;
  return shape.map((s) => s - mean);
}
