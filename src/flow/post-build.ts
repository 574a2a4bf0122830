import type { TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';

/** A recipe's freshly written output, before it becomes the dataset's current version. */
export interface BuiltOutput {
  projectKey: string;
  dataset: string;
  /** The pending version's id. */
  versionId: string;
  jobId: string;
  /** Where the new rows are: the pending Parquet file, or the PostgreSQL table already written in place. */
  source: TableSource;
  log(message: string): void;
}

/**
 * Checks run on a build's output before it is committed. A validator that throws fails the
 * recipe: the new version is discarded and the previous one stays current. Capabilities
 * above the flow (data quality) register theirs, so the flow does not depend on them.
 */
export type PostBuildValidator = (ws: Workspace, output: BuiltOutput) => Promise<void>;

const validators: PostBuildValidator[] = [];

export function registerPostBuildValidator(validator: PostBuildValidator): void {
  if (!validators.includes(validator)) validators.push(validator);
}

export async function runPostBuildValidators(ws: Workspace, output: BuiltOutput): Promise<void> {
  for (const validate of validators) await validate(ws, output);
}
