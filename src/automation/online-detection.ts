import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  AnalyticsInputError,
  AnomalyLikelihoodDetector,
  createAnomalyLikelihood,
  type AnomalyStep,
} from '../analytics/index.js';
import type { Principal } from '../catalog/access.js';
import { badRequest, conflict } from '../common/errors.js';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import { writesDataset, type RecipeOutputsLike } from '../common/recipe-outputs.js';
import { DATASET_KIND, parseDatasetDefinition, resolveSource } from '../datasets/datasets.js';
import type { DatasetDefinition } from '../datasets/definitions.js';
import { beginVersion, commitVersion, currentVersion, failVersion } from '../datasets/versions.js';
import { copySelectToParquet, describeRelation } from '../engine/parquet-output.js';
import { duckdbRelation } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import { withDetectorClaim } from './detector-claims.js';
import { SCENARIO_KIND } from './kinds.js';
import {
  forgetDetectors,
  loadStates,
  removeSeenRows,
  saveStates,
  seenRowsPrefix,
  type DetectorSettings,
  type SeriesState,
} from './detector-state.js';

/** What the `detect-online` step runs: see its parameters in steps/detect-online-step.ts. */
export interface OnlineDetectionSettings {
  dataset: string;
  groupBy: string[];
  orderBy: string;
  column: string;
  output: string;
  resetDataset?: string;
  resetKeys?: string[];
  resetTime?: string;
  falseAlarmRate: number;
}

/**
 * One row written to the output: an alarm, or a late row (alarm or not). The series' key values
 * (as text), the order value of the row (as text), its value and score, and on an alarm the row
 * that caused it: the same row for an isolated spike, an earlier row of the detector's recent
 * window when the alarm could only be known a few rows later (null when that row was fed before
 * they were kept). A late row from before its series' last reset has no score: the model it
 * belonged to was forgotten.
 */
export interface OnlineAlarm {
  series: (string | null)[];
  at: string;
  value: number;
  score: number | null;
  cause: { at: string; value: number } | null;
  alarm: boolean;
  late: boolean;
}

export interface OnlineDetectionResult {
  /** Series with new rows in this run. */
  series: number;
  rowsFed: number;
  resets: number;
  /** Alarms raised by the rows fed in order. */
  alarms: OnlineAlarm[];
  /**
   * Rows that arrived after a newer row of their series had been fed: each scored once, in the
   * run that first sees it, against the model as it stands, and written to the output.
   */
  late: OnlineAlarm[];
  /** Series with late rows. */
  lateSeries: number;
  /** Input rows with no order value or no finite value: not scored (said in the log). */
  skipped: number;
}

type OrderKey = number | string;

const TEMPORAL = /^(DATE|TIMESTAMP)/;
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;

/** SQL for a column as a comparable key: microseconds since 1970 for times, the number, or the text. */
function orderKeySql(column: string, type: string): string {
  if (TEMPORAL.test(type)) return `CAST(epoch_us(${quoteIdent(column)}) AS DOUBLE)`;
  if (NUMERIC.test(type)) return `CAST(${quoteIdent(column)} AS DOUBLE)`;
  return `CAST(${quoteIdent(column)} AS VARCHAR)`;
}

const orderKind = (type: string) => (TEMPORAL.test(type) ? 'time' : NUMERIC.test(type) ? 'number' : 'text');

/** The detector's name in the catalog: changing the input, the column or the output starts over. */
export const detectorName = (s: Pick<OnlineDetectionSettings, 'dataset' | 'column' | 'output'>) =>
  `${s.dataset}.${s.column} -> ${s.output}`;

/** The detectors of a scenario's detect-online steps, by name. */
export const detectorsOfSteps = (steps: { type: string }[]) =>
  steps
    .filter((step) => step.type === 'detect-online')
    .map((step) => detectorName(step as unknown as OnlineDetectionSettings));

async function duckRelation(ws: Workspace, projectKey: string, dataset: string): Promise<string | null> {
  const { source } = await resolveSource(ws, projectKey, dataset);
  if (source.kind === 'external')
    throw badRequest(`detect-online reads datasets stored as files; ${dataset} is read from a database`);
  if (source.kind === 'parquet' && source.paths.length === 0) return null;
  return duckdbRelation(source);
}

function columnTypes(columns: { name: string; type: string }[], dataset: string, wanted: string[]) {
  const types = new Map(columns.map((c) => [c.name, c.type]));
  for (const name of wanted)
    if (!types.has(name))
      throw badRequest(`column ${name} is not in dataset ${dataset}; it has: ${columns.map((c) => c.name).join(', ')}`);
  return types;
}

/** The output must be a managed dataset nobody else writes: its versions are the alarm log. */
async function checkOutput(ws: Workspace, projectKey: string, output: string): Promise<DatasetDefinition | null> {
  const existing = await ws.catalog.objects.get<DatasetDefinition>(projectKey, DATASET_KIND, output);
  if (existing && existing.body.storage.type !== 'managed')
    throw conflict(`Dataset ${output} is read in place; detect-online writes alarms to a managed dataset`);
  const producer = (await ws.catalog.objects.list<RecipeOutputsLike>(projectKey, 'recipe')).find((r) =>
    writesDataset(r.body, output),
  );
  if (producer) throw conflict(`Dataset ${output} is written by recipe ${producer.name}; write alarms to another one`);
  return existing?.body ?? null;
}

/** Save-time checks of the settings against the catalog. */
export async function validateOnlineDetection(ws: Workspace, projectKey: string, s: OnlineDetectionSettings) {
  const datasets = [s.dataset, ...(s.resetDataset ? [s.resetDataset] : [])];
  for (const d of datasets)
    if (!(await ws.catalog.objects.get(projectKey, DATASET_KIND, d)))
      throw badRequest(`dataset ${d} does not exist in project ${projectKey}`);
  if (datasets.includes(s.output)) throw badRequest(`output ${s.output} must differ from the datasets read`);
  const names = [...s.groupBy, s.orderBy, s.column];
  if (new Set(names).size !== names.length) throw badRequest('groupBy, orderBy and column must name different columns');
  const added = [causeColumn(s.orderBy), causeColumn(s.column), ...ADDED_COLUMNS];
  const clash = s.groupBy.find((g) => added.includes(g));
  if (clash) throw badRequest(`groupBy column ${clash} has the name of a column the alarms dataset adds`);
  if (s.resetKeys && s.resetKeys.length !== s.groupBy.length)
    throw badRequest(
      `resetKeys names ${s.resetKeys.length} columns, groupBy ${s.groupBy.length}: one per group column`,
    );
  await checkOutput(ws, projectKey, s.output);
}

/**
 * Feeds the rows of `dataset` added since the last run (per series: order value above the
 * series' high-water mark) to per-series anomaly-likelihood detectors whose state is kept in the
 * catalog, resets a series' detector at each event of `resetDataset` newer than its high-water
 * mark (before the first row at or after the event), appends the alarms to `output` as a new
 * version, and saves the states. Runs over appended data give the alarms of one run over all of
 * it. The alarms are written before the states: a crash in between scores the same rows again
 * (alarms at least once).
 *
 * Late rows (arriving after a newer row of their series was fed) are scored against the detector
 * as it stands, not learned from: its history stays in time order, so the rows fed later are
 * scored as in one run over sorted data. Each is written to the output (`late` true, with its
 * score and alarm flag) in the run that first sees it. Which rows are new is known from the rows
 * seen (see {@link seenRowsPrefix}): rows removed from the input are not late rows, and a row
 * added again later is.
 */
export async function detectOnline(
  ws: Workspace,
  principal: Principal,
  target: RunTarget,
  s: OnlineDetectionSettings,
  log: (message: string) => void,
): Promise<OnlineDetectionResult> {
  const { projectKey } = target;
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await validateOnlineDetection(ws, projectKey, s);
  const claim = { projectKey, output: s.output, runId: target.runId };
  const waiting = (holder: string) =>
    log(`Waiting for run ${holder}, which is writing ${s.output}: one run at a time feeds its detectors`);
  return withDetectorClaim(ws, claim, target.signal, waiting, async () => {
    const result: OnlineDetectionResult = {
      series: 0,
      rowsFed: 0,
      resets: 0,
      alarms: [],
      late: [],
      lateSeries: 0,
      skipped: 0,
    };
    const input = await duckRelation(ws, projectKey, s.dataset);
    if (!input) {
      log(`${s.dataset} has no data yet`);
      return result;
    }
    return ws.duck.withConnection((conn) =>
      detectOnConnection(ws, conn, principal, target, s, input, result, log).finally(() =>
        conn.run(`DROP TABLE IF EXISTS ${ROWS_TABLE}`),
      ),
    );
  });
}

/** The run a detection is part of; `signal` stops it waiting for another run's claim. */
export interface RunTarget {
  projectKey: string;
  scenarioId: string;
  runId: string;
  signal: AbortSignal;
}

/**
 * Why the states saved under `saved` cannot be used with `now` (null when they can): the series
 * or their order changed, so the detectors start over. An order column whose type changed kind
 * (time, number, text) is refused instead: its new values cannot be compared with the high-water
 * marks, and starting over would alarm again on every old row.
 */
function settingsChange(saved: DetectorSettings, now: DetectorSettings, orderType: string): string | null {
  if (saved.orderBy === now.orderBy && saved.orderKind !== now.orderKind)
    throw badRequest(
      `column ${now.orderBy} of ${now.dataset} is ${orderType} (${now.orderKind}) but was ${saved.orderKind} when the ` +
        `detectors last ran: the rows cannot be ordered against those fed. Give it its type back, or order by another column.`,
    );
  const changes = (['dataset', 'groupBy', 'orderBy', 'column'] as const)
    .filter((k) => JSON.stringify(saved[k]) !== JSON.stringify(now[k]))
    .map((k) => `${k} ${JSON.stringify(saved[k])} → ${JSON.stringify(now[k])}`);
  return changes.length > 0 ? changes.join(', ') : null;
}

/** The work of {@link detectOnline} on one DuckDB connection, which holds {@link ROWS_TABLE} meanwhile. */
async function detectOnConnection(
  ws: Workspace,
  conn: DuckDBConnection,
  principal: Principal,
  target: RunTarget,
  s: OnlineDetectionSettings,
  input: string,
  result: OnlineDetectionResult,
  log: (message: string) => void,
): Promise<OnlineDetectionResult> {
  const { projectKey, scenarioId } = target;
  const types = columnTypes(await describeRelation(conn, input), s.dataset, [...s.groupBy, s.orderBy, s.column]);
  const valueType = types.get(s.column)!;
  if (!NUMERIC.test(valueType)) throw badRequest(`column ${s.column} is ${valueType}, not numeric`);
  const orderType = types.get(s.orderBy)!;
  const detector = detectorName(s);
  const settings: DetectorSettings = {
    dataset: s.dataset,
    groupBy: s.groupBy,
    orderBy: s.orderBy,
    column: s.column,
    orderKind: orderKind(orderType),
  };
  const loaded = await loadStates(ws, projectKey, scenarioId, detector);
  const change = loaded.meta.settings ? settingsChange(loaded.meta.settings, settings, orderType) : null;
  if (change) log(`The step's settings changed (${change}): its detectors start over from every row of ${s.dataset}`);
  const saved = change ? new Map<string, SeriesState>() : loaded.states;
  const seenRows = change ? null : loaded.meta.seenRows;
  const seenBefore = seenRows !== null && existsSync(ws.resolve(seenRows));
  if (seenRows !== null && !seenBefore)
    log(`The file of rows seen by the last run (${seenRows}) is missing: no row can be told late on this run`);
  const rows = await readNewRows(conn, input, s, orderType, seenBefore ? ws.resolve(seenRows) : null, saved);
  result.skipped = rows.skipped;
  if (rows.skipped > 0)
    log(`${rows.skipped} rows of ${s.dataset} have no ${s.orderBy} or no finite ${s.column}: not scored`);
  const resets = await readResets(ws, conn, projectKey, s, orderType);
  const updated = feedSeries(rows.rows, saved, resets, s, seenBefore, result);
  if (result.late.length > 0) {
    const lateAlarms = result.late.filter((r) => r.alarm).length;
    const example = result.late[0];
    log(
      `${result.late.length} late rows in ${result.lateSeries} series scored against their detector as it stands ` +
        `(older than their series' last fed ${s.orderBy}; e.g. series ${JSON.stringify(example.series)} at ${example.at}), ` +
        `${lateAlarms} alarms → ${s.output} (late = true)`,
    );
  }
  await appendAlarms(ws, conn, principal, target, s, types, [...result.alarms, ...result.late]);
  // Nothing new: the rows seen are those of the file already kept (a run reads and writes no copy of the input).
  if (rows.rows.length === 0 && seenBefore) return result;
  const prefix = seenRowsPrefix(projectKey, scenarioId, detector);
  const nextSeen = `${prefix}-${target.runId}.parquet`;
  await copySelectToParquet(conn, `SELECT * FROM ${ROWS_TABLE}`, ws.resolve(nextSeen));
  // The states and the rows seen change together: a crash before feeds the same rows again.
  await saveStates(
    ws,
    { projectKey, scenario: scenarioId, detector },
    updated,
    { seenRows: nextSeen, settings },
    change !== null,
  );
  removeSeenRows(ws, prefix, nextSeen);
  await forgetIfGone(ws, projectKey, scenarioId, detector);
  return result;
}

/**
 * Forgets the detector when its scenario was deleted, or saved without its step, while the run
 * went on: that save or delete forgot the detectors before these states were saved (see
 * forgetDetectors). Looked at after saving, so one of the two always comes after the other's write.
 */
async function forgetIfGone(ws: Workspace, projectKey: string, scenarioId: string, detector: string): Promise<void> {
  const scenario = await ws.catalog.objects.get<{ steps: { type: string }[] }>(projectKey, SCENARIO_KIND, scenarioId);
  const kept = scenario ? detectorsOfSteps(scenario.body.steps) : [];
  if (!kept.includes(detector)) await forgetDetectors(ws, projectKey, scenarioId, kept);
}

/**
 * Feeds each series' new rows to its detector (rows come sorted by series, then order key: one
 * pass, one detector at a time) and scores its late rows; fills `result`, returns the states of
 * the series fed.
 */
function feedSeries(
  rows: SeriesRow[],
  saved: Map<string, SeriesState>,
  resets: Map<string, OrderKey[]>,
  s: OnlineDetectionSettings,
  seenBefore: boolean,
  result: OnlineDetectionResult,
): Map<string, SeriesState> {
  const updated = new Map<string, SeriesState>();
  let i = 0;
  while (i < rows.length) {
    const seriesKey = rows[i].series;
    let end = i;
    while (end < rows.length && rows[end].series === seriesKey) end++;
    const series = rows.slice(i, end);
    i = end;
    const previous = saved.get(seriesKey);
    const highWater = previous?.highWater;
    const fresh = series.filter((r) => highWater === undefined || r.key > highWater);
    const { scorer, recentLength } = restoreDetector(seriesKey, previous, s.falseAlarmRate);
    const recent = (previous?.recent ?? []).slice(-recentLength);
    const events = resets.get(seriesKey) ?? [];
    // Without the rows seen (a state saved before they were kept) the old rows are not known
    // to be new: none is late on this first run.
    if (seenBefore && highWater !== undefined && fresh.length < series.length) {
      result.lateSeries++;
      const lastReset = events.filter((t) => t <= highWater).at(-1);
      for (const row of series.slice(0, series.length - fresh.length))
        result.late.push(scoreLate(seriesKey, row, scorer, recent, lastReset));
    }
    if (fresh.length === 0) continue;
    let nextEvent = events.findIndex((t) => highWater === undefined || t > highWater);
    if (nextEvent < 0) nextEvent = events.length;
    for (const row of fresh) {
      while (nextEvent < events.length && events[nextEvent] <= row.key) {
        scorer.reset();
        recent.length = 0;
        result.resets++;
        nextEvent++;
      }
      const step = scorer.update(row.value);
      recent.push([row.at, row.value]);
      if (recent.length > recentLength) recent.shift();
      if (step.alarm) result.alarms.push(outputRow(seriesKey, row, step, recent, false));
    }
    result.series++;
    result.rowsFed += fresh.length;
    const last = fresh[fresh.length - 1];
    updated.set(seriesKey, { highWater: last.key, highWaterAt: last.at, recent, detector: scorer.toJSON() });
  }
  return updated;
}

/**
 * The detector of a series as saved (a new one for a new series), with the step's false-alarm
 * rate: a changed rate applies from now on, it only moves the threshold. A damaged state (edited
 * by hand, cut short) stops the run naming the series, rather than being replaced by a new one.
 * `recentLength`: how many of its last rows a series keeps (the detector's recent window).
 */
function restoreDetector(
  seriesKey: string,
  previous: SeriesState | undefined,
  falseAlarmRate: number,
): { scorer: AnomalyLikelihoodDetector; recentLength: number } {
  try {
    const state = previous?.detector ?? createAnomalyLikelihood({ falseAlarmRate }).toJSON();
    const scorer = AnomalyLikelihoodDetector.fromJSON({ ...state, options: { ...state.options, falseAlarmRate } });
    return { scorer, recentLength: state.options.shortWindow };
  } catch (err) {
    throw badRequest(
      `The saved detector of series ${seriesKey} is damaged (${(err as Error).message}); ` +
        'delete the scenario and save it again to start its detectors over',
    );
  }
}

/** A row for the output, with the row that caused its alarm (`recent` holds the rows fed before and, when fed, this one). */
function outputRow(
  seriesKey: string,
  row: SeriesRow,
  step: AnomalyStep,
  recent: [string, number][],
  late: boolean,
): OnlineAlarm {
  // A late row is not in `recent` (it was not fed): the window it was judged with ends with it.
  const window: [string, number][] = late ? [...recent, [row.at, row.value]] : recent;
  const cause = step.alarm ? window[window.length - 1 - (step.index - step.cause)] : undefined;
  return {
    series: JSON.parse(seriesKey) as (string | null)[],
    at: row.at,
    value: row.value,
    score: step.score,
    cause: cause ? { at: cause[0], value: cause[1] } : null,
    alarm: step.alarm,
    late,
  };
}

/** A late row scored against the detector as it stands; unscored when the series was reset since (`lastReset` after it). */
function scoreLate(
  seriesKey: string,
  row: SeriesRow,
  scorer: AnomalyLikelihoodDetector,
  recent: [string, number][],
  lastReset: OrderKey | undefined,
): OnlineAlarm {
  if (lastReset !== undefined && row.key < lastReset)
    return {
      series: JSON.parse(seriesKey) as (string | null)[],
      at: row.at,
      value: row.value,
      score: null,
      cause: null,
      alarm: false,
      late: true,
    };
  return outputRow(seriesKey, row, scorer.peek(row.value), recent, true);
}

interface SeriesRow {
  series: string;
  key: OrderKey;
  at: string;
  value: number;
}

/** The temporary table of the input's rows (series, order key, order value as text, value) for one run. */
const ROWS_TABLE = 'detect_online_rows';
/**
 * What makes a row the same row in a later run: its series and place in order, not its value (a
 * recomputed input, e.g. values normalised by a median that moves with each load, is not late).
 */
const ROW_IDENTITY = 'series, k, "at"';

/**
 * The rows of `old` (at or before their high-water mark) that the last run did not see: at one
 * series and time, the copies beyond as many as were seen. Copies whose value was seen count as
 * the seen ones first, so a row added beside one seen is the late one; a row whose value was
 * recomputed (one copy, seen at that time with another value) is not late.
 */
function lateRowsSql(old: string, seenPath: string): string {
  const seen = `SELECT * FROM read_parquet(${quoteLiteral(seenPath)})`;
  const counted = (rows: string) => `SELECT ${ROW_IDENTITY}, count(*) AS n FROM (${rows}) GROUP BY ALL`;
  // Only a series and time with more copies than were seen holds a late row: counting first
  // leaves the rest (nearly every row) out of the window functions below.
  const suspects = `SELECT ${ROW_IDENTITY}, coalesce(s.n, 0) AS n FROM (${counted(old)}) o
    LEFT JOIN (${counted(seen)}) s USING (${ROW_IDENTITY}) WHERE o.n > coalesce(s.n, 0)`;
  const byValue = (rows: string) =>
    `SELECT *, row_number() OVER (PARTITION BY ${ROW_IDENTITY}, v) AS nth_value
     FROM (SELECT r.* FROM (${rows}) r SEMI JOIN suspects USING (${ROW_IDENTITY}))`;
  const marked = `SELECT o.*, s.series IS NOT NULL AS value_seen FROM (${byValue(old)}) o
    LEFT JOIN (${byValue(seen)}) s USING (${ROW_IDENTITY}, v, nth_value)`;
  const ranked = `SELECT *, row_number() OVER (PARTITION BY ${ROW_IDENTITY} ORDER BY value_seen DESC) AS nth FROM (${marked})`;
  return `WITH suspects AS (${suspects})
    SELECT series, k, "at", v FROM (${ranked}) JOIN suspects USING (${ROW_IDENTITY}) WHERE nth > n`;
}

/**
 * The input's rows a run has to look at, sorted by series, order key and value: those after
 * their series' high-water mark (to feed), and those at or before it not among the rows seen by
 * the last run (late rows; none without `seenPath`). Leaves every input row in
 * {@link ROWS_TABLE}, to be kept as the rows seen once the run is done.
 */
async function readNewRows(
  conn: DuckDBConnection,
  relation: string,
  s: OnlineDetectionSettings,
  orderType: string,
  seenPath: string | null,
  states: Map<string, SeriesState>,
): Promise<{ rows: SeriesRow[]; skipped: number }> {
  const groups = s.groupBy.map((g) => `CAST(${quoteIdent(g)} AS VARCHAR)`);
  const key = orderKeySql(s.orderBy, orderType);
  const value = `CAST(${quoteIdent(s.column)} AS DOUBLE)`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${ROWS_TABLE} AS
    SELECT to_json([${groups.join(', ')}]::VARCHAR[])::VARCHAR AS series, ${key} AS k,
      CAST(${quoteIdent(s.orderBy)} AS VARCHAR) AS at, ${value} AS v
    FROM ${relation}`);
  // Counted, not silently dropped: a NULL time or value is said in the run's log.
  const dropped = await conn.runAndReadAll(
    `DELETE FROM ${ROWS_TABLE} WHERE k IS NULL OR NOT coalesce(isfinite(v), false)`,
  );
  const skipped = dropped.rowsChanged;
  // The high-water marks, as JSON in one parameter (a statement per series is slow with thousands).
  const keyType = orderKind(orderType) === 'text' ? 'VARCHAR' : 'DOUBLE';
  const marks = JSON.stringify([...states].map(([series, state]) => ({ series, k: state.highWater })));
  const highWater = `(SELECT m.series, CAST(json_extract_string(m.k, '$') AS ${keyType}) AS k
    FROM (SELECT unnest(CAST($1 AS JSON)::STRUCT(series VARCHAR, k JSON)[]) AS m))`;
  const old = `SELECT r.* FROM ${ROWS_TABLE} r JOIN ${highWater} h ON r.series = h.series AND r.k <= h.k`;
  const fresh = `SELECT r.* FROM ${ROWS_TABLE} r LEFT JOIN ${highWater} h ON r.series = h.series
    WHERE h.k IS NULL OR r.k > h.k`;
  // A second copy of a row seen once is a new row (see lateRowsSql).
  const late = seenPath ? `(${lateRowsSql(old, seenPath)}) UNION ALL ` : '';
  const reader = await conn.runAndReadAll(`SELECT * FROM (${late}${fresh}) ORDER BY series, k, v`, [marks]);
  const rows = reader.getRowsJson().map((r) => ({
    series: r[0] as string,
    key: r[1] as OrderKey,
    at: r[2] as string,
    value: r[3] as number,
  }));
  return { rows, skipped };
}

/** Reset events per series key, sorted. */
async function readResets(
  ws: Workspace,
  conn: DuckDBConnection,
  projectKey: string,
  s: OnlineDetectionSettings,
  orderType: string,
): Promise<Map<string, OrderKey[]>> {
  const out = new Map<string, OrderKey[]>();
  if (!s.resetDataset) return out;
  const relation = await duckRelation(ws, projectKey, s.resetDataset);
  if (!relation) return out;
  const keys = s.resetKeys ?? s.groupBy;
  const time = s.resetTime ?? s.orderBy;
  const types = columnTypes(await describeRelation(conn, relation), s.resetDataset, [...keys, time]);
  const type = types.get(time)!;
  if (orderKind(type) !== orderKind(orderType))
    throw badRequest(`reset column ${time} is ${type} but ${s.orderBy} is ${orderType}: they must be comparable`);
  const groups = keys.map((g) => `CAST(${quoteIdent(g)} AS VARCHAR)`);
  const sql = `SELECT to_json([${groups.join(', ')}]::VARCHAR[])::VARCHAR AS series, ${orderKeySql(time, type)} AS k
    FROM ${relation} WHERE ${quoteIdent(time)} IS NOT NULL ORDER BY series, k`;
  for (const [series, k] of (await conn.runAndReadAll(sql)).getRowsJson()) {
    const list = out.get(series as string) ?? [];
    list.push(k as OrderKey);
    out.set(series as string, list);
  }
  return out;
}

/** Columns the alarms dataset adds beside the group, order and value columns and the cause columns. */
const ADDED_COLUMNS = ['anomaly_score', 'scenario_run', 'alarm', 'late'];

/** The alarms dataset's column naming the row that caused an alarm: `cause_ts`, `cause_trec`. */
export const causeColumn = (column: string) => `cause_${column}`;

/**
 * Appends alarms and late rows to the output as a new version (previous rows, then the new ones):
 * the group columns and the order column (the row where the alarm was raised) keep the input's
 * types, then the value, `anomaly_score`, the order value and value of the row that caused the
 * alarm (`cause_<orderBy>`, `cause_<column>`: the same row for a spike, an earlier one when the
 * alarm was known a few rows later), the `scenario_run` that wrote it, `alarm` (false only for a
 * late row that is not one) and `late`. Writes nothing when there is no row, except a first,
 * empty version so that the output exists with its columns.
 */
async function appendAlarms(
  ws: Workspace,
  conn: DuckDBConnection,
  principal: Principal,
  target: { projectKey: string; runId: string },
  s: OnlineDetectionSettings,
  types: Map<string, string>,
  alarms: OnlineAlarm[],
): Promise<void> {
  const { projectKey } = target;
  const existing = await checkOutput(ws, projectKey, s.output);
  const previous = existing ? await currentVersion(ws, projectKey, s.output) : null;
  if (alarms.length === 0 && previous) return;
  const textColumns = [...s.groupBy, s.orderBy];
  const table = 'detect_online_alarms';
  const columns = [
    ...textColumns.map((c) => `${quoteIdent(c)} VARCHAR`),
    'value DOUBLE',
    'score DOUBLE',
    'cause_at VARCHAR',
    'cause_value DOUBLE',
    'alarm BOOLEAN',
    'late BOOLEAN',
  ];
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (${columns.join(', ')})`);
  await appendRows(conn, table, alarms);
  const orderType = types.get(s.orderBy)!;
  const select = `SELECT ${textColumns.map((c) => `CAST(${quoteIdent(c)} AS ${types.get(c)!}) AS ${quoteIdent(c)}`).join(', ')},
      value AS ${quoteIdent(s.column)}, score AS anomaly_score,
      CAST(cause_at AS ${orderType}) AS ${quoteIdent(causeColumn(s.orderBy))},
      cause_value AS ${quoteIdent(causeColumn(s.column))},
      ${quoteLiteral(target.runId)} AS scenario_run, alarm, late
    FROM ${table}`;
  // Rows written before late rows were (alarms only) get their flags.
  const sql = previous
    ? `SELECT * REPLACE (coalesce(alarm, true) AS alarm, coalesce(late, false) AS late) FROM (
        SELECT * FROM read_parquet(${quoteLiteral(ws.resolve(previous.location))}) UNION ALL BY NAME ${select})`
    : select;
  const pending = await beginVersion(ws, projectKey, s.output);
  try {
    const written = await copySelectToParquet(conn, sql, pending.path);
    if (!existing)
      await ws.catalog.objects.put({
        projectKey,
        kind: DATASET_KIND,
        name: s.output,
        body: parseDatasetDefinition({ name: s.output, storage: { type: 'managed' } }),
        author: principal.username,
        expectRevision: 0,
      });
    await commitVersion(ws, pending, { ...written, lineage: { source: 'scenario' } });
  } catch (err) {
    await failVersion(ws, pending);
    throw err;
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

/** Appends the rows through an appender: one statement per row took seconds with many late rows. */
async function appendRows(conn: DuckDBConnection, table: string, alarms: OnlineAlarm[]): Promise<void> {
  const appender = await conn.createAppender(table, 'main', 'temp');
  const text = (v: string | null) => (v === null ? appender.appendNull() : appender.appendVarchar(v));
  const number = (v: number | null) => (v === null ? appender.appendNull() : appender.appendDouble(v));
  try {
    for (const a of alarms) {
      for (const key of a.series) text(key);
      text(a.at);
      number(a.value);
      number(a.score);
      text(a.cause?.at ?? null);
      number(a.cause?.value ?? null);
      appender.appendBoolean(a.alarm);
      appender.appendBoolean(a.late);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Turns analytics input errors (a damaged state) into bad requests, like the other analytics entry points. */
export function analyticsErrorAsBadRequest(err: unknown): unknown {
  return err instanceof AnalyticsInputError ? badRequest(err.message) : err;
}
