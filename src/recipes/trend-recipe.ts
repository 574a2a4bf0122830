import { z } from 'zod';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import { GROUPS_TABLE } from './analytics/grouped-series.js';
import { computeGroups } from './analytics/parallel-groups.js';
import { ResultColumns } from './analytics/result-table.js';
import {
  RESULTS_TABLE,
  describeGrouped,
  previewGrouped,
  runGrouped,
  type GroupedAnalysis,
} from './analytics/run-grouped.js';
import { orderByParam, seriesParams } from './analytics/series-params.js';
import { defineRecipeType } from './define-recipe-type.js';

const params = z.object({
  ...seriesParams,
  orderBy: orderByParam,
  alpha: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.05)
    .describe('Significance level of the Mann–Kendall test; the slope interval is at confidence 1 − alpha'),
});
type Params = z.output<typeof params>;

export { TREND_MIN_POINTS } from './analytics/series-kernels.js';

const OUTPUT = [
  'n',
  'mk_s',
  'mk_z',
  'mk_p_value',
  'kendall_tau',
  'slope',
  'slope_lower',
  'slope_upper',
  'trend',
] as const;

/**
 * A trend test per series: Mann–Kendall S, z, two-sided p and Kendall's τ in order, and the
 * Theil–Sen slope with its interval, per unit of `orderBy` (per day for dates and times). `trend`
 * says increasing or decreasing when p < alpha. Rows without a value or order are left out;
 * a series of fewer than 3 points gives its n and empty statistics.
 */
function trendAnalysis(p: Params): GroupedAnalysis {
  return {
    groupBy: p.groupBy,
    orderBy: p.orderBy,
    column: p.column,
    rows: 'valid',
    outputNames: OUTPUT,
    async compute(conn, series, codec) {
      const out = new ResultColumns([
        { name: 'gid', type: 'INTEGER' },
        { name: 'mk_s', type: 'DOUBLE' },
        { name: 'mk_z', type: 'DOUBLE' },
        { name: 'mk_p_value', type: 'DOUBLE' },
        { name: 'kendall_tau', type: 'DOUBLE' },
        { name: 'slope', type: 'DOUBLE' },
        { name: 'slope_lower', type: 'DOUBLE' },
        { name: 'slope_upper', type: 'DOUBLE' },
      ]);
      const spec = { kind: 'trend', alpha: p.alpha, perDay: codec?.perDay ?? 1 } as const;
      await computeGroups(spec, series, (batch) => out.append(batch.columns, batch.rows));
      await out.write(conn, RESULTS_TABLE);
      return out.rows;
    },
    output() {
      const keys = p.groupBy.map((k) => `g.${quoteIdent(k)}`);
      const alpha = quoteLiteral(String(p.alpha));
      return `SELECT ${[...keys, ''].join(', ')}CAST(g.n AS BIGINT) AS n, r.mk_s, r.mk_z, r.mk_p_value, r.kendall_tau,
  r.slope, r.slope_lower, r.slope_upper,
  CASE WHEN r.mk_p_value IS NULL THEN NULL WHEN r.mk_p_value < CAST(${alpha} AS DOUBLE) THEN (CASE WHEN r.mk_s > 0 THEN 'increasing' ELSE 'decreasing' END) ELSE 'no trend' END AS trend
FROM ${GROUPS_TABLE} g LEFT JOIN ${RESULTS_TABLE} r USING (gid)
ORDER BY g.gid`;
    },
  };
}

export const trendRecipeType = defineRecipeType('trend', {
  label: 'Trend per series (Mann–Kendall, Theil–Sen)',
  params,
  examples: [
    {
      title: 'Drift of the receiver temperature per antenna and band',
      params: {
        name: 'trec_drift',
        inputs: ['trec_measurement'],
        output: 'trec_trend',
        groupBy: ['antennaname', 'receiverband'],
        orderBy: 'startvalidtime',
        column: 'trec_x',
      },
    },
  ],
  describe: (ctx, recipe) => describeGrouped(ctx, trendAnalysis(recipe)),
  run: (ctx, recipe, target) => runGrouped(ctx, trendAnalysis(recipe), target),
  preview: (ctx, recipe, limit) => previewGrouped(ctx, trendAnalysis(recipe), limit),
});
