import type { Command } from 'commander';
import type { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { openClient, type ApiClient, type ClientOptions } from './client.js';
import { formatCell, formatJson, formatTable, type CliIo } from './io.js';

/** Global flags every command understands. */
export interface GlobalOptions {
  url?: string;
  token?: string;
  home?: string;
  json?: boolean;
  project?: string;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

/** Runs `fn` with an API client (HTTP or in-process), always closing it. */
export async function withClient<T>(
  io: CliIo,
  cmd: Command,
  fn: (client: ApiClient, opts: GlobalOptions) => Promise<T>,
  open: Pick<ClientOptions, 'replacesAdminPassword'> = {},
): Promise<T> {
  const opts = globals(cmd);
  const client = await openClient(io, { ...opts, ...open });
  try {
    return await fn(client, opts);
  } finally {
    await client.close();
  }
}

/** Commander's collector for a repeatable option (`--set a=1 --set b=2`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The project from `--project` or `LLANO_PROJECT`. */
export function projectOf(io: CliIo, opts: GlobalOptions): string {
  const key = opts.project ?? io.env.LLANO_PROJECT;
  if (!key) throw badRequest('Name the project with --project KEY (or LLANO_PROJECT)');
  return encodeURIComponent(key);
}

/** Prints JSON with --json, otherwise a table of the chosen columns; `T` is the item the API answers (not checked). */
export function print<T>(
  io: CliIo,
  opts: GlobalOptions,
  value: unknown,
  table?: { columns: string[]; rows: (v: T) => unknown[] },
): void {
  if (opts.json || !table) {
    io.out(formatJson(value));
    return;
  }
  const items: unknown[] = Array.isArray(value) ? value : [value];
  io.out(
    formatTable(
      table.columns,
      items.map((item) => table.rows(item as T)),
    ),
  );
}

/** Prints an object as aligned `key: value` lines. */
export function printRecord(io: CliIo, opts: GlobalOptions, value: Record<string, unknown>): void {
  if (opts.json) {
    io.out(formatJson(value));
    return;
  }
  const width = Math.max(...Object.keys(value).map((k) => k.length));
  for (const [k, v] of Object.entries(value)) {
    io.out(`${k.padEnd(width)}  ${formatCell(v)}\n`);
  }
}

export const enc = encodeURIComponent;

const flagName = (path: string) => `--${path.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;

/** Validates a command's flags with zod; each problem names its flag (`--time-column: …`). */
export function parseFlags<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  return parseOr400(schema, raw, 'flags', { prefix: '', field: flagName });
}
