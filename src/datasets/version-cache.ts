import { workspaceSlot, type Workspace } from '../workspace/workspace.js';

/**
 * Answers computed from one dataset version (row counts of a filter, column statistics) never
 * change for that version: a new build or import makes a new version with a new id, so keys
 * that start with the version id are invalidated by the data changing, with nothing to clear.
 * Bounded: the least recently used entries go first.
 */
// A chart tile takes two (its rows, and its answer that shares them: src/insights/insight-data.ts).
const ENTRIES = 1000;

class VersionCache {
  /** Promises, so concurrent readers of the same answer share one computation. Map order is recency. */
  private readonly entries = new Map<string, Promise<unknown>>();

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit as Promise<T>;
    }
    const p = compute();
    this.entries.set(key, p);
    // A failure (a bad filter value, an interrupted query) is not an answer: the next call tries again.
    p.catch(() => {
      if (this.entries.get(key) === p) this.entries.delete(key);
    });
    while (this.entries.size > ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return p;
  }
}

const cacheOf = workspaceSlot('datasets.version-cache', () => new VersionCache());

const cancelledByItsClient = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'query_cancelled';

/**
 * The answer cached for `versionId` under `what`, computing it on the first call. A reader that
 * shared a computation another reader started, and that reader went away (its query cancelled),
 * computes it again for itself unless its own `signal` was aborted too.
 */
export async function cachedForVersion<T>(
  ws: Workspace,
  versionId: string,
  what: string,
  compute: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await cacheOf(ws).get(`${versionId}\n${what}`, compute);
    } catch (error) {
      if (!cancelledByItsClient(error) || signal?.aborted || attempt >= 3) throw error;
    }
  }
}
