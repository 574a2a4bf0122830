import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import {
  anomalyRows,
  asBadRequest,
  changePointReport,
  outlierJson,
  outlierScores,
  trendReport,
  type AnomalyRequest,
  type ChangePointRequest,
  type OutlierRequest,
  type TrendRequest,
} from '../engine/column-analyses.js';
import type { NamedRelation } from '../engine/column-reader.js';
import type { DuckDb } from '../engine/duckdb.js';
import { interruptible, type QueryLimits } from '../engine/query-limits.js';
import { duckdbRelation } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import { resolveSource } from './datasets.js';

/**
 * The `llano analytics` commands over a dataset, computed in the server
 * (POST /api/projects/{key}/analytics/{changepoints|outliers|trend|anomalies}): the same code as
 * the CLI on a file (engine/column-analyses.ts), reading the dataset's relation in DuckDB.
 */

export type ColumnAnalysis =
  | ({ kind: 'changepoints' } & ChangePointRequest)
  | ({ kind: 'outliers' } & OutlierRequest)
  | ({ kind: 'trend' } & TrendRequest)
  | ({ kind: 'anomalies' } & AnomalyRequest);

/**
 * Runs one analysis over dataset `name` (project readers), among the server's data reads: its
 * reads stop after LLANO_QUERY_TIMEOUT_SECONDS or when `signal` aborts (the client left), and a
 * dataset with more values than LLANO_ANALYTICS_MAX_POINTS is refused before anything is read.
 */
export async function analyseDataset(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  analysis: ColumnAnalysis,
  signal?: AbortSignal,
): Promise<unknown> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const { source } = await resolveSource(ws, projectKey, name);
  if (source.kind === 'parquet' && source.paths.length === 0)
    throw badRequest(`Dataset ${name} has no data yet: import or build it first`);
  const relation: NamedRelation = { relation: duckdbRelation(source), label: `dataset ${name}` };
  const limits: QueryLimits = {
    timeoutMs: ws.config.queryTimeoutSeconds * 1000,
    setting: 'LLANO_QUERY_TIMEOUT_SECONDS',
    signal,
  };
  return ws.duck.gates.reads.run(signal, async () => {
    await refuseLarge(ws.duck, relation, analysis, ws.config.analyticsMaxPoints, limits);
    return asBadRequest(() => run(ws.duck, relation, analysis, limits));
  });
}

async function refuseLarge(
  db: DuckDb,
  relation: NamedRelation,
  analysis: ColumnAnalysis,
  budget: number,
  limits: QueryLimits,
): Promise<void> {
  const counted = await db.withConnection((conn) =>
    interruptible(conn, limits, () => db.query(`SELECT count(*) FROM ${relation.relation}`, undefined, conn)),
  );
  const rows = Number(counted.rows[0][0]);
  const columns = analysis.kind === 'outliers' ? analysis.columns.length : 1;
  if (rows * columns > budget)
    throw badRequest(
      `${relation.label} has ${rows} rows × ${columns} column${columns > 1 ? 's' : ''} = ${rows * columns} values, more than the ${budget} an analytics request reads (LLANO_ANALYTICS_MAX_POINTS); filter it first, or use a changepoints/outliers/trend recipe, which writes a dataset`,
    );
}

async function run(db: DuckDb, relation: NamedRelation, a: ColumnAnalysis, limits: QueryLimits): Promise<unknown> {
  switch (a.kind) {
    case 'changepoints':
      return changePointReport(() => Promise.resolve(db), relation, a, undefined, limits);
    case 'outliers':
      return outlierJson(a.method, await outlierScores(db, relation, a, limits));
    case 'trend':
      return trendReport(db, relation, a, limits);
    case 'anomalies':
      return { rows: await anomalyRows(db, relation, a, limits) };
  }
}
