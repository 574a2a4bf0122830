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

/**
 * Median of `a[0..n)` (reorders it; `n` defaults to the whole array); NaN when n = 0: quickselect
 * among the values of a band around the middle ({@link selectBand}; the whole array when small or
 * when the band misses). Any correct selection gives the same median, so the result never depends
 * on which way was taken.
 */
export function medianInPlace(a: Float64Array, n = a.length): number {
  if (n === 0) return NaN;
  const upperRank = n >> 1;
  const { below, inside } = selectBand(a, n, n % 2 === 1 ? upperRank : upperRank - 1, upperRank);
  const upper = selectKth(a, inside, upperRank - below);
  if (n % 2 === 1) return upper;
  return (maxOf(a, upperRank - below) + upper) / 2;
}

/** Largest of a[0..n) (−∞ when n = 0): the lower middle value once a[n] holds the upper one. */
function maxOf(a: Float64Array, n: number): number {
  let largest = -Infinity;
  for (let i = 0; i < n; i++) if (a[i] > largest) largest = a[i];
  return largest;
}

/** Fewest values for a band ({@link selectBand}): below about 1,000 the sample costs more than it saves (measured). */
const BAND_MIN = 1024;
/** Most values in the band's sample. */
const BAND_SAMPLE = 512;
/** Half-width of the band in standard deviations of a sample rank (misses about 1 in 2,000 random arrays). */
const BAND_REACH = 3.5;
const bandSample = new Float64Array(BAND_SAMPLE);

/** Where {@link selectBand} put the values of its band: a[0..inside), with `below` values of the array under it. */
export interface Band {
  below: number;
  inside: number;
}

/**
 * Moves the values of a[0..n) that lie in a band around ranks `first` … `last` to a[0..inside)
 * and counts those below it, so that rank r of the array, for r in first … last, is rank
 * r − below of a[0..inside): two order statistics of an evenly spaced sample bound the band, and
 * one pass without a branch on the values does the rest, where a quickselect partition
 * mispredicts about every other swap and visits ~1.5 n values (on arrays an earlier selection
 * left in order, the absolute deviations for a MAD, twice that again). The values are only
 * permuted, so when the band misses a rank (an unlucky sample, or data periodic at the sample's
 * spacing), or the array is too short to gain, the band is the whole array: { below: 0, inside: n }.
 */
export function selectBand(a: Float64Array, n: number, first: number, last: number): Band {
  const whole = { below: 0, inside: n };
  if (n < BAND_MIN) return whole;
  const s = Math.min(BAND_SAMPLE, n >> 3);
  const step = n / s;
  for (let j = 0; j < s; j++) bandSample[j] = a[Math.floor((j + 0.5) * step)];
  const reach = Math.ceil(BAND_REACH * 0.5 * Math.sqrt(s));
  const lowRank = Math.floor((first / n) * s) - reach;
  const highRank = Math.ceil((last / n) * s) + reach;
  if (lowRank < 0 && highRank >= s) return whole;
  const low = lowRank >= 0 ? selectKth(bandSample, s, lowRank) : -Infinity;
  let high = Infinity;
  if (highRank < s) {
    selectInRange(bandSample, Math.max(0, lowRank), s - 1, highRank);
    high = bandSample[highRank];
  }
  let below = 0;
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    below += +(x < low);
    // Every value goes to a[inside], which only a value in the band moves on from: those out of
    // it are swapped among themselves, past the band's end.
    a[i] = a[inside];
    a[inside] = x;
    inside += +(x >= low) & +(x <= high);
  }
  if (first - below < 0 || last - below >= inside) return whole;
  return { below, inside };
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
 * Median of `data[start..end)` without sorting the whole range: {@link medianInPlace} on a
 * scratch copy, so the input is untouched. Expected O(length).
 */
export function rangeMedian(data: Float64Array, start: number, end: number, scratch: Float64Array): number {
  const n = end - start;
  for (let i = 0; i < n; i++) scratch[i] = data[start + i];
  return medianInPlace(scratch, n);
}

/** Rearranges `a[0..n)` so that `a[k]` holds the k-th smallest value, smaller ones before it; returns it. */
export function selectKth(a: Float64Array, n: number, k: number): number {
  selectInRange(a, 0, n - 1, k);
  return a[k];
}

/** Above this many values a range's pivot is selected from a sample of it (Floyd & Rivest 1975). */
const SAMPLED_PIVOT = 600;

/**
 * Swaps values spread evenly over a[lo..lo+size) into a[from..to], the sub-range whose k-th value
 * becomes the pivot. Floyd–Rivest takes that sub-range as a random sample, which it is not in an
 * array a selection has already partitioned (a second rank selected in the same array) or one
 * written in a structured order (slopes listed pair after pair): there its values sit far from
 * the k-th of the whole range, and a selection passed over the array 3–5 times instead of ~1.5.
 * Only values inside the range move, so the selected value is the same either way.
 */
function gatherSample(a: Float64Array, lo: number, size: number, from: number, to: number): void {
  const step = size / (to - from + 1);
  for (let j = 0; from + j <= to; j++) {
    const at = lo + Math.floor(j * step);
    const v = a[from + j];
    a[from + j] = a[at];
    a[at] = v;
  }
}

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
      gatherSample(a, lo, size, from, to);
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
