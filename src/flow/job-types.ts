/** Build jobs as the API returns them, and build modes. Node-free (types and one constant), so the web UI can import the types too. */

/** `only` the targets' recipes; `required` the stale upstream ones too; `recursive` all upstream, forced. */
export const BUILD_MODES = ['only', 'required', 'recursive'] as const;
export type BuildMode = (typeof BUILD_MODES)[number];

import type { ActivityStatus, JobStatus } from '../catalog/statuses.js';
import type { WorkRecord } from '../catalog/work-record.js';

export {
  ACTIVITY_STATUSES,
  JOB_ENDED_STATUSES,
  JOB_STATUSES,
  type ActivityStatus,
  type JobStatus,
} from '../catalog/statuses.js';

export interface JobActivity {
  index: number;
  recipe: string;
  output: string;
  /** Every dataset it writes: `output` alone, or all outputs of a recipe that writes several (split). */
  outputs: string[];
  status: ActivityStatus;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  rows: number | null;
  error: string | null;
  /** The partition it builds (partitioned datasets only). */
  partition?: string;
}

export interface Job extends WorkRecord {
  kind: string;
  status: JobStatus;
  mode: string;
  targets: string[];
  createdBy: string;
  activities?: JobActivity[];
}
