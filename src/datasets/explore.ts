import type { Readable } from 'node:stream';
import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import type { ExportFormat } from '../engine/export-format.js';
import { columnStats, exportData, readRows } from '../engine/explore.js';
import type { TableQuery } from '../engine/table-query.js';
import type { Workspace } from '../workspace/workspace.js';
import { resolveSource } from './datasets.js';

async function readableSource(ws: Workspace, principal: Principal, projectKey: string, name: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const { source } = await resolveSource(ws, projectKey, name);
  if (source.kind === 'parquet' && source.paths.length === 0) throw badRequest(`Dataset ${name} has no data yet: import or build it first`);
  return source;
}

/** A page of rows, sorted and filtered in the engine. */
export async function datasetRows(ws: Workspace, principal: Principal, projectKey: string, name: string, query: TableQuery) {
  return readRows(ws.duck, await readableSource(ws, principal, projectKey, name), query);
}

/** Column statistics computed in the engine. */
export async function datasetStats(ws: Workspace, principal: Principal, projectKey: string, name: string) {
  return columnStats(ws.duck, await readableSource(ws, principal, projectKey, name));
}

/** The whole dataset as a stream (CSV, a JSON array, JSON lines or Parquet), never held in memory. */
export async function datasetExport(ws: Workspace, principal: Principal, projectKey: string, name: string, format: ExportFormat, query: Pick<TableQuery, 'sort' | 'filters'>): Promise<Readable> {
  return exportData(ws.duck, await readableSource(ws, principal, projectKey, name), format, query);
}
