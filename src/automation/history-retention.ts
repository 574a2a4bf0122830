import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import type { CatalogTables } from '../catalog/tables.js';
import { JOB_ENDED_STATUSES, RUN_FINAL_OUTCOMES } from '../catalog/statuses.js';
import type { Workspace } from '../workspace/workspace.js';

const DAY_MS = 86_400_000;
/** Ids deleted per transaction: a prune of a busy year never holds the catalog for long. */
const BATCH = 500;

export interface PrunedHistory {
  runs: number;
  jobs: number;
}

/**
 * Drops scenario runs and build jobs that ended more than LLANO_RUN_RETENTION_DAYS ago (0, the
 * default: keeps them all), with their steps, activities and logs. The scheduler calls it with
 * its periodic recovery pass, like the audit log's retention.
 */
export async function pruneRunHistory(ws: Workspace, nowMs: number): Promise<PrunedHistory> {
  const days = ws.config.runRetentionDays;
  if (!days) return { runs: 0, jobs: 0 };
  return pruneHistoryBefore(ws.catalog.db, new Date(nowMs - days * DAY_MS).toISOString());
}

/**
 * What is kept whatever its age: open runs and jobs; each scenario's latest ended run (its
 * last outcome is what monitoring and the scenario page show); jobs that built a version or a
 * partition still readable (their lineage links to them) or that hold a build claim.
 */
export async function pruneHistoryBefore(db: Kysely<CatalogTables>, beforeIso: string): Promise<PrunedHistory> {
  const runs = await inBatches(
    db,
    () =>
      db
        .selectFrom('scenario_runs as r')
        .select('r.id')
        .where('r.outcome', 'in', RUN_FINAL_OUTCOMES)
        .where('r.ended_at', '<', beforeIso)
        // Not the scenario's last ended run: a later one exists (ids are time-ordered, for equal times).
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('scenario_runs as l')
              .select('l.id')
              .whereRef('l.project_key', '=', 'r.project_key')
              .whereRef('l.scenario', '=', 'r.scenario')
              .where('l.outcome', 'in', RUN_FINAL_OUTCOMES)
              .where((w) =>
                w.or([
                  w('l.ended_at', '>', w.ref('r.ended_at')),
                  w.and([w('l.ended_at', '=', w.ref('r.ended_at')), w('l.id', '>', w.ref('r.id'))]),
                ]),
              ),
          ),
        ),
    async (trx, ids) => {
      await trx.deleteFrom('scenario_run_logs').where('run_id', 'in', ids).execute();
      await trx.deleteFrom('scenario_step_runs').where('run_id', 'in', ids).execute();
      await trx.deleteFrom('scenario_runs').where('id', 'in', ids).execute();
    },
  );
  const jobs = await inBatches(
    db,
    () =>
      db
        .selectFrom('jobs as j')
        .select('j.id')
        .where('j.status', 'in', JOB_ENDED_STATUSES)
        .where('j.ended_at', '<', beforeIso)
        .where((eb) =>
          eb.not(
            eb.or([
              eb.exists(
                eb
                  .selectFrom('dataset_versions as v')
                  .select('v.id')
                  .whereRef('v.job_id', '=', 'j.id')
                  .where('v.status', 'in', ['ready', 'building']),
              ),
              eb.exists(eb.selectFrom('partition_builds as p').select('p.job_id').whereRef('p.job_id', '=', 'j.id')),
              eb.exists(eb.selectFrom('build_claims as c').select('c.job_id').whereRef('c.job_id', '=', 'j.id')),
            ]),
          ),
        ),
    async (trx, ids) => {
      await trx.deleteFrom('job_logs').where('job_id', 'in', ids).execute();
      await trx.deleteFrom('job_activities').where('job_id', 'in', ids).execute();
      await trx.deleteFrom('jobs').where('id', 'in', ids).execute();
    },
  );
  return { runs, jobs };
}

/** Deletes what `candidates` selects, {@link BATCH} ids per transaction, until none is left; returns how many. */
async function inBatches(
  db: Kysely<CatalogTables>,
  candidates: () => SelectQueryBuilder<CatalogTables, never, { id: string }>,
  remove: (trx: Transaction<CatalogTables>, ids: string[]) => Promise<void>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = (await candidates().limit(BATCH).execute()).map((r) => r.id);
    if (ids.length > 0) await db.transaction().execute((trx) => remove(trx, ids));
    total += ids.length;
    if (ids.length < BATCH) return total;
  }
}
