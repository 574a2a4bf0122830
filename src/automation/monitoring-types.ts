/** The automation-monitoring view as the API returns it. Types only, so the web UI imports them too. */
import type { RunOutcome, StepOutcome } from '../catalog/statuses.js';

export interface MonitoringRun {
  id: string;
  start: string | null;
  end: string | null;
  outcome: RunOutcome;
  durationMs: number | null;
}

export interface MonitoredScenario {
  project: string;
  id: string;
  name: string;
  active: boolean;
  /** A deleted scenario's history (listed only when asked for): no triggers, reporters or next fires. */
  deleted: boolean;
  runs: MonitoringRun[];
  averageDurationMs: number | null;
  lastDurationMs: number | null;
  lastOutcome: RunOutcome | null;
  nextFires: string[];
  triggers: { type: string; description: string }[];
  reporters: { channel: string; on: string }[];
}

export interface Monitoring {
  from: string;
  to: string;
  scenarios: MonitoredScenario[];
  daily: { day: string; outcomes: Record<string, number> }[];
  /** The range holds more runs than are listed: the newest `listedRuns`, at most 5,000 of one scenario. */
  truncated: boolean;
  /** Runs started in the range, all of them (what the daily summary counts). */
  totalRuns: number;
  /** Runs listed in the scenarios' `runs` (all of them unless truncated). */
  listedRuns: number;
}

/** A step run of a run started in the range (the monitoring timeline expanded to steps). */
export interface MonitoringStepRun {
  run: string;
  project: string;
  scenario: string;
  index: number;
  name: string;
  type: string;
  outcome: StepOutcome;
  start: string | null;
  end: string | null;
  durationMs: number | null;
}

export interface MonitoringSteps {
  from: string;
  to: string;
  steps: MonitoringStepRun[];
  /** The range holds more step runs than this page: those listed are the steps of the newest runs. */
  truncated: boolean;
  /** Asks for the next page (older runs) as `cursor`; null on the last page. */
  nextCursor: string | null;
}
