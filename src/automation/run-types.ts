/**
 * Scenario runs and their step runs as the API returns them. Node-free (types and one constant),
 * so the web UI imports the types too.
 */

/** Outcomes of runs and steps. QUEUED runs wait for a running one; SKIPPED steps did not run. */
export const RUN_OUTCOMES = ['QUEUED', 'RUNNING', 'SUCCESS', 'WARNING', 'FAILED', 'ABORTED'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
export type StepOutcome = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'WARNING' | 'FAILED' | 'ABORTED' | 'SKIPPED';

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

export interface ScenarioRun {
  id: string;
  projectKey: string;
  scenario: string;
  triggerType: string;
  triggerKey: string | null;
  cause: string;
  outcome: RunOutcome;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  error: string | null;
  runAs: string;
  steps?: StepRun[];
  logs?: { ts: string; level: string; message: string }[];
}
