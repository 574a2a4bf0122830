/**
 * Scenario runs and their step runs as the API returns them. Node-free (types and one constant),
 * so the web UI imports the types too.
 */

import type { RunOutcome, StepOutcome } from '../catalog/statuses.js';
import type { WorkRecord } from '../catalog/work-record.js';

/** Outcomes of runs and steps. QUEUED runs wait for a running one; SKIPPED steps did not run. */
export { RUN_OUTCOMES, STEP_OUTCOMES, type RunOutcome, type StepOutcome } from '../catalog/statuses.js';

export interface StepRun {
  index: number;
  name: string;
  type: string;
  outcome: StepOutcome;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  attempts: number;
  error: string | null;
  detail: unknown;
}

export interface ScenarioRun extends WorkRecord {
  scenario: string;
  triggerType: string;
  triggerKey: string | null;
  cause: string;
  outcome: RunOutcome;
  runAs: string;
  /** When the scenario was deleted: the run stays reachable as history of a deleted scenario. */
  scenarioDeletedAt: string | null;
  steps?: StepRun[];
  logs?: { ts: string; level: string; message: string }[];
}
