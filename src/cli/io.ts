import { formatTypedNumber } from './number-format.js';

/** Where the CLI writes. Tests pass their own to capture output without spawning a process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal: tables and progress bars for people, plain lines otherwise. */
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTty: Boolean(process.stdout.isTTY),
  env: process.env,
  cwd: process.cwd(),
};

/** Renders rows as an aligned text table for people; numbers by their column's type when `types` is given. */
export function formatTable(columns: string[], rows: unknown[][], types: readonly string[] = []): string {
  const cell = (v: unknown, i: number) =>
    v === null || v === undefined ? '' : typeof v === 'number' ? formatTypedNumber(v, types[i]) : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const text = rows.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...text.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n') + '\n';
}

export function formatJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v), 2) + '\n';
}
