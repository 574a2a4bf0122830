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
import { duckdbRelation } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import { resolveSource } from './datasets.js';

/**
 * The `llano analytics` commands over a dataset, computed in the server
 * (POST /api/projects/{key}/analytics/{changepoints|outliers|trend|anomalies}): the same code as
 * the CLI on a file (engine/column-analyses.ts), reading the dataset's relation in DuckDB.
 */

/**
 * Most rows one request analyses: the series is held in memory as doubles and the answer of
 * outliers and anomalies has one JSON object per row. Larger inputs belong in a recipe
 * (changepoints, outliers, trend recipe types), which writes a dataset instead.
 */
export const ANALYTICS_MAX_ROWS = 1_000_000;

export type ColumnAnalysis =
  | ({ kind: 'changepoints' } & ChangePointRequest)
  | ({ kind: 'outliers' } & OutlierRequest)
  | ({ kind: 'trend' } & TrendRequest)
  | ({ kind: 'anomalies' } & AnomalyRequest);

/** Runs one analysis over dataset `name` (project readers), among the server's data reads. */
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
  return ws.duck.gates.reads.run(signal, async () => {
    await refuseLarge(ws.duck, relation);
    return asBadRequest(() => run(ws.duck, relation, analysis));
  });
}

async function refuseLarge(db: DuckDb, relation: NamedRelation): Promise<void> {
  const rows = Number((await db.query(`SELECT count(*) FROM ${relation.relation}`)).rows[0][0]);
  if (rows > ANALYTICS_MAX_ROWS)
    throw badRequest(
      `${relation.label} has ${rows} rows, more than the ${ANALYTICS_MAX_ROWS} an analytics request reads; filter it first, or use a changepoints/outliers/trend recipe, which writes a dataset`,
    );
}

async function run(db: DuckDb, relation: NamedRelation, a: ColumnAnalysis): Promise<unknown> {
  switch (a.kind) {
    case 'changepoints':
      return changePointReport(() => Promise.resolve(db), relation, a);
    case 'outliers':
      return outlierJson(a.method, await outlierScores(db, relation, a));
    case 'trend':
      return trendReport(db, relation, a);
    case 'anomalies':
      return { rows: await anomalyRows(db, relation, a) };
  }
}
