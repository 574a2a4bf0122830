import { randomUUID } from 'node:crypto';
import type { WriteProgress } from '../engine/parquet-output.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';

/** The header by which the CLI's in-process client names a file it offered (see `offerLocalFile`). */
export const LOCAL_FILE_HEADER = 'x-llano-local-file';

/** A file of the local workspace's owner, imported where it lies. */
export interface LocalFile {
  path: string;
  onProgress?: (p: WriteProgress) => void;
}

/** Files offered by this process's CLI client, by one-time token. */
const offered = workspaceSlot('datasets.local-files', () => new Map<string, LocalFile>());

/**
 * Lets the upload route of this process's in-process server import `file` in place: a local
 * `llano dataset import` then costs one read of the file (DuckDB's) instead of streaming it
 * through multipart into a temporary copy first. The route only sees an opaque token, so no
 * request can name a path; only code of this process can offer one. Call `withdraw` when done.
 */
export function offerLocalFile(ws: Workspace, file: LocalFile): { token: string; withdraw: () => void } {
  const token = randomUUID();
  offered(ws).set(token, file);
  return { token, withdraw: () => void offered(ws).delete(token) };
}

/** The file offered under `token` (the header's value), or null when the request names none. */
export function offeredLocalFile(ws: Workspace, token: string | string[] | undefined): LocalFile | null {
  return typeof token === 'string' ? (offered(ws).get(token) ?? null) : null;
}
