import { formatTypedNumber } from './number-format.js';

/** Where the CLI writes. Tests pass their own to capture output without spawning a process. */
export interface CliIo {
  out(text: string): void;
  /** Bytes as they are (a Parquet or Arrow download on stdout); without it they go through `out` as text. */
  outBytes?(chunk: Uint8Array): void;
  err(text: string): void;
  /** True when stdout is a terminal: tables and progress bars for people, plain lines otherwise. */
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** All of standard input (for secrets passed on stdin). */
  readStdin(): Promise<string>;
  /** Asks for a secret on the terminal without echo; null when stdin is not a terminal. */
  promptSecret(question: string): Promise<string | null>;
  /** Asks a question on the terminal (the answer echoed); null when stdin is not a terminal. */
  promptLine(question: string): Promise<string | null>;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  outBytes: (chunk) => process.stdout.write(chunk),
  err: (t) => process.stderr.write(t),
  isTty: Boolean(process.stdout.isTTY),
  env: process.env,
  cwd: process.cwd(),
  // Loaded on use: few commands read stdin.
  readStdin: async () => (await import('./prompt.js')).readAllStdin(),
  promptSecret: async (question) => (await import('./prompt.js')).promptSecret(question),
  promptLine: async (question) => (await import('./prompt.js')).promptLine(question),
};

/** Renders rows as an aligned text table for people; numbers by their column's type when `types` is given. */
export function formatTable(columns: string[], rows: unknown[][], types: readonly string[] = []): string {
  const text = rows.map((r) => r.map((v, i) => formatCell(v, types[i])));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...text.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n') + '\n';
}

export function formatJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2) + '\n';
}

/** A value as a table cell or a record line: empty for null, JSON for objects and lists. */
export function formatCell(v: unknown, type?: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  // Numbers without float noise, by their column's type when known; --json keeps full precision.
  if (typeof v === 'number') return formatTypedNumber(v, type);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  // Objects and lists; API values are never functions or symbols.
  return JSON.stringify(v) ?? '';
}
