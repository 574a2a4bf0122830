import { z } from 'zod';
import { defineVisualRecipeType } from './define-visual-recipe-type.js';
import { columnName, ident, idents } from './sql.js';

const OPERATORS = ['=', '!=', '<', '<=', '>', '>='] as const;

const condition = z.object({
  left: columnName.describe('Column of the first input'),
  right: columnName.describe('Column of the second input'),
  operator: z.enum(OPERATORS).default('='),
});

export const JoinParamsSchema = z
  .object({
    type: z.enum(['inner', 'left', 'right', 'full', 'cross', 'anti', 'nearest-before']).default('inner'),
    on: z.array(condition).max(100).default([]).describe('Conditions, all of which must hold (none with cross)'),
    nearest: z
      .object({
        left: columnName.describe('Time column of the first input'),
        right: columnName.describe('Time column of the second input'),
        strict: z.boolean().default(false).describe('Strictly before (otherwise at or before)'),
        keepUnmatched: z.boolean().default(true).describe('Keep rows of the first input that have nothing before them'),
      })
      .optional()
      .describe('With nearest-before: each row gets the latest row of the second input at or before its time'),
    rightPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_]*$/, 'letters, digits and _ only')
      .max(50)
      .optional()
      .describe("Prefix of the second input's columns (default: names clashing get a suffix _1)"),
  })
  .refine((p) => p.type !== 'nearest-before' || p.nearest, {
    message: 'nearest-before needs nearest',
    path: ['nearest'],
  })
  .refine((p) => p.type === 'cross' || p.type === 'nearest-before' || p.on.length > 0, {
    message: 'give at least one condition in on',
    path: ['on'],
  })
  .refine((p) => p.type !== 'cross' || p.on.length === 0, { message: 'a cross join has no conditions', path: ['on'] });

const JOIN_SQL = {
  inner: 'JOIN',
  left: 'LEFT JOIN',
  right: 'RIGHT JOIN',
  full: 'FULL JOIN',
  cross: 'CROSS JOIN',
  anti: 'ANTI JOIN',
};

export function compileJoin(p: z.output<typeof JoinParamsSchema>, inputs: readonly string[]): string {
  const [l, r] = ['l', 'r'];
  const conds = p.on.map(
    (c) => `${l}.${ident(c.left)} ${c.operator === '!=' ? '<>' : c.operator} ${r}.${ident(c.right)}`,
  );
  const from = `${ident(inputs[0])} AS ${l}`;
  const to = `${ident(inputs[1])} AS ${r}`;
  if (p.type === 'anti') return `SELECT ${l}.*\nFROM ${from}\nANTI JOIN ${to} ON ${conds.join(' AND ')}`;

  // An equality key of the same name on both sides appears once; for right and full joins it takes
  // whichever side has it.
  const shared = [...new Set(p.on.filter((c) => c.operator === '=' && c.left === c.right).map((c) => c.left))];
  const merged = p.type === 'right' || p.type === 'full';
  const leftCols =
    merged && shared.length
      ? `${l}.* REPLACE (${shared.map((k) => `coalesce(${l}.${ident(k)}, ${r}.${ident(k)}) AS ${ident(k)}`).join(', ')})`
      : `${l}.*`;
  const rightStar = shared.length ? `${r}.* EXCLUDE (${idents(shared)})` : `${r}.*`;
  const rightCols = p.rightPrefix ? `COLUMNS(${rightStar}) AS '${p.rightPrefix}\\0'` : rightStar;
  const select = `SELECT ${leftCols}, ${rightCols}`;

  let joined: string;
  if (p.type === 'nearest-before') {
    const n = p.nearest!;
    const asof = [...conds, `${l}.${ident(n.left)} ${n.strict ? '>' : '>='} ${r}.${ident(n.right)}`];
    joined = `${select}\nFROM ${from}\nASOF ${n.keepUnmatched ? 'LEFT ' : ''}JOIN ${to} ON ${asof.join(' AND ')}`;
  } else if (p.type === 'cross') joined = `${select}\nFROM ${from}\nCROSS JOIN ${to}`;
  else joined = `${select}\nFROM ${from}\n${JOIN_SQL[p.type]} ${to} ON ${conds.join(' AND ')}`;
  // Read through a subquery, DuckDB names a second column of the same name name_1 (as Parquet output would).
  return `SELECT * FROM (\n${joined}\n) AS joined`;
}

export const joinRecipeType = defineVisualRecipeType('join', {
  label: 'Join',
  params: JoinParamsSchema,
  inputs: { min: 2, max: 2 },
  compile: compileJoin,
  examples: [
    {
      title: 'Each Trec measurement with the last device change before it',
      params: {
        name: 'join_device',
        inputs: ['trec', 'device_changes'],
        output: 'trec_with_device',
        params: {
          type: 'nearest-before',
          on: [{ left: 'antenna', right: 'antenna' }],
          nearest: { left: 'ts', right: 'changed_at' },
        },
      },
    },
  ],
});
