import { z } from 'zod';
import { defineVisualRecipeType } from './define-visual-recipe-type.js';
import { columnList, columnName, ident, idents, literal, orderBy, orderKey, scalarValue } from './sql.js';

const FUNCTIONS = [
  'row_number',
  'rank',
  'dense_rank',
  'percent_rank',
  'ntile',
  'lag',
  'lead',
  'first_value',
  'last_value',
  'sum',
  'avg',
  'min',
  'max',
  'count',
] as const;
const RANKING = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'ntile']);

const windowFunction = z
  .object({
    fn: z.enum(FUNCTIONS),
    column: columnName.optional().describe('The column read (ranking functions read none)'),
    as: columnName,
    offset: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('With lag / lead: rows back or ahead (default 1); with ntile: buckets'),
    default: scalarValue.optional().describe('With lag / lead: the value past the edge'),
    frame: z
      .enum(['partition', 'running', 'moving'])
      .default('running')
      .describe('Aggregates over the whole group, from its start to the row, or over a moving window of rows'),
    preceding: z.number().int().min(0).max(1_000_000).optional().describe('With moving: rows before'),
    following: z.number().int().min(0).max(1_000_000).optional().describe('With moving: rows after'),
  })
  .refine((f) => RANKING.has(f.fn) || f.column !== undefined || f.fn === 'count', {
    message: 'this function reads a column',
    path: ['column'],
  });
type WindowFunction = z.infer<typeof windowFunction>;

export const WindowParamsSchema = z.object({
  partitionBy: columnList.default([]),
  orderBy: z.array(orderKey).default([]),
  functions: z.array(windowFunction).min(1).max(1000),
});

function frameSql(f: WindowFunction): string {
  if (f.frame === 'partition') return 'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING';
  if (f.frame === 'moving') return `ROWS BETWEEN ${f.preceding ?? 0} PRECEDING AND ${f.following ?? 0} FOLLOWING`;
  return 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW';
}

function functionSql(f: WindowFunction, over: string): string {
  const c = f.column === undefined ? '*' : ident(f.column);
  switch (f.fn) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
    case 'percent_rank':
      return `${f.fn}() OVER (${over})`;
    case 'ntile':
      return `ntile(${f.offset ?? 4}) OVER (${over})`;
    case 'lag':
    case 'lead':
      return `${f.fn}(${c}, ${f.offset ?? 1}${f.default !== undefined ? `, ${literal(f.default)}` : ''}) OVER (${over})`;
    default:
      return `${f.fn}(${c}) OVER (${over} ${frameSql(f)})`;
  }
}

export function compileWindow(p: z.output<typeof WindowParamsSchema>, inputs: readonly string[]): string {
  const parts = [
    ...(p.partitionBy.length ? [`PARTITION BY ${idents(p.partitionBy)}`] : []),
    ...(p.orderBy.length ? [`ORDER BY ${orderBy(p.orderBy)}`] : []),
  ];
  const over = parts.join(' ');
  const cols = p.functions.map((f) => `${functionSql(f, over)} AS ${ident(f.as)}`);
  return `SELECT *,\n  ${cols.join(',\n  ')}\nFROM ${ident(inputs[0])}`;
}

export const windowRecipeType = defineVisualRecipeType('window', {
  label: 'Window',
  params: WindowParamsSchema,
  inputs: { max: 1 },
  compile: compileWindow,
  examples: [
    {
      title: 'Previous reading and 7-reading moving average per antenna',
      params: {
        name: 'window_trec',
        inputs: ['trec'],
        output: 'trec_windowed',
        params: {
          partitionBy: ['antenna'],
          orderBy: [{ column: 'ts' }],
          functions: [
            { fn: 'lag', column: 'trec', as: 'trec_prev' },
            { fn: 'avg', column: 'trec', as: 'trec_ma7', frame: 'moving', preceding: 6 },
          ],
        },
      },
    },
  ],
});
