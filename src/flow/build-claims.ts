import { JOB_OPEN_STATUSES, isOneOf } from '../catalog/statuses.js';
import { nowIso } from '../common/ids.js';
import type { OwnedWork } from '../workspace/process-liveness.js';
import type { Workspace } from '../workspace/workspace.js';

/** The job that holds a dataset a build wants to write, with what tells whether its process is alive. */
export interface ClaimHolder extends OwnedWork {
  jobId: string;
  dataset: string;
}

const CLAIMS_PER_INSERT = 500;

/** Thrown inside the claim transaction to roll back the rows already inserted. */
class ClaimLost extends Error {}

/**
 * Claims the datasets a build job writes, all or none, in the catalog (`build_claims`, one row
 * per dataset): across every server of the catalog, one job at a time writes a dataset, so a
 * slow build cannot end after (and over) a newer one. Claims of jobs that have ended (recovery
 * failed them, or their process stopped before releasing) are cleared on the way. Returns null
 * once claimed, or the job holding one of the datasets.
 */
export async function claimOutputs(
  ws: Workspace,
  projectKey: string,
  jobId: string,
  datasets: string[],
): Promise<ClaimHolder | null> {
  const wanted = [...new Set(datasets)].sort();
  if (wanted.length === 0) return null;
  for (;;) {
    const holder = await liveHolder(ws, projectKey, jobId, wanted);
    if (holder) return holder;
    try {
      const claimedAt = nowIso();
      await ws.catalog.db.transaction().execute(async (trx) => {
        // A few hundred rows per statement (SQLite binds at most 32766 parameters): a build of many recipes claims at once.
        for (let i = 0; i < wanted.length; i += CLAIMS_PER_INSERT) {
          const slice = wanted.slice(i, i + CLAIMS_PER_INSERT);
          const inserted = await trx
            .insertInto('build_claims')
            .values(
              slice.map((dataset) => ({ project_key: projectKey, dataset, job_id: jobId, claimed_at: claimedAt })),
            )
            .onConflict((oc) => oc.columns(['project_key', 'dataset']).doNothing())
            .executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows) !== slice.length) throw new ClaimLost();
        }
      });
      return null;
    } catch (error) {
      // Another job claimed one in between: the next look finds it (or, if it is gone already, claims).
      if (!(error instanceof ClaimLost)) throw error;
    }
  }
}

/** The open job, other than `jobId`, holding one of `datasets`; drops claims of jobs that ended. */
async function liveHolder(
  ws: Workspace,
  projectKey: string,
  jobId: string,
  datasets: string[],
): Promise<ClaimHolder | null> {
  const db = ws.catalog.db;
  const held = await db
    .selectFrom('build_claims')
    .leftJoin('jobs', 'jobs.id', 'build_claims.job_id')
    .select([
      'build_claims.dataset',
      'build_claims.job_id',
      'jobs.status',
      'jobs.owner',
      'jobs.owner_host',
      'jobs.heartbeat_at',
      'jobs.started_at',
      'jobs.created_at',
    ])
    .where('build_claims.project_key', '=', projectKey)
    .where('build_claims.dataset', 'in', datasets)
    .where('build_claims.job_id', '!=', jobId)
    .execute();
  let live: ClaimHolder | null = null;
  for (const h of held) {
    if (h.status !== null && isOneOf(JOB_OPEN_STATUSES, h.status)) {
      live ??= { ...h, jobId: h.job_id };
      continue;
    }
    await db
      .deleteFrom('build_claims')
      .where('project_key', '=', projectKey)
      .where('dataset', '=', h.dataset)
      .where('job_id', '=', h.job_id)
      .execute();
  }
  return live;
}

/** Releases every dataset `jobId` claimed (its job ended, however). */
export async function releaseClaims(ws: Workspace, jobId: string): Promise<void> {
  await ws.catalog.db.deleteFrom('build_claims').where('job_id', '=', jobId).execute();
}

/** How often a build waiting for another job's claim looks again. */
const CLAIM_POLL_MS = 200;

/**
 * Waits until `jobId` holds all of `datasets` (true), or until `aborted()` says stop (false).
 * When the holder's process is gone, `recover` (recovery of interrupted builds) fails its job,
 * which frees its claim, so a build never waits on a dead server.
 */
export async function waitForClaims(
  ws: Workspace,
  job: { projectKey: string; jobId: string; datasets: string[] },
  hooks: {
    aborted(): boolean;
    onWait(holder: ClaimHolder): Promise<void>;
    recover(): Promise<unknown>;
  },
): Promise<boolean> {
  let waitingFor: string | null = null;
  for (;;) {
    const holder = await claimOutputs(ws, job.projectKey, job.jobId, job.datasets);
    if (!holder) return true;
    if (hooks.aborted()) return false;
    if (holder.jobId !== waitingFor) {
      waitingFor = holder.jobId;
      await hooks.onWait(holder).catch(() => undefined);
    }
    if (ws.liveness.abandoned(holder)) await hooks.recover();
    await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
  }
}
