import { writesDataset } from '../../common/recipe-outputs.js';
import type { Principal } from '../../catalog/access.js';
import { badRequest, conflict, notFound } from '../../common/errors.js';
import { parseOr400 } from '../../common/parse.js';
import { DATASET_KIND, resolveSource } from '../../datasets/datasets.js';
import { discoverPartitions } from '../../datasets/partition-discovery.js';
import {
  currentManifest,
  getPartitioning,
  partitionAttempts,
  partitioningsOf,
  putPartitioning,
  removePartitioning,
} from '../../datasets/partition-store.js';
import { PartitioningSchema, type Partitioning, type PartitionInfo } from '../../datasets/partitioning.js';
import type { RecipeBase } from '../../recipes/recipe-type.js';
import type { Workspace } from '../../workspace/workspace.js';
import { RECIPE_KIND, storedRecipe } from '../recipes-service.js';
import { knownPartitions, loadPartitionState, partitionReads, partitionStaleness } from './partition-plan.js';

async function requireDataset(ws: Workspace, projectKey: string, name: string) {
  const o = await ws.catalog.objects.get(projectKey, DATASET_KIND, name);
  if (!o) throw notFound(`Dataset ${name} not found in project ${projectKey}`);
}

/** A dataset's partitioning (reader; 404 when it is not partitioned). */
export async function getDatasetPartitioning(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dataset: string,
): Promise<Partitioning> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  await requireDataset(ws, projectKey, dataset);
  const p = await getPartitioning(ws, projectKey, dataset);
  if (!p) throw notFound(`Dataset ${dataset} is not partitioned`);
  return p;
}

/**
 * Declares how a dataset is partitioned (writer). When the dataset has data, each dimension's
 * column must be one of its columns (400 naming it). Partitions already built keep their ids.
 */
export async function setDatasetPartitioning(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dataset: string,
  input: unknown,
): Promise<Partitioning> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await requireDataset(ws, projectKey, dataset);
  const partitioning = parseOr400(PartitioningSchema, input, 'partitioning');
  const columns = (await resolveSource(ws, projectKey, dataset).catch(() => null))?.version?.columns;
  if (columns?.length) {
    const names = new Set(columns.map((c) => c.name));
    const unknown = partitioning.dimensions.filter((d) => !names.has(d.column));
    if (unknown.length)
      throw badRequest(
        `dimensions: column ${unknown.map((d) => d.column).join(', ')} is not a column of ${dataset} (${[...names].join(', ')})`,
      );
  }
  await putPartitioning(ws, projectKey, dataset, partitioning, principal.username);
  await ws.catalog.projects.touch(projectKey);
  return partitioning;
}

/**
 * Makes a dataset unpartitioned (writer): it is built whole from then on; its versions keep their
 * data. 404 when it is not partitioned, 409 while one of its partitions is being built.
 */
export async function removeDatasetPartitioning(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dataset: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await requireDataset(ws, projectKey, dataset);
  const building = [...(await partitionAttempts(ws, projectKey, dataset)).values()].find((a) => a.state === 'building');
  if (building)
    throw conflict(`Dataset ${dataset} has partitions being built by job ${building.jobId}; try again after it`);
  if (!(await removePartitioning(ws, projectKey, dataset))) throw notFound(`Dataset ${dataset} is not partitioned`);
  await ws.catalog.projects.touch(projectKey);
}

/**
 * A partitioned dataset's partitions with their rows and state (reader). For a recipe's output:
 * the partitions its inputs imply and those built — `ready`, `stale` (with the reason: inputs, settings, a library or the environment changed),
 * `missing`, `building` or `failed` (last attempt). For other data: the partitions found in it (`ready`).
 */
export async function listPartitions(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dataset: string,
): Promise<PartitionInfo[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  await requireDataset(ws, projectKey, dataset);
  const partitionings = await partitioningsOf(ws, projectKey);
  const partitioning = partitionings.get(dataset);
  if (!partitioning) throw notFound(`Dataset ${dataset} is not partitioned`);
  const recipes = await ws.catalog.objects.list<RecipeBase>(projectKey, RECIPE_KIND);
  const producer = recipes.map((r) => storedRecipe(r.body)).find((r) => writesDataset(r, dataset));
  if (!producer) {
    const manifest = await currentManifest(ws, projectKey, dataset);
    if (manifest.length)
      return manifest.map((e) => ({ id: e.partitionId, rows: e.rowCount, state: 'ready', builtAt: e.builtAt }));
    const r = await resolveSource(ws, projectKey, dataset);
    const found = await discoverPartitions(ws.duck, r.source, partitioning);
    return [...found].map(([id, rows]) => ({ id, rows, state: 'ready' }));
  }
  const state = await loadPartitionState(ws, projectKey, producer, partitionings);
  const ids = new Set([...knownPartitions(state), ...state.attempts.keys()]);
  return [...ids].sort().map((id): PartitionInfo => {
    const built = state.manifest.get(id);
    const attempt = state.attempts.get(id);
    const base = { id, rows: built?.rowCount ?? null, builtAt: built?.builtAt ?? null };
    if (attempt?.state === 'building') return { ...base, state: 'building' };
    if (attempt?.state === 'failed') return { ...base, state: 'failed', error: attempt.error };
    if (!built) return { ...base, state: 'missing' };
    let reason: string | null;
    try {
      reason = partitionStaleness(state, id, partitionReads(state, id));
    } catch (e) {
      reason = (e as Error).message; // its inputs no longer have what it read
    }
    return reason === null ? { ...base, state: 'ready' } : { ...base, state: 'stale', reason };
  });
}
