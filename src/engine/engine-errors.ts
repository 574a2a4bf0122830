import { basename } from 'node:path';
import { badRequest, LlanoError } from '../common/errors.js';

/**
 * DuckDB messages end with a "LINE 1: …" excerpt and a caret, CSV errors with pages of
 * "Possible fixes" and reader settings; users need the first sentence. Server-side paths
 * (upload folders, the workspace) are replaced by the file name.
 */
export function engineMessage(error: unknown, paths: readonly string[] = []): string {
  let message = error instanceof Error ? error.message : String(error);
  message = message.split(/\n\s*\nLINE \d+:|\nLINE \d+:/)[0];
  for (const path of paths) message = message.split(path).join(basename(path));
  return message.trim();
}

/** Wraps an engine failure as a 400 (LlanoErrors pass through untouched). */
export function engineError(error: unknown, paths: readonly string[] = [], prefix = ''): LlanoError {
  if (error instanceof LlanoError) return error;
  return badRequest(prefix + engineMessage(error, paths));
}
