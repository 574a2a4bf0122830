/**
 * Dataset versions and what the API shows of a dataset besides its definition. Types only, so
 * the web UI imports them too (the definition itself, `DatasetDefinition`, is inferred from the
 * zod schema in definitions.ts).
 */
import type { VersionStatus } from '../catalog/statuses.js';

export { VERSION_STATUSES, type VersionStatus } from '../catalog/statuses.js';

export interface ColumnSchema {
  name: string;
  type: string;
  nullable?: boolean;
}

export interface DatasetVersion {
  id: string;
  seq: number;
  /** `expired`: a ready version since replaced, whose file was pruned (listed in a dataset's versions). */
  status: VersionStatus;
  rowCount: number | null;
  contentHash: string | null;
  columns: ColumnSchema[] | null;
  lineage: Lineage | null;
  jobId: string | null;
  createdAt: string;
}

/** A version as a dataset's list of versions shows it. */
export interface ListedVersion extends DatasetVersion {
  current: boolean;
}

/** What produced a version: the recipe's signature and the input versions it read. */
export interface Lineage {
  recipe?: string;
  recipeSignature?: string;
  /** What besides its settings the signature signs (a code recipe's libraries and environment), to name what changed. */
  signatureParts?: Record<string, string>;
  inputs?: Record<string, string>;
  source?: 'upload' | 'import' | 'build' | 'scenario' | 'restore';
  fileName?: string;
  /** For a restored version: the number of the version whose data it brought back. */
  restoredFrom?: number;
  /** For a build of a code recipe: the interpreter, its version and package versions the code ran with. */
  environment?: Record<string, unknown>;
}

/** What a dataset as the API shows it (`DatasetInfo`) adds to its definition: its revision and current version. */
export interface DatasetStatus {
  revision: number;
  updatedAt: string;
  updatedBy: string;
  currentVersion: DatasetVersion | null;
  columns: ColumnSchema[] | null;
  rowCount: number | null;
  /** The recipe that writes this dataset, if any. */
  producedBy: string | null;
  /** Declared partitioned: its dimensions at …/partitioning, its partitions at …/partitions. */
  partitioned: boolean;
}
