import { medianInPlace } from './order-statistics.js';
import { slideSorted } from './sorted-window.js';

/**
 * The value each point of a series is expected to have from its neighbourhood: the centred
 * rolling median, and a robust line near the ends. One definition for the local outlier scores
 * (outliers/local.ts), the change-point spike clipping (changepoint/noise-model.ts) and the local
 * spread of the variance costs (changepoint/spread-model.ts), so that they judge a point alike.
 */

/**
 * Writes to `out` the rolling reference of every point: the median of the centred window
 * [i − h, i + h] (itself included: an odd window keeps a step sharp, where the median of the 2h
 * neighbours alone would sit halfway up it); within `h` of an end, {@link edgeReference} (a
 * window shrunk to stay centred would leave the last point its own median, and a lopsided one
 * would lag behind a trend). `h` ≤ 0 copies the series (a window of one point).
 *
 * With `neighbours`, also writes there the median of the 2h neighbours alone (the window without
 * the point; near the ends the same edge line, which leaves the point out already): a residual
 * from it is not shrunk towards the point, as the residual from a window holding the point is.
 * The values must be finite (callers leave missing ones out).
 */
export function rollingReference(data: Float64Array, h: number, out: Float64Array, neighbours?: Float64Array): void {
  const n = data.length;
  if (h <= 0 || n <= 1) {
    out.set(data);
    neighbours?.set(data);
    return;
  }
  const scratch = new Float64Array(2 * h + 1);
  const edge = (k: number) => {
    out[k] = edgeReference(data, k, h, scratch);
    if (neighbours) neighbours[k] = out[k];
  };
  for (let k = 0; k < Math.min(h, n); k++) edge(k);
  for (let k = Math.max(h, n - h); k < n; k++) edge(k);
  const w = 2 * h + 1;
  if (n < w) return;
  const sorted = data.slice(0, w).sort();
  for (let k = h; k < n - h; k++) {
    if (k > h) slideSorted(sorted, data[k - h - 1], data[k + h]);
    const median = sorted[h];
    out[k] = median;
    if (!neighbours) continue;
    // Sorted window s[0 … 2h], median s[h]; without x the middle pair moves away from x's side.
    const x = data[k];
    neighbours[k] =
      x < median
        ? (median + sorted[h + 1]) / 2
        : x > median
          ? (sorted[h - 1] + median) / 2
          : (sorted[h - 1] + sorted[h + 1]) / 2;
  }
}

/** The pairwise slopes of {@link edgeReference}, grown as needed. */
let edgeSlopes = new Float64Array(0);

/**
 * The value a point within `h` of an end is expected to have from its neighbours: the Theil–Sen
 * line through the window [i − h, i + h] cut at the ends, without the point itself (h to 2h
 * points), evaluated at i. A median level alone would lag behind a trend by about h/2 of its
 * steps; a least-squares line, or one the point itself takes part in, would follow the very
 * outlier it is meant to judge. `scratch` holds 2h + 1 values; the slopes take a buffer of their
 * own, reused between calls.
 */
export function edgeReference(data: Float64Array, i: number, h: number, scratch: Float64Array): number {
  const from = Math.max(0, i - h);
  const to = Math.min(data.length - 1, i + h);
  let m = 0;
  for (let q = from; q <= to; q++) if (q !== i) scratch[m++] = q;
  if (m === 1) return data[scratch[0]];
  const pairs = (m * (m - 1)) / 2;
  // One buffer for every call (they are synchronous): 2h points per series call this.
  if (edgeSlopes.length < pairs) edgeSlopes = new Float64Array(pairs);
  const slopes = edgeSlopes;
  let k = 0;
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) slopes[k++] = (data[scratch[b]] - data[scratch[a]]) / (scratch[b] - scratch[a]);
  const slope = medianInPlace(slopes, k);
  // The median of y − slope·(x − i) is the line's value at i.
  for (let a = 0; a < m; a++) scratch[a] = data[scratch[a]] - slope * (scratch[a] - i);
  return medianInPlace(scratch, m);
}
