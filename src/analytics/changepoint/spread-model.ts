import { MAD_TO_SD, selectKth } from '../common/order-statistics.js';
import { rollingReference } from '../common/rolling-reference.js';
import { slideSorted } from '../common/sorted-window.js';

/**
 * The parts of the noise model that the variance costs (`meanvar`, `var`) need in their own form
 * (see README "Non-default costs"):
 *
 * - {@link clipToLocalSpread}: a spike is a variance change of one point to these costs, so it is
 *   clipped as for the mean cost, but against the spread of its own neighbourhood: one scale for
 *   the whole series would clip a real high-variance stretch as if it were all spikes.
 * - {@link prewhiten}: AR(1) noise makes a variance cost see changes everywhere (neighbouring
 *   points are not independent evidence); the innovations x_i − φ·x_{i−1} are. A change of the
 *   innovation variance stays a change of variance there, and a level shift δ becomes a shift of
 *   (1 − φ)·δ on the innovation scale: the mean cost's long-run scale, in another form.
 */

/** Points on each side whose residuals give a point's local spread. */
const SPREAD_WINDOW = 10;

/**
 * Writes to `out` the series with each point moved to within ±`limit` local SDs of its rolling
 * reference (the centred rolling median of half-window `h`, near the ends a robust line: see
 * {@link rollingReference}, also the mean cost's clipping reference). The local SD of point i is the larger of the
 * MAD-based spreads of the residuals (value − reference) of the {@link SPREAD_WINDOW} points
 * before it and of those after it, neither including i: a spike does not widen its own limit,
 * and a point at the start of a wider stretch is judged by that stretch. Where both are 0
 * (quantised data), `fallback` (a global scale) is the SD. Returns how many points moved.
 * `reference` and `spread` are scratch buffers of n values.
 */
export function clipToLocalSpread(
  data: Float64Array,
  h: number,
  limit: number,
  fallback: number,
  out: Float64Array,
  reference: Float64Array,
  spread: Float64Array,
): number {
  const n = data.length;
  if (h <= 0 || n < 3) {
    out.set(data);
    return 0;
  }
  rollingReference(data, h, reference);
  for (let i = 0; i < n; i++) spread[i] = Math.abs(data[i] - reference[i]);
  const window = new Float64Array(SPREAD_WINDOW);
  const sideMedian = (from: number, to: number) => {
    const m = to - from;
    if (m <= 0) return 0;
    for (let q = 0; q < m; q++) window[q] = spread[from + q];
    return selectKth(window, m, (m - 1) >> 1);
  };
  // The full window after point i is the one before point i + w + 1: each full window's median
  // is taken once, when it is the window after, and kept in a ring until it is the one before.
  // The full windows after are one sliding window, kept sorted (sorted-window.ts).
  const ring = new Float64Array(SPREAD_WINDOW + 1);
  const sorted = spread.slice(1, 1 + SPREAD_WINDOW).sort();
  let moved = 0;
  for (let i = 0; i < n; i++) {
    // (The window before i was the one after i − w − 1, so the first one, before point w, was
    // never stored; and it is read before the write below, which reuses its slot.)
    const before =
      i > SPREAD_WINDOW ? ring[(i - SPREAD_WINDOW) % ring.length] : sideMedian(Math.max(0, i - SPREAD_WINDOW), i);
    let after: number;
    if (i + 1 + SPREAD_WINDOW <= n) {
      if (i > 0) slideSorted(sorted, spread[i], spread[i + SPREAD_WINDOW]);
      after = sorted[(SPREAD_WINDOW - 1) >> 1];
      ring[(i + 1) % ring.length] = after;
    } else after = sideMedian(i + 1, n);
    const sd = MAD_TO_SD * Math.max(before, after);
    const bound = limit * (sd > 0 ? sd : fallback);
    const x = data[i];
    const r = reference[i];
    const pulled = x > r + bound ? r + bound : x < r - bound ? r - bound : x;
    if (pulled !== x) moved++;
    out[i] = pulled;
  }
  return moved;
}

/**
 * Writes to `out` the AR(1) innovations of `data` around `centre`: (x_i − c) − φ·(x_{i−1} − c),
 * and for the first point (x_0 − c)·√(1 − φ²) (Prais–Winsten), so the first point keeps the
 * innovations' variance.
 */
export function prewhiten(data: Float64Array, centre: number, phi: number, out: Float64Array): void {
  const n = data.length;
  if (n === 0) return;
  let previous = data[0] - centre;
  out[0] = previous * Math.sqrt(1 - phi * phi);
  for (let i = 1; i < n; i++) {
    const x = data[i] - centre;
    out[i] = x - phi * previous;
    previous = x;
  }
}
