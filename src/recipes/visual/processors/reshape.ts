import { z } from 'zod';
import { columnList, columnName, ident, idents, literal, scalarValue } from '../sql.js';
import { processor, setColumns } from './processor.js';

export const reshapeProcessors = [
  processor(
    'fold',
    'reshape',
    'Fold columns to rows',
    z.object({
      columns: columnList.min(1).describe('Each of these columns becomes a row'),
      nameColumn: columnName.default('name'),
      valueColumn: columnName.default('value'),
      keepEmpty: z.boolean().default(false).describe('Keep rows whose value is empty'),
    }),
    (s, from) =>
      `SELECT * FROM ${from} UNPIVOT ${s.keepEmpty ? 'INCLUDE NULLS ' : ''}(${ident(s.valueColumn)} FOR ${ident(s.nameColumn)} IN (${idents([...new Set(s.columns)])}))`,
  ),
  processor(
    'unfold',
    'reshape',
    'Unfold a column into columns',
    z.object({
      column: columnName.describe('Its values name the new columns'),
      valueColumn: columnName
        .optional()
        .describe('The new columns hold this column (none: 1 where the value is present)'),
      values: z.array(scalarValue).min(1).max(1000).describe('One new column per value'),
      prefix: z.string().max(100).default(''),
    }),
    (s, from) =>
      setColumns(
        from,
        s.values.map(
          (v) =>
            [
              `${s.prefix}${String(v)}`,
              `CASE WHEN ${ident(s.column)} = ${literal(v)} THEN ${s.valueColumn ? ident(s.valueColumn) : '1'} END`,
            ] as const,
        ),
      ),
  ),
];
