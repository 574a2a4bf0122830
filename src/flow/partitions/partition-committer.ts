import type { Lineage } from '../../datasets/dataset-types.js';
import { commitPartitions, type BuiltPartition } from '../../datasets/partition-store.js';
import type { Workspace } from '../../workspace/workspace.js';

/** At most this many partitions per version: keeps each statement's parameters well under SQLite's limit. */
const MAX_BATCH = 200;

/**
 * Commits the built partitions of one dataset in one build, in batches: while a commit runs,
 * the partitions that finish wait, and the next commit takes them all (one version, one copy
 * of the manifest, one attempt update for the batch instead of one per partition). Commits of
 * a dataset never overlap. A failed batch rejects each of its partitions' promises.
 */
export class PartitionCommitter {
  private queue: { built: BuiltPartition; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private draining = false;

  constructor(
    private readonly ws: Workspace,
    private readonly lineage: Lineage,
  ) {}

  /** Settles once the partition is committed (or its batch failed). */
  commit(built: BuiltPartition): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ built, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await commitPartitions(
            this.ws,
            batch.map((b) => b.built),
            this.lineage,
          );
          batch.forEach((b) => b.resolve());
        } catch (err) {
          batch.forEach((b) => b.reject(err));
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
