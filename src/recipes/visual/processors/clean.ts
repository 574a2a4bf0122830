import { z } from 'zod';
import { columnList, ident, idents, literal, scalarValue } from '../sql.js';
import { processor, replaceColumns } from './processor.js';

const orderAndPartition = {
  orderBy: columnList.min(1).describe('The row order that "previous" and "next" follow'),
  partitionBy: columnList.default([]).describe('Fill within these groups only'),
};

function fillWindow(
  from: string,
  s: { columns: string[]; orderBy: string[]; partitionBy: string[] },
  fn: string,
  frame: string,
) {
  const part = s.partitionBy.length ? `PARTITION BY ${idents(s.partitionBy)} ` : '';
  const over = `OVER (${part}ORDER BY ${s.orderBy.map((c) => `${ident(c)} ASC NULLS LAST`).join(', ')} ${frame})`;
  return replaceColumns(from, s.columns, (c) => `coalesce(${c}, ${fn}(${c} IGNORE NULLS) ${over})`);
}

export const cleanProcessors = [
  processor(
    'fill-empty',
    'clean',
    'Fill empty values',
    z.object({
      columns: columnList.min(1),
      value: scalarValue.describe('The value empty cells get'),
      emptyText: z.boolean().default(false).describe('Fill empty texts too (text columns only)'),
    }),
    (s, from) =>
      replaceColumns(from, s.columns, (c) => `coalesce(${s.emptyText ? `nullif(${c}, '')` : c}, ${literal(s.value)})`),
  ),
  processor(
    'fill-previous',
    'clean',
    'Fill empty values from the previous row',
    z.object({ columns: columnList.min(1), ...orderAndPartition }),
    (s, from) => fillWindow(from, s, 'last_value', 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW'),
  ),
  processor(
    'fill-next',
    'clean',
    'Fill empty values from the next row',
    z.object({ columns: columnList.min(1), ...orderAndPartition }),
    (s, from) => fillWindow(from, s, 'first_value', 'ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING'),
  ),
  processor(
    'find-replace',
    'clean',
    'Find and replace',
    z.object({
      columns: columnList.min(1),
      find: z.string().min(1).max(10_000),
      replace: z.string().max(10_000).default(''),
      match: z
        .enum(['substring', 'whole', 'regex'])
        .default('substring')
        .describe('Replace every occurrence, the whole value only, or a regular expression'),
      caseSensitive: z.boolean().default(true),
    }),
    (s, from) =>
      replaceColumns(from, s.columns, (c) => {
        const text = `CAST(${c} AS VARCHAR)`;
        const flags = s.caseSensitive ? "'g'" : "'gi'";
        if (s.match === 'regex') return `regexp_replace(${text}, ${literal(s.find)}, ${literal(s.replace)}, ${flags})`;
        if (s.match === 'whole') {
          const eq = s.caseSensitive ? `${text} = ${literal(s.find)}` : `lower(${text}) = lower(${literal(s.find)})`;
          return `CASE WHEN ${eq} THEN ${literal(s.replace)} ELSE ${text} END`;
        }
        if (s.caseSensitive) return `replace(${text}, ${literal(s.find)}, ${literal(s.replace)})`;
        // Case-insensitive substrings: the text found is escaped so it matches literally.
        const escaped = s.find.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
        const replacement = s.replace.replace(/\\/g, '\\\\');
        return `regexp_replace(${text}, ${literal(escaped)}, ${literal(replacement)}, 'gi')`;
      }),
  ),
  processor(
    'trim',
    'clean',
    'Trim spaces',
    z.object({
      columns: columnList.min(1),
      side: z.enum(['both', 'left', 'right']).default('both'),
      collapse: z.boolean().default(false).describe('Also turn runs of spaces inside into one space'),
    }),
    (s, from) =>
      replaceColumns(from, s.columns, (c) => {
        const fn = s.side === 'both' ? 'trim' : s.side === 'left' ? 'ltrim' : 'rtrim';
        const trimmed = `${fn}(${c})`;
        return s.collapse ? `regexp_replace(${trimmed}, '\\s+', ' ', 'g')` : trimmed;
      }),
  ),
  processor(
    'change-case',
    'clean',
    'Change case',
    z.object({ columns: columnList.min(1), case: z.enum(['upper', 'lower', 'title']).default('lower') }),
    (s, from) =>
      replaceColumns(from, s.columns, (c) =>
        s.case === 'title'
          ? `array_to_string(list_transform(string_split(lower(${c}), ' '), w -> upper(w[1]) || w[2:]), ' ')`
          : `${s.case}(${c})`,
      ),
  ),
  processor(
    'round',
    'clean',
    'Round numbers',
    z.object({
      columns: columnList.min(1),
      decimals: z.number().int().min(-10).max(15).default(0),
      mode: z.enum(['round', 'floor', 'ceil']).default('round').describe('To the nearest, down or up'),
    }),
    (s, from) =>
      replaceColumns(from, s.columns, (c) => {
        if (s.mode === 'round') return `round(${c}, ${s.decimals})`;
        const scale = `pow(10, ${s.decimals})`;
        return `(${s.mode}(${c} * ${scale}) / ${scale})`;
      }),
  ),
  processor(
    'clip',
    'clean',
    'Clip to bounds',
    z
      .object({ columns: columnList.min(1), min: z.number().optional(), max: z.number().optional() })
      .refine((s) => s.min !== undefined || s.max !== undefined, 'give min, max or both'),
    (s, from) =>
      replaceColumns(from, s.columns, (c) => {
        // CASE rather than greatest/least: those skip NULLs, and an empty value must stay empty.
        const parts = [
          ...(s.min !== undefined ? [`WHEN ${c} < ${literal(s.min)} THEN ${literal(s.min)}`] : []),
          ...(s.max !== undefined ? [`WHEN ${c} > ${literal(s.max)} THEN ${literal(s.max)}`] : []),
        ];
        return `CASE ${parts.join(' ')} ELSE ${c} END`;
      }),
  ),
  processor(
    'null-if',
    'clean',
    'Empty values that equal a marker',
    z.object({
      columns: columnList.min(1),
      values: z.array(scalarValue).min(1).max(1000).describe('e.g. -999, "N/A"'),
    }),
    (s, from) =>
      replaceColumns(
        from,
        s.columns,
        (c) => `CASE WHEN ${c} IN (${s.values.map(literal).join(', ')}) THEN NULL ELSE ${c} END`,
      ),
  ),
];

export const padProcessor = processor(
  'pad',
  'clean',
  'Pad texts to a length',
  z.object({
    columns: columnList.min(1),
    length: z.number().int().min(0).max(10_000),
    with: z.string().min(1).max(10).default(' '),
    side: z.enum(['left', 'right']).default('left'),
  }),
  (s, from) =>
    replaceColumns(
      from,
      s.columns,
      (c) => `${s.side === 'left' ? 'lpad' : 'rpad'}(CAST(${c} AS VARCHAR), ${s.length}, ${literal(s.with)})`,
    ),
);
