import { MAX_PIVOT_COLUMNS } from './pivot-table.js';
import { z } from 'zod';
import { SharingSchema } from '../catalog/sharing.js';
import { FILTER_OPS } from '../common/filter-ops.js';
import { OBJECT_NAME } from '../common/names.js';
import {
  AGGREGATIONS,
  BIN_METHODS,
  CHART_KINDS,
  INSIGHT_TYPES,
  DEFAULT_POINT_BUDGET,
  MAX_FACETS,
  MAX_POINT_BUDGET,
  measureLabel,
  SEVERAL_MEASURE_KINDS,
  TIME_UNITS,
  type ChartSpec,
  type Dashboard,
  type Insight,
} from './insight-types.js';
import { displayName } from '../common/display-text.js';

/** The most rows a chart draws (bars, lines, cells); more matching rows are cut and flagged `truncated`. */
export const CHART_ROW_BUDGET = 5_000;
// In the Node-free types module, since the chart builder shows them too.
export { DEFAULT_POINT_BUDGET, MAX_POINT_BUDGET };

const ObjectName = z.string().regex(OBJECT_NAME, 'letters, digits and _, starting with a letter or _');
const Column = z.string().min(1).max(256);

export const BinningSchema = z.object({
  method: z.enum(BIN_METHODS),
  width: z.number().positive().optional(),
  count: z.number().int().min(1).max(1000).optional(),
  unit: z.enum(TIME_UNITS).optional(),
});

export const DimensionSchema = z.object({ column: Column, bin: BinningSchema.optional() }).strict();

const FacetSchema = DimensionSchema.extend({ max: z.number().int().min(1).max(MAX_FACETS).optional() }).strict();

export const MeasureSchema = z
  .object({
    column: Column.optional(),
    agg: z.enum(AGGREGATIONS),
    q: z.number().min(0).max(1).optional(),
    label: z.string().min(1).max(128).optional(),
  })
  .strict()
  .refine((m) => m.agg === 'count' || m.column !== undefined, { message: 'needs a column (only count counts rows)' })
  .refine((m) => m.agg !== 'quantile' || m.q !== undefined, { message: 'quantile needs q between 0 and 1' });

export const ChartFilterSchema = z
  .object({
    column: Column,
    op: z.enum(FILTER_OPS),
    value: z.string().optional(),
    values: z.array(z.string()).max(1000).optional(),
  })
  .strict();

export const ChartSpecSchema = z
  .object({
    kind: z.enum(CHART_KINDS),
    x: DimensionSchema.optional(),
    y: z
      .array(MeasureSchema)
      .max(10)
      .default([{ agg: 'count' }]),
    color: DimensionSchema.optional(),
    facet: FacetSchema.optional(),
    filters: z.array(ChartFilterSchema).max(50).default([]),
    sort: z.object({ by: z.enum(['x', 'y']), desc: z.boolean().default(false) }).optional(),
    top: z.object({ n: z.number().int().min(1).max(1000), others: z.boolean().default(true) }).optional(),
    pointBudget: z.number().int().min(10).max(MAX_POINT_BUDGET).optional(),
    timezone: z.string().min(1).max(64).optional(),
    kpi: z
      .object({
        time: Column,
        period: z.enum(TIME_UNITS),
        higherIsBetter: z.boolean().optional(),
        points: z.number().int().min(2).max(366).optional(),
      })
      .strict()
      .optional(),
    donut: z.boolean().optional().describe('Pie charts: a ring (true, the default) or a whole pie (false)'),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.donut !== undefined && spec.kind !== 'pie')
      ctx.addIssue({ code: 'custom', path: ['donut'], message: 'donut belongs to a pie chart' });
    if (spec.kpi && spec.kind !== 'kpi')
      ctx.addIssue({ code: 'custom', path: ['kpi'], message: 'kpi (time and period) belongs to a kpi chart' });
    const needsX = !['kpi', 'box', 'pie'].includes(spec.kind);
    if (needsX && !spec.x) ctx.addIssue({ code: 'custom', path: ['x'], message: `a ${spec.kind} chart needs x` });
    if (spec.kind === 'pie' && !spec.x) ctx.addIssue({ code: 'custom', path: ['x'], message: 'a pie chart needs x' });
    if (spec.kind === 'scatter' && !spec.y[0]?.column)
      ctx.addIssue({ code: 'custom', path: ['y'], message: 'a scatter chart needs a y column' });
    if (spec.kind === 'box' && !spec.y[0]?.column)
      ctx.addIssue({ code: 'custom', path: ['y'], message: 'a box plot needs a y column' });
    if (spec.kind === 'heatmap' && !spec.color)
      ctx.addIssue({ code: 'custom', path: ['color'], message: 'a heatmap needs color (its rows)' });
    if (spec.y.length === 0) ctx.addIssue({ code: 'custom', path: ['y'], message: 'needs at least one measure' });
    if (spec.y.length > 1 && !SEVERAL_MEASURE_KINDS.includes(spec.kind))
      ctx.addIssue({
        code: 'custom',
        path: ['y'],
        message: `a ${spec.kind} chart draws one measure; remove the others`,
      });
    if (spec.facet && (spec.kind === 'scatter' || spec.kind === 'kpi'))
      ctx.addIssue({ code: 'custom', path: ['facet'], message: `a ${spec.kind} chart has no small multiples (facet)` });
    // A measure's name is its column in the answer and its series' name: two alike, or one like a
    // dimension's column, would make an answer whose columns cannot be told apart.
    if (spec.kind !== 'box' && spec.kind !== 'scatter') {
      const dimensions = [spec.x, spec.color, spec.facet].flatMap((d) => (d ? [d.column, `${d.column}_end`] : []));
      const names = spec.y.map(measureLabel);
      names.forEach((name, i) => {
        if (names.indexOf(name) !== i)
          ctx.addIssue({
            code: 'custom',
            path: ['y', i, 'label'],
            message: `two measures are named ${name}: give one a label`,
          });
        else if (dimensions.includes(name))
          ctx.addIssue({
            code: 'custom',
            path: ['y', i, 'label'],
            message: `the measure ${name} has the name of a column of the chart: give it another label`,
          });
      });
    }
    // Series are either the measures or the colour's values: measures × colours would be unreadable.
    if (spec.y.length > 1 && spec.color && spec.kind !== 'kpi')
      ctx.addIssue({
        code: 'custom',
        path: ['color'],
        message: 'a colour column draws one measure: remove the colour or keep one measure',
      });
  }) as unknown as z.ZodType<ChartSpec>;

const TableSpecSchema = z
  .object({
    columns: z.array(Column).max(200).optional(),
    groupBy: z.array(DimensionSchema).max(5).optional(),
    measures: z.array(MeasureSchema).max(20).optional(),
    pivot: z
      .object({ column: Column, maxColumns: z.number().int().min(1).max(MAX_PIVOT_COLUMNS).optional() })
      .strict()
      .optional(),
    filters: z.array(ChartFilterSchema).max(50).optional(),
    limit: z.number().int().min(1).max(CHART_ROW_BUDGET).optional(),
    formats: z.record(z.string(), z.string().max(32)).optional(),
    highlight: z
      .array(
        z.object({
          column: Column,
          op: z.enum(['gt', 'lt', 'eq']),
          value: z.number(),
          // A colour only (it goes into a style attribute): #rgb, #rrggbb, #rrggbbaa or a CSS colour name.
          color: z
            .string()
            .regex(/^(#[0-9a-f]{3}|#[0-9a-f]{6}|#[0-9a-f]{8}|[a-z]{3,20})$/i, 'a colour like #f88 or red'),
        }),
      )
      .max(20)
      .optional(),
  })
  .strict()
  .superRefine((table, ctx) => {
    // The pivot column takes the engine's third dimension: two group-by columns at most beside it.
    if (table.pivot && !table.groupBy?.length)
      ctx.addIssue({ code: 'custom', path: ['pivot'], message: 'a pivot column needs at least one group-by column' });
    if (table.pivot && (table.groupBy?.length ?? 0) > 2)
      ctx.addIssue({ code: 'custom', path: ['groupBy'], message: 'at most 2 group-by columns beside a pivot column' });
  });

export const InsightSchema = z
  .object({
    id: ObjectName,
    name: displayName(),
    type: z.enum(INSIGHT_TYPES),
    description: z.string().max(2000).optional(),
    dataset: ObjectName.optional(),
    chart: ChartSpecSchema.optional(),
    table: TableSpecSchema.optional(),
    metric: z.string().min(1).max(200).optional(),
    scenario: ObjectName.optional(),
    text: z.string().max(100_000).optional(),
    webapp: ObjectName.optional(),
    height: z.number().int().min(80).max(4000).optional(),
  })
  .strict()
  .superRefine((insight, ctx) => {
    const need = (field: keyof Insight) => {
      if (insight[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `a ${insight.type} insight needs ${field}` });
    };
    const required: Record<Insight['type'], (keyof Insight)[]> = {
      chart: ['dataset', 'chart'],
      table: ['dataset'],
      metric: ['dataset', 'metric'],
      check: ['dataset'],
      scenario: ['scenario'],
      text: ['text'],
      webapp: ['webapp'],
    };
    required[insight.type].forEach(need);
  }) as unknown as z.ZodType<Insight>;

const TileSchema = z
  .object({
    insight: ObjectName,
    x: z.number().int().min(0).max(23),
    y: z.number().int().min(0).max(500),
    w: z.number().int().min(1).max(24),
    h: z.number().int().min(1).max(40),
    title: z.string().max(200).optional(),
  })
  .strict();

export const DashboardSchema = z
  .object({
    id: ObjectName,
    name: displayName(),
    description: z.string().max(2000).optional(),
    pages: z
      .array(z.object({ title: z.string().min(1).max(200), tiles: z.array(TileSchema).max(100) }).strict())
      .min(1)
      .max(20),
    filters: z
      .array(
        z
          .object({
            column: Column,
            type: z.enum(['category', 'range', 'date']).default('category'),
            label: z.string().max(200).optional(),
          })
          .strict(),
      )
      .max(20)
      .default([]),
    refreshSeconds: z.number().int().min(10).max(86_400).optional(),
    sharing: SharingSchema,
  })
  .strict() as unknown as z.ZodType<Dashboard>;
