/** Scale factor turning a median absolute deviation into a Gaussian standard deviation. */
export const MAD_TO_SD = 1.482602218505602;

/** Sorted copy of the finite values of `values` (NaN and ±Infinity are left out). */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) count++;
  const out = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out[k++] = values[i];
  return out.sort();
}

/**
 * Quantile of already sorted values with linear interpolation between order statistics
 * (Hyndman & Fan type 7, the default of R and numpy). NaN for an empty array.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Finite values of `values` in a new array, unsorted. */
function finiteCopy(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out[k++] = values[i];
  return k === out.length ? out : out.slice(0, k);
}

/** Median of `a[0..n)` by quickselect (reorders it; `n` defaults to the whole array); NaN when n = 0. */
export function medianInPlace(a: Float64Array, n = a.length): number {
  if (n === 0) return NaN;
  const upper = selectKth(a, n, n >> 1);
  if (n % 2 === 1) return upper;
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

/** Median of the finite values (NaN when there are none). Expected O(n) by quickselect. */
export function median(values: ArrayLike<number>): number {
  return medianInPlace(finiteCopy(values));
}

/** Median and raw median absolute deviation (not scaled) of the finite values, in expected O(n). */
export function medianAndMad(values: ArrayLike<number>): { median: number; mad: number } {
  const copy = finiteCopy(values);
  const m = medianInPlace(copy);
  for (let i = 0; i < copy.length; i++) copy[i] = Math.abs(copy[i] - m);
  return { median: m, mad: medianInPlace(copy) };
}

/**
 * Median of `data[start..end)` without sorting the whole range: Hoare quickselect on a
 * scratch copy, so the input is untouched. Expected O(length).
 */
export function rangeMedian(data: Float64Array, start: number, end: number, scratch: Float64Array): number {
  const n = end - start;
  for (let i = 0; i < n; i++) scratch[i] = data[start + i];
  const upper = selectKth(scratch, n, n >> 1);
  if (n % 2 === 1) return upper;
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (scratch[i] > lower) lower = scratch[i];
  return (lower + upper) / 2;
}

/** Rearranges `a[0..n)` so that `a[k]` holds the k-th smallest value, smaller ones before it; returns it. */
export function selectKth(a: Float64Array, n: number, k: number): number {
  selectInRange(a, 0, n - 1, k);
  return a[k];
}

/** Above this many values a range's pivot is selected from a sample of it (Floyd & Rivest 1975). */
const SAMPLED_PIVOT = 600;

/** selectKth within a[lo..hi] (k in it): smaller values before a[k], larger after, within the range. */
function selectInRange(a: Float64Array, lo: number, hi: number, k: number): void {
  while (lo < hi) {
    let pivot: number;
    if (hi - lo > SAMPLED_PIVOT) {
      // Floyd–Rivest: the k-th of a small sub-range around k, selected first, is so close to the
      // k-th of the whole range that one partition leaves only ~√ of it around k (≈ 1.5 comparisons
      // per value in all, against ~3 with a median of three).
      const size = hi - lo + 1;
      const i = k - lo + 1;
      const z = Math.log(size);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (size - s)) / size) * Math.sign(i - size / 2);
      const from = Math.max(lo, Math.floor(k - (i * s) / size + sd));
      const to = Math.min(hi, Math.floor(k + ((size - i) * s) / size + sd));
      selectInRange(a, from, to, k);
      pivot = a[k];
    } else {
      // The median of the first, middle and last values: the middle one alone degrades on
      // arrays that an earlier selection left ordered around their middle, e.g. the absolute
      // deviations from the median of the array just selected (a MAD took 4× a median).
      const first = a[lo];
      const middle = a[(lo + hi) >> 1];
      const last = a[hi];
      pivot =
        first < middle
          ? middle < last
            ? middle
            : first < last
              ? last
              : first
          : first < last
            ? first
            : middle < last
              ? last
              : middle;
    }
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
}
