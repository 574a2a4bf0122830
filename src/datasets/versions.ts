import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { reusedQuery } from '../catalog/reused-query.js';
import { reindexDatasetColumnsIn } from '../catalog/search-index.js';
import type { Transaction } from 'kysely';
import type { CatalogTables, DatasetVersionsTable } from '../catalog/tables.js';
import { conflict } from '../common/errors.js';
import { newId, nowIso } from '../common/ids.js';
import { omit } from '../common/omit.js';
import { HOST, ownerIsDead, type Heartbeat } from '../workspace/process-liveness.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import type { ColumnSchema, DatasetVersion, Lineage, ListedVersion } from './dataset-types.js';

/** The location of a version of a partitioned dataset (`partitioned:<seq>`): its files are its manifest's. */
export const PARTITIONED_LOCATION = 'partitioned:';

/** Whether a version's location is a file of its own (not a database table nor a partition manifest). */
const hasOwnFile = (location: string) =>
  !location.startsWith('postgres:') && !location.startsWith(PARTITIONED_LOCATION);

/** How many ready versions keep their files: the current one and the one before (a reader may still be on it). */
const KEEP_FILES = 2;

export interface PendingVersion {
  id: string;
  seq: number;
  projectKey: string;
  dataset: string;
  /** Relative to the workspace; `postgres:` for data written in a database. */
  location: string;
  /** Absolute path of the Parquet file to write (managed datasets). */
  path: string;
}

export interface CommittedVersion extends DatasetVersion {
  location: string;
}

function toVersion(
  r: Pick<
    DatasetVersionsTable,
    | 'id'
    | 'seq'
    | 'status'
    | 'row_count'
    | 'content_hash'
    | 'columns'
    | 'lineage'
    | 'job_id'
    | 'created_at'
    | 'location'
  >,
): CommittedVersion {
  return {
    id: r.id,
    seq: r.seq,
    status: r.status,
    rowCount: r.row_count === null ? null : Number(r.row_count),
    contentHash: r.content_hash,
    columns: r.columns ? (JSON.parse(r.columns) as ColumnSchema[]) : null,
    lineage: r.lineage ? (JSON.parse(r.lineage) as Lineage) : null,
    jobId: r.job_id,
    createdAt: r.created_at,
    location: r.location,
  };
}

/** Versions this process writes on a workspace outside a build job (imports, uploads): they carry their own heartbeat. */
const writtenHere = workspaceSlot(
  'datasets.versions-written-here',
  (ws) => {
    const ids = new Set<string>();
    const heartbeat = ws.liveness.heartbeat(
      () => [...ids],
      async (versionIds, at) => {
        await ws.catalog.db
          .updateTable('dataset_versions')
          .set({ heartbeat_at: at })
          .where('id', 'in', versionIds)
          .where('status', '=', 'building')
          .execute();
      },
    );
    return { ids, heartbeat };
  },
  async ({ heartbeat }) => {
    heartbeat.stop();
    await heartbeat.flush();
  },
);

/**
 * The heartbeat of the versions this process writes without a job: they are stamped every
 * interval, so that recovery on any host can tell them from versions whose process died. (A
 * build's versions live as long as their job, whose own heartbeat tells.)
 */
export function versionHeartbeat(ws: Workspace): Heartbeat {
  return writtenHere(ws).heartbeat;
}

/**
 * A caller's own catalog change, written in the transaction that begins or commits a version
 * (a build step records its activity there: one catalog commit instead of two).
 */
export type AlsoWrite = (trx: Transaction<CatalogTables>) => Promise<void>;

/** The highest sequence number of a dataset's versions (`max` null before its first). */
const lastSeq = reusedQuery<'projectKey' | 'dataset', { max: number | null }>((db, value) =>
  db
    .selectFrom('dataset_versions')
    .select((eb) => eb.fn.max('seq').as('max'))
    .where('project_key', '=', value('projectKey'))
    .where('dataset', '=', value('dataset')),
);

/** A new version's row, `building`. */
const insertBuilding = reusedQuery<
  'id' | 'projectKey' | 'dataset' | 'seq' | 'location' | 'jobId' | 'createdAt' | 'owner' | 'ownerHost' | 'heartbeatAt',
  never
>((db, value) =>
  db.insertInto('dataset_versions').values({
    id: value('id'),
    project_key: value('projectKey'),
    dataset: value('dataset'),
    seq: value('seq'),
    status: 'building',
    location: value('location'),
    row_count: null,
    content_hash: null,
    columns: null,
    lineage: null,
    job_id: value('jobId'),
    created_at: value('createdAt'),
    owner: value('owner'),
    owner_host: value('ownerHost'),
    heartbeat_at: value('heartbeatAt'),
  }),
);

/**
 * Starts a new version next to the current one. Readers keep seeing the current version
 * until `commitVersion` swaps the pointer in one transaction.
 */
export async function beginVersion(
  ws: Workspace,
  projectKey: string,
  dataset: string,
  options: { jobId?: string; inDatabase?: boolean; partitioned?: boolean; alsoWrite?: AlsoWrite } = {},
): Promise<PendingVersion> {
  const id = newId();
  const pending = await ws.catalog.db.transaction().execute(async (trx) => {
    const last = (await lastSeq(trx, { projectKey, dataset })).rows[0];
    const seq = Number(last?.max ?? 0) + 1;
    // A partitioned version has no file of its own: its manifest lists partition files (partition-store.ts).
    const location = options.partitioned
      ? `${PARTITIONED_LOCATION}${seq}`
      : options.inDatabase
        ? `postgres:${seq}`
        : path.posix.join('data', projectKey, dataset, `v${seq}-${id.slice(0, 8)}.parquet`);
    await insertBuilding(trx, {
      id,
      projectKey,
      dataset,
      seq,
      location,
      jobId: options.jobId ?? null,
      createdAt: nowIso(),
      owner: ws.processId,
      ownerHost: HOST,
      heartbeatAt: options.jobId ? null : ws.liveness.nowIso(),
    });
    await options.alsoWrite?.(trx);
    const abs = options.inDatabase || options.partitioned ? '' : ws.resolve(location);
    if (abs) mkdirSync(path.dirname(abs), { recursive: true });
    return { id, seq, projectKey, dataset, location, path: abs };
  });
  if (!options.jobId) {
    const w = writtenHere(ws);
    w.ids.add(id);
    w.heartbeat.ensure();
  }
  return pending;
}

/**
 * Makes a finished version current, atomically, and prunes files of old versions. A version only
 * becomes current over an older one (compare-and-set on the sequence number, in the commit's
 * transaction): a slow build that ends after a newer version was committed must not bring back
 * its older result. Such a version is stored `expired`, its file deleted; the caller sees that status.
 * The search index and the expiry of old versions change in the same transaction (one catalog
 * commit per build step); old files are deleted once it has committed.
 */
export async function commitVersion(
  ws: Workspace,
  pending: PendingVersion,
  result: VersionResult,
  options: { alsoWrite?: AlsoWrite } = {},
): Promise<CommittedVersion> {
  writtenHere(ws).ids.delete(pending.id);
  const swapped = await ws.catalog.db.transaction().execute(async (trx) => {
    const done = await swapCurrent(trx, pending, result);
    await options.alsoWrite?.(trx);
    return done;
  });
  return afterCommit(ws, pending, result, swapped);
}

/**
 * Commits the versions one run wrote to several datasets (the outputs of a split) in ONE
 * transaction: all become current, or none does (one failed as interrupted meanwhile throws and
 * rolls the others back). As with `commitVersion`, a version older than a newer current one is
 * stored expired.
 */
export async function commitVersions(
  ws: Workspace,
  versions: { pending: PendingVersion; result: VersionResult }[],
): Promise<CommittedVersion[]> {
  for (const v of versions) writtenHere(ws).ids.delete(v.pending.id);
  const became = await ws.catalog.db.transaction().execute(async (trx) => {
    const out: Swapped[] = [];
    for (const v of versions) out.push(await swapCurrent(trx, v.pending, v.result));
    return out;
  });
  const committed: CommittedVersion[] = [];
  for (const [i, v] of versions.entries()) committed.push(afterCommit(ws, v.pending, v.result, became[i]));
  return committed;
}

type VersionResult = { rowCount: number; contentHash: string | null; columns: ColumnSchema[]; lineage: Lineage };

/** What the commit's transaction did: whether the version became current, when it was begun, old files to delete. */
interface Swapped {
  becameCurrent: boolean;
  createdAt: string;
  jobId: string | null;
  expiredFiles: string[];
}

/** A built version's results, `ready`; no row when it is no longer `building`. */
const markReady = reusedQuery<
  'id' | 'rowCount' | 'contentHash' | 'columns' | 'lineage',
  { created_at: string; job_id: string | null }
>((db, value) =>
  db
    .updateTable('dataset_versions')
    .set({
      status: 'ready',
      row_count: value('rowCount'),
      content_hash: value('contentHash'),
      columns: value('columns'),
      lineage: value('lineage'),
    })
    .where('id', '=', value('id'))
    .where('status', '=', 'building')
    .returning(['created_at', 'job_id']),
);

/**
 * Inside the commit's transaction: marks the version ready and makes it current over an older
 * one (then reindexes the dataset and expires old versions); `becameCurrent` is false when a
 * newer one is current.
 */
async function swapCurrent(
  trx: Transaction<CatalogTables>,
  pending: PendingVersion,
  result: VersionResult,
): Promise<Swapped> {
  const updated = (
    await markReady(trx, {
      id: pending.id,
      rowCount: result.rowCount,
      contentHash: result.contentHash,
      columns: JSON.stringify(result.columns),
      lineage: JSON.stringify(result.lineage),
    })
  ).rows[0];
  // Recovery elsewhere failed it (its job's or its own heartbeat went stale): it must not become current.
  if (!updated)
    throw conflict(
      `Version ${pending.seq} of ${pending.dataset} was failed as interrupted before it could be committed`,
    );
  const row = { createdAt: updated.created_at, jobId: updated.job_id };
  if (!(await becomeCurrent(trx, pending))) {
    await trx.updateTable('dataset_versions').set({ status: 'expired' }).where('id', '=', pending.id).execute();
    return { ...row, becameCurrent: false, expiredFiles: [] };
  }
  // The catalog search finds datasets by column: the new version's columns replace the old.
  const columns = result.columns.map((c) => c.name);
  await reindexDatasetColumnsIn(trx, { projectKey: pending.projectKey, name: pending.dataset, columns });
  const expiredFiles = await expireOldVersions(trx, pending);
  return { ...row, becameCurrent: true, expiredFiles };
}

/**
 * Points the dataset at `pending` unless a newer version is current; answers whether it did. One
 * statement: the dataset's first version inserts its row, a later one updates it only over an
 * older version (compare-and-set on the sequence number).
 */
async function becomeCurrent(trx: Transaction<CatalogTables>, pending: PendingVersion): Promise<boolean> {
  const { projectKey, dataset, id, seq } = pending;
  const written = await pointAtVersion(trx, { projectKey, dataset, id, seq });
  return Number(written.numAffectedRows) === 1;
}

const pointAtVersion = reusedQuery<'projectKey' | 'dataset' | 'id' | 'seq', never>((db, value) =>
  db
    .insertInto('dataset_state')
    .values({ project_key: value('projectKey'), dataset: value('dataset'), current_version: value('id') })
    .onConflict((oc) =>
      oc
        .columns(['project_key', 'dataset'])
        .doUpdateSet({ current_version: value('id') })
        .where('dataset_state.current_version', 'in', (eb) =>
          eb
            .selectFrom('dataset_versions')
            .select('id')
            .where('project_key', '=', value('projectKey'))
            .where('dataset', '=', value('dataset'))
            .where('seq', '<', value('seq')),
        ),
    ),
);

/** After the commit: old files deleted and the event for a current version; the file of an expired one removed. */
function afterCommit(
  ws: Workspace,
  pending: PendingVersion,
  result: VersionResult,
  swapped: Swapped,
): CommittedVersion {
  if (swapped.becameCurrent) {
    for (const file of swapped.expiredFiles) rmSync(ws.resolve(file), { force: true });
    ws.events.emit('datasetVersion', {
      projectKey: pending.projectKey,
      dataset: pending.dataset,
      versionId: pending.id,
      location: pending.location,
      rowCount: result.rowCount,
    });
  } else if (pending.path) {
    rmSync(pending.path, { force: true });
  }
  // The row as the transaction left it, without reading it back.
  return {
    id: pending.id,
    seq: pending.seq,
    status: swapped.becameCurrent ? 'ready' : 'expired',
    rowCount: result.rowCount,
    contentHash: result.contentHash,
    columns: result.columns,
    lineage: result.lineage,
    jobId: swapped.jobId,
    createdAt: swapped.createdAt,
    location: pending.location,
  };
}

/** A version's file and the hidden partial copies written next to it before the rename (`.v3-….parquet.….tmp`). */
export function removeVersionFiles(file: string): void {
  rmSync(file, { force: true });
  const partial = `.${path.basename(file)}.`;
  let siblings: string[];
  try {
    siblings = readdirSync(path.dirname(file));
  } catch {
    return;
  }
  for (const name of siblings)
    if (name.startsWith(partial) && name.endsWith('.tmp')) rmSync(path.join(path.dirname(file), name), { force: true });
}

/**
 * Marks a version failed and removes whatever it had written. The current version is untouched.
 * `forget` deletes the row instead, so the number is used again: a refused upload (a malformed
 * file) is not a version anyone asks about, and the next good file should be the next number.
 * A version recovery already marked failed (its importer was presumed dead) keeps its row.
 */
export async function failVersion(ws: Workspace, pending: PendingVersion, options: { forget?: boolean } = {}) {
  writtenHere(ws).ids.delete(pending.id);
  if (pending.path) removeVersionFiles(pending.path);
  if (options.forget)
    await ws.catalog.db
      .deleteFrom('dataset_versions')
      .where('id', '=', pending.id)
      .where('status', '=', 'building')
      .execute();
  else
    await ws.catalog.db
      .updateTable('dataset_versions')
      .set({ status: 'failed' })
      .where('id', '=', pending.id)
      .execute();
}

/** The row of a dataset's current version (every build step reads its inputs'). */
const currentVersionRow = reusedQuery<'projectKey' | 'dataset', DatasetVersionsTable>((db, value) =>
  db
    .selectFrom('dataset_state')
    .innerJoin('dataset_versions', 'dataset_versions.id', 'dataset_state.current_version')
    .selectAll('dataset_versions')
    .where('dataset_state.project_key', '=', value('projectKey'))
    .where('dataset_state.dataset', '=', value('dataset')),
);

export async function currentVersion(
  ws: Workspace,
  projectKey: string,
  dataset: string,
): Promise<CommittedVersion | null> {
  const r = (await currentVersionRow(ws.catalog.db, { projectKey, dataset })).rows[0];
  return r ? toVersion(r) : null;
}

/** Current versions of every dataset of a project, by dataset name. */
export async function currentVersions(ws: Workspace, projectKey: string): Promise<Map<string, CommittedVersion>> {
  const rows = await ws.catalog.db
    .selectFrom('dataset_state')
    .innerJoin('dataset_versions', 'dataset_versions.id', 'dataset_state.current_version')
    .selectAll('dataset_versions')
    .where('dataset_state.project_key', '=', projectKey)
    .execute();
  return new Map(rows.map((r) => [r.dataset, toVersion(r)]));
}

/** One version of a dataset by its id, or null when the dataset has no such version. */
export async function findVersion(
  ws: Workspace,
  projectKey: string,
  dataset: string,
  versionId: string,
): Promise<CommittedVersion | null> {
  const r = await ws.catalog.db
    .selectFrom('dataset_versions')
    .selectAll()
    .where('project_key', '=', projectKey)
    .where('dataset', '=', dataset)
    .where('id', '=', versionId)
    .executeTakeFirst();
  return r ? toVersion(r) : null;
}

export async function listVersions(ws: Workspace, projectKey: string, dataset: string): Promise<ListedVersion[]> {
  const current = await currentVersion(ws, projectKey, dataset);
  const rows = await ws.catalog.db
    .selectFrom('dataset_versions')
    .selectAll()
    .where('project_key', '=', projectKey)
    .where('dataset', '=', dataset)
    .orderBy('seq', 'desc')
    .execute();
  return rows.map((r) => {
    return { ...omit(toVersion(r), 'location'), current: r.id === current?.id };
  });
}

/**
 * In the commit's transaction, once `pending` is current: keeps the files of the current version
 * and of the newest other ready one (a reader may still be on it); older ready versions expire.
 * The current version is never pruned, whatever its number. Answers the files to delete after
 * the commit (a kill in between leaves them to the start-up sweep of unreferenced version files).
 */
async function expireOldVersions(trx: Transaction<CatalogTables>, pending: PendingVersion): Promise<string[]> {
  const { projectKey, dataset, id } = pending;
  const expired = await expireReadyBeyondKept(trx, { projectKey, dataset, id });
  return expired.rows.map((old) => old.location).filter(hasOwnFile);
}

/** One statement: every ready version but `id` and the newest kept ones expires; answers their locations. */
const expireReadyBeyondKept = reusedQuery<'projectKey' | 'dataset' | 'id', { location: string }>((db, value) =>
  db
    .updateTable('dataset_versions')
    .set({ status: 'expired' })
    .where('project_key', '=', value('projectKey'))
    .where('dataset', '=', value('dataset'))
    .where('status', '=', 'ready')
    .where('id', '!=', value('id'))
    .where('id', 'not in', (eb) =>
      eb
        .selectFrom('dataset_versions as kept')
        .select('kept.id')
        .where('kept.project_key', '=', value('projectKey'))
        .where('kept.dataset', '=', value('dataset'))
        .where('kept.status', '=', 'ready')
        .where('kept.id', '!=', value('id'))
        .orderBy('kept.seq', 'desc')
        .limit(KEEP_FILES - 1),
    )
    // Checked in the statement: another process may have just made an old version current.
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('dataset_state')
            .select('current_version')
            .whereRef('dataset_state.current_version', '=', 'dataset_versions.id'),
        ),
      ),
    )
    .returning('location'),
);

/** Forgets every version of a dataset and deletes its files (dataset deletion). */
export async function dropVersions(ws: Workspace, projectKey: string, dataset: string): Promise<void> {
  await ws.catalog.db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('dataset_state')
      .where('project_key', '=', projectKey)
      .where('dataset', '=', dataset)
      .execute();
    await trx
      .deleteFrom('dataset_versions')
      .where('project_key', '=', projectKey)
      .where('dataset', '=', dataset)
      .execute();
  });
  rmSync(path.join(ws.config.home, 'data', projectKey, dataset), { recursive: true, force: true });
}

/**
 * After a crash: versions still `building` were interrupted when written by a dead process of
 * this host, by a job just failed as interrupted (`interruptedJobs`, whatever its host), or,
 * without a job, by a process gone per its own heartbeat (see `Liveness`). Mark them failed and
 * delete their partial files; the current versions were never touched.
 */
export async function recoverInterruptedVersions(ws: Workspace, interruptedJobs: string[] = []): Promise<number> {
  const building = await ws.catalog.db
    .selectFrom('dataset_versions')
    .select(['id', 'location', 'owner', 'owner_host', 'job_id', 'heartbeat_at', 'created_at'])
    .where('status', '=', 'building')
    .execute();
  const jobs = new Set(interruptedJobs);
  // Only versions of processes that are gone: another server or CLI may be writing the others right now.
  const stale = building.filter(
    (v) =>
      v.owner !== ws.processId &&
      (v.job_id === null
        ? ws.liveness.abandoned(v) !== null
        : ownerIsDead(v.owner, v.owner_host) || jobs.has(v.job_id)),
  );
  let failed = 0;
  for (const v of stale) {
    // Only while still building and not stamped since it was judged; another process may be recovering it too.
    const updated = await ws.catalog.db
      .updateTable('dataset_versions')
      .set({ status: 'failed' })
      .where('id', '=', v.id)
      .where('status', '=', 'building')
      .where((eb) =>
        v.heartbeat_at === null ? eb('heartbeat_at', 'is', null) : eb('heartbeat_at', '=', v.heartbeat_at),
      )
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) continue;
    failed++;
    if (hasOwnFile(v.location)) removeVersionFiles(ws.resolve(v.location));
  }
  return failed;
}
