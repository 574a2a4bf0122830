import { JOB_OPEN_STATUSES, RUN_OPEN_OUTCOMES } from '../catalog/statuses.js';
import { HOST, ownerIsDead } from '../workspace/process-liveness.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * Whether a process of this host that owns open work (a build job, a version being written, a
 * scenario run) has died. Cheap enough to ask every few seconds: three small reads of the
 * owners of open work on this host, then /proc reads, no heartbeat waits. The server's scheduler
 * runs recovery when it says so, so a crash on this host is recovered within seconds instead of
 * at the next once-a-minute pass.
 */
export async function deadOwnerOnThisHost(ws: Workspace): Promise<boolean> {
  const db = ws.catalog.db;
  const owners = new Set<string>();
  const add = (rows: { owner: string | null }[]) => rows.forEach((r) => r.owner && owners.add(r.owner));
  add(
    await db
      .selectFrom('jobs')
      .select('owner')
      .distinct()
      .where('status', 'in', JOB_OPEN_STATUSES)
      .where('owner_host', '=', HOST)
      .execute(),
  );
  add(
    await db
      .selectFrom('dataset_versions')
      .select('owner')
      .distinct()
      .where('status', '=', 'building')
      .where('owner_host', '=', HOST)
      .execute(),
  );
  add(
    await db
      .selectFrom('scenario_runs')
      .select('owner')
      .distinct()
      .where('outcome', 'in', RUN_OPEN_OUTCOMES)
      .where('owner_host', '=', HOST)
      .execute(),
  );
  owners.delete(ws.processId);
  return [...owners].some((owner) => ownerIsDead(owner, HOST));
}
