/** Display helpers shared by the pages. */
import { formatTypedNumber } from '../../../src/common/number-format.js';

// The server's rule for numbers by column type, shared with the CLI; the API's JSON keeps full precision.
export { formatTypedNumber, significantDigits } from '../../../src/common/number-format.js';

const numberFormat = new Intl.NumberFormat('en-US');

/**
 * The API client keeps integers past ±2^53 as their digits (see parseLongIntegersAsText): a
 * BIGINT's count or extreme, or a DOUBLE mean that large, arrives as text; its digits are grouped
 * as they are.
 */
type Numeric = number | string | null | undefined;
const groupedDigits = (digits: string) => numberFormat.format(BigInt(digits));

export function formatCount(n: Numeric): string {
  if (typeof n === 'string') return /^-?\d+$/.test(n) ? groupedDigits(n) : n;
  return n === null || n === undefined ? '—' : numberFormat.format(n);
}

export function formatNumber(n: Numeric, digits = 3): string {
  if (typeof n === 'string') return /^-?\d+$/.test(n) ? groupedDigits(n) : n;
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  if (Number.isInteger(n)) return numberFormat.format(n);
  return Number(n.toPrecision(digits + 2)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** 1234 ms → `1.2 s`; 75_000 → `1 min 15 s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s % 60);
  if (m < 60) return rest ? `${m} min ${rest} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/** `mm:ss` (or `h:mm:ss`), as in the observatory's monitoring view. */
export function formatClock(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  // Sub-second runs would all read 00:00.
  if (ms < 10_000) return `00:${(ms / 1000).toFixed(1).padStart(4, '0')}`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (x: number) => String(x).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/**
 * The one date-and-time format of the UI: the reader's locale (the browser's language), their
 * time zone, and its name shown, so a time copied into a message or a ticket is unambiguous.
 */
export function formatDateTime(iso: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
    timeZone,
  });
}

/** A day in the reader's locale, for dates older than a month. */
export function formatDate(iso: string, locale?: string, timeZone?: string): string {
  return new Date(iso).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone });
}

/** `3 min ago`, `yesterday`, or the date. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 2 * 86400) return 'yesterday';
  if (s < 30 * 86400) return `${Math.round(s / 86400)} days ago`;
  return formatDate(iso);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A distinct count, marked `≈` when it is an estimate. */
export function formatDistinct(n: number, approximate: boolean): string {
  return `${approximate ? '≈' : ''}${formatCount(n)}`;
}

/** A cell value for the grid: null shown apart, numbers by their column type, objects as JSON. */
export function formatCell(v: unknown, type?: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatTypedNumber(v, type);
  return scalarText(v);
}

/** A value as text: strings as they are, booleans and big integers plainly, anything else (objects) as JSON. */
export function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '';
}

export const plural = (n: number, word: string, many = word + 's') => `${formatCount(n)} ${n === 1 ? word : many}`;
