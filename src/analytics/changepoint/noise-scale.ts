import { MAD_TO_SD, medianAndMad, medianInPlace } from '../common/order-statistics.js';

/** Relative size below which a difference of doubles is rounding error. */
const ROUNDING = 1e-9;

/**
 * Robust noise standard deviation of a series with level shifts: the MAD of first
 * differences, scaled by 1.4826/√2. Differencing removes the shifts (each only spoils one
 * difference) and the MAD ignores outliers. Falls back to the plain standard deviation of
 * the differences, then of the values, when more than half the differences are zero
 * (quantised or constant data); returns 1 for a constant series so callers never divide by 0.
 * `scratch` (at least n − 1 long) avoids allocating the differences.
 */
export function robustNoiseScale(data: Float64Array, scratch?: Float64Array): number {
  const n = data.length;
  if (n < 3) return 1;
  const diffs = scratch !== undefined && scratch.length >= n - 1 ? scratch : new Float64Array(n - 1);
  let finite = true;
  let largest = 0;
  for (let i = 1; i < n; i++) {
    const d = data[i] - data[i - 1];
    diffs[i - 1] = d;
    if (!Number.isFinite(d)) finite = false;
    else if (Math.abs(d) > largest) largest = Math.abs(d);
  }
  // The MAD ignores non-finite differences; without any, it can work on the differences in place.
  const mad = finite ? madInPlace(diffs, n - 1) : medianAndMad(diffs.subarray(0, n - 1)).mad;
  // A MAD that is rounding error (0.1 + 0.1 − 0.2 ≠ 0 in doubles) is a MAD of 0: quantised or
  // periodic values, most differences equal. Taken at face value (1e-16) it made every point an
  // outlier to clip and every wiggle a change.
  if (mad > ROUNDING * largest) return (MAD_TO_SD * mad) / Math.SQRT2;
  for (let i = 1; i < n; i++) diffs[i - 1] = data[i] - data[i - 1];
  const fromDiffs = standardDeviation(diffs, 0, n - 1) / Math.SQRT2;
  if (fromDiffs > 0) return fromDiffs;
  const fromValues = standardDeviation(data);
  return fromValues > 0 ? fromValues : 1;
}

/** Raw median absolute deviation of `a[0..n)` (reorders and overwrites it). */
function madInPlace(a: Float64Array, n: number): number {
  const m = medianInPlace(a, n);
  for (let i = 0; i < n; i++) a[i] = Math.abs(a[i] - m);
  return medianInPlace(a, n);
}

/** Sample standard deviation (n − 1 denominator); 0 for fewer than two values. */
export function standardDeviation(values: ArrayLike<number>, start = 0, end = values.length): number {
  const n = end - start;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = start; i < end; i++) mean += values[i];
  mean /= n;
  let ss = 0;
  for (let i = start; i < end; i++) ss += (values[i] - mean) * (values[i] - mean);
  return Math.sqrt(ss / (n - 1));
}
