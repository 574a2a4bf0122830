import type { Readable } from 'node:stream';
import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import { sourceReader } from '../connectors/registry.js';
import type { CsvFormulaMode } from '../engine/csv-formula-cells.js';
import type { ExportFormat } from '../engine/export-format.js';
import type { QueryLimits } from '../engine/query-limits.js';
import type { TableQuery } from '../engine/table-query.js';
import type { TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import { resolveSource } from './datasets.js';
import { cachedForVersion } from './version-cache.js';
import type { CommittedVersion } from './versions.js';

/**
 * Reads wait their turn among data reads (LLANO_MAX_USER_QUERIES at once, apart from user SQL),
 * stop after LLANO_QUERY_TIMEOUT_SECONDS and when the client goes away.
 */
const readLimits = (ws: Workspace, signal?: AbortSignal): QueryLimits => ({
  timeoutMs: ws.config.queryTimeoutSeconds * 1000,
  setting: 'LLANO_QUERY_TIMEOUT_SECONDS',
  signal,
});

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
  signal?: AbortSignal,
) {
  const { source, immutable: version } = await readableVersion(ws, principal, projectKey, name);
  return readVersionRows(ws, source, version, query, signal);
}

/**
 * A page of rows of a source; `version` is the immutable managed version it reads (its columns and
 * counts are then taken from it or cached per version), or null for data read in place.
 */
export async function readVersionRows(
  ws: Workspace,
  source: TableSource,
  version: CommittedVersion | null,
  query: TableQuery,
  signal?: AbortSignal,
) {
  const limits = readLimits(ws, signal);
  // A version records its columns as written: no DESCRIBE of the files on every page.
  const columns = version?.columns?.map(({ name, type }) => ({ name, type }));
  const read = (countRows?: (count: () => Promise<number>) => Promise<number>) =>
    ws.duck.gates.reads.run(signal, () =>
      sourceReader(source).readRows(ws.duck, source, {
        ...query,
        limits,
        ...(countRows ? { countRows } : {}),
        ...(columns ? { columns } : {}),
      }),
    );
  if (!version) return read();
  // Every page of the grid needs the total: counted once per version and filter, never for the whole version.
  const filters = query.filters ?? [];
  return read((count) =>
    filters.length === 0 && version.rowCount !== null
      ? Promise.resolve(version.rowCount)
      : cachedForVersion(ws, version.id, `count ${JSON.stringify(filters)}`, count, signal),
  );
}

/** Column statistics computed in the engine (cached per version of a managed dataset: it never changes). */
export async function datasetStats(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  signal?: AbortSignal,
) {
  const { source, immutable: version } = await readableVersion(ws, principal, projectKey, name);
  const limits = readLimits(ws, signal);
  const compute = () =>
    ws.duck.gates.reads.run(signal, () => sourceReader(source).columnStats(ws.duck, source, { limits }));
  return version ? cachedForVersion(ws, version.id, 'column stats', compute, signal) : compute();
}

/** The whole dataset as a stream (CSV, a JSON array, JSON lines or Parquet), never held in memory. */
export async function datasetExport(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  request: { format: ExportFormat; formulas?: CsvFormulaMode } & Pick<TableQuery, 'sort' | 'filters'>,
): Promise<Readable> {
  const { format, ...query } = request;
  // Reading pages of rows is a reader's; taking the whole data away needs the export-data right.
  await ws.catalog.projects.authorizeRight(principal, projectKey, 'export-data');
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
  signal?: AbortSignal,
) {
  return pageAnswer(await datasetRows(ws, principal, projectKey, name, query, signal), query);
}

/**
 * Text cells longer than this are cut in a page of rows: a page is for reading in a grid, and one
 * 8 MB cell would make a 5-row page an 8 MB answer. The whole value comes with an export.
 */
export const PAGE_CELL_CHARS = 10_000;

/**
 * A page as the API answers it: column names and types apart from the rows. Cut cells are listed
 * in `cut` as [row, column, characters in the whole value].
 */
export function pageAnswer(page: Awaited<ReturnType<typeof readVersionRows>>, query: TableQuery) {
  const cut: [number, number, number][] = [];
  const rows = page.rows.map((row, r) =>
    row.some((v) => typeof v === 'string' && v.length > PAGE_CELL_CHARS)
      ? row.map((v, c) => {
          if (typeof v !== 'string' || v.length <= PAGE_CELL_CHARS) return v;
          cut.push([r, c, v.length]);
          return v.slice(0, PAGE_CELL_CHARS);
        })
      : row,
  );
  return {
    columns: page.columns.map((c) => c.name),
    types: page.columns.map((c) => c.type),
    rows,
    total: page.total,
    offset: query.offset,
    ...(cut.length ? { cut } : {}),
  };
}
