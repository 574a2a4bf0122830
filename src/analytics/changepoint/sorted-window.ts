import { lowerBound } from '../common/sorted-window.js';

/**
 * Replaces `outgoing` (present in it: no NaN) by `incoming` in the sorted window `sorted`, in one
 * shift between their places: for a rolling median of about ten values this is several times
 * cheaper than copying the window and selecting its median afresh at every point.
 * (The same step as the local outlier method's window, src/analytics/outliers/local.ts.)
 */
export function slideSorted(sorted: Float64Array, outgoing: number, incoming: number): void {
  const w = sorted.length;
  let p = lowerBound(sorted, w, outgoing);
  if (incoming > outgoing)
    while (p + 1 < w && sorted[p + 1] < incoming) {
      sorted[p] = sorted[p + 1];
      p++;
    }
  else
    while (p > 0 && sorted[p - 1] > incoming) {
      sorted[p] = sorted[p - 1];
      p--;
    }
  sorted[p] = incoming;
}
