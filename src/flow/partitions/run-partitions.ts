import { firstOutput } from '../../common/recipe-outputs.js';
import { badRequest } from '../../common/errors.js';
import type { Lineage } from '../../datasets/dataset-types.js';
import { SelectSession } from '../../engine/select-session.js';
import { beginPartition, failPartition } from '../../datasets/partition-store.js';
import { parsePartitionId, type Partitioning } from '../../datasets/partitioning.js';
import { recipeTypes } from '../../recipes/registry.js';
import type { FingerprintMemo, RecipeBase } from '../../recipes/recipe-type.js';
import type { Workspace } from '../../workspace/workspace.js';
import type { ActivityStatus, JobStore } from '../jobs.js';
import { runPostBuildValidators } from '../post-build.js';
import { recipeContext } from '../recipes-service.js';
import { PartitionCommitter } from './partition-committer.js';
import { checkPartitionRows } from './partition-output-check.js';
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
  /** Aborted with the job: the partitions' queries are interrupted. */
  signal?: AbortSignal;
  /** The build activity's fingerprint look-ups (see RecipeContext.fingerprintMemo): shared by every partition's run. */
  fingerprints?: FingerprintMemo;
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
  const fingerprints: FingerprintMemo = run.fingerprints ?? new Map<string, Promise<unknown>>();
  const state = await loadPartitionState(ws, projectKey, recipe, run.partitionings, fingerprints);
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
  // Every partition's run says the same things ("Running in DuckDB"): the job log has each once.
  const said = new Set<string>();
  const base = await recipeContext(
    ws,
    projectKey,
    recipe,
    (m, level = 'info') => {
      if (said.has(m)) return;
      said.add(m);
      log(level, m);
    },
    run.signal,
  );
  base.fingerprintMemo = fingerprints;
  const type = recipeTypes.get(recipe.type);
  // Every partition records the signature taken before the runs, with its parts: staleness then names what changed.
  const signed = {
    recipeSignature: state.signature.value,
    ...(state.signature.parts ? { signatureParts: state.signature.parts } : {}),
  };
  const inputNames = Object.fromEntries(state.inputs.map((i) => [i.name, i.wholeToken ?? 'none']));
  const versionLineage: Lineage = {
    source: 'build',
    recipe: recipe.name,
    ...signed,
    inputs: inputNames,
  };
  // Built partitions are committed in batches while the next ones run: one version per batch.
  const committer = new PartitionCommitter(ws, versionLineage);
  const committed: Promise<void>[] = [];

  const buildOne = async (index: number, p: (typeof planned)[number], selectSession: SelectSession) => {
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
    const fail = async (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      await failPartition(ws, attempt, message);
      outcome.failed++;
      await set('failed', { error: message });
      log('error', `partition ${p.id} failed: ${message}`);
    };
    let result: Awaited<ReturnType<typeof type.run>>;
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
        selectSession,
      };
      const started = performance.now();
      result = await type.run(ctx, withPartitionVariables(recipe, variables), {
        kind: 'parquet',
        path: attempt.path,
      });
      outcome.recipeMs += performance.now() - started;
      await checkPartitionRows(ws.duck, { path: attempt.path, columns: result.columns }, state.partitioning, {
        id: p.id,
        values,
      });
      // Checks (data quality) judge this partition alone: an error fails it, not the others.
      await runPostBuildValidators(ws, {
        projectKey,
        dataset: firstOutput(recipe),
        versionId: null,
        jobId,
        source: { kind: 'parquet', paths: [attempt.path] },
        partition: p.id,
        log: (m) => log('info', m),
      });
    } catch (err) {
      return fail(err);
    }
    const built = result;
    committed.push(
      committer
        .commit({
          attempt,
          result: {
            rowCount: built.rowCount,
            contentHash: built.contentHash,
            columns: built.columns,
            lineage: { ...signed, inputs: p.reads.tokens },
          },
        })
        .then(async () => {
          outcome.built++;
          outcome.rows += built.rowCount;
          await set('succeeded', { rows: built.rowCount });
        }, fail),
    );
  };

  const limit = Math.max(1, run.limit);
  let next = 0;
  // Each worker runs its partitions on one DuckDB connection: input views and the query check are made once.
  const worker = async () => {
    const session = new SelectSession(ws.duck, base.scope);
    try {
      while (next < planned.length) {
        const i = next++;
        await buildOne(first + i, planned[i], session);
      }
    } finally {
      await session.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, planned.length) }, worker)).finally(() => committer.flush());
  await Promise.all(committed);

  outcome.status = outcome.failed ? 'failed' : run.aborted() ? 'aborted' : 'succeeded';
  if (outcome.failed) outcome.error = `${outcome.failed} of ${planned.length} partitions failed`;
  log(
    outcome.failed ? 'error' : 'info',
    `${outcome.built} partition${outcome.built === 1 ? '' : 's'} built, ${outcome.failed} failed, ${outcome.rows} rows`,
  );
  return outcome;
}
