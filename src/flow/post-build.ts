import type { TableSource } from '../engine/table-source.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';

/** A recipe's freshly written output, before it becomes the dataset's current version. */
export interface BuiltOutput {
  projectKey: string;
  dataset: string;
  /** The pending version's id; null for a partition (committed afterwards, possibly with others). */
  versionId: string | null;
  /** The partition written (partitioned datasets): checks judge it alone and an error fails only it. */
  partition?: string;
  jobId: string;
  /** Where the new rows are: the pending Parquet file, or the PostgreSQL table already written in place. */
  source: TableSource;
  log(message: string): void;
}

/**
 * Checks run on a build's output before it is committed. A validator that throws fails the
 * recipe: the new version is discarded and the previous one stays current. Capabilities
 * above the flow (data quality) register theirs on each workspace (through the composition
 * root), so the flow does not depend on them.
 */
export type PostBuildValidator = (ws: Workspace, output: BuiltOutput) => Promise<void>;

const validators = workspaceSlot('flow.post-build-validators', () => [] as PostBuildValidator[]);

export function registerPostBuildValidator(ws: Workspace, validator: PostBuildValidator): void {
  const registered = validators(ws);
  if (!registered.includes(validator)) registered.push(validator);
}

export async function runPostBuildValidators(ws: Workspace, output: BuiltOutput): Promise<void> {
  for (const validate of validators(ws)) await validate(ws, output);
}
