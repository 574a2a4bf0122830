import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import { computeGroups } from './analytics/parallel-groups.js';
import { ResultColumns } from './analytics/result-table.js';
import {
  RESULTS_TABLE,
  describeGrouped,
  previewGrouped,
  runGrouped,
  type GroupedAnalysis,
} from './analytics/run-grouped.js';
import { seriesParams } from './analytics/series-params.js';
import { defineRecipeType } from './define-recipe-type.js';

export const OUTLIER_METHODS = ['robust-z', 'hampel', 'iqr'] as const;

const params = z
  .object({
    ...seriesParams,
    orderBy: z
      .string()
      .min(1)
      .optional()
      .describe('The column that orders each series (needed by hampel, whose window runs along it)'),
    method: z
      .enum(OUTLIER_METHODS)
      .default('robust-z')
      .describe(
        'robust-z: |x − median| / (1.4826·MAD) of the series; hampel: the same within a moving window; iqr: beyond Tukey fences',
      ),
    threshold: z
      .number()
      .positive()
      .optional()
      .describe('Flag above this score: default 3.5 (robust-z), 3 (hampel), fence factor k = 1.5 (iqr)'),
    window: z.number().int().min(1).max(10_000).default(3).describe('hampel: points each side of the window'),
    keep: z
      .enum(['all', 'series'])
      .default('all')
      .describe(
        'Output columns besides the score and flag: every input column, or only groupBy, orderBy and the value',
      ),
  })
  .refine((p) => p.method !== 'hampel' || p.orderBy !== undefined, {
    message: 'hampel needs orderBy: its window runs along the series in order',
    path: ['orderBy'],
  });
type Params = z.output<typeof params>;

const OUTPUT = ['outlier_score', 'is_outlier'] as const;

/**
 * Every input row, in the input's order, with its outlier score and flag within its series; a
 * missing value scores NULL and is never flagged.
 */
function outlierAnalysis(p: Params): GroupedAnalysis {
  if (p.method === 'hampel' && p.orderBy === undefined) throw badRequest('hampel needs orderBy');
  return {
    groupBy: p.groupBy,
    orderBy: p.orderBy,
    column: p.column,
    rows: 'all',
    byInputRow: true,
    outputNames: OUTPUT,
    async compute(conn, series) {
      const total = series.values.length;
      const out = new ResultColumns([
        { name: 'outlier_score', type: 'DOUBLE' },
        { name: 'is_outlier', type: 'INTEGER' },
      ]);
      out.resize(total);
      const scores = out.column('outlier_score');
      const flags = out.column('is_outlier');
      const { rowIds } = series;
      if (!rowIds) throw new Error('outliers need the input row of every value');
      const spec = { kind: 'outliers', method: p.method, threshold: p.threshold, window: p.window } as const;
      // Scores come back in series order; each goes to its input row.
      await computeGroups(spec, series, ({ columns: [batchScores, batchFlags] }, place) => {
        for (let i = 0; i < batchScores.length; i++) {
          const row = rowIds[place.firstRow + i];
          scores[row] = batchScores[i];
          flags[row] = batchFlags[i];
        }
      });
      await out.write(conn, RESULTS_TABLE);
      return total;
    },
    // The results are in the input's order: matched with its rows by position, no sort and no join.
    output(relation) {
      const kept =
        p.keep === 'all'
          ? ['*']
          : [...new Set([...p.groupBy, ...(p.orderBy !== undefined ? [p.orderBy] : []), p.column])].map(quoteIdent);
      return `SELECT ${kept.map((c) => `i.${c}`).join(', ')}, r.outlier_score, r.is_outlier = 1 AS is_outlier FROM ${relation} i POSITIONAL JOIN ${RESULTS_TABLE} r`;
    },
  };
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
        method: 'robust-z',
        threshold: 4,
      },
    },
  ],
  describe: (ctx, recipe) => describeGrouped(ctx, outlierAnalysis(recipe)),
  run: (ctx, recipe, target) => runGrouped(ctx, outlierAnalysis(recipe), target),
  preview: (ctx, recipe, limit) => previewGrouped(ctx, outlierAnalysis(recipe), limit),
});
