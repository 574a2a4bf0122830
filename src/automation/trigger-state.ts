import { sql } from 'kysely';
import type { TriggerFireStatus } from '../catalog/statuses.js';
import type { Workspace } from '../workspace/workspace.js';

type Db = Workspace['catalog']['db'];

export interface TriggerRef {
  projectKey: string;
  scenario: string;
  triggerKey: string;
}

export const triggerId = (t: TriggerRef): string => `${t.projectKey}/${t.scenario}/${t.triggerKey}`;

/**
 * Records that a trigger fired at `instant`. The primary key (scenario, trigger, instant) is
 * the lock between processes: the second insert of the same instant does nothing, and its
 * caller learns it lost. Plain INSERT … ON CONFLICT DO NOTHING, so SQLite and PostgreSQL agree.
 */
export async function claimFire(
  db: Db,
  t: TriggerRef,
  instant: string,
  fields: { status: TriggerFireStatus; runId: string | null; owner: string; at: string },
): Promise<boolean> {
  const r = await db
    .insertInto('trigger_fires')
    .values({
      project_key: t.projectKey,
      scenario: t.scenario,
      trigger_key: t.triggerKey,
      instant,
      status: fields.status,
      fired_at: fields.at,
      run_id: fields.runId,
      owner: fields.owner,
      outcome: null,
    })
    .onConflict((oc) => oc.columns(['project_key', 'scenario', 'trigger_key', 'instant']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Moves a trigger's last handled instant forward (never back) and, for polls, stores the value seen. */
export async function advanceTrigger(
  db: Db,
  t: TriggerRef,
  state: { lastInstant?: string; pollState?: string; at: string },
): Promise<void> {
  await db
    .insertInto('trigger_state')
    .values({
      project_key: t.projectKey,
      scenario: t.scenario,
      trigger_key: t.triggerKey,
      last_instant: state.lastInstant ?? '',
      poll_state: state.pollState ?? null,
      updated_at: state.at,
    })
    .onConflict((oc) =>
      oc.columns(['project_key', 'scenario', 'trigger_key']).doUpdateSet({
        last_instant: sql<string>`CASE WHEN excluded.last_instant > trigger_state.last_instant THEN excluded.last_instant ELSE trigger_state.last_instant END`,
        poll_state: sql<string | null>`COALESCE(excluded.poll_state, trigger_state.poll_state)`,
        updated_at: sql<string>`excluded.updated_at`,
      }),
    )
    .execute();
}

/** The state of every trigger, keyed by `triggerId`. */
export async function loadTriggerStates(
  db: Db,
): Promise<Map<string, { lastInstant: string; pollState: string | null }>> {
  const rows = await db.selectFrom('trigger_state').selectAll().execute();
  return new Map(
    rows.map((r) => [
      triggerId({ projectKey: r.project_key, scenario: r.scenario, triggerKey: r.trigger_key }),
      { lastInstant: r.last_instant, pollState: r.poll_state },
    ]),
  );
}

export async function loadTriggerState(
  db: Db,
  t: TriggerRef,
): Promise<{ lastInstant: string; pollState: string | null } | null> {
  const r = await db
    .selectFrom('trigger_state')
    .select(['last_instant', 'poll_state'])
    .where('project_key', '=', t.projectKey)
    .where('scenario', '=', t.scenario)
    .where('trigger_key', '=', t.triggerKey)
    .executeTakeFirst();
  return r ? { lastInstant: r.last_instant, pollState: r.poll_state } : null;
}

/**
 * How long a fire is kept once its run ended (or it was dropped). A fire is the claim of its
 * instant, needed only while another process could still try the same one (seconds, or the
 * catch-up after a stop); it is not history: the run records what happened.
 */
export const FIRE_RETENTION_MS = 30 * 86400_000;

/** Records the final outcome of the run a fire started: the fire no longer says `running`. */
export async function recordFireOutcome(db: Db, runId: string, outcome: string): Promise<void> {
  await db.updateTable('trigger_fires').set({ status: 'ended', outcome }).where('run_id', '=', runId).execute();
}

/** Deletes fires older than `before` (ISO) whose run ended or that started none; returns how many. */
export async function pruneTriggerFires(db: Db, before: string): Promise<number> {
  const r = await db
    .deleteFrom('trigger_fires')
    .where('fired_at', '<', before)
    .where('status', 'in', ['ended', 'dropped'])
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
