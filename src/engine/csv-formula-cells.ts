import { quoteIdent } from '../common/names.js';
import { orderByClause, type ColumnInfo, type SortKey, type SqlDialect } from './table-query.js';

/**
 * What a CSV export does with text cells a spreadsheet would run as a formula ("CSV injection":
 * `=cmd|' /C calc'!A0`): `escape` (the default) prefixes them with `'`, which spreadsheets show
 * as text; `keep` writes them as they are.
 */
export const CSV_FORMULA_MODES = ['escape', 'keep'] as const;
export type CsvFormulaMode = (typeof CSV_FORMULA_MODES)[number];

/** The first characters that start a formula in Excel, LibreOffice and Google Sheets. */
const FORMULA_STARTS = `'=', '+', '-', '@', chr(9), chr(13)`;

/**
 * Text columns only: a number such as -5 is a value, not a formula, and stays a number. Enums
 * hold text too; a PostgreSQL column says itself whether it is text-like (its enums and domains
 * are named by their own names).
 */
function isText(column: ColumnInfo, dialect: SqlDialect): boolean {
  if (column.textual !== undefined) return column.textual;
  const t = column.type.toLowerCase();
  return dialect === 'duckdb'
    ? /^(varchar\b|enum\()/.test(t)
    : /^(text|character varying|character|varchar|char|bpchar|citext|name)\b/.test(t);
}

/**
 * The select list of a CSV export from `from` (a table alias): every column, text ones whose
 * value starts like a formula prefixed with `'`. Done in the engine's SQL (the same for DuckDB
 * and PostgreSQL: `left` and `chr` exist in both), so rows never pass through JavaScript for it.
 */
function csvSelectList(columns: readonly ColumnInfo[], dialect: SqlDialect, from: string): string {
  return columns
    .map((c) => {
      const column = `${from}.${quoteIdent(c.name)}`;
      if (!isText(c, dialect)) return column;
      // As text in both branches: CASE needs one type, and an enum has no left().
      const text = `CAST(${column} AS TEXT)`;
      return `CASE WHEN left(${text}, 1) IN (${FORMULA_STARTS}) THEN '''' || ${text} ELSE ${text} END AS ${quoteIdent(c.name)}`;
    })
    .join(', ');
}

/**
 * The query of an export: the filtered rows (`where`, a WHERE clause or empty) of `relation`,
 * sorted. A CSV export escapes formula cells (`formulas` other than `keep`) in an outer select
 * that sorts by the stored values, so the order is the same either way.
 */
export function exportSelect(query: {
  relation: string;
  where: string;
  columns: readonly ColumnInfo[];
  sort: readonly SortKey[];
  dialect: SqlDialect;
  escapeFormulas: boolean;
}): string {
  const { relation, where, columns, sort, dialect } = query;
  if (!query.escapeFormulas) return `SELECT * FROM ${relation} ${where} ${orderByClause(sort, columns)}`;
  const list = csvSelectList(columns, dialect, 'r');
  return `SELECT ${list} FROM (SELECT * FROM ${relation} ${where}) AS r ${orderByClause(sort, columns, 'r')}`;
}

/** Whether an export of `format` escapes formula cells. */
export const escapesFormulas = (format: string, formulas: CsvFormulaMode | undefined) =>
  format === 'csv' && formulas !== 'keep';
