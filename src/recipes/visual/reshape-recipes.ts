import { z } from 'zod';
import { defineVisualRecipeType } from './define-visual-recipe-type.js';
import { aggregationName, aggregationSql } from './group.js';
import { columnList, columnName, ident, idents, literal, orderBy, orderKey, scalarValue } from './sql.js';

/** distinct, sort, topn, stack, pivot and sample: one query each over their input(s). */

export const DistinctParamsSchema = z.object({
  columns: columnList.default([]).describe('Distinct combinations of these columns (none: distinct whole rows)'),
  countAs: columnName.optional().describe('Also count the rows of each combination into this column'),
});
export function compileDistinct(p: z.output<typeof DistinctParamsSchema>, inputs: readonly string[]): string {
  const from = ident(inputs[0]);
  if (p.countAs) {
    const keys = p.columns.length ? idents(p.columns) : '*';
    return `SELECT ${keys}, count(*) AS ${ident(p.countAs)}\nFROM ${from}\nGROUP BY ALL`;
  }
  return `SELECT DISTINCT ${p.columns.length ? idents(p.columns) : '*'}\nFROM ${from}`;
}

export const SortParamsSchema = z.object({ orderBy: z.array(orderKey).min(1) });
export const compileSort = (p: z.output<typeof SortParamsSchema>, inputs: readonly string[]) =>
  `SELECT *\nFROM ${ident(inputs[0])}\nORDER BY ${orderBy(p.orderBy)}`;

export const TopNParamsSchema = z.object({
  n: z.number().int().min(1).max(1_000_000_000),
  orderBy: z.array(orderKey).min(1).describe('The top rows in this order'),
  partitionBy: columnList.default([]).describe('The top n of each group'),
  ties: z.boolean().default(false).describe('Keep rows tied with the n-th (may give more than n)'),
  rankColumn: columnName.optional().describe('Also write the rank into this column'),
});
export function compileTopN(p: z.output<typeof TopNParamsSchema>, inputs: readonly string[]): string {
  const part = p.partitionBy.length ? `PARTITION BY ${idents(p.partitionBy)} ` : '';
  const rank = `${p.ties ? 'rank' : 'row_number'}() OVER (${part}ORDER BY ${orderBy(p.orderBy)})`;
  const select = p.rankColumn ? `*, ${rank} AS ${ident(p.rankColumn)}` : '*';
  return `SELECT ${select}\nFROM ${ident(inputs[0])}\nQUALIFY ${rank} <= ${p.n}\nORDER BY ${p.partitionBy.length ? `${idents(p.partitionBy)}, ` : ''}${orderBy(p.orderBy)}`;
}

export const StackParamsSchema = z.object({
  by: z
    .enum(['name', 'position'])
    .default('name')
    .describe('Match columns by name (missing ones empty) or by position'),
  sourceColumn: columnName.optional().describe('Write the input dataset each row comes from into this column'),
});
export function compileStack(p: z.output<typeof StackParamsSchema>, inputs: readonly string[]): string {
  const parts = inputs.map(
    (i) => `SELECT *${p.sourceColumn ? `, ${literal(i)} AS ${ident(p.sourceColumn)}` : ''} FROM ${ident(i)}`,
  );
  return parts.join(p.by === 'name' ? '\nUNION ALL BY NAME\n' : '\nUNION ALL\n');
}

export const PivotParamsSchema = z.object({
  rowKeys: columnList.default([]).describe('One output row per combination of these'),
  column: columnName.describe('Its values become columns'),
  values: z.array(scalarValue).min(1).max(1000).describe('The values that become columns (others are ignored)'),
  aggregations: z
    .array(
      z.object({
        column: columnName.optional(),
        agg: z.enum(['count', 'sum', 'avg', 'min', 'max', 'first', 'last', 'median', 'count-distinct']),
        as: columnName.optional().describe('Suffix of the output columns (default: column_agg)'),
      }),
    )
    .min(1)
    .max(100),
});
export function compilePivot(p: z.output<typeof PivotParamsSchema>, inputs: readonly string[]): string {
  const cols: string[] = p.rowKeys.map((k) => ident(k));
  for (const v of p.values) {
    for (const a of p.aggregations) {
      const agg = { ...a, as: undefined };
      const name = p.aggregations.length === 1 ? String(v) : `${String(v)}_${a.as ?? aggregationName(agg)}`;
      const filter = v === null ? `${ident(p.column)} IS NULL` : `${ident(p.column)} = ${literal(v)}`;
      cols.push(`${aggregationSql(agg)} FILTER (WHERE ${filter}) AS ${ident(name)}`);
    }
  }
  const groupBy = p.rowKeys.length ? `\nGROUP BY ${idents(p.rowKeys)}` : '';
  return `SELECT ${cols.join(',\n  ')}\nFROM ${ident(inputs[0])}${groupBy}`;
}

export const SampleParamsSchema = z
  .object({
    method: z.enum(['first', 'random-rows', 'random-ratio']).default('random-rows'),
    rows: z.number().int().min(1).max(1_000_000_000).optional().describe('With first and random-rows'),
    ratio: z.number().gt(0).max(1).optional().describe('With random-ratio: e.g. 0.1 for 10 %'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42)
      .describe('The same seed gives the same sample of the same data'),
  })
  .refine((s) => (s.method === 'random-ratio' ? s.ratio !== undefined : s.rows !== undefined), {
    message: 'random-ratio needs ratio; first and random-rows need rows',
  });
export function compileSample(p: z.output<typeof SampleParamsSchema>, inputs: readonly string[]): string {
  const from = ident(inputs[0]);
  if (p.method === 'first') return `SELECT *\nFROM ${from}\nLIMIT ${p.rows}`;
  if (p.method === 'random-rows')
    return `SELECT *\nFROM ${from}\nUSING SAMPLE reservoir(${p.rows} ROWS) REPEATABLE (${p.seed})`;
  return `SELECT *\nFROM ${from}\nUSING SAMPLE ${literal(p.ratio! * 100)} PERCENT (bernoulli, ${p.seed})`;
}

const one = { max: 1 };
export const distinctRecipeType = defineVisualRecipeType('distinct', {
  label: 'Distinct',
  params: DistinctParamsSchema,
  inputs: one,
  compile: compileDistinct,
  examples: [
    {
      title: 'Antennas and bands seen, with row counts',
      params: {
        name: 'distinct_bands',
        inputs: ['trec'],
        output: 'antenna_bands',
        params: { columns: ['antenna', 'band'], countAs: 'rows' },
      },
    },
  ],
});
export const sortRecipeType = defineVisualRecipeType('sort', {
  label: 'Sort',
  params: SortParamsSchema,
  inputs: one,
  compile: compileSort,
  examples: [
    {
      title: 'Newest readings first, then by antenna',
      params: {
        name: 'sort_trec',
        inputs: ['trec'],
        output: 'trec_sorted',
        params: { orderBy: [{ column: 'ts', descending: true }, { column: 'antenna' }] },
      },
    },
  ],
});
export const topNRecipeType = defineVisualRecipeType('topn', {
  label: 'Top N',
  params: TopNParamsSchema,
  inputs: one,
  compile: compileTopN,
  examples: [
    {
      title: 'The 3 hottest readings of each band',
      params: {
        name: 'top_trec',
        inputs: ['trec'],
        output: 'trec_top3',
        params: { n: 3, orderBy: [{ column: 'trec', descending: true }], partitionBy: ['band'] },
      },
    },
  ],
});
export const stackRecipeType = defineVisualRecipeType('stack', {
  label: 'Stack',
  params: StackParamsSchema,
  inputs: { min: 2 },
  compile: compileStack,
  examples: [
    {
      title: 'Both arrays in one table, each row naming its array',
      params: {
        name: 'stack_arrays',
        inputs: ['trec_12m', 'trec_7m'],
        output: 'trec_all',
        params: { by: 'name', sourceColumn: 'array' },
      },
    },
  ],
});
export const pivotRecipeType = defineVisualRecipeType('pivot', {
  label: 'Pivot',
  params: PivotParamsSchema,
  inputs: one,
  compile: compilePivot,
  examples: [
    {
      title: 'Mean Trec per antenna, one column per band',
      params: {
        name: 'pivot_bands',
        inputs: ['trec'],
        output: 'trec_by_band',
        params: {
          rowKeys: ['antenna'],
          column: 'band',
          values: ['B3', 'B6', 'B7'],
          aggregations: [{ column: 'trec', agg: 'avg' }],
        },
      },
    },
  ],
});
export const sampleRecipeType = defineVisualRecipeType('sample', {
  label: 'Sample',
  params: SampleParamsSchema,
  inputs: one,
  compile: compileSample,
  examples: [
    {
      title: 'A reproducible sample of 10 000 rows',
      params: {
        name: 'sample_trec',
        inputs: ['trec'],
        output: 'trec_sample',
        params: { method: 'random-rows', rows: 10000, seed: 42 },
      },
    },
  ],
});
