import type { Readable } from 'node:stream';
import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import { sourceReader } from '../connectors/registry.js';
import type { ExportFormat } from '../engine/export-format.js';
import type { TableQuery } from '../engine/table-query.js';
import type { Workspace } from '../workspace/workspace.js';
import { resolveSource } from './datasets.js';
import { cachedForVersion } from './version-cache.js';

async function readableVersion(ws: Workspace, principal: Principal, projectKey: string, name: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const { source, definition, version } = await resolveSource(ws, projectKey, name);
  if (source.kind === 'parquet' && source.paths.length === 0)
    throw badRequest(`Dataset ${name} has no data yet: import or build it first`);
  // Only a managed dataset's version is immutable (a file or a table read in place can change under the same version).
  return { source, immutable: definition.storage.type === 'managed' ? version : null };
}

async function readableSource(ws: Workspace, principal: Principal, projectKey: string, name: string) {
  return (await readableVersion(ws, principal, projectKey, name)).source;
}

/** A page of rows, sorted and filtered in the engine. */
export async function datasetRows(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  query: TableQuery,
) {
  const { source, immutable: version } = await readableVersion(ws, principal, projectKey, name);
  if (!version) return sourceReader(source).readRows(ws.duck, source, query);
  // Every page of the grid needs the total: counted once per version and filter, never for the whole version.
  const filters = query.filters ?? [];
  const countRows = (count: () => Promise<number>) =>
    filters.length === 0 && version.rowCount !== null
      ? Promise.resolve(version.rowCount)
      : cachedForVersion(ws, version.id, `count ${JSON.stringify(filters)}`, count);
  return sourceReader(source).readRows(ws.duck, source, { ...query, countRows });
}

/** Column statistics computed in the engine. */
export async function datasetStats(ws: Workspace, principal: Principal, projectKey: string, name: string) {
  const { source, immutable: version } = await readableVersion(ws, principal, projectKey, name);
  const compute = () => sourceReader(source).columnStats(ws.duck, source);
  return version ? cachedForVersion(ws, version.id, 'column stats', compute) : compute();
}

/** The whole dataset as a stream (CSV, a JSON array, JSON lines or Parquet), never held in memory. */
export async function datasetExport(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  request: { format: ExportFormat } & Pick<TableQuery, 'sort' | 'filters'>,
): Promise<Readable> {
  const { format, ...query } = request;
  const source = await readableSource(ws, principal, projectKey, name);
  return sourceReader(source).exportData(ws.duck, source, format, query);
}

/** A page of rows as the API answers it: column names and types apart from the rows. */
export async function datasetPage(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  query: TableQuery,
) {
  const page = await datasetRows(ws, principal, projectKey, name, query);
  return {
    columns: page.columns.map((c) => c.name),
    types: page.columns.map((c) => c.type),
    rows: page.rows,
    total: page.total,
    offset: query.offset,
  };
}
