import { z } from 'zod';
import { quoteIdent, quoteLiteral } from '../../common/names.js';

/**
 * The pieces every visual recipe compiles with. Column names come from users and data files, so
 * every identifier goes through `ident` and every value through `literal`: no text of a recipe
 * ever reaches SQL unquoted.
 */

export const ident = quoteIdent;

/** A column name as a recipe names it: any text (quotes, spaces, SQL) but not empty and no NUL. */
export const columnName = z
  .string()
  .min(1, 'A column name must not be empty')
  .max(255)
  .refine((s) => !s.includes('\0'), 'A column name cannot contain a NUL character')
  .describe('Column name');

export const columnList = z.array(columnName);

/** A value typed in a recipe (compared with, filled in, pivoted on). */
export const scalarValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
export type ScalarValue = z.infer<typeof scalarValue>;

/** A literal for a value: strings single-quoted with quotes doubled, numbers checked finite. */
export function literal(value: ScalarValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Not a finite number: ${value}`);
    return String(value);
  }
  if (value.includes('\0')) throw new Error('A text value cannot contain a NUL character');
  return quoteLiteral(value);
}

/** The types a cast or a typed value can name (DuckDB names). */
export const SQL_TYPES = [
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'FLOAT',
  'DOUBLE',
  'DECIMAL(18,3)',
  'DECIMAL(38,10)',
  'VARCHAR',
  'DATE',
  'TIME',
  'TIMESTAMP',
  'TIMESTAMPTZ',
  'INTERVAL',
  'UUID',
  'BLOB',
  'JSON',
] as const;
export const sqlType = z.enum(SQL_TYPES);

export const DATE_PARTS = [
  'year',
  'quarter',
  'month',
  'week',
  'isoyear',
  'day',
  'dayofweek',
  'isodow',
  'dayofyear',
  'hour',
  'minute',
  'second',
  'millisecond',
  'epoch',
] as const;
export const datePart = z.enum(DATE_PARTS);

export const DATE_UNITS = [
  'year',
  'quarter',
  'month',
  'week',
  'day',
  'hour',
  'minute',
  'second',
  'millisecond',
] as const;
export const dateUnit = z.enum(DATE_UNITS);

/** One key of an ORDER BY. */
export const orderKey = z.object({
  column: columnName,
  descending: z.boolean().optional().describe('Largest first'),
  nullsFirst: z.boolean().optional().describe('Empty values first (default: last)'),
});
export type OrderKey = z.infer<typeof orderKey>;

export function orderBy(keys: readonly OrderKey[], qualifier = ''): string {
  return keys
    .map(
      (k) =>
        `${qualifier}${ident(k.column)}${k.descending ? ' DESC' : ' ASC'}${k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`,
    )
    .join(', ');
}

export const idents = (names: readonly string[]) => names.map((n) => ident(n)).join(', ');

/** Every column but these (DuckDB matches names case-insensitively): adding a column replaces one of that name. */
export const allBut = (names: readonly string[]) =>
  `COLUMNS(c -> ${names.map((n) => `lower(c) <> lower(${literal(n)})`).join(' AND ')})`;

/** A relation of a recipe's input, by its dataset name (a view of that name exists when the SQL runs). */
export const inputRelation = (name: string) => ident(name);
