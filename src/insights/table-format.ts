/**
 * Number formats and conditional colours of table insights, shared by the web UI and the
 * server-side export so a table reads the same in both. Node-free: the web UI imports it.
 */
import type { TableSpec } from './insight-types.js';

/**
 * Formats a value with a spreadsheet-like pattern: `0` (integer), `0.00` (two decimals), `#,##0.0`
 * (thousands separators), `0%` / `0.0%` (a share shown as per cent), `0.00e0` (scientific).
 * A value that is not a number, or an unknown pattern, is shown as it is.
 */
export function formatCell(value: unknown, pattern?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : NaN;
  const parsed = pattern ? /^(#,##)?0(?:\.(0+))?(%|e0)?$/i.exec(pattern.trim()) : null;
  if (Number.isNaN(n) || !parsed) return plain(value);
  const [, grouped, decimals = '', suffix] = parsed;
  const digits = decimals.length;
  if (suffix?.toLowerCase() === 'e0') return n.toExponential(digits);
  const scaled = suffix === '%' ? n * 100 : n;
  const text = scaled.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: Boolean(grouped),
  });
  return suffix === '%' ? `${text} %` : text;
}

/**
 * A value with no format: text as it is; booleans, big integers and whole numbers as JavaScript
 * writes them; other numbers to six significant digits (never fewer than the whole part), as a
 * spreadsheet's General format: a computed mean is 29.9888, not 29.988810624535542.
 */
function plain(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return plainNumber(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return '';
}

const SIGNIFICANT = 6;

function plainNumber(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) return n.toString();
  // Never fewer digits than the whole part has; Number() drops trailing zeros.
  const whole = Math.abs(n) >= 1 ? Math.floor(Math.log10(Math.abs(n))) + 1 : 0;
  return Number(n.toPrecision(Math.max(SIGNIFICANT, whole))).toString();
}

/** The colour of a cell by the table's conditional rules (the last matching rule wins), or undefined. */
export function cellColor(column: string, value: unknown, rules: TableSpec['highlight'] = []): string | undefined {
  const n = typeof value === 'number' ? value : Number(value);
  if (value === null || value === undefined || Number.isNaN(n)) return undefined;
  let color: string | undefined;
  for (const rule of rules) {
    if (rule.column !== column) continue;
    const hit = rule.op === 'gt' ? n > rule.value : rule.op === 'lt' ? n < rule.value : n === rule.value;
    if (hit) color = rule.color;
  }
  return color;
}
