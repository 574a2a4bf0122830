import { copyFile } from 'node:fs/promises';
import type { Principal } from '../catalog/access.js';
import { conflict, notFound } from '../common/errors.js';
import type { TableQuery } from '../engine/table-query.js';
import type { Workspace } from '../workspace/workspace.js';
import { DATASET_KIND, getDataset } from './datasets.js';
import type { DatasetDefinition, DatasetInfo } from './definitions.js';
import { pageAnswer, readVersionRows } from './explore.js';
import {
  beginVersion,
  commitVersion,
  currentVersion,
  failVersion,
  findVersion,
  type CommittedVersion,
  PARTITIONED_LOCATION,
} from './versions.js';

/**
 * An old version whose data is still kept: a managed dataset's ready version with its own file.
 * Only the current version and the one before keep their files (see `pruneOldVersions`), so older
 * ones answer 409 saying so rather than a missing-file error from the engine.
 */
async function keptVersion(ws: Workspace, projectKey: string, name: string, versionId: string) {
  const o = await ws.catalog.objects.get<DatasetDefinition>(projectKey, DATASET_KIND, name);
  if (!o) throw notFound(`Dataset ${name} not found in project ${projectKey}`);
  if (o.body.storage.type !== 'managed')
    throw conflict(`Dataset ${name} is read in place from a connection: it keeps no versions of its data`);
  const version = await findVersion(ws, projectKey, name, versionId);
  if (!version) throw notFound(`Dataset ${name} has no version ${versionId}`);
  if (version.status !== 'ready' || version.location.startsWith('postgres:'))
    throw conflict(
      `Version ${version.seq} of ${name} is ${version.status === 'ready' ? 'stored in a database' : version.status}: ` +
        'its data is not kept (only the current version and the one before keep their data)',
    );
  if (version.location.startsWith(PARTITIONED_LOCATION))
    throw conflict(`Version ${version.seq} of ${name} is partitioned: rebuild its partitions instead of restoring it`);
  return version;
}

/** A page of rows of one version of a managed dataset (reader), read like the current data in the grid. */
export async function datasetVersionPage(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  versionId: string,
  query: TableQuery,
  signal?: AbortSignal,
) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const version = await keptVersion(ws, projectKey, name, versionId);
  const source = { kind: 'parquet' as const, paths: [ws.resolve(version.location)] };
  return pageAnswer(await readVersionRows(ws, source, version, query, signal), query);
}

/**
 * Makes an old version's data current again as a NEW version (writer): the history stays, and
 * recipes reading the dataset become stale exactly as after an import (their recorded input is
 * the content hash, which is now the old one's). The lineage of the old version is kept, so a
 * restored recipe output is judged against the recipe and inputs that made it.
 */
export async function restoreDatasetVersion(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  versionId: string,
): Promise<DatasetInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const old: CommittedVersion = await keptVersion(ws, projectKey, name, versionId);
  if ((await currentVersion(ws, projectKey, name))?.id === old.id)
    throw conflict(`Version ${old.seq} of ${name} is already the current one`);
  const pending = await beginVersion(ws, projectKey, name);
  try {
    await copyFile(ws.resolve(old.location), pending.path);
    await commitVersion(ws, pending, {
      rowCount: old.rowCount ?? 0,
      contentHash: old.contentHash,
      columns: old.columns ?? [],
      lineage: { ...old.lineage, source: 'restore', restoredFrom: old.seq },
    });
  } catch (err) {
    await failVersion(ws, pending);
    throw err;
  }
  await ws.catalog.projects.touch(projectKey);
  return getDataset(ws, principal, projectKey, name);
}
