import { firstOutput } from '../../common/recipe-outputs.js';
import { badRequest } from '../../common/errors.js';
import type { Lineage } from '../../datasets/dataset-types.js';
import { beginPartition, commitPartition, failPartition } from '../../datasets/partition-store.js';
import { parsePartitionId, type Partitioning } from '../../datasets/partitioning.js';
import { recipeTypes } from '../../recipes/registry.js';
import type { RecipeBase } from '../../recipes/recipe-type.js';
import type { Workspace } from '../../workspace/workspace.js';
import type { ActivityStatus, JobStore } from '../jobs.js';
import { recipeContext } from '../recipes-service.js';
import { loadPartitionState, partitionReads, partitionStaleness, selectPartitions } from './partition-plan.js';
import { partitionVariables, withPartitionVariables } from './partition-variables.js';

export interface PartitionedActivity {
  jobs: JobStore;
  projectKey: string;
  jobId: string;
  recipe: RecipeBase;
  partitionings: Map<string, Partitioning>;
  /** Selectors of the output partitions (`all` when the build named the dataset only). */
  selectors: string[];
  /** Rebuild the selected partitions even when up to date (build modes `only` and `recursive`). */
  force: boolean;
  /** How many partitions run at once. */
  limit: number;
  aborted: () => boolean;
}

export interface PartitionedOutcome {
  status: ActivityStatus;
  rows: number;
  error: string | null;
  built: number;
  failed: number;
  /** Time spent inside the recipe runs (ms), summed over partitions: the rest is orchestration. */
  recipeMs: number;
}

/**
 * Builds the selected partitions of a recipe's partitioned output inside a build job: each
 * stale (or forced) partition is an activity of the job; up to `limit` run at once. Each
 * partition writes its own file and is committed alone (a new version of the dataset, commits
 * chained), so a failed partition rolls back nothing else.
 */
export async function runPartitionedActivity(ws: Workspace, run: PartitionedActivity): Promise<PartitionedOutcome> {
  const { jobs, projectKey, jobId, recipe } = run;
  const log = (level: 'info' | 'warn' | 'error', m: string) =>
    void jobs.log(projectKey, jobId, level, `${recipe.name}: ${m}`);
  const def = await ws.catalog.objects.get<{ storage: { type: string } }>(projectKey, 'dataset', firstOutput(recipe));
  if (def && def.body.storage.type !== 'managed')
    throw badRequest(`Dataset ${firstOutput(recipe)} is partitioned: a recipe can only write it as managed data`);
  const state = await loadPartitionState(ws, projectKey, recipe, run.partitionings);
  const selected = selectPartitions(state, run.selectors);

  const planned: { id: string; reads: ReturnType<typeof partitionReads> | null; problem: string | null }[] = [];
  for (const id of selected) {
    try {
      const reads = partitionReads(state, id);
      if (run.force || partitionStaleness(state, id, reads) !== null) planned.push({ id, reads, problem: null });
    } catch (e) {
      planned.push({ id, reads: null, problem: (e as Error).message });
    }
  }
  const outcome: PartitionedOutcome = { status: 'up-to-date', rows: 0, error: null, built: 0, failed: 0, recipeMs: 0 };
  if (planned.length === 0) {
    log('info', `${selected.length} partition${selected.length === 1 ? '' : 's'} selected, all up to date`);
    return outcome;
  }
  log('info', `building ${planned.length} of ${selected.length} selected partitions of ${firstOutput(recipe)}`);
  const first = await jobs.addPartitionActivities(
    jobId,
    { recipe: recipe.name, output: firstOutput(recipe) },
    planned.map((p) => p.id),
  );
  const base = await recipeContext(ws, projectKey, recipe, (m) => log('info', m));
  const type = recipeTypes.get(recipe.type);
  const inputNames = Object.fromEntries(state.inputs.map((i) => [i.name, i.wholeToken ?? 'none']));
  let commits: Promise<unknown> = Promise.resolve();

  const buildOne = async (index: number, p: (typeof planned)[number]) => {
    const set = (status: ActivityStatus, extra: { rows?: number | null; error?: string | null } = {}) =>
      jobs.setActivity(projectKey, jobId, {
        index,
        recipe: recipe.name,
        output: firstOutput(recipe),
        status,
        ...extra,
      });
    if (run.aborted()) return set('aborted', { error: 'Aborted by a user' });
    await set('running');
    if (!p.reads) {
      outcome.failed++;
      await set('failed', { error: p.problem });
      log('error', `partition ${p.id} failed: ${p.problem}`);
      return;
    }
    const attempt = await beginPartition(ws, { projectKey, dataset: firstOutput(recipe), partitionId: p.id, jobId });
    try {
      const values = parsePartitionId(state.partitioning, p.id);
      const variables = partitionVariables(p.id, values);
      const ctx = {
        ...base,
        inputs: base.inputs.map((i) => ({
          ...i,
          source: p.reads!.sources[i.name],
          versionToken: p.reads!.tokens[i.name],
        })),
        variables: { partition: variables },
      };
      const started = performance.now();
      const result = await type.run(ctx, withPartitionVariables(recipe, variables), {
        kind: 'parquet',
        path: attempt.path,
      });
      outcome.recipeMs += performance.now() - started;
      const versionLineage: Lineage = {
        source: 'build',
        recipe: recipe.name,
        recipeSignature: state.signature,
        inputs: inputNames,
      };
      const commit = commits.then(() =>
        commitPartition(
          ws,
          attempt,
          {
            rowCount: result.rowCount,
            contentHash: result.contentHash,
            columns: result.columns,
            lineage: { recipeSignature: state.signature, inputs: p.reads!.tokens },
          },
          versionLineage,
        ),
      );
      commits = commit.catch(() => undefined);
      await commit;
      outcome.built++;
      outcome.rows += result.rowCount;
      await set('succeeded', { rows: result.rowCount });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await failPartition(ws, attempt, message);
      outcome.failed++;
      await set('failed', { error: message });
      log('error', `partition ${p.id} failed: ${message}`);
    }
  };

  const limit = Math.max(1, run.limit);
  let next = 0;
  const worker = async () => {
    while (next < planned.length) {
      const i = next++;
      await buildOne(first + i, planned[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, planned.length) }, worker));

  outcome.status = outcome.failed ? 'failed' : run.aborted() ? 'aborted' : 'succeeded';
  if (outcome.failed) outcome.error = `${outcome.failed} of ${planned.length} partitions failed`;
  log(
    outcome.failed ? 'error' : 'info',
    `${outcome.built} partition${outcome.built === 1 ? '' : 's'} built, ${outcome.failed} failed, ${outcome.rows} rows`,
  );
  return outcome;
}
