// The analyses behind `llano analytics …` and POST /api/projects/{key}/analytics/…: change points,
// outliers, trend and anomaly scores of columns read in the engine, from a file (the CLI) or a
// dataset's relation (the server). One implementation, so that both answer alike on the same rows.
import {
  AnalyticsInputError,
  createAnomalyLikelihood,
  bocpdChangePoints,
  describeSegments,
  detectChangePoints,
  iqrOutliers,
  localOutlierScores,
  isolationForestScores,
  localOutlierFactor,
  mannKendall,
  matrixFromColumns,
  robustZScores,
  scoreRowsWithinGroups,
  theilSen,
  type ChangePointMethod,
  type CostKind,
  type Matrix,
  type NoiseModel,
  type OutlierScores,
  type PenaltyKind,
} from '../analytics/index.js';
import { badRequest } from '../common/errors.js';
import {
  describeFile,
  isTimeType,
  readColumnsAsJson,
  readNumericColumns,
  readNumericInOrder,
  type ColumnSource,
} from './column-reader.js';
import type { DuckDb } from './duckdb.js';
import { queryCancelled, type QueryLimits } from './query-limits.js';

export interface ChangePointRequest {
  column: string;
  time?: string;
  method: ChangePointMethod | 'bocpd';
  cost: CostKind;
  penalty: PenaltyKind | number;
  minSize?: number;
  noiseScale?: number;
  noiseModel: NoiseModel;
  maxChanges?: number;
}

export const OUTLIER_METHODS = ['mad', 'local', 'iqr', 'iforest', 'lof'] as const;
export type OutlierMethod = (typeof OUTLIER_METHODS)[number];
/**
 * The default of the CLI and the API: local (robust z against the running median, along the rows'
 * order). On the families of bench/outliers-quality.ts it is as good as the whole column's robust
 * z where the order means nothing (white noise, quantised, short), and holds where the column's
 * MAD does not: level shifts, trends, random walks, bursts. Rows in an order that is not a
 * series' (sorted by the value itself) are the case for `mad`.
 */
export const DEFAULT_OUTLIER_METHOD: OutlierMethod = 'local';

export interface OutlierRequest {
  columns: string[];
  group: string[];
  method: OutlierMethod;
  threshold?: number;
  /**
   * Score the rows in the order of this column (a number, date or timestamp, without NULLs; ties
   * keep the input order); the answer keeps the input's order. Only `local` depends on the order.
   */
  time?: string;
}

export interface TrendRequest {
  column: string;
  time?: string;
}

export interface AnomalyRequest {
  column: string;
  time?: string;
  falseAlarmRate: number;
  /** Points scored 0.5 with no alarm while the detector learns the series (default 400). */
  probation?: number;
  /** The cycle in points the baseline follows: `auto` (default) looks for one in the probation, 0 for none. */
  period?: number | 'auto';
}

/** The row an alarm is attributed to (see `AnomalyStep.cause`): itself, or an earlier one. */
export interface AnomalyCause {
  row: number;
  time?: unknown;
  value: number;
}

/**
 * One scored row of {@link anomalyRows}: score and value null when the value is missing. `row` is
 * the row's 0-based position in the input (its line in a CSV file with a header is `row` + 2),
 * also when the rows are scored in `time` order. An alarm names its `cause`.
 */
export interface AnomalyRow {
  row: number;
  time?: unknown;
  value: number | null;
  score: number | null;
  alarm: boolean;
  cause?: AnomalyCause;
}

/** Turns analytics input errors into bad requests. */
export async function asBadRequest<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AnalyticsInputError) throw badRequest(err.message);
    throw err;
  }
}

/**
 * The computation after a read runs in this thread and is bounded by the point budget of the
 * request, not interrupted: a client that left during the read does not get it started.
 */
function stopIfCancelled(limits: QueryLimits | undefined): void {
  if (limits?.signal?.aborted) throw queryCancelled();
}

/** Rejects NULL / NaN values: change points and trends need a complete series. */
function requireComplete(values: Float64Array, column: string): Float64Array {
  let missing = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      missing++;
      if (first < 0) first = i;
    }
  }
  if (missing)
    throw badRequest(
      `column "${column}" has ${missing} missing or non-finite values (first at row ${first}); filter them out first`,
    );
  if (values.length === 0) throw badRequest(`column "${column}" has no rows`);
  return values;
}

/**
 * The settings `--method bocpd` cannot honour are refused rather than ignored: BOCPD has its
 * own model (Normal-Gamma segments, hazard 1/250) instead of a cost and a penalty.
 */
function checkBocpdRequest(request: ChangePointRequest): void {
  if (request.cost !== 'mean')
    throw badRequest(
      `cost ${request.cost} does not apply to method bocpd (its segments have their own Normal-Gamma model, unknown mean and variance); use --method pelt or fpop for --cost ${request.cost}`,
    );
  if (request.penalty !== 'mbic')
    throw badRequest(
      `penalty ${String(request.penalty)} does not apply to method bocpd (the number of changes follows from its hazard 1/250); use another method to set a penalty`,
    );
}

/**
 * Change points of one column (rows in `time` order when given), with the time at each change.
 * `values` may be handed over already read (the CLI's small-CSV path; only without `time`).
 */
export async function changePointReport(
  engine: () => Promise<DuckDb>,
  source: ColumnSource,
  request: ChangePointRequest,
  values?: Float64Array | null,
  limits?: QueryLimits,
): Promise<Record<string, unknown>> {
  const column =
    values ??
    (await readNumericColumns(await engine(), source, [request.column], { orderBy: request.time, limits })).values[
      request.column
    ];
  const series = requireComplete(column, request.column);
  stopIfCancelled(limits);
  let output: Record<string, unknown>;
  if (request.method === 'bocpd') {
    checkBocpdRequest(request);
    let changepoints = bocpdChangePoints(series, { minSize: request.minSize, noiseScale: request.noiseScale });
    if (request.maxChanges !== undefined) changepoints = changepoints.slice(0, request.maxChanges);
    output = { changepoints, segments: describeSegments(series, changepoints), method: 'bocpd' };
  } else {
    const r = detectChangePoints(series, {
      method: request.method,
      cost: request.cost,
      penalty: request.penalty,
      minSize: request.minSize,
      noiseScale: request.noiseScale,
      noiseModel: request.noiseModel,
      maxChanges: request.maxChanges,
    });
    output = {
      changepoints: r.changepoints,
      segments: r.segments,
      method: r.method,
      cost: r.costKind,
      penalty: r.penalty,
      minSize: r.minSize,
      noiseScale: r.noiseScale,
      autocorrelation: r.autocorrelation,
      trend: r.trend,
      clippedPoints: r.clippedPoints,
    };
  }
  if (request.time) {
    const times = (await readColumnsAsJson(await engine(), source, [request.time], { orderBy: request.time, limits }))[
      request.time
    ];
    output = { ...output, times: (output.changepoints as number[]).map((i) => times[i]) };
  }
  return output;
}

function combineColumnScores(parts: OutlierScores[], rows: number): OutlierScores {
  // Univariate methods score each column; a row's score is its most extreme column.
  const scores = new Float64Array(rows).fill(NaN);
  const flags = new Uint8Array(rows);
  for (const part of parts) {
    for (let i = 0; i < rows; i++) {
      const s = part.scores[i];
      if (!Number.isNaN(s) && (Number.isNaN(scores[i]) || Math.abs(s) > Math.abs(scores[i]))) scores[i] = s;
      flags[i] |= part.flags[i];
    }
  }
  return { scores, flags };
}

const columnsOf = (m: Matrix) =>
  Array.from({ length: m.cols }, (_, j) => Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]));

/** One scorer per method; univariate ones score each column. */
const OUTLIER_SCORERS: Record<OutlierMethod, (threshold: number | undefined) => (m: Matrix) => OutlierScores> = {
  mad: (threshold) => (m) =>
    combineColumnScores(
      columnsOf(m).map((c) => robustZScores(c, threshold ?? 3.5)),
      m.rows,
    ),
  // Along the rows' order (the file's; within each group when grouped): see localOutlierScores.
  local: (threshold) => (m) =>
    combineColumnScores(
      columnsOf(m).map((c) => localOutlierScores(c, undefined, threshold ?? 3.5)),
      m.rows,
    ),
  iqr: (threshold) => (m) =>
    combineColumnScores(
      columnsOf(m).map((c) => iqrOutliers(c, threshold ?? 1.5)),
      m.rows,
    ),
  iforest: (threshold) => (m) =>
    m.rows < 2
      ? { scores: new Float64Array(m.rows).fill(NaN), flags: new Uint8Array(m.rows) }
      : isolationForestScores(m, { threshold }),
  lof: (threshold) => (m) => localOutlierFactor(m, { threshold }),
};

/**
 * A score and flag per row (in the source's order), within the `group` key when given, the rows
 * taken in `time` order when given (see {@link timeOrder}) and answered in the source's order.
 */
export async function outlierScores(
  db: DuckDb,
  source: ColumnSource,
  request: OutlierRequest,
  limits?: QueryLimits,
): Promise<OutlierScores & { rows: number }> {
  const read = await readNumericColumns(db, source, request.columns, { limits });
  const order = request.time ? await timeOrder(db, source, request.columns[0], request.time, limits) : null;
  // Rows in time order for the scorer (order[k] is the input row of the k-th in time).
  const inTime = <T>(values: ArrayLike<T>): ArrayLike<T> => (order ? Array.from(order, (p) => values[p]) : values);
  const m = matrixFromColumns(request.columns.map((c) => inTime(read.values[c])));
  const scorer = OUTLIER_SCORERS[request.method](request.threshold);
  let scored: OutlierScores;
  if (!request.group.length) {
    stopIfCancelled(limits);
    scored = scorer(m);
  } else {
    const parts = await readColumnsAsJson(db, source, request.group, { limits });
    stopIfCancelled(limits);
    const keys = Array.from({ length: read.rows }, (_, i) => request.group.map((g) => String(parts[g][i])).join('|'));
    scored = scoreRowsWithinGroups(m, Array.from(inTime(keys)), scorer);
  }
  if (!order) return { ...scored, rows: read.rows };
  const scores = new Float64Array(read.rows);
  const flags = new Uint8Array(read.rows);
  order.forEach((p, k) => {
    scores[p] = scored.scores[k];
    flags[p] = scored.flags[k];
  });
  return { scores, flags, rows: read.rows };
}

/**
 * The input rows in the order of column `time` (ties in input order), read with `column` (any
 * numeric column of the request). A column that is not a number, date or timestamp is refused
 * (text would sort "10:00" before "9:00"), and so are NULL times: such a row has no place in the
 * series, and sorting it first or last would make it a neighbour of rows it is unrelated to.
 */
async function timeOrder(
  db: DuckDb,
  source: ColumnSource,
  column: string,
  time: string,
  limits: QueryLimits | undefined,
): Promise<Float64Array> {
  const read = await readNumericInOrder(db, source, column, time, limits);
  if (!isTimeType(read.orderType))
    throw badRequest(
      `time column "${time}" is ${read.orderType}, not a date, timestamp or number; cast it first (e.g. to TIMESTAMP)`,
    );
  let missing = 0;
  let first = Infinity;
  read.order.forEach((t, k) => {
    if (t !== null) return;
    missing++;
    first = Math.min(first, read.positions[k]);
  });
  if (missing)
    throw badRequest(
      `time column "${time}" has ${missing} NULL values (first at row ${first}): rows without a time have no place in the series; filter them out first`,
    );
  return read.positions;
}

const finiteOrNull = (v: number) =>
  Number.isFinite(v) ? v : Number.isNaN(v) ? null : v > 0 ? 'Infinity' : '-Infinity';

/** The JSON answer of an outlier scoring: one `{ row, score, flag }` per row. */
export function outlierJson(method: OutlierMethod, result: OutlierScores & { rows: number }) {
  const rows = Array.from({ length: result.rows }, (_, i) => ({
    row: i,
    score: finiteOrNull(result.scores[i]),
    flag: result.flags[i] === 1,
  }));
  return { method, rows };
}

/** Mann–Kendall and Theil–Sen of one column, against `time` (dates count in days) or the row number. */
export async function trendReport(db: DuckDb, source: ColumnSource, request: TrendRequest, limits?: QueryLimits) {
  const columns = request.time ? [request.column, request.time] : [request.column];
  const read = await readNumericColumns(db, source, columns, {
    orderBy: request.time,
    temporalAsEpochSeconds: true,
    limits,
  });
  const values = requireComplete(read.values[request.column], request.column);
  let x: Float64Array | undefined;
  let unit = 'per row';
  if (request.time) {
    x = requireComplete(read.values[request.time], request.time);
    const info = (await describeFile(db, source)).find((c) => c.name === request.time);
    if (info && /^(DATE|TIMESTAMP)/.test(info.type)) {
      x = x.map((s) => s / 86400);
      unit = 'per day';
    } else unit = `per unit of ${request.time}`;
  }
  stopIfCancelled(limits);
  const mk = mannKendall(values);
  const ts = theilSen(values, x);
  return {
    n: mk.n,
    mannKendall: { s: mk.s, variance: mk.variance, z: mk.z, pValue: mk.pValue, tau: mk.tau },
    theilSen: {
      slope: ts.slope,
      intercept: ts.intercept,
      lower: ts.lower,
      upper: ts.upper,
      confidence: ts.confidence,
      unit,
    },
  };
}

/**
 * The causal anomaly likelihood of every row (in `time` order), each scored with the rows before
 * it only; rows whose value is missing get no score and are not fed to the detector.
 */
export async function anomalyRows(
  db: DuckDb,
  source: ColumnSource,
  request: AnomalyRequest,
  limits?: QueryLimits,
): Promise<AnomalyRow[]> {
  const { time } = request;
  let values: Float64Array;
  let positions: Float64Array | null = null;
  let times: unknown[] | null = null;
  if (time) {
    const read = await readNumericInOrder(db, source, request.column, time, limits);
    values = read.values;
    positions = read.positions;
    times = read.order;
  } else values = (await readNumericColumns(db, source, [request.column], { limits })).values[request.column];
  stopIfCancelled(limits);
  const detector = createAnomalyLikelihood({
    falseAlarmRate: request.falseAlarmRate,
    probation: request.probation,
    period: request.period,
  });
  const rows: AnomalyRow[] = [];
  // Detector index → output row, to name an alarm's cause (missing values are not fed).
  const fed: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const step = Number.isFinite(value) ? detector.update(value) : null;
    if (step) fed.push(i);
    const row: AnomalyRow = {
      row: positions ? positions[i] : i,
      ...(times ? { time: times[i] } : {}),
      value: step ? value : null,
      score: step ? step.score : null,
      alarm: step ? step.alarm : false,
    };
    if (step?.alarm) {
      const at = fed[step.cause];
      const { row: causeRow, time: causeTime } = rows[at] ?? row;
      row.cause = { row: causeRow, ...(times ? { time: causeTime } : {}), value: values[at] };
    }
    rows.push(row);
  }
  return rows;
}
