import { basename } from 'node:path';
import { badRequest, LlanoError } from '../common/errors.js';

/**
 * DuckDB messages end with a "LINE 1: …" excerpt and a caret, CSV errors with pages of
 * "Possible fixes" and reader settings; users need the first sentence. Server-side paths
 * (upload folders, the workspace) are replaced by the file name, or by the name the user knows
 * the file by when given as `[path, name]` (an upload lands in a temporary file of its own name).
 */
export type ShownPath = string | readonly [path: string, name: string];

export function engineMessage(error: unknown, paths: readonly ShownPath[] = []): string {
  let message = error instanceof Error ? error.message : String(error);
  message = message.split(/\n\s*\nLINE \d+:|\nLINE \d+:/)[0];
  for (const entry of paths) {
    const [path, name] = typeof entry === 'string' ? [entry, basename(entry)] : entry;
    message = message.split(path).join(name);
  }
  return message.trim();
}

/** Wraps an engine failure as a 400 (LlanoErrors pass through untouched). */
export function engineError(error: unknown, paths: readonly ShownPath[] = [], prefix = ''): LlanoError {
  if (error instanceof LlanoError) return error;
  return badRequest(prefix + engineMessage(error, paths));
}

/**
 * Whether an error message is DuckDB refusing a file outside what a sandbox may read
 * (`read_csv('/etc/passwd')` in a preview or recipe: "Permission Error: Cannot access file …").
 * The answer stays a 400 (it is the SQL that is wrong), but the audit log records it as `denied`.
 */
export const isFileAccessRefusal = (message: string): boolean => /Permission Error: Cannot access /.test(message);
