import type { Insertable } from 'kysely';
import type { Principal } from '../catalog/access.js';
import type { ScenarioRunsTable, ScenarioStepRunsTable } from '../catalog/tables.js';
import { badRequest } from '../common/errors.js';
import { newId } from '../common/ids.js';
import type { Workspace } from '../workspace/workspace.js';
import { isoAt } from './clock.js';
import { SCENARIO_KIND } from './kinds.js';
import { HOST } from './run-store.js';
import type { RunOutcome, StepOutcome } from './types.js';

/** One step of a past run: times in epoch ms. */
export interface HistoricalStep {
  name: string;
  type: string;
  outcome: Extract<StepOutcome, 'SUCCESS' | 'WARNING' | 'FAILED' | 'ABORTED' | 'SKIPPED'>;
  start: number;
  end: number;
  error?: string | null;
}

/** A run that happened elsewhere (another scheduler, a simulation): ended, with its steps. */
export interface HistoricalRun {
  scenario: string;
  outcome: Extract<RunOutcome, 'SUCCESS' | 'WARNING' | 'FAILED' | 'ABORTED'>;
  start: number;
  end: number;
  triggerType?: string;
  cause?: string;
  error?: string | null;
  steps: HistoricalStep[];
}

const RUN_CHUNK = 500;
const STEP_CHUNK = 1000;

/**
 * Records past runs of a project's scenarios as ended runs, so the run history, the monitoring
 * timeline, averages and daily summary start from an installation's real past (a job scheduler
 * Llano replaces, or a simulation of one) instead of empty. Runs are inserted in one transaction;
 * the scenarios must exist. Returns the number of runs and steps recorded.
 */
export async function importScenarioHistory(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  runs: readonly HistoricalRun[],
): Promise<{ runs: number; steps: number }> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const scenarios = new Set((await ws.catalog.objects.list(projectKey, SCENARIO_KIND)).map((o) => o.name));
  for (const r of runs) {
    if (!scenarios.has(r.scenario)) throw badRequest(`scenario ${r.scenario} does not exist in project ${projectKey}`);
    if (!(r.end >= r.start)) throw badRequest(`a run of ${r.scenario} ends before it starts`);
  }
  const heartbeat = ws.liveness.nowIso();
  const runRows: Insertable<ScenarioRunsTable>[] = [];
  const stepRows: Insertable<ScenarioStepRunsTable>[] = [];
  for (const r of runs) {
    const id = newId();
    runRows.push({
      id,
      project_key: projectKey,
      scenario: r.scenario,
      trigger_type: r.triggerType ?? 'time',
      trigger_key: null,
      cause: r.cause ?? 'Imported history',
      outcome: r.outcome,
      created_at: isoAt(r.start),
      started_at: isoAt(r.start),
      ended_at: isoAt(r.end),
      duration_ms: r.end - r.start,
      error: r.error ?? null,
      run_as: principal.username,
      owner: ws.processId,
      owner_host: HOST,
      heartbeat_at: heartbeat,
      abort_requested: 0,
    });
    r.steps.forEach((s, idx) =>
      stepRows.push({
        run_id: id,
        idx,
        name: s.name,
        type: s.type,
        outcome: s.outcome,
        started_at: s.outcome === 'SKIPPED' ? null : isoAt(s.start),
        ended_at: s.outcome === 'SKIPPED' ? null : isoAt(s.end),
        duration_ms: s.outcome === 'SKIPPED' ? null : Math.max(0, s.end - s.start),
        attempts: s.outcome === 'SKIPPED' ? 0 : 1,
        error: s.error ?? null,
        detail: null,
      }),
    );
  }
  await ws.catalog.db.transaction().execute(async (trx) => {
    for (let i = 0; i < runRows.length; i += RUN_CHUNK)
      await trx
        .insertInto('scenario_runs')
        .values(runRows.slice(i, i + RUN_CHUNK))
        .execute();
    for (let i = 0; i < stepRows.length; i += STEP_CHUNK)
      await trx
        .insertInto('scenario_step_runs')
        .values(stepRows.slice(i, i + STEP_CHUNK))
        .execute();
  });
  return { runs: runRows.length, steps: stepRows.length };
}
