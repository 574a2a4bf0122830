import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { HOST, ownerIsDead } from './process-liveness.js';

/**
 * Temporary files of one process under a shared LLANO_HOME: each process writes in its own
 * folder `tmp/<host>-<pid>-<start ms>/`, so that a server starting (or a CLI command) never
 * deletes an upload another live server is still writing. Leftovers of crashed processes are
 * swept by whoever starts next on the same host; folders of other hosts are left to their own
 * host, which alone can tell whether their process is alive.
 */

/** A host name as it may appear in a folder name. */
const hostPart = (host: string) => host.replace(/[^A-Za-z0-9._]/g, '_');

/** `<host>-<pid>-<start ms>`: the host part never contains '-' (see `hostPart`). */
const PROCESS_FOLDER = /^([A-Za-z0-9._]+)-(\d+-\d+)$/;

/** Entries of an earlier layout (loose files in tmp/) are removed once untouched this long. */
const LEGACY_GRACE_MS = 60 * 60 * 1000;

/** The folder of process `processId` (`<pid>-<start ms>`) under `tmpRoot`. */
export function processTmpDir(tmpRoot: string, processId: string): string {
  return path.join(tmpRoot, `${hostPart(HOST)}-${processId}`);
}

/**
 * Removes what dead processes of this host left under `tmpRoot`, and loose entries of an earlier
 * layout once old; returns the names removed. Folders of live processes and of other hosts stay.
 */
export function sweepDeadProcessTmp(tmpRoot: string, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(tmpRoot);
  } catch {
    return removed;
  }
  for (const name of names) {
    const full = path.join(tmpRoot, name);
    const m = PROCESS_FOLDER.exec(name);
    let remove: boolean;
    if (m) remove = m[1] === hostPart(HOST) && ownerIsDead(m[2], HOST);
    else {
      try {
        remove = now - statSync(full).mtimeMs > LEGACY_GRACE_MS;
      } catch {
        remove = false;
      }
    }
    if (!remove) continue;
    rmSync(full, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Creates this process's folder (after sweeping dead ones' leftovers) and returns its path. */
export function openProcessTmp(tmpRoot: string, processId: string): string {
  mkdirSync(tmpRoot, { recursive: true });
  sweepDeadProcessTmp(tmpRoot);
  const dir = processTmpDir(tmpRoot, processId);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes this process's folder when it closes its workspace: nothing in it outlives the process. */
export function closeProcessTmp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
