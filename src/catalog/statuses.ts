/**
 * The values of the catalog's status columns, each list written once: the table types
 * (tables.ts), the API types the web UI shares, services and zod schemas all use these.
 * Node-free and import-free, so the web UI can import it too.
 */

/** Whether `value` is one of `list`, narrowing a plain string (a row, an event, an API answer) to the list's type. */
export const isOneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/** jobs.status */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'aborted'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** A job in one of these has not ended: only these change, so an ended job stays as it ended. */
export const JOB_OPEN_STATUSES = ['queued', 'running'] as const satisfies readonly JobStatus[];
export const JOB_ENDED_STATUSES = ['succeeded', 'failed', 'aborted'] as const satisfies readonly JobStatus[];

/** job_activities.status: `up-to-date` activities found nothing stale and did not run. */
export const ACTIVITY_STATUSES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'up-to-date',
  'aborted',
] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

/** dataset_versions.status: `expired` is a ready version since replaced, whose file was pruned. */
export const VERSION_STATUSES = ['building', 'ready', 'failed', 'expired'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** scenario_runs.outcome: QUEUED runs wait for a running one. */
export const RUN_OUTCOMES = ['QUEUED', 'RUNNING', 'SUCCESS', 'WARNING', 'FAILED', 'ABORTED'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
export const RUN_OPEN_OUTCOMES = ['QUEUED', 'RUNNING'] as const satisfies readonly RunOutcome[];
export const RUN_FINAL_OUTCOMES = ['SUCCESS', 'WARNING', 'FAILED', 'ABORTED'] as const satisfies readonly RunOutcome[];

/** scenario_step_runs.outcome: SKIPPED steps did not run (their run condition said no). */
export const STEP_OUTCOMES = ['PENDING', 'RUNNING', 'SUCCESS', 'WARNING', 'FAILED', 'ABORTED', 'SKIPPED'] as const;
export type StepOutcome = (typeof STEP_OUTCOMES)[number];

/** trigger_fires.status: what the fire did (a fire that lost the claim is not stored); `ended` once its run ended (outcome beside it). */
export const TRIGGER_FIRE_STATUSES = ['running', 'queued', 'dropped', 'ended'] as const;
export type TriggerFireStatus = (typeof TRIGGER_FIRE_STATUSES)[number];

/** check_results.outcome */
export const CHECK_OUTCOMES = ['OK', 'WARNING', 'ERROR'] as const;
export type CheckOutcome = (typeof CHECK_OUTCOMES)[number];
