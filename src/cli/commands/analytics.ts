import path from 'node:path';
import { z } from 'zod';
import {
  AnalyticsInputError,
  COST_KINDS,
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
import { DuckDb } from '../../engine/duckdb.js';
import { formatJson, type CliIo } from '../io.js';
import { parseFlags } from '../command-kit.js';
import type { CommandModule } from './index.js';

const changePointFlags = z.object({
  column: z.string().min(1),
  time: z.string().min(1).optional(),
  method: z.enum(['pelt', 'binseg', 'bocpd']).default('pelt'),
  cost: z.enum(COST_KINDS as [string, ...string[]]).default('mean'),
  penalty: z.string().default('mbic'),
  minSize: z.coerce.number().int().positive().optional(),
});

const outlierFlags = z.object({
  columns: z.string().min(1),
  group: z.string().min(1).optional(),
  method: z.enum(['mad', 'iqr', 'iforest', 'lof']).default('mad'),
  threshold: z.coerce.number().nonnegative().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

const trendFlags = z.object({ column: z.string().min(1), time: z.string().min(1).optional() });

const splitList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Runs `fn` with a fresh in-memory DuckDB and turns analytics input errors into bad requests. */
async function withEngine<T>(fn: (db: DuckDb) => Promise<T>): Promise<T> {
  const db = await DuckDb.open(':memory:', { threads: 1 });
  try {
    return await fn(db);
  } catch (err) {
    if (err instanceof AnalyticsInputError) throw badRequest(err.message);
    throw err;
  } finally {
    await db.close();
  }
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

/** `llano analytics …`: change points, outliers and trends of a CSV or Parquet column. */
export const analyticsCommands: CommandModule = (program, io: CliIo) => {
  const analytics = program
    .command('analytics')
    .description('Change points, outliers and trends of columns in a CSV or Parquet file');
  const resolve = (file: string) => path.resolve(io.cwd, file);

  analytics
    .command('changepoints <file>')
    .description('Change points of one column (JSON: changepoints, segments)')
    .requiredOption('--column <name>', 'numeric column')
    .option('--time <name>', 'order rows by this column and report its value at each change')
    .option('--method <method>', 'pelt (exact; FPOP for the mean cost), binseg or bocpd', 'pelt')
    .option('--cost <cost>', COST_KINDS.join(', '), 'mean')
    .option('--penalty <penalty>', 'bic, mbic, aic, hq or a number', 'mbic')
    .option('--min-size <n>', 'minimum segment length (default 5)')
    .action(async (file: string, raw: Record<string, string>) => {
      const flags = parseFlags(changePointFlags, raw);
      const penalty = (() => {
        try {
          return parsePenalty(flags.penalty);
        } catch (err) {
          throw badRequest((err as Error).message);
        }
      })();
      await withEngine(async (db) => {
        const source = resolve(file);
        const read = await readNumericColumns(db, source, [flags.column], { orderBy: flags.time });
        const values = requireComplete(read.values[flags.column], flags.column);
        let output: Record<string, unknown>;
        if (flags.method === 'bocpd') {
          const changepoints = bocpdChangePoints(values, flags.minSize ?? 5);
          output = { changepoints, segments: describeSegments(values, changepoints), method: 'bocpd' };
        } else {
          const r = detectChangePoints(values, {
            method: flags.method === 'binseg' ? 'binseg' : 'auto',
            cost: flags.cost as (typeof COST_KINDS)[number],
            penalty,
            minSize: flags.minSize,
          });
          output = {
            changepoints: r.changepoints,
            segments: r.segments,
            method: r.method,
            cost: r.costKind,
            penalty: r.penalty,
            minSize: r.minSize,
            noiseScale: r.noiseScale,
          };
        }
        if (flags.time) {
          const times = (await readColumnsAsJson(db, source, [flags.time], { orderBy: flags.time }))[flags.time];
          output = { ...output, times: (output.changepoints as number[]).map((i) => times[i]) };
        }
        io.out(formatJson(output));
      });
    });

  analytics
    .command('outliers <file>')
    .description('Outlier score and flag of every row (optionally within groups)')
    .requiredOption('--columns <list>', 'comma-separated numeric columns')
    .option('--group <list>', 'comma-separated columns whose values form the group key')
    .option('--method <method>', 'mad (robust z), iqr, iforest or lof', 'mad')
    .option('--threshold <x>', 'flag threshold (defaults: mad 3.5, iqr 1.5, iforest 0.6, lof 1.5)')
    .option('--format <format>', 'json or csv', 'json')
    .action(async (file: string, raw: Record<string, string>) => {
      const flags = parseFlags(outlierFlags, raw);
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
    });

  analytics
    .command('trend <file>')
    .description('Mann–Kendall test and Theil–Sen slope of one column')
    .requiredOption('--column <name>', 'numeric column')
    .option('--time <name>', 'numeric, date or timestamp column (dates count in days); default: row number')
    .action(async (file: string, raw: Record<string, string>) => {
      const flags = parseFlags(trendFlags, raw);
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
    });
};

async function isTemporal(db: DuckDb, file: string, column: string): Promise<boolean> {
  const info = (await describeFile(db, file)).find((c) => c.name === column);
  return Boolean(info && /^(DATE|TIMESTAMP)/.test(info.type));
}
