/**
 * The values of a sliding window kept sorted in a Float64Array: insert and remove by binary
 * search and a shift, O(w) each, so rolling medians and quantiles cost O(n·w) with no
 * allocation per point. NaN is never stored (callers skip it).
 */
export class SortedWindow {
  private readonly items: Float64Array;
  private size = 0;

  constructor(capacity: number) {
    this.items = new Float64Array(capacity);
  }

  get count(): number {
    return this.size;
  }

  /** Empties the window (the capacity is kept). */
  clear(): void {
    this.size = 0;
  }

  /** Sample standard deviation of the window (0 with fewer than two values). */
  standardDeviation(): number {
    const n = this.size;
    if (n < 2) return 0;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += this.items[i];
    mean /= n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (this.items[i] - mean) ** 2;
    return Math.sqrt(squares / (n - 1));
  }

  insert(value: number): void {
    const lo = lowerBound(this.items, this.size, value);
    this.items.copyWithin(lo + 1, lo, this.size);
    this.items[lo] = value;
    this.size++;
  }

  remove(value: number): void {
    const lo = lowerBound(this.items, this.size, value);
    if (lo < this.size && this.items[lo] === value) {
      this.items.copyWithin(lo, lo + 1, this.size);
      this.size--;
    }
  }

  /** Type 7 quantile of the current window (NaN when empty). */
  quantile(p: number): number {
    if (this.size === 0) return NaN;
    const h = (this.size - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(this.size - 1, lo + 1);
    return this.items[lo] + (h - lo) * (this.items[hi] - this.items[lo]);
  }

  /** Median absolute deviation from `centre` over the window, using `scratch` (≥ capacity). */
  absoluteDeviationMedian(centre: number, scratch: Float64Array): number {
    const n = this.size;
    // Deviations from the median of a sorted array merge from the middle outwards in sorted order.
    let left = lowerBound(this.items, n, centre) - 1;
    let right = left + 1;
    for (let k = 0; k < n; k++) {
      const dl = left >= 0 ? centre - this.items[left] : Infinity;
      const dr = right < n ? this.items[right] - centre : Infinity;
      if (dl <= dr) {
        scratch[k] = dl;
        left--;
      } else {
        scratch[k] = dr;
        right++;
      }
    }
    const h = (n - 1) * 0.5;
    const lo = Math.floor(h);
    return scratch[lo] + (h - lo) * (scratch[Math.min(n - 1, lo + 1)] - scratch[lo]);
  }
}

/** First index of items[0..size) (sorted) whose value is not below `value`. */
export function lowerBound(items: Float64Array, size: number, value: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Replaces `outgoing` (present in it: no NaN) by `incoming` in the sorted window `sorted`, in one
 * shift between their places: for a rolling median of about ten values this is several times
 * cheaper than copying the window and selecting its median afresh at every point.
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
