import type { Lineage } from '../../datasets/dataset-types.js';
import { commitPartitions, type BuiltPartition } from '../../datasets/partition-store.js';
import type { Workspace } from '../../workspace/workspace.js';

/** At most this many partitions per version: keeps each statement's parameters well under SQLite's limit. */
const MAX_BATCH = 200;
/**
 * After a commit that took T ms, the next starts no sooner than GAP_FACTOR × T ms after it: a
 * commit copies the whole manifest (and retires the previous version's), so its cost grows with
 * the partitions, and committing each small partition alone would cost more than building it.
 * Commits then take at most about a fifth of the time, however fast partitions are built.
 */
const GAP_FACTOR = 4;
/** The longest a built partition waits for its commit because of the gap. */
const MAX_GAP_MS = 1000;

/**
 * Commits the built partitions of one dataset in one build, in batches: the partitions that
 * finish while a commit runs or during the gap after it wait, and the next commit takes them
 * all (one version, one copy of the manifest, one attempt update for the batch instead of one
 * per partition). Commits of a dataset never overlap. A failed batch rejects each of its
 * partitions' promises. `flush` ends the wait once no more partitions will come.
 */
export class PartitionCommitter {
  private queue: { built: BuiltPartition; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private draining = false;
  private timer: NodeJS.Timeout | null = null;
  /** When the next commit may start (performance.now() time). */
  private notBefore = 0;
  private flushing = false;

  constructor(
    private readonly ws: Workspace,
    private readonly lineage: Lineage,
  ) {}

  /** Settles once the partition is committed (or its batch failed). */
  commit(built: BuiltPartition): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ built, resolve, reject });
      this.schedule();
    });
  }

  /** Commits what waits without waiting for the gap: the build adds no more partitions. */
  flush(): void {
    this.flushing = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.draining || this.queue.length === 0) return;
    const wait =
      this.flushing || this.queue.length >= MAX_BATCH ? 0 : Math.min(MAX_GAP_MS, this.notBefore - performance.now());
    if (wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.schedule();
      }, wait);
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    const batch = this.queue.splice(0, MAX_BATCH);
    const started = performance.now();
    try {
      await commitPartitions(
        this.ws,
        batch.map((b) => b.built),
        this.lineage,
      );
      batch.forEach((b) => b.resolve());
    } catch (err) {
      batch.forEach((b) => b.reject(err));
    } finally {
      const ended = performance.now();
      this.notBefore = ended + GAP_FACTOR * (ended - started);
      this.draining = false;
      this.schedule();
    }
  }
}
