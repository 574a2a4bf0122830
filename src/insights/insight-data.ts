import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import { resolveSource } from '../datasets/datasets.js';
import { cachedForVersion } from '../datasets/version-cache.js';
import { listScenarioRuns } from '../automation/runs-service.js';
import { checkHistory, metricsHistory } from '../quality/quality-service.js';
import type { Workspace } from '../workspace/workspace.js';
import { columnOf, compileChart, filterSql, type CompiledChart } from './compile-chart.js';
import { CHART_ROW_BUDGET } from './insight-schema.js';
import type { ChartFilter, ChartSpec, Insight, InsightData } from './insight-types.js';
import { INSIGHT_KIND, validateInsight } from './insights-service.js';
import { pivotWide } from './pivot-table.js';
import { chartEngine, type ChartEngine } from './run-chart-query.js';
import { readTile, tileCacheDir, writeTile } from './tile-cache.js';

export interface DataRequest {
  /** Dashboard or URL filters: applied when the insight's dataset has the column, else listed as ignored. */
  filters?: ChartFilter[];
  signal?: AbortSignal;
}

const empty = (sql = ''): InsightData => ({
  columns: [],
  roles: [],
  rows: [],
  sampled: false,
  truncated: false,
  sql,
  version: null,
});

/** A plain table or a pivot: a pivot is a chart's aggregation with its group-by columns as dimensions. */
function tableAsChart(insight: Insight): ChartSpec | null {
  const t = insight.table ?? {};
  if (!t.groupBy?.length) return null;
  return {
    kind: 'bar',
    x: t.groupBy[0],
    color: t.groupBy[1],
    // A pivot column is aggregated as a third dimension, then made columns (pivotWide).
    facet: t.pivot ? { column: t.pivot.column } : t.groupBy[2],
    y: t.measures?.length ? t.measures : [{ agg: 'count' }],
    filters: t.filters ?? [],
  };
}

function compilePlainTable(
  insight: Insight,
  engine: ChartEngine,
  columns: { name: string; type: string }[],
  extra: ChartFilter[],
): CompiledChart {
  const t = insight.table ?? {};
  const wanted = t.columns?.length ? t.columns : columns.map((c) => c.name);
  const find = (name: string) => columnOf(columns, name, 'table');
  wanted.forEach(find);
  const where = [...(t.filters ?? []), ...extra].map((f) => filterSql(f, find(f.column), engine.dialect));
  const budget = t.limit ?? 1000;
  return {
    sql: `SELECT ${wanted.map(quoteIdent).join(', ')} FROM ${engine.relation}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} LIMIT ${budget + 1}`,
    columns: wanted,
    roles: wanted.map(() => 'value'),
    rowBudget: budget,
  };
}

/**
 * The rows an insight draws (reader). Chart and table rows are computed in the engine and cached
 * per (insight revision, dataset version, filters) for managed datasets, whose versions never
 * change: a new build or import is a new version, so the cache is invalidated by the data itself.
 */
export async function insightData(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  request: DataRequest = {},
): Promise<InsightData> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const stored = await ws.catalog.objects.require<Insight>(projectKey, INSIGHT_KIND, id);
  const insight = stored.body;
  switch (insight.type) {
    // A webapp tile embeds the served app, which reads its own data.
    case 'text':
    case 'webapp':
      return empty();
    case 'metric': {
      const history = await metricsHistory(ws, principal, projectKey, insight.dataset!, 200);
      const rows = history
        .filter((r) => r.origin !== 'rejected-build')
        .map((r) => [r.computedAt, r.metrics[insight.metric!] ?? null])
        .reverse();
      return { ...empty(), columns: ['computedAt', insight.metric!], roles: ['x', 'y'], rows };
    }
    case 'check': {
      const results = await checkHistory(ws, principal, projectKey, insight.dataset!, 200);
      const latest = new Map<string, (typeof results)[number]>();
      for (const r of results) if (!latest.has(r.check)) latest.set(r.check, r);
      return {
        ...empty(),
        columns: ['check', 'outcome', 'message', 'value', 'runAt'],
        roles: ['x', 'status', 'value', 'y', 'value'],
        rows: [...latest.values()].map((r) => [r.check, r.outcome, r.message, r.value, r.runAt]),
      };
    }
    case 'scenario': {
      const runs = await listScenarioRuns(ws, principal, projectKey, insight.scenario!, 30);
      return {
        ...empty(),
        columns: ['run', 'outcome', 'startedAt', 'durationMs'],
        roles: ['x', 'status', 'value', 'y'],
        rows: runs.reverse().map((r) => [r.id, r.outcome, r.startedAt, r.durationMs]),
      };
    }
    case 'chart':
    case 'table':
      return datasetInsightData(ws, projectKey, insight, stored.revision, request);
  }
}

/** A chart's or table's rows, through the tile cache (memory, then disk for saved insights without filters). */
export async function datasetInsightData(
  ws: Workspace,
  projectKey: string,
  insight: Insight,
  revision: number,
  request: DataRequest,
): Promise<InsightData> {
  const { source, definition, version } = await resolveSource(ws, projectKey, insight.dataset!);
  if (source.kind === 'parquet' && source.paths.length === 0)
    throw badRequest(`Dataset ${insight.dataset} has no data yet: import or build it first`);
  const limits = {
    timeoutMs: ws.config.queryTimeoutSeconds * 1000,
    setting: 'LLANO_QUERY_TIMEOUT_SECONDS',
    signal: request.signal,
  };
  const engine = chartEngine(ws, source, limits);
  const immutable = definition.storage.type === 'managed' && version ? version.id : null;
  const cached = <T>(what: string, compute: () => Promise<T>) =>
    immutable ? cachedForVersion(ws, immutable, what, compute, request.signal) : compute();
  const columns = await cached('insight columns', () => engine.columns());
  const known = new Set(columns.map((c) => c.name));
  const extra = (request.filters ?? []).filter((f) => known.has(f.column));
  const ignored = (request.filters ?? []).filter((f) => !known.has(f.column)).map((f) => f.column);
  const spec = insight.type === 'chart' ? insight.chart! : tableAsChart(insight);
  const compiled = spec
    ? compileChart({ spec, columns, relation: engine.relation, dialect: engine.dialect, extraFilters: extra })
    : compilePlainTable(insight, engine, columns, extra);
  // Saved insights by id and revision; previews (revision 0) by their SQL, since their spec changes at each keystroke.
  const key = revision
    ? `insight ${projectKey}/${insight.id}@${revision} ${JSON.stringify(extra)}`
    : `insight preview ${compiled.sql}`;
  // Saved insights without filters (what a dashboard first shows) are also kept on disk beside
  // the version, so a restart does not re-run them; the SQL is part of the key, so a change in
  // how charts compile never serves an answer of the old SQL.
  const persisted =
    revision && immutable && version && extra.length === 0 ? tileCacheDir(ws, version.location, immutable) : null;
  const data = await cached(key, async () => {
    const diskKey = `${key}\n${compiled.sql}`;
    const stored = persisted ? await readTile(persisted, diskKey) : null;
    if (stored) return stored;
    const fresh = await runCompiled(engine, compiled);
    if (persisted) await writeTile(persisted, diskKey, fresh);
    return fresh;
  });
  const pivot = insight.type === 'table' ? insight.table?.pivot : undefined;
  return {
    ...(pivot ? pivotWide(data, pivot) : data),
    // The dataset's name, not where the server keeps its files (`read_parquet(['/…/data/KEY/…'])`);
    // an external dataset's SQL names its table in its database, which stays.
    sql: source.kind === 'external' ? data.sql : data.sql.split(engine.relation).join(quoteIdent(insight.dataset!)),
    version: immutable,
    ...(ignored.length ? { ignoredFilters: [...new Set(ignored)] } : {}),
  };
}

async function runCompiled(engine: ChartEngine, compiled: CompiledChart): Promise<InsightData> {
  let sql = compiled.sql;
  let sampled = false;
  let sampling: string | undefined;
  if (compiled.sampling) {
    const total = Number((await engine.run(compiled.sampling.countSql))[0]?.[0] ?? 0);
    if (total > compiled.sampling.budget) {
      sql = compiled.sampling.sampledSql;
      sampled = true;
      sampling = `${compiled.sampling.method} of ${total.toLocaleString('en-US')}`;
    }
  }
  const rows = await engine.run(sql);
  const budget = compiled.rowBudget ?? CHART_ROW_BUDGET;
  return {
    columns: compiled.columns,
    roles: compiled.roles,
    rows: rows.slice(0, budget),
    sampled,
    ...(sampling ? { sampling } : {}),
    truncated: !sampled && rows.length > budget,
    sql,
    version: null,
  };
}

/** The rows of an insight not saved yet (the chart builder's live preview); cached by its SQL per version. */
export async function previewInsightData(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  body: unknown,
  request: DataRequest = {},
): Promise<InsightData> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const insight = await validateInsight(ws, projectKey, body);
  if (insight.type !== 'chart' && insight.type !== 'table')
    throw badRequest('Only chart and table insights have a preview; save the others and read their data');
  return datasetInsightData(ws, projectKey, insight, 0, request);
}
