import { HOST } from '../workspace/process-liveness.js';
import { isOneOf, RUN_OPEN_OUTCOMES } from '../catalog/statuses.js';
import type { ScenarioRunsTable } from '../catalog/tables.js';
import { workRecord } from '../catalog/work-record.js';
import { notFound } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import type { ScenarioRun } from './run-types.js';
import { FINAL_OUTCOMES, type RunOutcome, type StepOutcome } from './types.js';
import { recordFireOutcome } from './trigger-state.js';

export type { ScenarioRun, StepRun } from './run-types.js';

/** A run as it is first recorded: the listed fields of a `ScenarioRun`, its step names, and when. */
export interface NewRun extends Pick<
  ScenarioRun,
  'id' | 'projectKey' | 'scenario' | 'triggerType' | 'triggerKey' | 'cause' | 'runAs'
> {
  outcome: 'QUEUED' | 'RUNNING';
  steps: { name: string; type: string }[];
  at: string;
}

export { HOST } from '../workspace/process-liveness.js';

type Db = Workspace['catalog']['db'];

/** Durable run records: runs, their steps and log lines (the history the API and monitoring read). */
export class RunStore {
  constructor(private readonly ws: Workspace) {}

  private get db(): Db {
    return this.ws.catalog.db;
  }

  /** Inserts a run and its pending steps; `db` may be the claiming transaction. */
  async insert(run: NewRun, db: Db = this.db): Promise<void> {
    await db
      .insertInto('scenario_runs')
      .values({
        id: run.id,
        project_key: run.projectKey,
        scenario: run.scenario,
        trigger_type: run.triggerType,
        trigger_key: run.triggerKey,
        cause: run.cause,
        outcome: run.outcome,
        created_at: run.at,
        started_at: run.outcome === 'RUNNING' ? run.at : null,
        ended_at: null,
        duration_ms: null,
        error: null,
        run_as: run.runAs,
        owner: this.ws.processId,
        owner_host: HOST,
        // Heartbeats are wall-clock time: other processes judge them with their own clocks (see Liveness).
        heartbeat_at: this.ws.liveness.nowIso(),
        abort_requested: 0,
        scenario_deleted_at: null,
      })
      .execute();
    if (run.steps.length) {
      await db
        .insertInto('scenario_step_runs')
        .values(
          run.steps.map((s, idx) => ({
            run_id: run.id,
            idx,
            name: s.name,
            type: s.type,
            outcome: 'PENDING',
            started_at: null,
            ended_at: null,
            duration_ms: null,
            attempts: 0,
            error: null,
            detail: null,
          })),
        )
        .execute();
    }
  }

  /** QUEUED → RUNNING, taken over by this process. False when someone else took it or it was aborted. */
  async start(runId: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('scenario_runs')
      .set({
        outcome: 'RUNNING',
        started_at: at,
        owner: this.ws.processId,
        owner_host: HOST,
        heartbeat_at: this.ws.liveness.nowIso(),
      })
      .where('id', '=', runId)
      .where('outcome', '=', 'QUEUED')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Records the end of a run; a run that ends (however) is activity in its project. */
  async finish(runId: string, outcome: RunOutcome, at: string, error: string | null): Promise<void> {
    const run = await this.db
      .selectFrom('scenario_runs')
      .select(['project_key', 'started_at'])
      .where('id', '=', runId)
      .executeTakeFirst();
    const duration = run?.started_at ? Math.max(0, Date.parse(at) - Date.parse(run.started_at)) : null;
    await this.db
      .updateTable('scenario_runs')
      .set({ outcome, ended_at: at, duration_ms: duration, error })
      .where('id', '=', runId)
      .execute();
    await recordFireOutcome(this.db, runId, outcome);
    if (run) await this.ws.catalog.projects.touch(run.project_key);
  }

  async heartbeat(runIds: string[], at: string): Promise<void> {
    if (runIds.length)
      await this.db.updateTable('scenario_runs').set({ heartbeat_at: at }).where('id', 'in', runIds).execute();
  }

  async setStep(
    runId: string,
    index: number,
    patch: {
      outcome: StepOutcome;
      at: string;
      attempts?: number;
      error?: string | null;
      detail?: unknown;
      startedAt?: string | null;
    },
  ): Promise<void> {
    const set: Record<string, unknown> = { outcome: patch.outcome };
    if (patch.outcome === 'RUNNING') set.started_at = patch.at;
    else if (patch.outcome !== 'PENDING') {
      set.ended_at = patch.at;
      if (patch.startedAt) set.duration_ms = Math.max(0, Date.parse(patch.at) - Date.parse(patch.startedAt));
    }
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.error !== undefined) set.error = patch.error;
    if (patch.detail !== undefined) set.detail = JSON.stringify(patch.detail);
    await this.db
      .updateTable('scenario_step_runs')
      .set(set)
      .where('run_id', '=', runId)
      .where('idx', '=', index)
      .execute();
  }

  /** Marks every step still pending or running with `outcome` (run aborted or interrupted). */
  async closeOpenSteps(runId: string, outcome: StepOutcome, at: string, error: string): Promise<void> {
    await this.db
      .updateTable('scenario_step_runs')
      .set({ outcome, ended_at: at, error })
      .where('run_id', '=', runId)
      .where('outcome', 'in', ['PENDING', 'RUNNING'])
      .execute();
  }

  /** A run cut short by a dead process: the step that was running failed, the rest never ran. */
  async interruptSteps(runId: string, at: string): Promise<void> {
    await this.db
      .updateTable('scenario_step_runs')
      .set({ outcome: 'FAILED', ended_at: at, error: 'Interrupted' })
      .where('run_id', '=', runId)
      .where('outcome', '=', 'RUNNING')
      .execute();
    await this.db
      .updateTable('scenario_step_runs')
      .set({ outcome: 'SKIPPED', error: 'The run was interrupted' })
      .where('run_id', '=', runId)
      .where('outcome', '=', 'PENDING')
      .execute();
  }

  /**
   * Ends as ABORTED every QUEUED run this process holds (a server stopping: nobody else serves
   * its queue), in three statements however long the queue. Returns how many.
   */
  async abortQueuedOwned(at: string, error: string): Promise<number> {
    const queued = this.db
      .selectFrom('scenario_runs')
      .select('id')
      .where('outcome', '=', 'QUEUED')
      .where('owner', '=', this.ws.processId);
    return this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('scenario_step_runs')
        .set({ outcome: 'ABORTED', ended_at: at, error })
        .where('run_id', 'in', queued)
        .where('outcome', 'in', ['PENDING', 'RUNNING'])
        .execute();
      await trx
        .updateTable('trigger_fires')
        .set({ status: 'ended', outcome: 'ABORTED' })
        .where('run_id', 'in', queued)
        .execute();
      const r = await trx
        .updateTable('scenario_runs')
        .set({ outcome: 'ABORTED', ended_at: at, error })
        .where('outcome', '=', 'QUEUED')
        .where('owner', '=', this.ws.processId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    });
  }

  async log(runId: string, level: string, message: string, ts: string): Promise<void> {
    await this.db.insertInto('scenario_run_logs').values({ run_id: runId, ts, level, message }).execute();
  }

  /** Marks the runs of a scenario just deleted (they stay as its history); `db` may be the deleting transaction. */
  async markScenarioDeleted(projectKey: string, scenario: string, at: string, db: Db = this.db): Promise<void> {
    await db
      .updateTable('scenario_runs')
      .set({ scenario_deleted_at: at })
      .where('project_key', '=', projectKey)
      .where('scenario', '=', scenario)
      .where('scenario_deleted_at', 'is', null)
      .execute();
  }

  async requestAbort(runId: string): Promise<void> {
    await this.db.updateTable('scenario_runs').set({ abort_requested: 1 }).where('id', '=', runId).execute();
  }

  async abortRequested(runId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('scenario_runs')
      .select('abort_requested')
      .where('id', '=', runId)
      .executeTakeFirst();
    return Number(r?.abort_requested ?? 0) === 1;
  }

  async get(projectKey: string, runId: string, options: { details?: boolean } = {}): Promise<ScenarioRun> {
    const r = await this.db
      .selectFrom('scenario_runs')
      .selectAll()
      .where('id', '=', runId)
      .where('project_key', '=', projectKey)
      .executeTakeFirst();
    if (!r) throw notFound(`Scenario run ${runId} not found in project ${projectKey}`);
    const run = toRun(r);
    if (!options.details) return run;
    const steps = await this.db
      .selectFrom('scenario_step_runs')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('idx')
      .execute();
    const logs = await this.db
      .selectFrom('scenario_run_logs')
      .select(['ts', 'level', 'message'])
      .where('run_id', '=', runId)
      .orderBy('id')
      .execute();
    return {
      ...run,
      steps: steps.map((s) => ({
        index: s.idx,
        name: s.name,
        type: s.type,
        outcome: s.outcome,
        startedAt: s.started_at,
        endedAt: s.ended_at,
        durationMs: s.duration_ms === null ? null : Number(s.duration_ms),
        attempts: s.attempts,
        error: s.error,
        detail: s.detail ? (JSON.parse(s.detail) as unknown) : null,
      })),
      logs,
    };
  }

  async list(projectKey: string, scenario: string, limit = 100): Promise<ScenarioRun[]> {
    const rows = await this.db
      .selectFrom('scenario_runs')
      .selectAll()
      .where('project_key', '=', projectKey)
      .where('scenario', '=', scenario)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRun);
  }

  /** Runs of a scenario not yet ended (any process). */
  async openRuns(projectKey: string, scenario: string): Promise<{ id: string; outcome: RunOutcome; owner: string }[]> {
    return this.db
      .selectFrom('scenario_runs')
      .select(['id', 'outcome', 'owner'])
      .where('outcome', 'in', RUN_OPEN_OUTCOMES)
      .where('project_key', '=', projectKey)
      .where('scenario', '=', scenario)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** QUEUED runs this process created, oldest first (a queue is served by the process that holds it). */
  async queuedOwned(): Promise<{ id: string; project_key: string; scenario: string }[]> {
    return this.db
      .selectFrom('scenario_runs')
      .select(['id', 'project_key', 'scenario'])
      .where('outcome', '=', 'QUEUED')
      .where('owner', '=', this.ws.processId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }
}

export const isFinal = (o: string): boolean => isOneOf(FINAL_OUTCOMES, o);

function toRun(r: ScenarioRunsTable): ScenarioRun {
  return {
    scenario: r.scenario,
    triggerType: r.trigger_type,
    triggerKey: r.trigger_key,
    cause: r.cause,
    outcome: r.outcome,
    runAs: r.run_as,
    scenarioDeletedAt: r.scenario_deleted_at ?? null,
    ...workRecord(r, r.duration_ms === null ? null : Number(r.duration_ms)),
  };
}
