import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest, conflict } from '../common/errors.js';
import { recipeOutputs } from '../common/recipe-outputs.js';
import { parseOr400 } from '../common/parse.js';
import { DATASET_KIND, resolveSource } from '../datasets/datasets.js';
import { tableStorage, type DatasetDefinition } from '../datasets/definitions.js';
import { beginVersion, commitVersion, failVersion, type PendingVersion } from '../datasets/versions.js';
import { recipeTypes } from '../recipes/registry.js';
import type { FingerprintMemo, RecipeBase } from '../recipes/recipe-type.js';
import type { Heartbeat } from '../workspace/process-liveness.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import type { TableSource } from '../engine/table-source.js';
import { claimOutputs, releaseClaims, waitForClaims } from './build-claims.js';
import { JobStore, recoverInterruptedBuilds, type ActivityStatus, type Job } from './jobs.js';
import { runPostBuildValidators } from './post-build.js';
import { runRecipeOutputs } from './run-outputs.js';
import { BUILD_MODES, planBuild, type BuildMode, type PlannedActivity } from './planner.js';
import { recipeContext, RECIPE_KIND, storedRecipe } from './recipes-service.js';
import { recipeTarget } from './recipe-target.js';
import {
  checkPartitionTargets,
  PartitionTargetSchema,
  splitTargets,
  withPartitionTargets,
} from './partitions/partition-targets.js';
import { runPartitionedActivity } from './partitions/run-partitions.js';
import { partitioningsOf } from '../datasets/partition-store.js';
import type { Partitioning } from '../datasets/partitioning.js';
import { signatureOf, staleReason, type StaleReason } from './staleness.js';
import { currentSignature } from './current-signature.js';

export const BuildRequestSchema = z.object({
  targets: z.array(z.union([z.string(), PartitionTargetSchema])).min(1, 'Name at least one dataset to build'),
  mode: z.enum(BUILD_MODES).default('required'),
});
export type BuildRequest = z.input<typeof BuildRequestSchema>;

/** Builds this process runs on a workspace, by job id, so they can be aborted, awaited and kept alive by a heartbeat. */
const runningBuilds = workspaceSlot(
  'flow.running-builds',
  () => new Map<string, { abort: boolean; stop: AbortController; projectKey: string; done: Promise<Job> }>(),
);

/** Projects being deleted on a workspace: no build starts in them, their running builds are aborted. */
const projectsStopping = workspaceSlot('flow.projects-stopping', () => new Set<string>());

/**
 * Builds' part in deleting a project (`registerProjectWorkStopper`): aborts the project's builds
 * this process runs and waits for them (an activity already running finishes, its version is
 * then refused), and refuses new ones until the delete is over.
 */
export const projectBuildStopper = workspaceSlot('flow.project-build-stopper', (ws) => ({
  async stop(projectKey: string): Promise<void> {
    projectsStopping(ws).add(projectKey);
    const builds = [...runningBuilds(ws).values()].filter((b) => b.projectKey === projectKey);
    for (const b of builds) {
      b.abort = true;
      b.stop.abort();
    }
    await Promise.allSettled(builds.map((b) => b.done));
  },
  resume(projectKey: string): void {
    projectsStopping(ws).delete(projectKey);
  },
}));

/**
 * The heartbeat of the builds this process runs on a workspace: their jobs are stamped every
 * interval, so that recovery on any host can tell them from builds whose process died.
 */
export const buildHeartbeat: (ws: Workspace) => Heartbeat = workspaceSlot(
  'flow.build-heartbeat',
  (ws) =>
    ws.liveness.heartbeat(
      () => [...runningBuilds(ws).keys()],
      (jobIds, at) => new JobStore(ws).heartbeat(jobIds, at),
    ),
  async (heartbeat) => {
    heartbeat.stop();
    await heartbeat.flush();
  },
);

type Resolved = Awaited<ReturnType<typeof resolveSource>> | null;

/**
 * Resolves each dataset of a project at most once: judging the staleness of a whole flow
 * reads every dataset as an output and again as the input of its readers.
 */
export function datasetResolver(ws: Workspace, projectKey: string): (name: string) => Promise<Resolved> {
  const cache = new Map<string, Promise<Resolved>>();
  return (name) => {
    let r = cache.get(name);
    if (!r) {
      r = resolveSource(ws, projectKey, name).catch(() => null);
      cache.set(name, r);
    }
    return r;
  };
}

/**
 * Why a recipe's output is stale right now (null when up to date); a recipe with several
 * outputs is stale when any of them is. Pass one resolver and one memo to judge many recipes.
 */
export async function recipeStaleness(
  ws: Workspace,
  projectKey: string,
  recipe: RecipeBase,
  resolve = datasetResolver(ws, projectKey),
  memo: FingerprintMemo = new Map(),
): Promise<StaleReason> {
  const signature = await currentSignature(ws, projectKey, recipe, memo);
  const tokens: Record<string, string | null> = {};
  // A source that cannot be reached cannot tell a change either: null, always rebuilt.
  for (const input of recipe.inputs)
    tokens[input] = (await (await resolve(input))?.versionToken().catch(() => null)) ?? null;
  for (const name of recipeOutputs(recipe)) {
    const output = await resolve(name);
    const reason = staleReason(signature, output?.version?.lineage, tokens);
    if (reason) return reason;
  }
  return null;
}

/**
 * Plans a build, records the job and starts it. Returns the job id at once; `done` settles when it
 * ends. While another job (of any server) builds one of its datasets, the job stays queued behind
 * it: `waitsFor` names that job.
 */
export async function startBuild(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  request: BuildRequest,
): Promise<{ jobId: string; plan: PlannedActivity[]; waitsFor: string | null; done: Promise<Job> }> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  if (projectsStopping(ws).has(projectKey)) throw conflict(`Project ${projectKey} is being deleted`);
  const parsed = parseOr400(BuildRequestSchema, request, 'build request', { prefix: '' });
  const { mode } = parsed;
  const { targets, selectors } = splitTargets(parsed.targets);
  const recipes = (await ws.catalog.objects.list<RecipeBase>(projectKey, RECIPE_KIND)).map((o) => storedRecipe(o.body));
  const datasets = new Set((await ws.catalog.objects.list(projectKey, DATASET_KIND)).map((o) => o.name));
  const unknown = targets.filter((t) => !datasets.has(t));
  if (unknown.length) throw badRequest(`Unknown dataset${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  const stale = new Map<string, StaleReason>();
  const resolve = datasetResolver(ws, projectKey);
  const memo: FingerprintMemo = new Map();
  if (mode === 'required')
    for (const r of recipes) stale.set(r.name, await recipeStaleness(ws, projectKey, r, resolve, memo));
  const partitionings = await partitioningsOf(ws, projectKey);
  checkPartitionTargets(selectors, partitionings);
  const plan = withPartitionTargets(
    planBuild(targets, mode, recipes, (name) => stale.get(name) ?? null),
    selectors,
    recipes,
  );
  const jobs = new JobStore(ws);
  const jobId = await jobs.create(projectKey, { principal, targets, mode, plan });
  const holder = await claimOutputs(
    ws,
    projectKey,
    jobId,
    plan.flatMap((a) => a.outputs),
  );
  await ws.catalog.projects.touch(projectKey);
  const running = runningBuilds(ws);
  const state = {
    abort: false,
    stop: new AbortController(),
    projectKey,
    done: Promise.resolve(null as unknown as Job),
  };
  state.done = runJob(ws, {
    jobs,
    projectKey,
    jobId,
    plan,
    recipes: new Map(recipes.map((r) => [r.name, r])),
    mode,
    state,
    queued: holder !== null,
    partitionings,
    selectors,
  }).finally(() => running.delete(jobId));
  running.set(jobId, state);
  buildHeartbeat(ws).ensure();
  return { jobId, plan, waitsFor: holder?.jobId ?? null, done: state.done };
}

/**
 * Stops a running job: activities not yet started are aborted, and the running ones are
 * interrupted (their queries, their code's processes); none of them commits its output.
 */
export async function abortJob(ws: Workspace, principal: Principal, projectKey: string, jobId: string): Promise<Job> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const jobs = new JobStore(ws);
  const job = await jobs.get(projectKey, jobId);
  const state = runningBuilds(ws).get(jobId);
  if (!state || (job.status !== 'running' && job.status !== 'queued'))
    throw conflict(`Job ${jobId} is not running (${job.status})`);
  state.abort = true;
  state.stop.abort();
  return state.done;
}

/** Waits for a job of this process to end (or returns it if it already ended). */
export async function waitForJob(ws: Workspace, projectKey: string, jobId: string): Promise<Job> {
  const state = runningBuilds(ws).get(jobId);
  if (state) return state.done;
  return new JobStore(ws).get(projectKey, jobId);
}

/** A recorded job about to run: its plan, the recipes by name, and the flag `abortJob` raises. */
interface JobRun {
  jobs: JobStore;
  projectKey: string;
  jobId: string;
  plan: PlannedActivity[];
  recipes: Map<string, RecipeBase>;
  mode: BuildMode;
  /** `abort` raised by abortJob, which also aborts `stop`: running queries and code stop at once. */
  state: { abort: boolean; stop: AbortController };
  /** Another job held one of its datasets when it was recorded: it waits, then judges staleness again. */
  queued: boolean;
  /** Partitioned datasets of the project, and the partitions the request selected by dataset. */
  partitionings: Map<string, Partitioning>;
  selectors: Map<string, string[]>;
}

/**
 * Runs a planned build: activities whose dependencies are done run in parallel up to the
 * configured limit; a failure skips its dependants and leaves their previous versions intact.
 */
async function runJob(ws: Workspace, run: JobRun): Promise<Job> {
  try {
    if (run.queued) await waitForOutputs(ws, run);
    return await runClaimedJob(ws, run);
  } finally {
    await releaseClaims(ws, run.jobId).catch(() => undefined);
  }
}

/** Waits (queued) until the job holds every dataset it writes, or is aborted. */
async function waitForOutputs(ws: Workspace, run: JobRun): Promise<void> {
  const { jobs, projectKey, jobId } = run;
  await waitForClaims(
    ws,
    { projectKey, jobId, datasets: run.plan.flatMap((a) => a.outputs) },
    {
      aborted: () => run.state.abort,
      onWait: (holder) =>
        jobs.log(projectKey, jobId, 'info', `Queued: job ${holder.jobId} is building ${holder.dataset}`),
      recover: () => recoverInterruptedBuilds(ws),
    },
  );
}

async function runClaimedJob(ws: Workspace, run: JobRun): Promise<Job> {
  const { jobs, projectKey, jobId, plan, recipes, mode, state } = run;
  const status = new Map<string, ActivityStatus>(plan.map((a) => [a.recipe, 'pending']));
  const index = new Map(plan.map((a, i) => [a.recipe, i]));
  const limit = Math.max(1, ws.config.buildParallelism);
  await jobs.setStatus(projectKey, jobId, 'running');
  await jobs.log(
    projectKey,
    jobId,
    'info',
    plan.length
      ? `Build (${mode}) of ${plan.length} recipe${plan.length > 1 ? 's' : ''}: ${plan.map((a) => a.recipe).join(', ')}`
      : 'Everything is up to date: nothing to build',
  );

  const set = async (
    a: PlannedActivity,
    s: ActivityStatus,
    extra: { rows?: number | null; error?: string | null } = {},
  ) => {
    status.set(a.recipe, s);
    await jobs.setActivity(projectKey, jobId, activityUpdate(a, s, extra));
  };
  const activityUpdate = (
    a: PlannedActivity,
    s: ActivityStatus,
    extra: { rows?: number | null; error?: string | null } = {},
  ) => ({ index: index.get(a.recipe)!, recipe: a.recipe, output: a.output, status: s, ...extra });

  const runOne = async (a: PlannedActivity) => {
    const recipe = recipes.get(a.recipe)!;
    // The recipe's fingerprint (a code recipe's libraries and environment) is taken once for the
    // activity: the re-check, the signature before the run and the run itself share these look-ups.
    const fingerprints: FingerprintMemo = new Map();
    if (a.outputs.some((o) => run.partitionings.has(o))) return runPartitioned(a, recipe, fingerprints);
    // A job that waited for another build of its datasets judges them again: that build may have done its work.
    const recheck = a.reason === 'upstream rebuilt' || (run.queued && mode === 'required');
    if (recheck && (await recipeStaleness(ws, projectKey, recipe, undefined, fingerprints)) === null) {
      await set(a, 'up-to-date');
      await jobs.log(projectKey, jobId, 'info', `${a.recipe}: inputs unchanged after upstream rebuild, output kept`);
      return;
    }
    if (recipeTypes.find(recipe.type)?.runOutputs) {
      await set(a, 'running');
      return runSeveral(a, recipe, fingerprints);
    }
    const started = Date.now();
    let pending: PendingVersion | null = null;
    try {
      const def = (await ws.catalog.objects.get<DatasetDefinition>(projectKey, DATASET_KIND, a.output))?.body;
      // The activity starts running in the transaction that begins its version (and succeeds in the one that commits it).
      pending = await jobs.setActivityWith(projectKey, jobId, activityUpdate(a, 'running'), (alsoWrite) =>
        beginVersion(ws, projectKey, a.output, {
          jobId,
          inDatabase: def !== undefined && tableStorage(def.storage) !== null,
          alsoWrite,
        }),
      );
      const ctx = await recipeContext(
        ws,
        projectKey,
        recipe,
        (m, level = 'info') => void jobs.log(projectKey, jobId, level, `${a.recipe}: ${m}`),
        state.stop.signal,
      );
      ctx.fingerprintMemo = fingerprints;
      const tokens = Object.fromEntries(ctx.inputs.map((i) => [i.name, i.versionToken ?? 'none']));
      // Taken before the run: a library saved while it runs makes the output stale, never falsely up to date.
      const before = await currentSignature(ws, projectKey, recipe, fingerprints);
      const target = await recipeTarget(ws, projectKey, {
        output: a.output,
        definition: def,
        parquetPath: pending.path,
      });
      const result = await recipeTypes.get(recipe.type).run(ctx, recipe, target);
      // Aborted while it ran but not interrupted (a step without a query): its output is not kept.
      state.stop.signal.throwIfAborted();
      const written: TableSource =
        target.kind === 'parquet' ? { kind: 'parquet', paths: [target.path] } : target.source;
      await runPostBuildValidators(ws, {
        projectKey,
        dataset: a.output,
        versionId: pending.id,
        jobId,
        source: written,
        log: (m) => void jobs.log(projectKey, jobId, 'info', `${a.recipe}: ${m}`),
      });
      // What the run itself used (the library files it wrote, its environment once built), when it says.
      const signature = result.fingerprint ? signatureOf(recipe, result.fingerprint) : before;
      const version = {
        rowCount: result.rowCount,
        contentHash: result.contentHash,
        columns: result.columns,
        lineage: {
          source: 'build' as const,
          recipe: recipe.name,
          recipeSignature: signature.value,
          ...(signature.parts ? { signatureParts: signature.parts } : {}),
          inputs: tokens,
          ...(result.environment ? { environment: result.environment } : {}),
        },
      };
      const committing = pending;
      const committed = await jobs.setActivityWith(
        projectKey,
        jobId,
        activityUpdate(a, 'succeeded', { rows: result.rowCount }),
        (alsoWrite) => commitVersion(ws, committing, version, { alsoWrite }),
      );
      status.set(a.recipe, 'succeeded');
      if (committed.status !== 'ready')
        await jobs.log(projectKey, jobId, 'warn', `${a.recipe}: a newer version of ${a.output} is current; kept it`);
      await jobs.log(
        projectKey,
        jobId,
        'info',
        `${a.recipe}: wrote ${result.rowCount} rows to ${a.output} in ${Date.now() - started} ms`,
      );
    } catch (err) {
      if (pending) await failVersion(ws, pending);
      await failOrAbort(a, err);
    }
  };

  /** An activity that threw: aborted when the job was (its error is the interruption), else failed. */
  const failOrAbort = async (a: PlannedActivity, err: unknown) => {
    if (state.abort) {
      await set(a, 'aborted', { error: 'Aborted by a user' });
      await jobs.log(projectKey, jobId, 'error', `${a.recipe}: aborted while running; its output was not kept`);
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    await set(a, 'failed', { error: message });
    await jobs.log(projectKey, jobId, 'error', `${a.recipe}: failed: ${message}`);
  };

  /** A type that writes several outputs (split): one run, every output committed together or none. */
  const runSeveral = async (a: PlannedActivity, recipe: RecipeBase, fingerprints: FingerprintMemo) => {
    const started = Date.now();
    const log = (m: string) => void jobs.log(projectKey, jobId, 'info', `${a.recipe}: ${m}`);
    try {
      const committed = await runRecipeOutputs(ws, {
        projectKey,
        jobId,
        recipe,
        log,
        signal: state.stop.signal,
        fingerprints,
      });
      const rows = committed.reduce((n, c) => n + (c.version.rowCount ?? 0), 0);
      await set(a, 'succeeded', { rows });
      for (const c of committed.filter((x) => x.version.status !== 'ready'))
        await jobs.log(projectKey, jobId, 'warn', `${a.recipe}: a newer version of ${c.dataset} is current; kept it`);
      const counts = committed.map((c) => `${c.version.rowCount} rows to ${c.dataset}`).join(', ');
      log(`wrote ${counts} in ${Date.now() - started} ms`);
    } catch (err) {
      await failOrAbort(a, err);
    }
  };

  /** A partitioned output: its stale (or selected) partitions, each an activity; this activity sums them up. */
  const runPartitioned = async (a: PlannedActivity, recipe: RecipeBase, fingerprints: FingerprintMemo) => {
    await set(a, 'running');
    try {
      if (a.outputs.length > 1)
        throw badRequest(
          `Recipe ${a.recipe} writes several datasets (${a.outputs.join(', ')}): none of them can be partitioned`,
        );
      const r = await runPartitionedActivity(ws, {
        jobs,
        projectKey,
        jobId,
        recipe,
        partitionings: run.partitionings,
        selectors: run.selectors.get(a.output) ?? ['all'],
        force: mode !== 'required',
        limit,
        aborted: () => state.abort,
        signal: state.stop.signal,
        fingerprints,
      });
      await set(a, r.status, { rows: r.rows, error: r.error });
    } catch (err) {
      await failOrAbort(a, err);
    }
  };

  const inFlight = new Set<Promise<void>>();
  for (;;) {
    // Dependants of failed, skipped or aborted activities never run.
    for (const a of plan) {
      if (status.get(a.recipe) !== 'pending') continue;
      const bad = a.dependsOn.find((d) => ['failed', 'skipped', 'aborted'].includes(status.get(d)!));
      if (state.abort) {
        await set(a, 'aborted', { error: 'Aborted by a user' });
      } else if (bad) {
        await set(a, 'skipped', { error: `Upstream ${bad} did not succeed` });
      }
    }
    const ready = plan.filter(
      (a) =>
        status.get(a.recipe) === 'pending' &&
        a.dependsOn.every((d) => ['succeeded', 'up-to-date'].includes(status.get(d)!)),
    );
    while (ready.length && inFlight.size < limit) {
      const a = ready.shift()!;
      status.set(a.recipe, 'running');
      const p = runOne(a).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
  }

  const failed = plan.filter((a) => status.get(a.recipe) === 'failed');
  const final = state.abort ? 'aborted' : failed.length ? 'failed' : 'succeeded';
  const error = failed.length
    ? `${failed.length} recipe${failed.length > 1 ? 's' : ''} failed: ${failed.map((a) => a.recipe).join(', ')}`
    : state.abort
      ? 'Aborted by a user'
      : null;
  await jobs.log(
    projectKey,
    jobId,
    final === 'succeeded' ? 'info' : 'error',
    `Job ${final}${error ? `: ${error}` : ''}`,
  );
  await jobs.setStatus(projectKey, jobId, final, error);
  return jobs.get(projectKey, jobId);
}
