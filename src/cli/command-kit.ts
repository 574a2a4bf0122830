import type { Command } from 'commander';
import { badRequest } from '../common/errors.js';
import { openClient, type ApiClient } from './client.js';
import { formatJson, formatTable, type CliIo } from './io.js';
import { formatTypedNumber } from './number-format.js';

/** Global flags every command understands. */
export interface GlobalOptions {
  url?: string;
  token?: string;
  home?: string;
  json?: boolean;
  project?: string;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** Runs `fn` with an API client (HTTP or in-process), always closing it. */
export async function withClient<T>(io: CliIo, cmd: Command, fn: (client: ApiClient, opts: GlobalOptions) => Promise<T>): Promise<T> {
  const opts = globals(cmd);
  const client = await openClient(io, opts);
  try {
    return await fn(client, opts);
  } finally {
    await client.close();
  }
}

/** The project from `--project` or `LLANO_PROJECT`. */
export function projectOf(io: CliIo, opts: GlobalOptions): string {
  const key = opts.project ?? io.env.LLANO_PROJECT;
  if (!key) throw badRequest('Name the project with --project KEY (or LLANO_PROJECT)');
  return encodeURIComponent(key);
}

/** Prints JSON with --json, otherwise a table of the chosen columns. */
export function print(io: CliIo, opts: GlobalOptions, value: unknown, table?: { columns: string[]; rows: (v: any) => unknown[] }): void {
  if (opts.json || !table) {
    io.out(formatJson(value));
    return;
  }
  const items = Array.isArray(value) ? value : [value];
  io.out(formatTable(table.columns, items.map(table.rows)));
}

/** Prints an object as aligned `key: value` lines. */
export function printRecord(io: CliIo, opts: GlobalOptions, value: Record<string, unknown>): void {
  if (opts.json) {
    io.out(formatJson(value));
    return;
  }
  const width = Math.max(...Object.keys(value).map((k) => k.length));
  for (const [k, v] of Object.entries(value)) {
    io.out(`${k.padEnd(width)}  ${v === null || v === undefined ? '' : typeof v === 'number' ? formatTypedNumber(v) : typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`);
  }
}

export const enc = encodeURIComponent;
