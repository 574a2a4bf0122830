import { z } from 'zod';
import { quoteLiteral } from '../../common/names.js';
import { columnRule, countWhere, severity } from './common.js';

const column = z.string().min(1).describe('Column name');

export const notNullCheck = columnRule('not-null', {
  label: 'Not null',
  params: z.object({ column, severity }),
  examples: [{ title: 'Every execution block belongs to a shift', params: { column: 'shift_id', severity: 'error' } }],
  violations: (_p, c) => countWhere(`${c} IS NULL`),
  what: () => 'null-free',
});

/** Duplicates are counted as non-null rows minus distinct values, so the rule needs no extra scan. */
export const uniqueCheck = columnRule('unique', {
  label: 'Unique',
  params: z.object({ column, severity }),
  examples: [{ title: 'One row per shift', params: { column: 'shift_id' } }],
  // Rows beyond the first of each value: 10 values 500 times each are 4,990 (the trial read
  // "4,990 rows not unique" as a miscount of 5,000), hence the words.
  violations: (_p, c) => `count(${c}) - count(DISTINCT ${c})`,
  what: () => 'unique',
  counted: 'rows repeating a value; the first row of each value is not counted',
});

export const inSetCheck = columnRule('in-set', {
  label: 'In a set',
  params: z.object({
    column,
    severity,
    values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1, 'give at least one allowed value'),
  }),
  examples: [
    {
      title: 'QA0 statuses are the known ones',
      params: { column: 'qa0_status', values: ['Pass', 'SemiPass', 'Pending', 'Fail'], severity: 'warning' },
    },
  ],
  violations: (p, c) =>
    countWhere(
      `${c} IS NOT NULL AND CAST(${c} AS TEXT) NOT IN (${p.values.map((v) => quoteLiteral(String(v))).join(', ')})`,
    ),
  what: (p) => `in {${p.values.join(', ')}}`,
});

export const patternCheck = columnRule('pattern', {
  label: 'Matches a pattern',
  params: z.object({
    column,
    severity,
    pattern: z
      .string()
      .min(1)
      .max(1000)
      .refine((s) => {
        try {
          new RegExp(s);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression')
      .describe('Regular expression the whole value must match'),
  }),
  examples: [
    {
      title: 'Execution block UIDs look like uid://A002/X1234/X5a',
      params: { column: 'eb_uid', pattern: 'uid://A\\d{3}/X[0-9a-f]+/X[0-9a-f]+' },
    },
  ],
  violations: (p, c, dialect) => {
    const anchored = quoteLiteral(`^(?:${p.pattern})$`);
    const matches =
      dialect === 'postgres' ? `CAST(${c} AS TEXT) ~ ${anchored}` : `regexp_matches(CAST(${c} AS TEXT), ${anchored})`;
    return countWhere(`${c} IS NOT NULL AND NOT ${matches}`);
  },
  what: (p) => `matching /${p.pattern}/`,
});

export const rangeCheck = columnRule('range', {
  label: 'Within a range',
  params: z
    .object({ column, severity, min: z.number().optional(), max: z.number().optional() })
    .refine((p) => p.min !== undefined || p.max !== undefined, { message: 'give min, max or both' }),
  examples: [
    {
      title: 'Median receiver temperatures are physical (K)',
      params: { column: 'trec_median', min: 0, max: 500, severity: 'warning' },
    },
  ],
  violations: (p, c) =>
    countWhere(
      [p.min !== undefined ? `${c} < ${Number(p.min)}` : '', p.max !== undefined ? `${c} > ${Number(p.max)}` : '']
        .filter(Boolean)
        .join(' OR '),
    ),
  what: (p) => `within [${p.min ?? '-∞'}, ${p.max ?? '∞'}]`,
});
