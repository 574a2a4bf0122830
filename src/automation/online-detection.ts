import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import {
  AnalyticsInputError,
  AnomalyLikelihoodDetector,
  createAnomalyLikelihood,
  type AnomalyLikelihoodState,
} from '../analytics/index.js';
import type { Principal } from '../catalog/access.js';
import { badRequest, conflict } from '../common/errors.js';
import { nowIso } from '../common/ids.js';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import { writesDataset, type RecipeOutputsLike } from '../common/recipe-outputs.js';
import { DATASET_KIND, parseDatasetDefinition, resolveSource } from '../datasets/datasets.js';
import type { DatasetDefinition } from '../datasets/definitions.js';
import { beginVersion, commitVersion, currentVersion, failVersion } from '../datasets/versions.js';
import { copySelectToParquet, describeRelation } from '../engine/parquet-output.js';
import { duckdbRelation } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';

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
 * One alarm: the series' key values (as text), the order value of the row where it was raised
 * (as text), that row's value and score, and the row that caused it: the same row for an isolated
 * spike, an earlier row of the detector's recent window when the alarm could only be known a few
 * rows later (null when that row was fed before late rows were tracked).
 */
export interface OnlineAlarm {
  series: (string | null)[];
  at: string;
  value: number;
  score: number;
  cause: { at: string; value: number } | null;
}

export interface OnlineDetectionResult {
  /** Series with new rows in this run. */
  series: number;
  rowsFed: number;
  resets: number;
  alarms: OnlineAlarm[];
  /** Rows that arrived after a newer row of their series had been scored: counted once, never scored. */
  lateRows: number;
  /** Series with late rows. */
  lateSeries: number;
}

/** What is kept per series between runs: the newest order value fed, and the detector. */
interface SeriesState {
  /** Order key of the last row fed (number: epoch µs or the numeric value; string: text order). */
  highWater: number | string;
  /** The order value of that row as text, for messages (absent in states saved before it was kept). */
  highWaterAt?: string;
  /**
   * Rows of the series with an order key ≤ `highWater` when the state was saved (scored, or counted
   * late): more such rows in a later run are late rows. Absent in states saved before they were counted.
   */
  rowsSeen?: number;
  /** The last rows fed, oldest first (order value as text, value), as many as the detector's recent window. */
  recent?: [string, number][];
  detector: AnomalyLikelihoodState;
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
  const clash = s.groupBy.find((g) => g === causeColumn(s.orderBy) || g === causeColumn(s.column));
  if (clash) throw badRequest(`groupBy column ${clash} has the name of a column the alarms dataset adds`);
  if (s.resetKeys && s.resetKeys.length !== s.groupBy.length)
    throw badRequest(
      `resetKeys names ${s.resetKeys.length} columns, groupBy ${s.groupBy.length}: one per group column`,
    );
  await checkOutput(ws, projectKey, s.output);
}

/**
 * Feeds the rows of `dataset` added since the last run (per series: order value above the
 * series' high-water mark) to
 * per-series anomaly-likelihood detectors whose state is kept in the catalog, resets a series'
 * detector at each event of `resetDataset` newer than its high-water mark (before the first row
 * at or after the event), appends the alarms to `output` as a new version, and saves the states.
 * Runs over appended data give the alarms of one run over all of it. The alarms are written
 * before the states: a crash in between scores the same rows again (alarms at least once).
 *
 * Late rows (arriving after a newer row of their series was scored) are counted, logged and
 * skipped, not scored: the detector's history has moved past them, and scoring one against it
 * would compare it with its future. They are found by count (a series' rows at or before its
 * high-water mark, against how many there were when it was saved), so each is reported once, in
 * the run that first sees it; rows removed from the input are not late rows and lower the count.
 */
export async function detectOnline(
  ws: Workspace,
  principal: Principal,
  target: { projectKey: string; scenarioId: string; runId: string },
  s: OnlineDetectionSettings,
  log: (message: string) => void,
): Promise<OnlineDetectionResult> {
  const { projectKey, scenarioId } = target;
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await validateOnlineDetection(ws, projectKey, s);
  const result: OnlineDetectionResult = { series: 0, rowsFed: 0, resets: 0, alarms: [], lateRows: 0, lateSeries: 0 };
  const input = await duckRelation(ws, projectKey, s.dataset);
  if (!input) {
    log(`${s.dataset} has no data yet`);
    return result;
  }
  return ws.duck.withConnection(async (conn) => {
    const types = columnTypes(await describeRelation(conn, input), s.dataset, [...s.groupBy, s.orderBy, s.column]);
    const valueType = types.get(s.column)!;
    if (!NUMERIC.test(valueType)) throw badRequest(`column ${s.column} is ${valueType}, not numeric`);
    const orderType = types.get(s.orderBy)!;
    const rows = await readSeriesRows(conn, input, s, orderType);
    const resets = await readResets(ws, conn, projectKey, s, orderType);
    const detector = detectorName(s);
    const saved = await loadStates(ws, projectKey, scenarioId, detector);
    const updated = new Map<string, SeriesState>();
    const late: { series: string; count: number; before?: string }[] = [];

    // Rows come sorted by series, then order key: one pass, one detector at a time.
    let i = 0;
    while (i < rows.length) {
      const seriesKey = rows[i].series;
      let end = i;
      while (end < rows.length && rows[end].series === seriesKey) end++;
      const previous = saved.get(seriesKey);
      const highWater = previous?.highWater;
      const all = rows.slice(i, end);
      const fresh = all.filter((r) => highWater === undefined || r.key > highWater);
      i = end;
      const old = all.length - fresh.length;
      const lateRows = previous?.rowsSeen === undefined ? 0 : Math.max(0, old - previous.rowsSeen);
      if (lateRows > 0) late.push({ series: seriesKey, count: lateRows, before: previous?.highWaterAt });
      if (fresh.length === 0) {
        // Remember the late rows (or, for a state saved before they were counted, the rows) as seen.
        if (previous && previous.rowsSeen !== old) updated.set(seriesKey, { ...previous, rowsSeen: old });
        continue;
      }
      const state = previous?.detector ?? createAnomalyLikelihood({ falseAlarmRate: s.falseAlarmRate }).toJSON();
      // A changed false-alarm rate applies from now on: it only moves the threshold.
      const scorer = AnomalyLikelihoodDetector.fromJSON({
        ...state,
        options: { ...state.options, falseAlarmRate: s.falseAlarmRate },
      });
      const recentLength = state.options.shortWindow;
      const recent = (previous?.recent ?? []).slice(-recentLength);
      const events = (resets.get(seriesKey) ?? []).filter((t) => highWater === undefined || t > highWater);
      let nextEvent = 0;
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
        if (step.alarm) {
          const cause = recent[recent.length - 1 - (step.index - step.cause)];
          result.alarms.push({
            series: JSON.parse(seriesKey) as (string | null)[],
            at: row.at,
            value: row.value,
            score: step.score,
            cause: cause ? { at: cause[0], value: cause[1] } : null,
          });
        }
      }
      result.series++;
      result.rowsFed += fresh.length;
      const last = fresh[fresh.length - 1];
      updated.set(seriesKey, {
        highWater: last.key,
        highWaterAt: last.at,
        rowsSeen: all.length,
        recent,
        detector: scorer.toJSON(),
      });
    }
    if (late.length > 0) {
      result.lateRows = late.reduce((n, l) => n + l.count, 0);
      result.lateSeries = late.length;
      const example = late[0];
      log(
        `${result.lateRows} late rows in ${late.length} series not scored (older than their series' last scored ` +
          `${s.orderBy}; e.g. ${example.count} in series ${example.series} at or before ${example.before ?? 'its last scored row'})`,
      );
    }
    await appendAlarms(ws, conn, principal, target, s, types, result.alarms);
    await saveStates(ws, projectKey, scenarioId, detector, updated);
    return result;
  });
}

interface SeriesRow {
  series: string;
  key: OrderKey;
  at: string;
  value: number;
}

async function readSeriesRows(
  conn: DuckDBConnection,
  relation: string,
  s: OnlineDetectionSettings,
  orderType: string,
): Promise<SeriesRow[]> {
  const groups = s.groupBy.map((g) => `CAST(${quoteIdent(g)} AS VARCHAR)`);
  const key = orderKeySql(s.orderBy, orderType);
  const value = `CAST(${quoteIdent(s.column)} AS DOUBLE)`;
  const sql = `SELECT to_json([${groups.join(', ')}]::VARCHAR[])::VARCHAR AS series, ${key} AS k,
      CAST(${quoteIdent(s.orderBy)} AS VARCHAR) AS at, ${value} AS v
    FROM ${relation}
    WHERE ${quoteIdent(s.orderBy)} IS NOT NULL AND isfinite(${value})
    ORDER BY series, k, v`;
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowsJson().map((r) => ({
    series: r[0] as string,
    key: r[1] as OrderKey,
    at: r[2] as string,
    value: r[3] as number,
  }));
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

async function loadStates(
  ws: Workspace,
  projectKey: string,
  scenario: string,
  detector: string,
): Promise<Map<string, SeriesState>> {
  const rows = await ws.catalog.db
    .selectFrom('detector_state')
    .select(['series', 'state'])
    .where('project_key', '=', projectKey)
    .where('scenario', '=', scenario)
    .where('detector', '=', detector)
    .execute();
  return new Map(rows.map((r) => [r.series, JSON.parse(r.state) as SeriesState]));
}

async function saveStates(
  ws: Workspace,
  projectKey: string,
  scenario: string,
  detector: string,
  states: Map<string, SeriesState>,
): Promise<void> {
  if (states.size === 0) return;
  const at = nowIso();
  await ws.catalog.db.transaction().execute(async (trx) => {
    for (const [series, state] of states) {
      await trx
        .insertInto('detector_state')
        .values({ project_key: projectKey, scenario, detector, series, state: JSON.stringify(state), updated_at: at })
        .onConflict((oc) =>
          oc
            .columns(['project_key', 'scenario', 'detector', 'series'])
            .doUpdateSet({ state: JSON.stringify(state), updated_at: at }),
        )
        .execute();
    }
  });
}

/** The alarms dataset's column naming the row that caused an alarm: `cause_ts`, `cause_trec`. */
export const causeColumn = (column: string) => `cause_${column}`;

/**
 * Appends alarms to the output as a new version (previous rows, then the new ones): the group
 * columns and the order column (the row where the alarm was raised) keep the input's types, then
 * the value, `anomaly_score`, the order value and value of the row that caused the alarm
 * (`cause_<orderBy>`, `cause_<column>`: the same row for a spike, an earlier one when the alarm
 * was known a few rows later) and the `scenario_run` that raised it. Writes nothing when there is no alarm, except a first, empty
 * version so that the output exists with its columns.
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
  ];
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (${columns.join(', ')})`);
  const placeholders = Array.from({ length: columns.length }, (_, i) => `$${i + 1}`).join(', ');
  for (const a of alarms) {
    const values: DuckDBValue[] = [...a.series, a.at, a.value, a.score, a.cause?.at ?? null, a.cause?.value ?? null];
    await conn.run(`INSERT INTO ${table} VALUES (${placeholders})`, values);
  }
  const orderType = types.get(s.orderBy)!;
  const select = `SELECT ${textColumns.map((c) => `CAST(${quoteIdent(c)} AS ${types.get(c)!}) AS ${quoteIdent(c)}`).join(', ')},
      value AS ${quoteIdent(s.column)}, score AS anomaly_score,
      CAST(cause_at AS ${orderType}) AS ${quoteIdent(causeColumn(s.orderBy))},
      cause_value AS ${quoteIdent(causeColumn(s.column))},
      ${quoteLiteral(target.runId)} AS scenario_run
    FROM ${table}`;
  const sql = previous
    ? `SELECT * FROM read_parquet(${quoteLiteral(ws.resolve(previous.location))}) UNION ALL BY NAME ${select}`
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

/** Turns analytics input errors (a damaged state) into bad requests, like the other analytics entry points. */
export function analyticsErrorAsBadRequest(err: unknown): unknown {
  return err instanceof AnalyticsInputError ? badRequest(err.message) : err;
}
