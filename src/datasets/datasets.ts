import { existsSync, statSync } from 'node:fs';
import type { Principal } from '../catalog/access.js';
import { badRequest, conflict, notFound } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { assertObjectName } from '../common/names.js';
import { omit } from '../common/omit.js';
import { recipeOutputs, writesDataset } from '../common/recipe-outputs.js';
import { requireCapability } from '../connectors/registry.js';
import type { TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import { getConnection } from './connections.js';
import { describedColumns } from './described-columns.js';
import { exportSystemTable } from './system-tables.js';
import {
  DATASET_KIND,
  DatasetDefinitionSchema,
  type ColumnSchema,
  type DatasetDefinition,
  type DatasetInfo,
} from './definitions.js';

export { DATASET_KIND };
import type { ListedVersion } from './dataset-types.js';
import {
  dropPartitionRecords,
  getPartitioning,
  isPartitionedVersion,
  manifestOf,
  partitionedDatasets,
} from './partition-store.js';
import { currentVersion, currentVersions, dropVersions, listVersions, type CommittedVersion } from './versions.js';
import { revisionStamp } from '../catalog/object-stamp.js';

const RECIPE_KIND = 'recipe';

/** The part of a recipe object the dataset layer needs: who reads and who writes a dataset. */
interface RecipeEdges {
  inputs: string[];
  output?: string;
  outputs?: string[];
}

export function parseDatasetDefinition(input: unknown): DatasetDefinition {
  const definition = parseOr400(DatasetDefinitionSchema, input, 'dataset');
  assertObjectName(definition.name, 'dataset name');
  return definition;
}

async function producers(ws: Workspace, projectKey: string): Promise<Map<string, string>> {
  const recipes = await ws.catalog.objects.list<RecipeEdges>(projectKey, RECIPE_KIND);
  return new Map(recipes.flatMap((r) => recipeOutputs(r.body).map((o) => [o, r.name] as const)));
}

function info(
  def: DatasetDefinition,
  stored: { revision: number; updatedAt: string; updatedBy: string },
  version: CommittedVersion | null,
  producedBy: string | null,
  partitioned: boolean,
  described: ColumnSchema[] | null,
): DatasetInfo {
  return {
    ...def,
    ...revisionStamp(stored),
    currentVersion: version ? omit(version, 'location') : null,
    columns: version?.columns ?? described,
    rowCount: version?.rowCount ?? null,
    producedBy,
    partitioned,
  };
}

/** Creates or replaces a dataset definition (writer). */
export async function saveDataset(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
): Promise<DatasetInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const def = parseDatasetDefinition(input);
  // The audit log is the project admins' to read: a writer may not open it to the readers.
  if (def.storage.type === 'system' && def.storage.table === 'audit_log')
    await ws.catalog.projects.authorize(principal, projectKey, 'admin');
  if (def.storage.type !== 'managed' && def.storage.type !== 'system') {
    const name = def.storage.connection;
    const conn = await getConnection(ws, projectKey, name).catch(() => {
      throw badRequest(`Connection ${name} does not exist in project ${projectKey}`);
    });
    if (def.storage.type === 'file') {
      const { can: files, settings } = requireCapability(conn, 'files');
      const abs = files.resolve(settings, def.storage.path);
      if (!existsSync(abs)) throw badRequest(`File ${def.storage.path} does not exist under connection ${conn.name}`);
    } else {
      requireCapability(conn, 'tables');
    }
  }
  const stored = await ws.catalog.objects.put({
    projectKey,
    kind: DATASET_KIND,
    name: def.name,
    body: def,
    author: principal.username,
    ...options,
  });
  await ws.catalog.projects.touch(projectKey);
  const version = await currentVersion(ws, projectKey, def.name);
  return info(
    def,
    stored,
    version,
    (await producers(ws, projectKey)).get(def.name) ?? null,
    (await getPartitioning(ws, projectKey, def.name)) !== null,
    await inPlaceColumns(ws, projectKey, def.name, def, version),
  );
}

export async function listDatasets(ws: Workspace, principal: Principal, projectKey: string): Promise<DatasetInfo[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const [objects, versions, producedBy, partitioned] = await Promise.all([
    ws.catalog.objects.list<DatasetDefinition>(projectKey, DATASET_KIND),
    currentVersions(ws, projectKey),
    producers(ws, projectKey),
    partitionedDatasets(ws, projectKey),
  ]);
  const described = await Promise.all(
    objects.map((o) => inPlaceColumns(ws, projectKey, o.name, o.body, versions.get(o.name) ?? null)),
  );
  return objects.map((o, i) =>
    info(
      o.body,
      o,
      versions.get(o.name) ?? null,
      producedBy.get(o.name) ?? null,
      partitioned.has(o.name),
      described[i],
    ),
  );
}

export async function getDataset(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<DatasetInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const o = await ws.catalog.objects.get<DatasetDefinition>(projectKey, DATASET_KIND, name);
  if (!o) throw notFound(`Dataset ${name} not found in project ${projectKey}`);
  const version = await currentVersion(ws, projectKey, name);
  return info(
    o.body,
    o,
    version,
    (await producers(ws, projectKey)).get(name) ?? null,
    (await getPartitioning(ws, projectKey, name)) !== null,
    await inPlaceColumns(ws, projectKey, name, o.body, version),
  );
}

/** Versions of a dataset, newest first (reader; 404 for an unknown dataset). */
export async function listDatasetVersions(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<ListedVersion[]> {
  await getDataset(ws, principal, projectKey, name);
  return listVersions(ws, projectKey, name);
}

/** Deletes a dataset and its data. Refused (409) while recipes read or write it. */
export async function deleteDataset(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await ws.catalog.objects.require(projectKey, DATASET_KIND, name);
  const recipes = await ws.catalog.objects.list<RecipeEdges>(projectKey, RECIPE_KIND);
  const users = recipes.filter((r) => r.body.inputs.includes(name) || writesDataset(r.body, name)).map((r) => r.name);
  if (users.length)
    throw conflict(
      `Dataset ${name} is used by recipe${users.length > 1 ? 's' : ''} ${users.join(', ')}; delete or change them first`,
      { recipes: users },
    );
  await ws.catalog.objects.delete({ projectKey, kind: DATASET_KIND, name, author: principal.username });
  await dropVersions(ws, projectKey, name);
  await dropPartitionRecords(ws, projectKey, name);
}

/**
 * The columns of the dataset's current version; for one read in place and never built, as its
 * source describes them; null when unknown (managed data not built yet, a source that cannot answer).
 */
export async function datasetColumns(
  ws: Workspace,
  projectKey: string,
  dataset: string,
): Promise<{ name: string; type: string }[] | null> {
  const resolved = await resolveSource(ws, projectKey, dataset).catch(() => null);
  if (!resolved) return null;
  return resolved.version?.columns ?? (await describedColumns(ws, resolved).catch(() => null));
}

/** How long a dataset list waits for a source to describe itself before showing its columns as unknown. */
const DESCRIBE_WAIT_MS = 3000;

/**
 * The columns of a dataset read in place that no version records (see `describedColumns`), for
 * the API's dataset answers; null for others, or when the source fails or is slower than
 * DESCRIBE_WAIT_MS (an unreachable database must not hold up a list of datasets).
 */
async function inPlaceColumns(
  ws: Workspace,
  projectKey: string,
  name: string,
  def: DatasetDefinition,
  version: { columns: ColumnSchema[] | null } | null,
): Promise<ColumnSchema[] | null> {
  if (version?.columns || def.storage.type === 'managed' || def.storage.type === 'system') return null;
  const described = resolveSource(ws, projectKey, name)
    .then((r) => describedColumns(ws, r))
    .catch(() => null);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), DESCRIBE_WAIT_MS);
    timer.unref();
  });
  return Promise.race([described, late]).finally(() => clearTimeout(timer));
}

/** Where a dataset's rows are, for the engine (see resolveSource). */
export interface ResolvedSource {
  source: TableSource;
  definition: DatasetDefinition;
  version: CommittedVersion | null;
  /**
   * Identifies the data for staleness: the version id for managed data, size+mtime for files,
   * what the connection type says for its tables (PostgreSQL: one query for the table's
   * statistics counts and columns; SQLite: the table's row count, last rowid and schema); null
   * when the source cannot tell, which staleness reads as "always rebuilt". Lazy, and computed
   * once: only builds and staleness ask for it, not a page of rows (a query saved per read).
   */
  versionToken(): Promise<string | null>;
}

/** A lazy value computed at most once (a rejected promise is kept: the caller sees the same error). */
function once<T>(compute: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= compute());
}

const known = (token: string | null) => () => Promise.resolve(token);

/** Where a dataset's rows are, for the engine; its `versionToken` is asked only by who needs it. */
export async function resolveSource(ws: Workspace, projectKey: string, name: string): Promise<ResolvedSource> {
  const o = await ws.catalog.objects.get<DatasetDefinition>(projectKey, DATASET_KIND, name);
  if (!o) throw notFound(`Dataset ${name} not found in project ${projectKey}`);
  const def = o.body;
  const version = await currentVersion(ws, projectKey, name);
  switch (def.storage.type) {
    case 'managed': {
      if (!version)
        return { source: { kind: 'parquet', paths: [] }, definition: def, version, versionToken: known(null) };
      // A partitioned dataset reads as the union of its version's partition files.
      const paths = isPartitionedVersion(version)
        ? (await manifestOf(ws, version.id)).map((p) => ws.resolve(p.location))
        : [ws.resolve(version.location)];
      return {
        source: { kind: 'parquet', paths },
        definition: def,
        version,
        versionToken: known(version.contentHash ? `sha256:${version.contentHash}` : version.id),
      };
    }
    case 'file': {
      const conn = await getConnection(ws, projectKey, def.storage.connection);
      const { can: files, settings } = requireCapability(conn, 'files');
      const abs = files.resolve(settings, def.storage.path);
      if (!existsSync(abs)) throw notFound(`File ${def.storage.path} of dataset ${name} no longer exists`);
      const st = statSync(abs);
      return {
        source: { kind: 'file', path: abs, format: def.storage.format, csv: def.storage.csv },
        definition: def,
        version,
        versionToken: known(`file:${st.size}:${st.mtimeMs}`),
      };
    }
    case 'system': {
      const exported = await exportSystemTable(ws, projectKey, def.storage.table);
      return {
        source: { kind: 'parquet', paths: [exported.path] },
        definition: def,
        version,
        versionToken: known(`system:${exported.token}`),
      };
    }
    default: {
      // A table or a query of a connection.
      const { connection, table, query } = def.storage;
      const where = table ? { table } : { query };
      const conn = await getConnection(ws, projectKey, connection);
      const { can: tables, settings } = requireCapability(conn, 'tables');
      const source = tables.source(settings, where);
      return {
        source,
        definition: def,
        version,
        // Without a token the source cannot tell a change: null, and what reads it is always rebuilt (never "unchanged").
        versionToken: version
          ? known(version.id)
          : once(async () => (await tables.versionToken?.(settings, where, ws.duck)) ?? null),
      };
    }
  }
}
