/** Build jobs as the API returns them, and build modes. Node-free (types and one constant), so the web UI can import the types too. */

/** `only` the targets' recipes; `required` the stale upstream ones too; `recursive` all upstream, forced. */
export const BUILD_MODES = ['only', 'required', 'recursive'] as const;
export type BuildMode = (typeof BUILD_MODES)[number];

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'aborted'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** A job in one of these has ended and no longer changes. */
export const JOB_ENDED_STATUSES: readonly string[] = ['succeeded', 'failed', 'aborted'] satisfies JobStatus[];

export const ACTIVITY_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'up-to-date', 'aborted'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

export interface JobActivity {
  index: number;
  recipe: string;
  output: string;
  status: ActivityStatus;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  rows: number | null;
  error: string | null;
}

export interface Job {
  id: string;
  projectKey: string;
  kind: string;
  status: JobStatus;
  mode: string;
  targets: string[];
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  error: string | null;
  activities?: JobActivity[];
}
