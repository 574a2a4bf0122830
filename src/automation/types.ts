import type { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import type { DefinedType } from '../common/type-definition.js';
import type { Workspace } from '../workspace/workspace.js';
import type { Clock } from './clock.js';
import type { RunOutcome } from './run-types.js';
import type { Schedule } from './schedule.js';

export { RUN_OUTCOMES, type RunOutcome, type StepOutcome } from './run-types.js';
export { RUN_FINAL_OUTCOMES as FINAL_OUTCOMES } from '../catalog/statuses.js';

/** What a definition validates against at save time: the catalog of the scenario's project. */
export interface SaveContext {
  ws: Workspace;
  projectKey: string;
  scenarioId: string;
  principal: Principal;
}

/** Things that happen in the workspace and may fire event triggers. */
export type AutomationEvent =
  | { kind: 'dataset-version'; projectKey: string; dataset: string; versionId: string }
  | { kind: 'run-ended'; projectKey: string; scenario: string; runId: string; outcome: RunOutcome };

/** What an event trigger makes of an event: the unique key of this fire and a readable cause. */
export interface EventMatch {
  key: string;
  cause: string;
}

export interface PollContext {
  ws: Workspace;
  projectKey: string;
  signal: AbortSignal;
}

interface TriggerTypeBase<P> extends DefinedType {
  type: string;
  params: z.ZodType<P>;
  validate?(ctx: SaveContext, params: P): Promise<void>;
  describe(params: P): string;
}

/** Fires at due instants (time). */
export interface ScheduleTriggerType<P = unknown> extends TriggerTypeBase<P> {
  kind: 'schedule';
  schedule(params: P): Schedule;
}

/** Compares a fingerprint at each poll (file checksum, SQL result): a change fires. */
export interface PollTriggerType<P = unknown> extends TriggerTypeBase<P> {
  kind: 'poll';
  /** Poll period in ms. */
  pollEvery(params: P): number;
  /** A fingerprint of the watched thing; a change between two polls fires. */
  poll(ctx: PollContext, params: P): Promise<string>;
}

/** Matches workspace events (a dataset changed, a scenario ended). */
export interface EventTriggerType<P = unknown> extends TriggerTypeBase<P> {
  kind: 'event';
  match(params: P, event: AutomationEvent, scenario: { projectKey: string; id: string }): EventMatch | null;
  /** Datasets (of the scenario's project) whose new versions the scheduler also polls for: commits of other processes. */
  watchedDatasets?(params: P): string[];
}

/** Fires on request: a webhook call, or someone running the scenario by hand. */
export interface RequestTriggerType<P = unknown> extends TriggerTypeBase<P> {
  kind: 'request';
  via: 'webhook' | 'manual';
}

/** A trigger type: its `kind` says which methods it has, so callers narrow on it instead of asserting. */
export type TriggerType<P = unknown> =
  ScheduleTriggerType<P> | PollTriggerType<P> | EventTriggerType<P> | RequestTriggerType<P>;

/** What a running step may use. */
export interface StepContext {
  ws: Workspace;
  clock: Clock;
  projectKey: string;
  scenarioId: string;
  runId: string;
  /** The user the scenario runs as: every service checks this principal's role. */
  principal: Principal;
  signal: AbortSignal;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Runs another scenario of the project and resolves with its outcome (the run-scenario step). */
  runScenario(id: string, cause: string): Promise<{ runId: string; outcome: RunOutcome }>;
  /** The run so far, for report steps. */
  summary(): Promise<RunSummary>;
}

/** A step that ends without throwing succeeded, or warned when it says so. Failure is a throw. */
export interface StepResult {
  outcome?: 'SUCCESS' | 'WARNING';
  message?: string;
  detail?: unknown;
}

export interface StepType<P = unknown> extends DefinedType {
  type: string;
  params: z.ZodType<P>;
  /** Paths of fields holding secrets (an HTTP step's headers): never returned by the API, kept when saved back redacted. */
  secretPaths?: string[][];
  /**
   * Paths of fields that say where the secrets are sent (default: ['url']): a save that changes one
   * while keeping a stored secret (saved back as ********) is refused, so nobody who cannot read a
   * secret can send it to a host of theirs.
   */
  secretDestination?: string[][];
  validate?(ctx: SaveContext, params: P): Promise<void>;
  run(ctx: StepContext, params: P): Promise<StepResult>;
}

/** What reporters tell: one run, summed up. */
export interface RunSummary {
  projectKey: string;
  scenarioId: string;
  scenarioName: string;
  runId: string;
  trigger: string;
  outcome: RunOutcome;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  failedSteps: { name: string; error: string | null }[];
  link: string;
}

export interface ReporterContext {
  ws: Workspace;
  signal: AbortSignal;
  /** The current time as the run log writes it (the automation's clock). */
  now(): string;
  /** Logs on the run an attempt that failed and will be tried again, at the time it failed. */
  attemptFailed(attempt: number, of: number, message: string): void;
}

export interface ReporterType<P = unknown> extends DefinedType {
  channel: string;
  params: z.ZodType<P>;
  /** Paths of fields holding secrets (e.g. ['smtp', 'password']): never returned by the API, kept when saved back redacted. */
  secretPaths?: string[][];
  /**
   * Paths of fields that say where the secrets are sent (default: ['url']): a save that changes one
   * while keeping a stored secret (saved back as ********) is refused, so nobody who cannot read a
   * secret can send it to a host of theirs.
   */
  secretDestination?: string[][];
  /** Secrets Llano generates when the reporter is saved without one (see `defineReporter`). */
  generatedSecrets?: { path: string[]; prefix: string }[];
  send(ctx: ReporterContext, params: P, summary: RunSummary, message: string): Promise<void>;
}
