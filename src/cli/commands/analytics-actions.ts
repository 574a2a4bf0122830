// The work behind `llano analytics …` (analytics.ts): loaded only when one of them runs, so that
// other commands and `--help` do not load DuckDB or the algorithms.
import path from 'node:path';
import {
  AnalyticsInputError,
  CHANGE_POINT_METHODS,
  COST_KINDS,
  NOISE_MODELS,
  createBocpd,
  describeSegments,
  detectChangePoints,
  iqrOutliers,
  isolationForestScores,
  localOutlierFactor,
  mannKendall,
  matrixFromColumns,
  median,
  parsePenalty,
  robustNoiseScale,
  robustZScores,
  scoreRowsWithinGroups,
  theilSen,
  type Matrix,
  type OutlierScores,
} from '../../analytics/index.js';
import { badRequest } from '../../common/errors.js';
import { describeFile, readColumnsAsJson, readNumericColumns } from '../../engine/column-reader.js';
import type { DuckDb } from '../../engine/duckdb.js';
import { formatJson, type CliIo } from '../io.js';
import { readSmallCsvColumn } from '../small-csv-column.js';

// Flags are checked by hand, not with zod: loading zod would be a third of this command's start-up.
type Flags = Record<string, string | undefined>;

/** A flag that must be one of `allowed` (default `fallback`). */
function choice<T extends string>(raw: Flags, key: string, allowed: readonly T[], fallback: T): T {
  const value = raw[key] ?? fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw badRequest(`--${flagName(key)}: expected one of ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

/** An optional number flag; `integer` asks for a whole number ≥ 1, otherwise any number ≥ 0. */
function numberFlag(raw: Flags, key: string, integer: boolean): number | undefined {
  if (raw[key] === undefined) return undefined;
  const n = Number(raw[key]);
  const ok = integer ? Number.isInteger(n) && n >= 1 : Number.isFinite(n) && n >= 0;
  if (raw[key].trim() === '' || !ok)
    throw badRequest(
      `--${flagName(key)}: expected ${integer ? 'a whole number ≥ 1' : 'a number ≥ 0'}, not "${raw[key]}"`,
    );
  return n;
}

/** A flag that, when given, is not empty. */
function textFlag(raw: Flags, key: string): string | undefined {
  if (raw[key] === '') throw badRequest(`--${flagName(key)}: must not be empty`);
  return raw[key];
}

const flagName = (key: string) => key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

function changePointFlags(raw: Flags) {
  const noiseScale = numberFlag(raw, 'noiseScale', false);
  if (noiseScale === 0) throw badRequest('--noise-scale: expected a number > 0, not "0"');
  const maxChanges = raw.maxChanges === undefined ? undefined : Number(raw.maxChanges);
  if (maxChanges !== undefined && (raw.maxChanges?.trim() === '' || !Number.isInteger(maxChanges) || maxChanges < 0))
    throw badRequest(`--max-changes: expected a whole number ≥ 0, not "${raw.maxChanges}"`);
  return {
    column: textFlag(raw, 'column') ?? '',
    time: textFlag(raw, 'time'),
    method: choice(raw, 'method', [...CHANGE_POINT_METHODS, 'bocpd'] as const, 'auto'),
    cost: choice(raw, 'cost', COST_KINDS, 'mean'),
    penalty: raw.penalty ?? 'mbic',
    minSize: numberFlag(raw, 'minSize', true),
    noiseScale,
    noiseModel: choice(raw, 'noiseModel', NOISE_MODELS, 'long-run'),
    maxChanges,
  };
}

function outlierFlags(raw: Flags) {
  // `--column` like the sibling commands; `--columns` for a list. Either may name several, comma-separated.
  const columns = [textFlag(raw, 'column'), textFlag(raw, 'columns')].filter((c) => c !== undefined).join(',');
  if (!columns) throw badRequest('outliers needs the numeric column(s) to score: --column NAME or --columns A,B');
  return {
    columns,
    group: textFlag(raw, 'group'),
    method: choice(raw, 'method', ['mad', 'iqr', 'iforest', 'lof'] as const, 'mad'),
    threshold: numberFlag(raw, 'threshold', false),
    format: choice(raw, 'format', ['json', 'csv'] as const, 'json'),
  };
}

const trendFlags = (raw: Flags) => ({ column: textFlag(raw, 'column') ?? '', time: textFlag(raw, 'time') });

const splitList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Runs `fn` with a fresh in-memory DuckDB, opened (and its native module loaded) on first use
 * only, and turns analytics input errors into bad requests.
 */
async function withLazyEngine<T>(fn: (engine: () => Promise<DuckDb>) => Promise<T>): Promise<T> {
  let opened: Promise<DuckDb> | undefined;
  const engine = () =>
    (opened ??= import('../../engine/duckdb.js').then(({ DuckDb }) => DuckDb.open(':memory:', { threads: 1 })));
  try {
    return await fn(engine);
  } catch (err) {
    if (err instanceof AnalyticsInputError) throw badRequest(err.message);
    throw err;
  } finally {
    if (opened) await (await opened).close();
  }
}

/** Runs `fn` with a fresh in-memory DuckDB and turns analytics input errors into bad requests. */
const withEngine = <T>(fn: (db: DuckDb) => Promise<T>): Promise<T> =>
  withLazyEngine(async (engine) => fn(await engine()));

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

/** Change points of a BOCPD run: at each alarm, the start of the most probable current run. */
function bocpdChangePoints(values: Float64Array, minSize: number): number[] {
  const scale = robustNoiseScale(values);
  const centre = median(values);
  const detector = createBocpd();
  const changes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const step = detector.update((values[i] - centre) / scale);
    if (!step.alarm) continue;
    const start = i - detector.mostProbableRunLength() + 1;
    const previous = changes.length ? changes[changes.length - 1] : 0;
    if (start - previous >= minSize && values.length - start >= 1) changes.push(start);
  }
  return changes;
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

/** One scorer per --method; univariate ones score each column. */
const OUTLIER_SCORERS: Record<string, (threshold: number | undefined) => (m: Matrix) => OutlierScores> = {
  mad: (threshold) => (m) =>
    combineColumnScores(
      columnsOf(m).map((c) => robustZScores(c, threshold ?? 3.5)),
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

const finiteOrNull = (v: number) =>
  Number.isFinite(v) ? v : Number.isNaN(v) ? null : v > 0 ? 'Infinity' : '-Infinity';

/** `llano analytics changepoints`: change points of one column, as JSON. */
export async function changePoints(io: CliIo, file: string, raw: Record<string, string>): Promise<void> {
  const flags = changePointFlags(raw);
  const resolve = (f: string) => path.resolve(io.cwd, f);
  const penalty = (() => {
    try {
      return parsePenalty(flags.penalty);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
  })();
  await withLazyEngine(async (engine) => {
    const source = resolve(file);
    // A small plain CSV needs no engine (small-csv-column.ts); rows ordered by --time are DuckDB's to order.
    const quick = flags.time === undefined ? readSmallCsvColumn(source, flags.column) : null;
    const column =
      quick ??
      (await readNumericColumns(await engine(), source, [flags.column], { orderBy: flags.time })).values[flags.column];
    const values = requireComplete(column, flags.column);
    let output: Record<string, unknown>;
    if (flags.method === 'bocpd') {
      let changepoints = bocpdChangePoints(values, flags.minSize ?? 5);
      if (flags.maxChanges !== undefined) changepoints = changepoints.slice(0, flags.maxChanges);
      output = { changepoints, segments: describeSegments(values, changepoints), method: 'bocpd' };
    } else {
      const r = detectChangePoints(values, {
        method: flags.method,
        cost: flags.cost,
        penalty,
        minSize: flags.minSize,
        noiseScale: flags.noiseScale,
        noiseModel: flags.noiseModel,
        maxChanges: flags.maxChanges,
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
    if (flags.time) {
      const times = (await readColumnsAsJson(await engine(), source, [flags.time], { orderBy: flags.time }))[
        flags.time
      ];
      output = { ...output, times: (output.changepoints as number[]).map((i) => times[i]) };
    }
    io.out(formatJson(output));
  });
}

/** `llano analytics outliers`: a score and flag per row, as JSON or CSV. */
export async function outliers(io: CliIo, file: string, raw: Record<string, string>): Promise<void> {
  const flags = outlierFlags(raw);
  const resolve = (f: string) => path.resolve(io.cwd, f);
  const columns = splitList(flags.columns);
  const groups = flags.group ? splitList(flags.group) : [];
  await withEngine(async (db) => {
    const source = resolve(file);
    const read = await readNumericColumns(db, source, columns);
    const m = matrixFromColumns(columns.map((c) => read.values[c]));
    const scorer = OUTLIER_SCORERS[flags.method](flags.threshold);
    let result: OutlierScores;
    if (groups.length) {
      const parts = await readColumnsAsJson(db, source, groups);
      const keys = Array.from({ length: read.rows }, (_, i) => groups.map((g) => String(parts[g][i])).join('|'));
      result = scoreRowsWithinGroups(m, keys, scorer);
    } else {
      result = scorer(m);
    }
    if (flags.format === 'csv') {
      const lines = ['row,score,flag'];
      for (let i = 0; i < read.rows; i++)
        lines.push(
          `${i},${Number.isNaN(result.scores[i]) ? '' : result.scores[i]},${result.flags[i] ? 'true' : 'false'}`,
        );
      io.out(lines.join('\n') + '\n');
    } else {
      const rows = Array.from({ length: read.rows }, (_, i) => ({
        row: i,
        score: finiteOrNull(result.scores[i]),
        flag: result.flags[i] === 1,
      }));
      io.out(formatJson({ method: flags.method, rows }));
    }
  });
}

/** `llano analytics trend`: Mann–Kendall and Theil–Sen, as JSON. */
export async function trend(io: CliIo, file: string, raw: Record<string, string>): Promise<void> {
  const flags = trendFlags(raw);
  const resolve = (f: string) => path.resolve(io.cwd, f);
  await withEngine(async (db) => {
    const columns = flags.time ? [flags.column, flags.time] : [flags.column];
    const read = await readNumericColumns(db, resolve(file), columns, {
      orderBy: flags.time,
      temporalAsEpochSeconds: true,
    });
    const values = requireComplete(read.values[flags.column], flags.column);
    let x: Float64Array | undefined;
    let unit = 'per row';
    if (flags.time) {
      x = requireComplete(read.values[flags.time], flags.time);
      const temporal = await isTemporal(db, resolve(file), flags.time);
      if (temporal) {
        x = x.map((s) => s / 86400);
        unit = 'per day';
      } else unit = `per unit of ${flags.time}`;
    }
    const mk = mannKendall(values);
    const ts = theilSen(values, x);
    io.out(
      formatJson({
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
      }),
    );
  });
}

async function isTemporal(db: DuckDb, file: string, column: string): Promise<boolean> {
  const info = (await describeFile(db, file)).find((c) => c.name === column);
  return Boolean(info && /^(DATE|TIMESTAMP)/.test(info.type));
}
