import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import { groupSlots, setSlotLists } from './analytics/group-slots.js';
import { GROUPS_TABLE, readGroupedSeries, type OrderCodec } from './analytics/grouped-series.js';
import { computeGroups } from './analytics/parallel-groups.js';
import { describeGrouped, previewGrouped, runGrouped, type GroupedAnalysis } from './analytics/run-grouped.js';
import { seriesParams } from './analytics/series-params.js';
import { DEFAULT_THRESHOLD } from './analytics/series-kernels.js';
import { rowValues, type RowValues } from '../engine/row-values.js';
import { LOCAL_HALF_WINDOW, LOCAL_MAX_HALF_WINDOW } from '../analytics/outliers/local.js';
import { defineRecipeType } from './define-recipe-type.js';

export const OUTLIER_METHODS = ['auto', 'local', 'robust-z', 'hampel', 'iqr'] as const;
/** What `auto` runs: the local baseline along an order, the whole series' robust z without one. */
const resolveMethod = (p: { method: (typeof OUTLIER_METHODS)[number]; orderBy?: string }) =>
  p.method !== 'auto' ? p.method : p.orderBy !== undefined ? 'local' : 'robust-z';

const params = z
  .object({
    ...seriesParams,
    orderBy: z
      .string()
      .min(1)
      .optional()
      .describe('The column that orders each series (needed by local and hampel, whose windows run along it)'),
    method: z
      .enum(OUTLIER_METHODS)
      .default('auto')
      .describe(
        'auto (default): local when orderBy is given, else robust-z. local: robust z of each value minus the median of its moving window, ' +
          'with one MAD for the whole series (holds under level shifts, trends and drifts); robust-z: |x − median| / (1.4826·MAD) ' +
          'of the whole series (right for values without an order, e.g. antennas within one EB); hampel: the median and MAD of each ' +
          'moving window; iqr: beyond Tukey fences',
      ),
    threshold: z
      .number()
      .positive()
      .optional()
      .describe('Flag above this score: default 3.5 (local, robust-z), 3 (hampel), fence factor k = 1.5 (iqr)'),
    window: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe(
        `local and hampel: points each side of the moving window (default ${LOCAL_HALF_WINDOW} for local, 3 for hampel)`,
      ),
    keep: z
      .enum(['all', 'series'])
      .default('all')
      .describe(
        'Output columns besides the score and flag: every input column, or only groupBy, orderBy and the value',
      ),
  })
  .refine((p) => (p.method !== 'hampel' && p.method !== 'local') || p.orderBy !== undefined, {
    message: 'local and hampel need orderBy: their windows run along the series in order',
    path: ['orderBy'],
  })
  .refine((p) => (p.method !== 'local' && p.method !== 'auto') || (p.window ?? 0) <= LOCAL_MAX_HALF_WINDOW, {
    message: `local: window is at most ${LOCAL_MAX_HALF_WINDOW} points each side`,
    path: ['window'],
  });
type Params = z.output<typeof params>;
type ScaledParams = Params & { method: 'robust-z' | 'iqr' };
type WindowedParams = Params & { method: 'local' | 'hampel' };

const OUTPUT = ['outlier_score', 'is_outlier'] as const;
const HELPERS = ['v', 'slot', 'x', 'a', 'b', 'c', 'score', 'beyond'] as const;

/** Output columns besides the score and flag: every input column, or the series' own. */
function keptColumns(p: Params, alias: string): string {
  if (p.keep === 'all') return `${alias}.*`;
  const names = [...new Set([...p.groupBy, ...(p.orderBy !== undefined ? [p.orderBy] : []), p.column])];
  return names.map((c) => `${alias}.${quoteIdent(c)}`).join(', ');
}

/**
 * Every input row, in the input's order, with its outlier score and flag within its series; a
 * missing value scores NULL and is never flagged.
 */
function outlierAnalysis(p: Params): GroupedAnalysis {
  const method = resolveMethod(p);
  if (method === 'hampel' || method === 'local') return windowedAnalysis({ ...p, method });
  return scaledAnalysis({ ...p, method });
}

/**
 * local and hampel: each value against the median of its moving window, so the kernels score
 * every row; the scores come back in series order and each goes to its input row's place, where
 * the output, a projection of the input in its own order, reads it by the row's number
 * (row-values.ts). The flag is the kernels' own test, |score| > threshold, made in SQL: one
 * read by row number instead of two (each costs a call into JavaScript per chunk).
 */
function windowedAnalysis(p: WindowedParams): GroupedAnalysis {
  if (p.orderBy === undefined) throw badRequest(`${p.method} needs orderBy`);
  let read: RowValues | undefined;
  return {
    groupBy: p.groupBy,
    orderBy: p.orderBy,
    column: p.column,
    rows: 'all',
    byInputRow: true,
    outputNames: OUTPUT,
    async compute(conn, series) {
      const total = series.values.length;
      const scores = new Float64Array(total);
      const { rowIds } = series;
      if (!rowIds) throw new Error('outliers need the input row of every value');
      const spec = { kind: 'outliers', method: p.method, threshold: p.threshold, window: p.window } as const;
      await computeGroups(spec, series, ({ columns: [batchScores] }, place) => {
        for (let i = 0; i < batchScores.length; i++) scores[rowIds[place.firstRow + i]] = batchScores[i];
      });
      read = rowValues(conn, scores);
      return total;
    },
    output(relation, _codec, row) {
      // The score under a name no input column has, then in its place at the end.
      const score = `llano_${randomBytes(4).toString('hex')}_score`;
      const kept = p.keep === 'all' ? `i.* EXCLUDE (${row})` : keptColumns(p, 'i');
      const scored = `SELECT ${kept}, ${read ? read.sql(`i.${row}`) : 'CAST(NULL AS DOUBLE)'} AS ${score} FROM ${relation} i`;
      const threshold = doubleLiteral(p.threshold ?? DEFAULT_THRESHOLD[p.method]);
      // NaN is NULL (never flagged), as the kernels' NaN > threshold is false.
      return `SELECT * EXCLUDE (${score}), ${score} AS outlier_score, coalesce(abs(${score}) > ${threshold}, false) AS is_outlier FROM (${scored})`;
    },
    release() {
      read?.release();
    },
  };
}

/** A double in SQL, exactly (a decimal literal would be read as DECIMAL first). */
const doubleLiteral = (x: number) => `CAST('${String(x)}' AS DOUBLE)`;

/**
 * robust-z and iqr score a value against numbers of its whole series (median and scale, or
 * the Tukey fences): the kernels compute only those, per series, and DuckDB scores every row
 * in one parallel projection of the input that keeps its order, each row finding its series'
 * numbers by its group keys (group-slots.ts). The arithmetic is that of scoreWithScale and
 * scoreOutside, in the same IEEE operations, so the scores are the kernels' to the bit.
 */
function scaledAnalysis(p: ScaledParams): GroupedAnalysis {
  let read: ((name: 'a' | 'b' | 'c', slot: string) => string) | undefined;
  let slot = '1';
  return {
    groupBy: p.groupBy,
    orderBy: p.orderBy,
    // Medians, MADs and quartiles do not depend on the order: the series are read without it, unsorted.
    unordered: true,
    column: p.column,
    rows: 'all',
    outputNames: OUTPUT,
    async compute(conn, series, codec, relation) {
      const columns = ['a', 'b', 'c'].map(() => new Float64Array(series.groupCount));
      const spec = { kind: 'outlier-scales', method: p.method, threshold: p.threshold, unordered: true } as const;
      await computeGroups(spec, series, (out, place) =>
        out.columns.forEach((c, j) => columns[j].set(c.subarray(0, out.rows), place.firstGroup)),
      );
      if (p.method === 'robust-z') await fallbackScalesInOrder(conn, relation, p, codec, columns);
      const slots = await groupSlots(conn, p.groupBy, series.groupCount);
      read = await setSlotLists(conn, slots, { a: columns[0], b: columns[1], c: columns[2] });
      slot = slots.sql();
      return series.values.length;
    },
    output(relation) {
      // Helper columns under names no input column has (an input may well have a `llano_v`).
      const tag = randomBytes(4).toString('hex');
      const h = Object.fromEntries(HELPERS.map((n) => [n, `llano_${tag}_${n}`])) as Record<
        (typeof HELPERS)[number],
        string
      >;
      const value = (n: 'a' | 'b' | 'c') => (read ? read(n, h.slot) : 'CAST(NULL AS DOUBLE)');
      const INF = `CAST('inf' AS DOUBLE)`;
      // Layer by layer: the value (NULL unless finite) and its series' numbers, then the score.
      let rows = `SELECT *, CAST(${quoteIdent(p.column)} AS DOUBLE) AS ${h.v}, ${slot} AS ${h.slot} FROM ${relation}`;
      rows = `SELECT *, CASE WHEN isfinite(${h.v}) THEN ${h.v} END AS ${h.x}, ${value('a')} AS ${h.a}, ${value('b')} AS ${h.b}, ${value('c')} AS ${h.c} FROM (${rows})`;
      const helpers = [h.v, h.slot, h.x, h.a, h.b, h.c, h.score];
      let score: string;
      let flag: string;
      if (p.method === 'robust-z') {
        // scoreWithScale: (x − median)/scale; ±∞ when the scale is 0 and x is not the median.
        score = `CASE WHEN ${h.x} IS NULL THEN NULL WHEN ${h.b} > 0 THEN (${h.x} - ${h.a}) / ${h.b} WHEN ${h.x} = ${h.a} THEN 0 ELSE (${h.x} - ${h.a}) * ${INF} END`;
        flag = `coalesce(abs(i.${h.score}) > ${doubleLiteral(p.threshold ?? DEFAULT_THRESHOLD['robust-z'])}, false)`;
      } else {
        // scoreOutside: the distance beyond the nearer fence (a lower, b upper) in IQRs (c).
        rows = `SELECT *, CASE WHEN ${h.x} IS NULL THEN NULL WHEN ${h.x} > ${h.b} THEN ${h.x} - ${h.b} WHEN ${h.x} < ${h.a} THEN ${h.x} - ${h.a} ELSE 0 END AS ${h.beyond} FROM (${rows})`;
        helpers.push(h.beyond);
        score = `CASE WHEN ${h.beyond} IS NULL THEN NULL WHEN ${h.beyond} = 0 THEN 0 WHEN ${h.c} > 0 THEN ${h.beyond} / ${h.c} ELSE ${h.beyond} * ${INF} END`;
        flag = `coalesce(i.${h.beyond} <> 0, false)`;
      }
      // NaN (an overflow, e.g. ∞/∞) is NULL, as the kernels' NaN is.
      rows = `SELECT *, nullif(${score}, CAST('nan' AS DOUBLE)) AS ${h.score} FROM (${rows})`;
      const kept = p.keep === 'all' ? `i.* EXCLUDE (${helpers.join(', ')})` : keptColumns(p, 'i');
      return `SELECT ${kept}, i.${h.score} AS outlier_score, ${flag} AS is_outlier FROM (${rows}) i`;
    },
  };
}

/** The groups table of a second read (the first one's, `llano_groups`, stays for the output). */
const REREAD_GROUPS = 'llano_groups_in_order';

/**
 * robust-z's fallback scale (when the MAD is 0) is a sum over the series in order, whose last
 * bits depend on that order: the groups that took it (marked 1 in column c) are read again,
 * ordered as every other analysis reads them, and their numbers computed again. Rare on real
 * series (none of the simulator's Trec series), so the read stays without the ordering column.
 */
async function fallbackScalesInOrder(
  conn: DuckDBConnection,
  relation: string,
  p: ScaledParams,
  codec: OrderCodec | undefined,
  columns: Float64Array[],
): Promise<void> {
  const redo: number[] = [];
  columns[2].forEach((flag, gid) => {
    if (flag === 1) redo.push(gid);
  });
  if (redo.length === 0) return;
  const keys = p.groupBy.map(quoteIdent);
  const same = keys.map((k) => `r.${k} IS NOT DISTINCT FROM g.${k}`).join(' AND ');
  const rows = keys.length
    ? `(SELECT r.* FROM ${relation} r SEMI JOIN (SELECT * FROM ${GROUPS_TABLE} WHERE gid IN (${redo.join(', ')})) g ON ${same})`
    : relation;
  const series = await readGroupedSeries(conn, {
    relation: rows,
    groupBy: p.groupBy,
    orderBy: p.orderBy !== undefined && codec ? { column: p.orderBy, codec } : undefined,
    column: p.column,
    rows: 'all',
    groupsTable: REREAD_GROUPS,
  });
  // Both groups tables number the groups in the order of their keys: group j of this read is redo[j].
  if (series.groupCount !== redo.length) throw new Error('the input changed while it was read');
  const spec = { kind: 'outlier-scales', method: p.method, threshold: p.threshold } as const;
  await computeGroups(spec, series, (out, place) => {
    for (let j = 0; j < out.rows; j++) {
      const gid = redo[place.firstGroup + j];
      columns[0][gid] = out.columns[0][j];
      columns[1][gid] = out.columns[1][j];
      columns[2][gid] = NaN;
    }
  });
}

export const outliersRecipeType = defineRecipeType('outliers', {
  label: 'Outliers per series',
  params,
  examples: [
    {
      title: 'Outlying receiver temperatures within each antenna, band and baseband',
      params: {
        name: 'trec_outliers',
        inputs: ['trec_measurement'],
        output: 'trec_scored',
        groupBy: ['antennaname', 'receiverband', 'basebandname'],
        orderBy: 'startvalidtime',
        column: 'trec_x',
        method: 'local',
        threshold: 4,
      },
    },
  ],
  describe: (ctx, recipe) => describeGrouped(ctx, outlierAnalysis(recipe)),
  run: (ctx, recipe, target) => runGrouped(ctx, outlierAnalysis(recipe), target),
  preview: (ctx, recipe, limit) => previewGrouped(ctx, outlierAnalysis(recipe), limit),
});
