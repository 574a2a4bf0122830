import { z } from 'zod';
import { quoteLiteral } from '../../common/names.js';
import { checkParams, columnRule, countWhere, severity } from './common.js';

const column = z.string().min(1).describe('Column name');

export const notNullCheck = columnRule('not-null', 'Not null', checkParams('not-null', { column, severity }), (_p, c) => countWhere(`${c} IS NULL`), () => 'null-free');

/** Duplicates are counted as non-null rows minus distinct values, so the rule needs no extra scan. */
export const uniqueCheck = columnRule(
  'unique',
  'Unique',
  checkParams('unique', { column, severity }),
  (_p, c) => `count(${c}) - count(DISTINCT ${c})`,
  () => 'unique',
);

export const inSetCheck = columnRule(
  'in-set',
  'In a set',
  checkParams('in-set', { column, severity, values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1, 'give at least one allowed value') }),
  (p, c) => countWhere(`${c} IS NOT NULL AND CAST(${c} AS TEXT) NOT IN (${p.values.map((v) => quoteLiteral(String(v))).join(', ')})`),
  (p) => `in {${p.values.join(', ')}}`,
);

export const patternCheck = columnRule(
  'pattern',
  'Matches a pattern',
  checkParams('pattern', {
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
  (p, c, dialect) => {
    const anchored = quoteLiteral(`^(?:${p.pattern})$`);
    const matches = dialect === 'postgres' ? `CAST(${c} AS TEXT) ~ ${anchored}` : `regexp_matches(CAST(${c} AS TEXT), ${anchored})`;
    return countWhere(`${c} IS NOT NULL AND NOT ${matches}`);
  },
  (p) => `matching /${p.pattern}/`,
);

export const rangeCheck = columnRule(
  'range',
  'Within a range',
  checkParams('range', { column, severity, min: z.number().optional(), max: z.number().optional() }).refine((p) => p.min !== undefined || p.max !== undefined, { message: 'give min, max or both' }),
  (p, c) => countWhere([p.min !== undefined ? `${c} < ${Number(p.min)}` : '', p.max !== undefined ? `${c} > ${Number(p.max)}` : ''].filter(Boolean).join(' OR ')),
  (p) => `within [${p.min ?? '-∞'}, ${p.max ?? '∞'}]`,
);
