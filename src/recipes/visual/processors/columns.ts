import { z } from 'zod';
import { columnList, columnName, ident, idents, literal, orderBy, orderKey, scalarValue } from '../sql.js';
import { processor, setColumns } from './processor.js';

export const columnProcessors = [
  processor(
    'rename',
    'columns',
    'Rename columns',
    z.object({ renames: z.array(z.object({ from: columnName, to: columnName })).min(1) }),
    (s, from) =>
      `SELECT * RENAME (${s.renames.map((r) => `${ident(r.from)} AS ${ident(r.to)}`).join(', ')}) FROM ${from}`,
  ),
  processor('copy', 'columns', 'Copy a column', z.object({ column: columnName, to: columnName }), (s, from) =>
    setColumns(from, [[s.to, ident(s.column)]]),
  ),
  processor(
    'delete',
    'columns',
    'Delete columns',
    z.object({ columns: columnList.min(1) }),
    (s, from) => `SELECT * EXCLUDE (${idents([...new Set(s.columns)])}) FROM ${from}`,
  ),
  processor(
    'keep',
    'columns',
    'Keep only some columns',
    z.object({ columns: columnList.min(1).describe('In this order') }),
    (s, from) => `SELECT ${idents([...new Set(s.columns)])} FROM ${from}`,
  ),
  processor(
    'reorder',
    'columns',
    'Move columns first',
    z.object({ columns: columnList.min(1).describe('These first, in this order; the others after them') }),
    (s, from) => {
      const cols = [...new Set(s.columns)];
      return `SELECT ${idents(cols)}, * EXCLUDE (${idents(cols)}) FROM ${from}`;
    },
  ),
  processor(
    'concatenate',
    'columns',
    'Concatenate columns',
    z.object({
      columns: columnList.min(1),
      separator: z.string().max(100).default(''),
      output: columnName,
      nulls: z
        .enum(['skip', 'empty', 'null'])
        .default('skip')
        .describe('An empty value is skipped, taken as "", or makes the result empty'),
    }),
    (s, from) => {
      const texts = s.columns.map((c) => `CAST(${ident(c)} AS VARCHAR)`);
      const sep = literal(s.separator);
      const expr =
        s.nulls === 'skip'
          ? `concat_ws(${sep}, ${texts.join(', ')})`
          : s.nulls === 'empty'
            ? `concat_ws(${sep}, ${texts.map((t) => `coalesce(${t}, '')`).join(', ')})`
            : texts.join(` || ${sep} || `);
      return setColumns(from, [[s.output, expr]]);
    },
  ),
];

export const constantProcessor = processor(
  'constant',
  'columns',
  'Add a column with one value',
  z.object({ output: columnName, value: scalarValue }),
  (s, from) => setColumns(from, [[s.output, literal(s.value)]]),
);

export const rowNumberProcessor = processor(
  'row-number',
  'columns',
  'Number the rows',
  z.object({
    output: columnName.default('row_number'),
    orderBy: z.array(orderKey).min(1).describe('Numbered in this order, from 1'),
    partitionBy: columnList.default([]).describe('Numbering restarts in each group'),
  }),
  (s, from) => {
    const part = s.partitionBy.length ? `PARTITION BY ${idents(s.partitionBy)} ` : '';
    return setColumns(from, [[s.output, `row_number() OVER (${part}ORDER BY ${orderBy(s.orderBy)})`]]);
  },
);
