/**
 * Numbers as their column type means them, for people to read: one rule for the CLI tables
 * (src/cli/number-format.ts) and the web UI (web/src/lib/format.ts), which imports this file, so
 * it must stay free of Node modules. Machine output (`--json`, the API) keeps full precision.
 */

/** Significant digits a floating-point column type holds: FLOAT/REAL (32-bit) about 7, DOUBLE 15. */
export function significantDigits(type?: string): number {
  return /^(FLOAT|FLOAT4|REAL)$/i.test((type ?? '').trim()) ? 7 : 15;
}

/**
 * A mean or deviation of `count` values of a column, without the noise of its summation: adding
 * n doubles can lose about log10(n) of the type's digits (`125.385162000001` for the mean of
 * values with six decimals), so that many fewer are shown, never fewer than 6.
 */
export function formatAggregateNumber(n: number, type: string | undefined, count: number): string {
  if (!Number.isFinite(n) || Number.isInteger(n)) return String(n);
  const digits = Math.max(6, significantDigits(type) - Math.ceil(Math.log10(Math.max(count, 1))));
  return String(Number(n.toPrecision(digits)));
}

/**
 * A number as its column type means it: without binary noise (`100.00000000000001` in a DOUBLE
 * is 100, `25.100000381469727` in a FLOAT is 25.1), a DECIMAL(p, s) with its s decimals.
 */
export function formatTypedNumber(n: number, type?: string): string {
  if (!Number.isFinite(n) || Number.isInteger(n)) return String(n);
  const decimal = /^(DECIMAL|NUMERIC)\(\s*\d+\s*,\s*(\d+)\s*\)$/i.exec((type ?? '').trim());
  if (decimal && Math.abs(n) < 1e15) return n.toFixed(Number(decimal[2]));
  return String(Number(n.toPrecision(significantDigits(type))));
}
