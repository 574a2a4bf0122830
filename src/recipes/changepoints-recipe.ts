import { z } from 'zod';
import {
  CHANGE_POINT_METHODS,
  COST_KINDS,
  NOISE_MODELS,
  PENALTY_KINDS,
  type ChangePointMethod,
  type CostKind,
  type NoiseModel,
  type PenaltyKind,
} from '../analytics/index.js';
import { quoteIdent } from '../common/names.js';
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
  method: z
    .enum(CHANGE_POINT_METHODS as [ChangePointMethod, ...ChangePointMethod[]])
    .optional()
    .describe('Search algorithm; default: the library default'),
  cost: z
    .enum(COST_KINDS as [CostKind, ...CostKind[]])
    .optional()
    .describe('Segment model; default: the library default'),
  penalty: z
    .union([z.enum(PENALTY_KINDS as [PenaltyKind, ...PenaltyKind[]]), z.number().positive()])
    .optional()
    .describe('Penalty per change point: a criterion name or a number'),
  minSize: z.number().int().min(1).max(1_000_000).optional().describe('Shortest segment, in points'),
  maxChanges: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .describe(
      'At most this many changes per series (the penalty rises until they fit); default: as many as the penalty allows',
    ),
  noiseScale: z
    .number()
    .positive()
    .optional()
    .describe("Noise standard deviation in the column's units (one for every series); default: estimated per series"),
  noiseModel: z
    .enum(NOISE_MODELS as [NoiseModel, ...NoiseModel[]])
    .optional()
    .describe('long-run: the noise scale allows for autocorrelation and a trend (default); white: independent noise'),
});
type Params = z.output<typeof params>;

const OUTPUT = [
  'change_index',
  'change_at',
  'mean_before',
  'mean_after',
  'magnitude',
  'relative_magnitude',
  'points_before',
  'points_after',
] as const;

/**
 * Change points of each series: one output row per change with the group keys, the change's
 * index among the group's valid rows (ordered; rows without a value or order are left out), its
 * order value, the means of the segments before and after, and the step after − before, also
 * relative to the mean before. A series too short to hold a change gives no row.
 */
function changepointAnalysis(p: Params): GroupedAnalysis {
  return {
    groupBy: p.groupBy,
    orderBy: p.orderBy,
    column: p.column,
    rows: 'valid',
    outputNames: OUTPUT,
    async compute(conn, series) {
      const out = new ResultColumns([
        { name: 'gid', type: 'INTEGER' },
        { name: 'change_index', type: 'INTEGER' },
        { name: 'change_at', type: 'DOUBLE' },
        { name: 'mean_before', type: 'DOUBLE' },
        { name: 'mean_after', type: 'DOUBLE' },
        { name: 'points_before', type: 'INTEGER' },
        { name: 'points_after', type: 'INTEGER' },
      ]);
      const spec = {
        kind: 'changepoints',
        method: p.method,
        cost: p.cost,
        penalty: p.penalty,
        minSize: p.minSize,
        maxChanges: p.maxChanges,
        noiseScale: p.noiseScale,
        noiseModel: p.noiseModel,
      } as const;
      await computeGroups(spec, series, (batch) => out.append(batch.columns, batch.rows));
      await out.write(conn, RESULTS_TABLE);
      return out.rows;
    },
    output(_relation, codec) {
      const keys = p.groupBy.map((k) => `g.${quoteIdent(k)}`);
      const at = codec ? codec.fromDouble('r.change_at') : 'r.change_at';
      return `SELECT ${[...keys, ''].join(', ')}r.change_index, ${at} AS change_at, r.mean_before, r.mean_after,
  r.mean_after - r.mean_before AS magnitude,
  CASE WHEN r.mean_before <> 0 THEN (r.mean_after - r.mean_before) / abs(r.mean_before) END AS relative_magnitude,
  r.points_before, r.points_after
FROM ${RESULTS_TABLE} r JOIN ${GROUPS_TABLE} g USING (gid)
ORDER BY r.gid, r.change_index`;
    },
  };
}

export const changepointsRecipeType = defineRecipeType('changepoints', {
  label: 'Change points per series',
  params,
  examples: [
    {
      title: 'Steps in the receiver temperature of each antenna, band and baseband',
      params: {
        name: 'trec_steps',
        inputs: ['trec_measurement'],
        output: 'trec_changepoints',
        groupBy: ['antennaname', 'receiverband', 'basebandname'],
        orderBy: 'startvalidtime',
        column: 'trec_x',
      },
    },
  ],
  describe: (ctx, recipe) => describeGrouped(ctx, changepointAnalysis(recipe)),
  run: (ctx, recipe, target) => runGrouped(ctx, changepointAnalysis(recipe), target),
  preview: (ctx, recipe, limit) => previewGrouped(ctx, changepointAnalysis(recipe), limit),
});
