import { JOB_OPEN_STATUSES, RUN_OPEN_OUTCOMES } from '../catalog/statuses.js';
import { HOST, ownerIsDead } from '../workspace/process-liveness.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * Whether a process of this host that owns open work (a build job, a version being written, a
 * scenario run, a project import) has died. Cheap enough to ask every few seconds: one read of the owners
 * of open work on this host, then /proc reads, no heartbeat waits. The server's scheduler
 * runs recovery when it says so, so a crash on this host is recovered within seconds instead of
 * at the next once-a-minute pass.
 */
export async function deadOwnerOnThisHost(ws: Workspace): Promise<boolean> {
  const db = ws.catalog.db;
  // One round trip every few seconds: the owners of all four kinds of open work at once.
  const rows = await db
    .selectFrom('jobs')
    .select('owner')
    .where('status', 'in', JOB_OPEN_STATUSES)
    .where('owner_host', '=', HOST)
    .union(
      db.selectFrom('dataset_versions').select('owner').where('status', '=', 'building').where('owner_host', '=', HOST),
    )
    .union(
      db
        .selectFrom('scenario_runs')
        .select('owner')
        .where('outcome', 'in', RUN_OPEN_OUTCOMES)
        .where('owner_host', '=', HOST),
    )
    .union(db.selectFrom('project_imports').select('owner').where('owner_host', '=', HOST))
    .execute();
  const owners = new Set(rows.map((r) => r.owner).filter((o): o is string => o !== null));
  owners.delete(ws.processId);
  return [...owners].some((owner) => ownerIsDead(owner, HOST));
}
