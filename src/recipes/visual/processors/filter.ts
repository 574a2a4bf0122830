import { z } from 'zod';
import { compileFormula } from '../formula.js';
import { columnList, columnName, ident, literal, scalarValue } from '../sql.js';
import { processor, setColumns } from './processor.js';

/** What a filter does with the rows its condition matches: keep only them, remove them, or flag them in a column. */
const action = {
  action: z.enum(['keep', 'remove', 'flag']).default('keep').describe('Keep matching rows, remove them, or flag them'),
  flagColumn: columnName.optional().describe('With action flag: the column set to true on matching rows'),
};

function applyFilter(from: string, step: { action: 'keep' | 'remove' | 'flag'; flagColumn?: string }, cond: string) {
  // A row whose condition is unknown (NULL) does not match: kept by remove, left out by keep, flagged false.
  if (step.action === 'keep') return `SELECT * FROM ${from} WHERE ${cond}`;
  if (step.action === 'remove') return `SELECT * FROM ${from} WHERE (${cond}) IS NOT TRUE`;
  return setColumns(from, [[step.flagColumn ?? 'flag', `coalesce(${cond}, FALSE)`]]);
}

const OPERATORS = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'not-in',
  'contains',
  'starts-with',
  'ends-with',
  'matches',
] as const;

function valueCondition(
  col: string,
  op: (typeof OPERATORS)[number],
  value: z.infer<typeof scalarValue>,
  values?: z.infer<typeof scalarValue>[],
) {
  const c = ident(col);
  switch (op) {
    case 'in':
    case 'not-in': {
      const list = (values ?? [value]).map(literal).join(', ');
      return `${c} ${op === 'in' ? 'IN' : 'NOT IN'} (${list})`;
    }
    case 'contains':
      return `contains(CAST(${c} AS VARCHAR), ${literal(String(value))})`;
    case 'starts-with':
      return `starts_with(CAST(${c} AS VARCHAR), ${literal(String(value))})`;
    case 'ends-with':
      return `ends_with(CAST(${c} AS VARCHAR), ${literal(String(value))})`;
    case 'matches':
      return `regexp_matches(CAST(${c} AS VARCHAR), ${literal(String(value))})`;
    case '!=':
      return `${c} <> ${literal(value)}`;
    default:
      return `${c} ${op} ${literal(value)}`;
  }
}

export const filterProcessors = [
  processor(
    'filter-value',
    'filter',
    'Filter on a value',
    z.object({
      column: columnName,
      operator: z.enum(OPERATORS).default('='),
      value: scalarValue.optional().describe('The value compared with'),
      values: z.array(scalarValue).max(10_000).optional().describe('With in / not-in: the values'),
      ...action,
    }),
    (s, from) => applyFilter(from, s, valueCondition(s.column, s.operator, s.value ?? null, s.values)),
  ),
  processor(
    'filter-range',
    'filter',
    'Filter on a numeric range',
    z.object({
      column: columnName,
      min: z.number().optional(),
      max: z.number().optional(),
      inclusive: z.boolean().default(true).describe('Bounds are part of the range'),
      ...action,
    }),
    (s, from) => {
      const c = ident(s.column);
      const [lo, hi] = s.inclusive ? ['>=', '<='] : ['>', '<'];
      const parts = [
        s.min !== undefined ? `${c} ${lo} ${literal(s.min)}` : `${c} IS NOT NULL`,
        ...(s.max !== undefined ? [`${c} ${hi} ${literal(s.max)}`] : []),
      ];
      return applyFilter(from, s, parts.join(' AND '));
    },
  ),
  processor(
    'filter-date-range',
    'filter',
    'Filter on a date range',
    z.object({
      column: columnName,
      from: z.string().max(64).optional().describe('From this instant, included (ISO 8601)'),
      to: z.string().max(64).optional().describe('Up to this instant, excluded (ISO 8601)'),
      ...action,
    }),
    (s, from) => {
      const c = `CAST(${ident(s.column)} AS TIMESTAMP)`;
      const parts = [`${c} IS NOT NULL`];
      if (s.from) parts.push(`${c} >= CAST(${literal(s.from)} AS TIMESTAMP)`);
      if (s.to) parts.push(`${c} < CAST(${literal(s.to)} AS TIMESTAMP)`);
      return applyFilter(from, s, parts.join(' AND '));
    },
  ),
  processor(
    'filter-formula',
    'filter',
    'Filter with a formula',
    z.object({
      formula: z.string().min(1).max(10_000).describe("A condition, e.g. trec > 100 and band = 'B6'"),
      ...action,
    }),
    (s, from) => applyFilter(from, s, compileFormula(s.formula)),
  ),
  processor(
    'filter-empty',
    'filter',
    'Filter empty values',
    z.object({
      columns: columnList.min(1),
      how: z.enum(['any', 'all']).default('any').describe('Match when any / all of the columns is empty'),
      emptyText: z.boolean().default(true).describe('An empty or blank text counts as empty'),
      ...action,
    }),
    (s, from) => {
      const isEmpty = (c: string) =>
        s.emptyText ? `(${ident(c)} IS NULL OR trim(CAST(${ident(c)} AS VARCHAR)) = '')` : `${ident(c)} IS NULL`;
      return applyFilter(from, s, `(${s.columns.map(isEmpty).join(s.how === 'any' ? ' OR ' : ' AND ')})`);
    },
  ),
  processor(
    'remove-duplicates',
    'filter',
    'Remove duplicate rows',
    z.object({
      columns: columnList
        .default([])
        .describe('Rows are duplicates when these columns are equal (none: the whole row)'),
      keepOrder: z
        .array(z.object({ column: columnName, descending: z.boolean().optional() }))
        .default([])
        .describe('Which row of duplicates to keep: the first in this order'),
    }),
    (s, from) => {
      if (s.columns.length === 0) return `SELECT DISTINCT * FROM ${from}`;
      const order = s.keepOrder.length
        ? ` ORDER BY ${s.keepOrder.map((k) => `${ident(k.column)} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`).join(', ')}`
        : '';
      return `SELECT * FROM ${from} QUALIFY row_number() OVER (PARTITION BY ${s.columns.map((c) => ident(c)).join(', ')}${order}) = 1`;
    },
  ),
];
