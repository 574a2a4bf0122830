import type { DuckDBValue } from '@duckdb/node-api';
import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest, forbidden } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import { parseOr400 } from '../common/parse.js';
import { resolveSource } from '../datasets/datasets.js';
import { datasetRows } from '../datasets/explore.js';
import { openSandbox } from '../engine/duckdb-sandbox.js';
import { interruptible } from '../engine/query-limits.js';
import { trimSql } from '../engine/sql-exec.js';
import { filterSchema, MAX_PAGE_ROWS, parseFilter, sortKeySchema, whereClause } from '../engine/table-query.js';
import { duckdbRelation, type TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * What the webapp client (`llano.dataset(name).rows/aggregate`, `llano.sql`) and backends'
 * `llano` argument read: the project's datasets with the caller's permissions (reader), through
 * the same engine paths as the dataset grid and the SQL preview (read limits, the DuckDB sandbox).
 */

/** A filter as an object (`{column, op, value}`) or as the grid writes it (`band:in:3|6`). */
const FilterInput = z.union([z.string().transform((s) => parseFilter(s)), filterSchema]);

export const RowsRequest = z.object({
  dataset: z.string().min(1),
  filters: z.array(FilterInput).max(50).default([]),
  columns: z.array(z.string()).max(500).optional(),
  sort: z.array(sortKeySchema).max(10).default([]),
  limit: z.number().int().min(1).max(MAX_PAGE_ROWS).default(100),
  offset: z.number().int().min(0).default(0),
});

const AGGREGATES = ['count', 'sum', 'avg', 'min', 'max', 'median', 'count_distinct'] as const;
export const AggregateRequest = z.object({
  dataset: z.string().min(1),
  groupBy: z.array(z.string()).max(10).default([]),
  measures: z
    .array(z.object({ column: z.string().optional(), agg: z.enum(AGGREGATES), as: z.string().max(128).optional() }))
    .min(1, 'name at least one measure, e.g. {"agg":"count"}')
    .max(50),
  filters: z.array(FilterInput).max(50).default([]),
  limit: z.number().int().min(1).max(MAX_PAGE_ROWS).default(1000),
});

export const SqlRequest = z.object({
  query: z.string().min(1, 'The SQL must not be empty').max(100_000),
  params: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).default([]),
  limit: z.number().int().min(1).max(MAX_PAGE_ROWS).default(1000),
});

export interface WebappTable {
  columns: string[];
  types: string[];
  /** One object per row, keyed by column name: what a front end binds to. */
  rows: Record<string, unknown>[];
  /** Rows matching the filters (rows); more rows exist beyond `limit` (aggregate, sql). */
  total?: number;
  truncated?: boolean;
}

/**
 * The one check of what a shared webapp's viewer reads: a caller who is not a project member
 * reads only the datasets the webapp declares (`sharedView.datasets`, set by webapp-serving.ts);
 * members (no `sharedView`) read with their own role.
 */
const outsideSharedScope = (principal: Principal, dataset: string) => {
  const allowed = principal.sharedView?.datasets;
  return allowed !== undefined && !allowed.includes(dataset);
};
const notShared = (...names: string[]) =>
  forbidden(
    `${names.length > 1 ? 'Datasets' : 'Dataset'} ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not among ` +
      `the datasets this webapp declares (its "datasets"): a viewer it is shared with reads those only`,
  );

const asObjects = (columns: string[], rows: unknown[][]) =>
  rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));

/** A page of a dataset's rows, filtered and sorted in the engine; `columns` picks columns. */
export async function webappRows(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  signal?: AbortSignal,
): Promise<WebappTable> {
  const q = parseOr400(RowsRequest, input, 'rows request');
  if (outsideSharedScope(principal, q.dataset)) throw notShared(q.dataset);
  const page = await datasetRows(
    ws,
    principal,
    projectKey,
    q.dataset,
    { offset: q.offset, limit: q.limit, sort: q.sort, filters: q.filters },
    signal,
  );
  const all = page.columns.map((c) => c.name);
  const picked = q.columns ?? all;
  for (const c of picked)
    if (!all.includes(c)) throw badRequest(`columns: no column ${JSON.stringify(c)} in ${q.dataset}`);
  const index = picked.map((c) => all.indexOf(c));
  return {
    columns: picked,
    types: index.map((i) => page.columns[i].type),
    rows: asObjects(
      picked,
      page.rows.map((row) => index.map((i) => row[i])),
    ),
    total: page.total,
  };
}

async function readableSource(ws: Workspace, principal: Principal, projectKey: string, name: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  if (outsideSharedScope(principal, name)) throw notShared(name);
  const { source } = await resolveSource(ws, projectKey, name);
  if (source.kind === 'external')
    throw badRequest(`Dataset ${name} is read in place from a database: webapps read managed and file datasets`);
  if (source.kind === 'parquet' && source.paths.length === 0)
    throw badRequest(`Dataset ${name} has no data yet: import or build it first`);
  return source;
}

const filesOf = (source: TableSource) =>
  source.kind === 'parquet' ? source.paths : source.kind === 'file' ? [source.path] : [];

/**
 * Runs `sql` in a locked-down DuckDB sandbox that can read the given datasets (as views named
 * after them) and nothing else, as a user query (LLANO_MAX_USER_QUERIES, LLANO_QUERY_TIMEOUT_SECONDS).
 */
async function runInSqlSandbox(
  ws: Workspace,
  inputs: Record<string, TableSource>,
  sql: string,
  params: DuckDBValue[] | Record<string, DuckDBValue>,
  owner: string,
  signal?: AbortSignal,
) {
  const limits = { timeoutMs: ws.config.queryTimeoutSeconds * 1000, setting: 'LLANO_QUERY_TIMEOUT_SECONDS', signal };
  const release = await ws.duck.gates.userSql.acquire({ signal, owner, maxWaitMs: limits.timeoutMs });
  try {
    const sandbox = await openSandbox(ws.duck, ws.duck.sandboxes.dir, Object.values(inputs).flatMap(filesOf));
    try {
      for (const [name, source] of Object.entries(inputs))
        await sandbox.conn.run(`CREATE TEMP VIEW ${quoteIdent(name)} AS SELECT * FROM ${duckdbRelation(source)}`);
      return await interruptible(sandbox.conn, limits, () => ws.duck.query(sql, params, sandbox.conn));
    } finally {
      await sandbox.close();
    }
  } finally {
    release();
  }
}

const engineMessage = (error: unknown) => (error instanceof Error ? error.message.split('\n')[0] : String(error));

/** Groups and measures computed in the engine: `{groupBy:['antenna'], measures:[{column:'trec',agg:'avg'}]}`. */
export async function webappAggregate(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  signal?: AbortSignal,
): Promise<WebappTable> {
  const q = parseOr400(AggregateRequest, input, 'aggregate request');
  const source = await readableSource(ws, principal, projectKey, q.dataset);
  const described = await runInSqlSandbox(ws, { d: source }, 'DESCRIBE SELECT * FROM d', [], principal.userId, signal);
  const columns = described.rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  const known = (c: string, what: string) => {
    if (!columns.some((k) => k.name === c)) throw badRequest(`${what}: no column ${JSON.stringify(c)} in ${q.dataset}`);
    return quoteIdent(c);
  };
  const groups = q.groupBy.map((c) => known(c, 'groupBy'));
  const measures = q.measures.map((m, i) => {
    const name = m.as ?? (m.column ? `${m.agg}_${m.column}` : m.agg);
    if (m.agg === 'count' && !m.column) return `count(*) AS ${quoteIdent(name)}`;
    if (!m.column) throw badRequest(`measures.${i}.column: ${m.agg} needs a column`);
    const col = known(m.column, `measures.${i}.column`);
    const expr = m.agg === 'count_distinct' ? `count(DISTINCT ${col})` : `${m.agg}(${col})`;
    return `${expr} AS ${quoteIdent(name)}`;
  });
  const where = whereClause(q.filters, columns, 'duckdb');
  const sql = [
    `SELECT ${[...groups, ...measures].join(', ')} FROM d`,
    where.sql,
    groups.length ? `GROUP BY ${groups.join(', ')} ORDER BY ${groups.join(', ')}` : '',
    `LIMIT ${q.limit + 1}`,
  ].join(' ');
  const result = await runInSqlSandbox(ws, { d: source }, sql, where.params, principal.userId, signal).catch(
    (error: unknown) => {
      throw badRequest(engineMessage(error));
    },
  );
  return {
    columns: result.columns,
    types: result.types,
    rows: asObjects(result.columns, result.rows.slice(0, q.limit)),
    truncated: result.rows.length > q.limit,
  };
}

const SELECT_START = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(SELECT|WITH|FROM|VALUES|\()/i;

/**
 * One read-only query over the project's datasets (each is a view named after it), with `$1`
 * or `$name` parameters bound by the engine, never pasted into the text.
 */
export async function webappSql(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  signal?: AbortSignal,
): Promise<WebappTable> {
  const q = parseOr400(SqlRequest, input, 'sql request');
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const sql = trimSql(q.query);
  if (!SELECT_START.test(sql)) throw badRequest('sql: one read-only query (SELECT, WITH … SELECT, FROM, VALUES)');
  if (sql.includes(';')) throw badRequest('sql: one statement only (no ";")');
  // Only the datasets the text names become views: a project with many datasets pays for those it reads.
  const datasets = await ws.catalog.objects.list(projectKey, 'dataset');
  const named = datasets.filter((d) => new RegExp(`(^|[^A-Za-z0-9_])${d.name}($|[^A-Za-z0-9_])`).test(sql));
  // A shared viewer's query sees the declared datasets only; one it names that is not (perhaps only
  // as a column's name) explains the engine's "does not exist" when the query fails.
  const unshared = named.filter((d) => outsideSharedScope(principal, d.name)).map((d) => d.name);
  const inputs: Record<string, TableSource> = {};
  for (const d of named)
    if (!unshared.includes(d.name)) inputs[d.name] = await readableSource(ws, principal, projectKey, d.name);
  const params = q.params as DuckDBValue[] | Record<string, DuckDBValue>;
  const result = await runInSqlSandbox(
    ws,
    inputs,
    `SELECT * FROM (\n${sql}\n) AS llano_webapp LIMIT ${q.limit + 1}`,
    params,
    principal.userId,
    signal,
  ).catch((error: unknown) => {
    if (error instanceof Error && 'status' in error) throw error;
    if (unshared.length) throw notShared(...unshared);
    throw badRequest(`sql: ${engineMessage(error)}`);
  });
  return {
    columns: result.columns,
    types: result.types,
    rows: asObjects(result.columns, result.rows.slice(0, q.limit)),
    truncated: result.rows.length > q.limit,
  };
}
