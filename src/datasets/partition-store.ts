import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { sql, type Transaction } from 'kysely';
import type { CatalogTables } from '../catalog/tables.js';
import { JOB_OPEN_STATUSES } from '../catalog/statuses.js';
import { newId, nowIso } from '../common/ids.js';
import type { Workspace } from '../workspace/workspace.js';
import type { ColumnSchema, Lineage } from './dataset-types.js';
import type { Partitioning } from './partitioning.js';
import {
  beginVersion,
  commitVersion,
  currentVersion,
  failVersion,
  PARTITIONED_LOCATION,
  removeVersionFiles,
  type CommittedVersion,
} from './versions.js';

/**
 * Storage of partitioned datasets. Each partition is one Parquet file under
 * `data/<P>/<dataset>/partitions/`. A version of a partitioned dataset (location
 * `partitioned:<seq>`) has a manifest: the files of all its partitions. Committing a partition
 * makes a new version whose manifest is the current one's with that partition's file replaced,
 * through the usual `beginVersion` → `commitVersion` (so readers switch atomically, old versions
 * stay readable while retention keeps them, and a crash leaves the previous version current).
 * `partition_builds` keeps each partition's last attempt: its state and the file it writes.
 */

/** What a partition was built from: recipe signature and the tokens of the input partitions it read. */
export interface PartitionLineage {
  recipeSignature: string;
  /** A code recipe's fingerprint parts (libraries, environment), to name what changed (see flow/staleness.ts). */
  signatureParts?: Record<string, string>;
  inputs: Record<string, string>;
}

export interface ManifestEntry {
  partitionId: string;
  location: string;
  rowCount: number;
  contentHash: string | null;
  lineage: PartitionLineage;
  builtAt: string;
}

export interface PartitionAttempt {
  projectKey: string;
  dataset: string;
  partitionId: string;
  jobId: string;
  location: string;
  /** Absolute path of the Parquet file to write. */
  path: string;
}

export const isPartitionedVersion = (v: { location: string } | null | undefined) =>
  v?.location.startsWith(PARTITIONED_LOCATION) ?? false;

/** The project's datasets declared partitioned. */
export async function partitionedDatasets(ws: Workspace, projectKey: string): Promise<Set<string>> {
  const rows = await ws.catalog.db
    .selectFrom('dataset_partitioning')
    .select('dataset')
    .where('project_key', '=', projectKey)
    .execute();
  return new Set(rows.map((r) => r.dataset));
}

export async function getPartitioning(
  ws: Workspace,
  projectKey: string,
  dataset: string,
): Promise<Partitioning | null> {
  const r = await ws.catalog.db
    .selectFrom('dataset_partitioning')
    .select('dimensions')
    .where('project_key', '=', projectKey)
    .where('dataset', '=', dataset)
    .executeTakeFirst();
  return r ? { dimensions: JSON.parse(r.dimensions) as Partitioning['dimensions'] } : null;
}

/** The partitioning of every partitioned dataset of a project (one query per build). */
export async function partitioningsOf(ws: Workspace, projectKey: string): Promise<Map<string, Partitioning>> {
  const rows = await ws.catalog.db
    .selectFrom('dataset_partitioning')
    .select(['dataset', 'dimensions'])
    .where('project_key', '=', projectKey)
    .execute();
  return new Map(rows.map((r) => [r.dataset, { dimensions: JSON.parse(r.dimensions) as Partitioning['dimensions'] }]));
}

export async function putPartitioning(
  ws: Workspace,
  projectKey: string,
  dataset: string,
  partitioning: Partitioning,
  author: string,
): Promise<void> {
  const row = { dimensions: JSON.stringify(partitioning.dimensions), updated_at: nowIso(), updated_by: author };
  await ws.catalog.db
    .insertInto('dataset_partitioning')
    .values({ project_key: projectKey, dataset, ...row })
    .onConflict((oc) => oc.columns(['project_key', 'dataset']).doUpdateSet(row))
    .execute();
}

/**
 * Makes a dataset unpartitioned again: its partitioning and partition attempts go; the manifests
 * stay, so its versions (the current one included) keep reading as the union of their files.
 */
export async function removePartitioning(ws: Workspace, projectKey: string, dataset: string): Promise<boolean> {
  return ws.catalog.db.transaction().execute(async (trx) => {
    const r = await trx
      .deleteFrom('dataset_partitioning')
      .where('project_key', '=', projectKey)
      .where('dataset', '=', dataset)
      .executeTakeFirst();
    await trx
      .deleteFrom('partition_builds')
      .where('project_key', '=', projectKey)
      .where('dataset', '=', dataset)
      .execute();
    return Number(r.numDeletedRows) > 0;
  });
}

/** Forgets a dataset's partitioning, manifests and attempts (its files go with the dataset's folder). */
export async function dropPartitionRecords(ws: Workspace, projectKey: string, dataset: string): Promise<void> {
  await ws.catalog.db.transaction().execute(async (trx) => {
    for (const table of ['dataset_partitioning', 'dataset_version_partitions', 'partition_builds'] as const)
      await trx.deleteFrom(table).where('project_key', '=', projectKey).where('dataset', '=', dataset).execute();
  });
}

/** The partitions of one version (its manifest), by partition id order. */
export async function manifestOf(ws: Workspace, versionId: string): Promise<ManifestEntry[]> {
  const rows = await ws.catalog.db
    .selectFrom('dataset_version_partitions')
    .selectAll()
    .where('version_id', '=', versionId)
    .orderBy('partition_id')
    .execute();
  return rows.map((r) => ({
    partitionId: r.partition_id,
    location: r.location,
    rowCount: Number(r.row_count),
    contentHash: r.content_hash,
    lineage: JSON.parse(r.lineage) as PartitionLineage,
    builtAt: r.built_at,
  }));
}

/** The manifest of a dataset's current version (empty when it has none or it is not partitioned). */
export async function currentManifest(ws: Workspace, projectKey: string, dataset: string): Promise<ManifestEntry[]> {
  const v = await currentVersion(ws, projectKey, dataset);
  return isPartitionedVersion(v) ? manifestOf(ws, v!.id) : [];
}

/** The last build attempt of each partition of a dataset. */
export async function partitionAttempts(
  ws: Workspace,
  projectKey: string,
  dataset: string,
): Promise<Map<string, { state: string; error: string | null; updatedAt: string; jobId: string }>> {
  const rows = await ws.catalog.db
    .selectFrom('partition_builds')
    .select(['partition_id', 'state', 'error', 'updated_at', 'job_id'])
    .where('project_key', '=', projectKey)
    .where('dataset', '=', dataset)
    .execute();
  return new Map(
    rows.map((r) => [r.partition_id, { state: r.state, error: r.error, updatedAt: r.updated_at, jobId: r.job_id }]),
  );
}

/** A new file name (relative to the workspace) for a partition's data. */
function newPartitionLocation(projectKey: string, dataset: string, partitionId: string): string {
  const safe = partitionId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 120);
  return path.posix.join('data', projectKey, dataset, 'partitions', `${safe}-${newId().slice(0, 8)}.parquet`);
}

/** Records the start of a partition's build and the new file it will write. */
export async function beginPartition(
  ws: Workspace,
  a: { projectKey: string; dataset: string; partitionId: string; jobId: string },
): Promise<PartitionAttempt> {
  const location = newPartitionLocation(a.projectKey, a.dataset, a.partitionId);
  const row = { state: 'building' as const, job_id: a.jobId, location, error: null, updated_at: nowIso() };
  await ws.catalog.db
    .insertInto('partition_builds')
    .values({ project_key: a.projectKey, dataset: a.dataset, partition_id: a.partitionId, ...row })
    .onConflict((oc) => oc.columns(['project_key', 'dataset', 'partition_id']).doUpdateSet(row))
    .execute();
  const abs = ws.resolve(location);
  mkdirSync(path.dirname(abs), { recursive: true });
  return { ...a, location, path: abs };
}

async function setAttempt(ws: Workspace, a: PartitionAttempt, state: 'succeeded' | 'failed', error: string | null) {
  await ws.catalog.db
    .updateTable('partition_builds')
    .set({ state, error, updated_at: nowIso() })
    .where('project_key', '=', a.projectKey)
    .where('dataset', '=', a.dataset)
    .where('partition_id', '=', a.partitionId)
    .where('job_id', '=', a.jobId)
    .execute();
}

/** Marks partitions of one job's dataset committed (or not) in one statement. */
async function setAttempts(
  ws: Workspace,
  a: { projectKey: string; dataset: string; jobId: string },
  ids: string[],
  state: 'succeeded' | 'failed',
) {
  for (let i = 0; i < ids.length; i += 500)
    await ws.catalog.db
      .updateTable('partition_builds')
      .set({ state, error: null, updated_at: nowIso() })
      .where('project_key', '=', a.projectKey)
      .where('dataset', '=', a.dataset)
      .where('partition_id', 'in', ids.slice(i, i + 500))
      .where('job_id', '=', a.jobId)
      .execute();
}

/** A partition's build failed: its file goes, the partition keeps the data of the current version. */
export async function failPartition(ws: Workspace, a: PartitionAttempt, error: string): Promise<void> {
  removeVersionFiles(a.path);
  await setAttempt(ws, a, 'failed', error);
}

/** A built partition ready to commit: its attempt and what the build wrote. */
export interface BuiltPartition {
  attempt: PartitionAttempt;
  result: { rowCount: number; contentHash: string | null; columns: ColumnSchema[]; lineage: PartitionLineage };
}

/** Commits one built partition (see `commitPartitions`). */
export async function commitPartition(
  ws: Workspace,
  a: PartitionAttempt,
  result: BuiltPartition['result'],
  versionLineage: Lineage,
): Promise<CommittedVersion> {
  return commitPartitions(ws, [{ attempt: a, result }], versionLineage);
}

/**
 * Commits built partitions of one dataset together: one new version whose manifest is the
 * current one's with these partitions' files in place (so a wave of partitions costs one
 * version, one manifest copy and one attempt update). Callers commit one batch of a dataset at
 * a time (a build job holds the dataset's claim and chains its commits).
 */
export async function commitPartitions(
  ws: Workspace,
  built: BuiltPartition[],
  versionLineage: Lineage,
): Promise<CommittedVersion> {
  const { projectKey, dataset, jobId } = built[0].attempt;
  const ids = built.map((b) => b.attempt.partitionId);
  const pending = await beginVersion(ws, projectKey, dataset, { jobId, partitioned: true });
  try {
    const current = await currentVersion(ws, projectKey, dataset);
    const builtAt = nowIso();
    await ws.catalog.db.transaction().execute(async (trx) => {
      if (isPartitionedVersion(current))
        await trx
          .insertInto('dataset_version_partitions')
          .columns([
            'version_id',
            'project_key',
            'dataset',
            'partition_id',
            'location',
            'row_count',
            'content_hash',
            'lineage',
            'built_at',
          ])
          .expression((eb) =>
            eb
              .selectFrom('dataset_version_partitions')
              .select([
                sql<string>`cast(${pending.id} as text)`.as('version_id'),
                'project_key',
                'dataset',
                'partition_id',
                'location',
                'row_count',
                'content_hash',
                'lineage',
                'built_at',
              ])
              .where('version_id', '=', current!.id)
              .where('partition_id', 'not in', ids),
          )
          .execute();
      await insertManifestEntries(
        trx,
        pending,
        built.map(({ attempt: a, result }) => ({
          partitionId: a.partitionId,
          location: a.location,
          ...result,
          builtAt,
        })),
      );
    });
    const committed = await commitVersion(ws, pending, {
      ...(await manifestTotals(ws, pending.id)),
      columns: built[built.length - 1].result.columns,
      lineage: versionLineage,
    });
    await setAttempts(ws, built[0].attempt, ids, committed.status === 'ready' ? 'succeeded' : 'failed');
    await prunePartitionFiles(ws, projectKey, dataset);
    return committed;
  } catch (err) {
    await failVersion(ws, pending);
    throw err;
  }
}

async function insertManifestEntries(
  trx: Transaction<CatalogTables>,
  version: { id: string; projectKey: string; dataset: string },
  entries: ManifestEntry[],
): Promise<void> {
  for (let i = 0; i < entries.length; i += 200)
    await trx
      .insertInto('dataset_version_partitions')
      .values(
        entries.slice(i, i + 200).map((e) => ({
          version_id: version.id,
          project_key: version.projectKey,
          dataset: version.dataset,
          partition_id: e.partitionId,
          location: e.location,
          row_count: e.rowCount,
          content_hash: e.contentHash,
          lineage: JSON.stringify(e.lineage),
          built_at: e.builtAt,
        })),
      )
      .execute();
}

/**
 * A partitioned version's rows and content identity: its partitions' identities, so readers'
 * staleness works as for any dataset.
 */
async function manifestTotals(ws: Workspace, versionId: string): Promise<{ rowCount: number; contentHash: string }> {
  const parts = await ws.catalog.db
    .selectFrom('dataset_version_partitions')
    .select(['partition_id', 'row_count', 'content_hash', 'location'])
    .where('version_id', '=', versionId)
    .orderBy('partition_id')
    .execute();
  const hash = createHash('sha256');
  for (const p of parts) hash.update(`${p.partition_id}\t${p.content_hash ?? p.location}\n`);
  return { rowCount: parts.reduce((n, p) => n + Number(p.row_count), 0), contentHash: hash.digest('hex') };
}

/** A partition brought in from elsewhere (a project import): its file and its manifest facts. */
export type RestoredPartition = Omit<ManifestEntry, 'location'> & { sourcePath: string };

/**
 * Makes a new current version of a partitioned dataset from whole partitions (a project
 * import): each file is copied under the dataset's partitions folder and listed in the version's
 * manifest with the facts it came with. On failure the version fails and the copies go.
 */
export async function restorePartitionedVersion(
  ws: Workspace,
  target: { projectKey: string; dataset: string },
  parts: RestoredPartition[],
  facts: { columns: ColumnSchema[]; lineage: Lineage },
): Promise<CommittedVersion> {
  const pending = await beginVersion(ws, target.projectKey, target.dataset, { partitioned: true });
  const entries = parts.map(({ sourcePath, ...e }) => ({
    ...e,
    sourcePath,
    location: newPartitionLocation(target.projectKey, target.dataset, e.partitionId),
  }));
  try {
    for (const e of entries) {
      mkdirSync(path.dirname(ws.resolve(e.location)), { recursive: true });
      copyFileSync(e.sourcePath, ws.resolve(e.location));
    }
    await ws.catalog.db.transaction().execute((trx) => insertManifestEntries(trx, pending, entries));
    return await commitVersion(ws, pending, { ...(await manifestTotals(ws, pending.id)), ...facts });
  } catch (err) {
    await failVersion(ws, pending);
    for (const e of entries) removeVersionFiles(ws.resolve(e.location));
    throw err;
  }
}

/**
 * Forgets the manifests of versions that expired or failed, and deletes the partition files no
 * remaining manifest nor running attempt refers to.
 */
async function prunePartitionFiles(ws: Workspace, projectKey: string, dataset: string): Promise<void> {
  const db = ws.catalog.db;
  const dead = await db
    .selectFrom('dataset_version_partitions as p')
    .innerJoin('dataset_versions as v', 'v.id', 'p.version_id')
    .select(['p.version_id', 'p.location'])
    .where('p.project_key', '=', projectKey)
    .where('p.dataset', '=', dataset)
    .where('v.status', 'in', ['expired', 'failed'])
    .execute();
  if (dead.length === 0) return;
  await db
    .deleteFrom('dataset_version_partitions')
    .where('version_id', 'in', [...new Set(dead.map((d) => d.version_id))])
    .execute();
  const candidates = [...new Set(dead.map((d) => d.location))];
  const kept = new Set<string>();
  for (let i = 0; i < candidates.length; i += 500) {
    const slice = candidates.slice(i, i + 500);
    const [inManifests, inAttempts] = await Promise.all([
      db
        .selectFrom('dataset_version_partitions')
        .select('location')
        .where('project_key', '=', projectKey)
        .where('dataset', '=', dataset)
        .where('location', 'in', slice)
        .execute(),
      db
        .selectFrom('partition_builds')
        .select('location')
        .where('state', '=', 'building')
        .where('location', 'in', slice)
        .execute(),
    ]);
    for (const r of [...inManifests, ...inAttempts]) kept.add(r.location);
  }
  for (const location of candidates) if (!kept.has(location)) removeVersionFiles(ws.resolve(location));
}

/**
 * After a crash: partition attempts still `building` whose job is no longer open (recovery just
 * failed it, or it ended) were interrupted. One whose file a manifest lists was committed (the
 * kill came after the commit): it counts as succeeded. Others fail and lose their partial files,
 * so each partition's data is written exactly once into the versions readers see.
 */
export async function recoverInterruptedPartitions(ws: Workspace): Promise<number> {
  const db = ws.catalog.db;
  const stuck = await db
    .selectFrom('partition_builds as b')
    .leftJoin('jobs as j', 'j.id', 'b.job_id')
    .select(['b.project_key', 'b.dataset', 'b.partition_id', 'b.job_id', 'b.location'])
    .where('b.state', '=', 'building')
    .where((eb) => eb.or([eb('j.id', 'is', null), eb('j.status', 'not in', [...JOB_OPEN_STATUSES])]))
    .execute();
  let failed = 0;
  for (const b of stuck) {
    // Committed when a version that became ready lists its file (a version recovery just failed does not count).
    const listed = await db
      .selectFrom('dataset_version_partitions as p')
      .innerJoin('dataset_versions as v', 'v.id', 'p.version_id')
      .select('p.version_id')
      .where('p.location', '=', b.location)
      .where('v.status', 'in', ['ready', 'expired'])
      .executeTakeFirst();
    const where = db
      .updateTable('partition_builds')
      .where('project_key', '=', b.project_key)
      .where('dataset', '=', b.dataset)
      .where('partition_id', '=', b.partition_id)
      .where('job_id', '=', b.job_id)
      .where('state', '=', 'building');
    if (listed) {
      await where.set({ state: 'succeeded', updated_at: nowIso() }).execute();
      continue;
    }
    const updated = await where
      .set({ state: 'failed', error: 'Interrupted: the server stopped while building it', updated_at: nowIso() })
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) continue;
    removeVersionFiles(ws.resolve(b.location));
    failed++;
  }
  return failed;
}
