import { openSync, readFileSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { HOST, ownerIsDead } from '../../workspace/process-liveness.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * Two servers on one catalog (and one home) may both be asked to build an environment's
 * packages: a lock file in the environment's folder lets one build while the other waits, then
 * finds the result. A lock whose process is gone (this host), or older than `staleMs` (another
 * host's, which cannot be seen), is taken over.
 */
export async function withBuildLock<T>(
  ws: Workspace,
  root: string,
  staleMs: number,
  fn: (waited: boolean) => Promise<T>,
): Promise<T> {
  const file = path.join(root, 'build.lock');
  let waited = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ owner: ws.processId, host: HOST }));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (lockIsStale(file, staleMs)) {
      rmSync(file, { force: true });
      continue;
    }
    waited = true;
    await new Promise((r) => setTimeout(r, 500));
  }
  try {
    return await fn(waited);
  } finally {
    rmSync(file, { force: true });
  }
}

function lockIsStale(file: string, staleMs: number): boolean {
  try {
    const { owner, host } = JSON.parse(readFileSync(file, 'utf8')) as { owner?: string; host?: string };
    if (ownerIsDead(owner ?? null, host ?? null)) return true;
    return Date.now() - statSync(file).mtimeMs > staleMs;
  } catch {
    // Being written (empty), or removed meanwhile: look again shortly.
    return false;
  }
}
