/** Where the CLI writes. Tests pass their own to capture output without spawning a process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal: tables and progress bars for people, plain lines otherwise. */
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** All of standard input (for secrets passed on stdin). */
  readStdin(): Promise<string>;
  /** Asks for a secret on the terminal without echo; null when stdin is not a terminal. */
  promptSecret(question: string): Promise<string | null>;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTty: Boolean(process.stdout.isTTY),
  env: process.env,
  cwd: process.cwd(),
  // Loaded on use: few commands read stdin.
  readStdin: async () => (await import('./prompt.js')).readAllStdin(),
  promptSecret: async (question) => (await import('./prompt.js')).promptSecret(question),
};

/** Renders rows as an aligned text table for people. */
export function formatTable(columns: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const text = rows.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...text.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n') + '\n';
}

export function formatJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v), 2) + '\n';
}
