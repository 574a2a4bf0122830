import { z } from 'zod';
import { defineVisualRecipeType } from './define-visual-recipe-type.js';
import { columnList, columnName, ident, idents, literal, orderBy, orderKey } from './sql.js';

const AGGREGATES = [
  'count',
  'count-distinct',
  'sum',
  'avg',
  'min',
  'max',
  'stddev',
  'variance',
  'median',
  'quantile',
  'first',
  'last',
  'concat',
] as const;

const aggregation = z
  .object({
    column: columnName.optional().describe('The column aggregated (none with count: the rows)'),
    agg: z.enum(AGGREGATES),
    as: columnName.optional().describe('Output column (default: column_agg)'),
    quantile: z.number().min(0).max(1).optional().describe('With quantile: e.g. 0.9'),
    separator: z.string().max(100).optional().describe('With concat (default ", ")'),
    orderBy: z.array(orderKey).optional().describe('With first, last and concat: the order of the rows'),
  })
  .refine((a) => a.column !== undefined || a.agg === 'count', {
    message: 'only count can have no column',
    path: ['column'],
  })
  .refine((a) => a.agg !== 'quantile' || a.quantile !== undefined, {
    message: 'quantile needs a quantile (0 to 1)',
    path: ['quantile'],
  });
type Aggregation = z.infer<typeof aggregation>;

export const GroupParamsSchema = z.object({
  keys: columnList.default([]).describe('Group by these columns (none: one row for all)'),
  aggregations: z.array(aggregation).max(1000).default([]),
});

export function aggregationName(a: Aggregation): string {
  return a.as ?? (a.column ? `${a.column}_${a.agg.replace('-', '_')}` : 'count');
}

export function aggregationSql(a: Aggregation): string {
  const c = a.column === undefined ? '' : ident(a.column);
  const order = a.orderBy?.length ? ` ORDER BY ${orderBy(a.orderBy)}` : '';
  switch (a.agg) {
    case 'count':
      return a.column === undefined ? 'count(*)' : `count(${c})`;
    case 'count-distinct':
      return `count(DISTINCT ${c})`;
    case 'stddev':
      return `stddev_samp(${c})`;
    case 'variance':
      return `var_samp(${c})`;
    case 'quantile':
      return `quantile_cont(${c}, ${literal(a.quantile!)})`;
    case 'first':
    case 'last': {
      // The value of the first (last) row in that order; rows whose order key is empty come after all others either way.
      const keys = a.orderBy ?? [];
      const flipped = a.agg === 'last' ? keys.map((k) => ({ ...k, descending: !k.descending })) : keys;
      return `first(${c}${flipped.length ? ` ORDER BY ${orderBy(flipped)}` : ''})`;
    }
    case 'concat':
      return `string_agg(CAST(${c} AS VARCHAR), ${literal(a.separator ?? ', ')}${order})`;
    default:
      return `${a.agg}(${c})`;
  }
}

export function compileGroup(p: z.output<typeof GroupParamsSchema>, inputs: readonly string[]): string {
  const select = [
    ...p.keys.map((k) => ident(k)),
    ...p.aggregations.map((a) => `${aggregationSql(a)} AS ${ident(aggregationName(a))}`),
  ];
  if (select.length === 0) select.push('count(*) AS "count"');
  const groupBy = p.keys.length ? `\nGROUP BY ${idents(p.keys)}` : '';
  return `SELECT ${select.join(',\n  ')}\nFROM ${ident(inputs[0])}${groupBy}`;
}

export const groupRecipeType = defineVisualRecipeType('group', {
  label: 'Group',
  params: GroupParamsSchema,
  inputs: { max: 1 },
  compile: compileGroup,
  examples: [
    {
      title: 'Average receiver temperature per band',
      params: {
        name: 'group_by_band',
        inputs: ['raw'],
        output: 'by_band',
        params: { keys: ['band'], aggregations: [{ column: 'trec', agg: 'avg', as: 'trec_avg' }] },
      },
    },
  ],
});
