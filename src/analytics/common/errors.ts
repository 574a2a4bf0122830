/**
 * Raised for input the analytics functions cannot work with (empty series, non-finite
 * values, a minimum segment longer than the series…). The analytics module imports
 * nothing from the rest of Llano, so callers translate this into their own error type.
 */
export class AnalyticsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalyticsInputError';
  }
}

/** Copies `values` into a Float64Array, rejecting NaN and ±Infinity with the first bad index. */
export function finiteSeries(values: ArrayLike<number>, what = 'series'): Float64Array {
  const out = values instanceof Float64Array ? values : Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new AnalyticsInputError(
        `${what} has a non-finite value (${out[i]}) at index ${i}; remove or impute missing values first`,
      );
    }
  }
  return out;
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInteger(value: number, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AnalyticsInputError(`${name} must be an integer between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a finite number in [min, max]. */
export function checkNumber(value: number, name: string, min = -Infinity, max = Infinity): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new AnalyticsInputError(`${name} must be a finite number between ${min} and ${max}, got ${value}`);
  }
  return value;
}
