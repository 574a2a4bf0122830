import { connectionType } from '../connectors/registry.js';
import { describeFile } from '../engine/column-reader.js';
import { duckdbRelation } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import type { ResolvedSource } from './datasets.js';
import type { ColumnSchema } from './definitions.js';

const CACHE = Symbol('described columns');

/** Described columns by source, with the change token they were described at (per workspace: per engine database). */
const cacheOf = (ws: Workspace) =>
  ws.duck.resource(
    CACHE,
    () => new Map<string, { token: string; columns: ColumnSchema[] }>(),
    (cache) => cache.clear(),
  );

/**
 * The columns of a dataset read in place (a file, or a table or query of a connection) that no
 * version records, described where the data is without reading its rows: DuckDB's DESCRIBE of a
 * file, the connection type's `describe` (PostgreSQL: a LIMIT 0 query; SQLite: declared types).
 * The types are DuckDB's, those a recipe sees. Kept per source and change token, so asking again
 * costs the token (PostgreSQL: one catalog query) until the data or its columns change; a source
 * without a token (a PostgreSQL query) is described each time. Null for managed data, and for a
 * connection type that cannot describe.
 */
export async function describedColumns(ws: Workspace, resolved: ResolvedSource): Promise<ColumnSchema[] | null> {
  const { source } = resolved;
  if (source.kind === 'parquet') return null;
  const token = await resolved.versionToken();
  const cache = cacheOf(ws);
  const key = JSON.stringify(source);
  const known = cache.get(key);
  if (token !== null && known?.token === token) return known.columns;
  const columns =
    source.kind === 'file'
      ? await describeFile(ws.duck, { relation: duckdbRelation(source), label: source.path })
      : await connectionType(source.type).tables?.describe?.(
          source.connection,
          source.table ? { table: source.table } : { query: source.query },
          ws.duck,
        );
  if (!columns) return null;
  if (token !== null) cache.set(key, { token, columns });
  return columns;
}
