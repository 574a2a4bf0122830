import type { Principal } from '../catalog/access.js';
import type { PartitionInfo } from '../datasets/partitioning.js';
import { listPartitions } from '../flow/partitions/partitions-service.js';
import type { Workspace } from '../workspace/workspace.js';
import type { CheckOutcome } from './check-type.js';
import { worstOutcome } from './evaluate.js';
import { QualityStore } from './quality-store.js';

/** The last check run of one partition: its worst outcome and the checks that did not pass. */
export interface PartitionChecks {
  outcome: CheckOutcome;
  runAt: string;
  failed: { check: string; outcome: Exclude<CheckOutcome, 'OK'>; message: string }[];
}

/**
 * A partitioned dataset's partitions (see `listPartitions`), each with the outcome of the checks
 * run on it after its last build (no `checks` when none ran).
 */
export async function listPartitionsWithChecks(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dataset: string,
): Promise<(PartitionInfo & { checks?: PartitionChecks })[]> {
  const partitions = await listPartitions(ws, principal, projectKey, dataset);
  const results = await new QualityStore(ws).latestPartitionResults(projectKey, dataset);
  return partitions.map((p) => {
    const last = results.get(p.id);
    if (!last?.length) return p;
    const failed = last.flatMap((r) =>
      r.outcome === 'OK' ? [] : [{ check: r.check, outcome: r.outcome, message: r.message }],
    );
    return { ...p, checks: { outcome: worstOutcome(last.map((r) => r.outcome)), runAt: last[0].runAt, failed } };
  });
}
