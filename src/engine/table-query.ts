import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { quoteIdent } from '../common/names.js';
import { FILTER_OPS, type FilterOp } from '../common/filter-ops.js';

/**
 * The table query language shared by the HTTP API and the CLI:
 *   sort   = "-a,b" or "a:desc,b"         (a descending, then b ascending)
 *   filter = "column:op:value" (repeated) e.g. "band:in:3|6|7", "antenna:startswith:DA", "flag:isnull"
 * A column name containing `:` `,` `|` or starting with `-` or `"` is written in double quotes,
 * with `""` for a quote inside: `"a:b":eq:1`, `-"x,y"`.
 */

export const MAX_PAGE_ROWS = 10_000;
export const DEFAULT_PAGE_ROWS = 100;

export { FILTER_OPS, type FilterOp };
const VALUELESS_OPS: ReadonlySet<FilterOp> = new Set(['isnull', 'notnull']);

export const sortKeySchema = z.object({ column: z.string().min(1), desc: z.boolean() });
export type SortKey = z.infer<typeof sortKeySchema>;

/** `values` is used by `in`, `value` by the other ops that compare, neither by isnull/notnull. */
export const filterSchema = z.object({
  column: z.string().min(1),
  op: z.enum(FILTER_OPS),
  value: z.string().optional(),
  values: z.array(z.string()).optional(),
});
export type Filter = z.infer<typeof filterSchema>;

export interface TableQuery {
  offset: number;
  limit: number;
  sort: SortKey[];
  filters: Filter[];
}

/** Reads a column name at `start`, quoted or up to one of `stops`; returns it and where it ended. */
function readColumnName(text: string, start: number, stops: string): { name: string; end: number } {
  if (text[start] === '"') {
    let name = '';
    let i = start + 1;
    for (;;) {
      if (i >= text.length) throw badRequest(`Unterminated quoted column name in ${JSON.stringify(text)}`);
      if (text[i] === '"') {
        if (text[i + 1] === '"') {
          name += '"';
          i += 2;
          continue;
        }
        return { name, end: i + 1 };
      }
      name += text[i++];
    }
  }
  let end = start;
  while (end < text.length && !stops.includes(text[end])) end++;
  return { name: text.slice(start, end), end };
}

/**
 * `"-a,b"` or `"a:desc,b"` → `[{column:'a',desc:true},{column:'b',desc:false}]`; empty or missing → `[]`.
 * The `:desc` / `:asc` suffix exists for command lines, where `--sort -a` reads as an option.
 */
export function parseSort(param: string | undefined): SortKey[] {
  if (param === undefined || param.trim() === '') return [];
  const keys: SortKey[] = [];
  let i = 0;
  while (i <= param.length) {
    const dash = param[i] === '-';
    if (dash || param[i] === '+') i++;
    const { name, end } = readColumnName(param, i, ',:');
    if (name === '') throw badRequest(`Empty column name in sort ${JSON.stringify(param)}`);
    let next = end;
    let desc = dash;
    if (param[next] === ':') {
      const comma = param.indexOf(',', next);
      next = comma < 0 ? param.length : comma;
      const direction = param.slice(end + 1, next);
      if (direction !== 'asc' && direction !== 'desc')
        throw badRequest(
          `Unknown sort direction ${JSON.stringify(direction)} after column ${JSON.stringify(name)}: write ${name}:desc or ${name}:asc (a column name with ":" is written in double quotes)`,
        );
      if (dash && direction === 'asc')
        throw badRequest(`Sort key ${JSON.stringify(param.slice(i - 1, next))} is both descending (-) and :asc`);
      desc = direction === 'desc';
    }
    if (next < param.length && param[next] !== ',')
      throw badRequest(`Unexpected text after column ${JSON.stringify(name)} in sort ${JSON.stringify(param)}`);
    keys.push({ column: name, desc });
    i = next + 1;
  }
  return keys;
}

/** `"band:in:3|6"` → `{column:'band', op:'in', values:['3','6']}`. */
export function parseFilter(param: string): Filter {
  const { name, end } = readColumnName(param, 0, ':');
  if (name === '') throw badRequest(`Filter ${JSON.stringify(param)} has no column: write column:op:value`);
  if (param[end] !== ':') throw badRequest(`Filter ${JSON.stringify(param)} has no operator: write column:op:value`);
  const rest = param.slice(end + 1);
  const colon = rest.indexOf(':');
  const op = colon < 0 ? rest : rest.slice(0, colon);
  if (!(FILTER_OPS as readonly string[]).includes(op)) {
    throw badRequest(
      `Unknown filter operator ${JSON.stringify(op)} in ${JSON.stringify(param)}; use one of ${FILTER_OPS.join(', ')}`,
    );
  }
  const filterOp = op as FilterOp;
  if (VALUELESS_OPS.has(filterOp)) {
    if (colon >= 0 && rest.slice(colon + 1) !== '')
      throw badRequest(`Filter operator ${op} takes no value (in ${JSON.stringify(param)})`);
    return { column: name, op: filterOp };
  }
  if (colon < 0) throw badRequest(`Filter ${JSON.stringify(param)} needs a value: write column:${op}:value`);
  const value = rest.slice(colon + 1);
  if (filterOp === 'in') return { column: name, op: filterOp, values: value.split('|') };
  return { column: name, op: filterOp, value };
}

export function parseFilters(params: string | string[] | undefined): Filter[] {
  if (params === undefined) return [];
  return (Array.isArray(params) ? params : [params]).filter((p) => p !== '').map(parseFilter);
}

/** Query-string / CLI-flag form of a table query; parses into a {@link TableQuery}. */
export const tableQueryParamsSchema = z
  .object({
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_ROWS).default(DEFAULT_PAGE_ROWS),
    sort: z.string().optional(),
    filter: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .transform((p): TableQuery => ({
    offset: p.offset,
    limit: p.limit,
    sort: parseSort(p.sort),
    filters: parseFilters(p.filter),
  }));

/** Parses query-string style parameters; every problem is a 400 with a sentence. */
export function parseTableQuery(raw: unknown): TableQuery {
  return parseOr400(tableQueryParamsSchema, raw, 'query');
}

export type SqlDialect = 'duckdb' | 'postgres';
export interface ColumnInfo {
  name: string;
  type: string;
  /** Holds text (PostgreSQL sources: enums and domains over text too), when the engine said so. */
  textual?: boolean;
}

function columnType(columns: readonly ColumnInfo[], name: string, what: string): string {
  const column = columns.find((c) => c.name === name);
  if (!column) throw badRequest(`Unknown column ${JSON.stringify(name)} in ${what}`);
  return column.type;
}

/**
 * ORDER BY clause (empty when no sort); every column must exist. Nulls always sort last, in both engines.
 * `table` qualifies the names: the stored values sort, not select-list expressions of the same name.
 */
export function orderByClause(sort: readonly SortKey[], columns: readonly ColumnInfo[], table?: string): string {
  if (sort.length === 0) return '';
  const keys = sort.map((key) => {
    columnType(columns, key.column, 'sort');
    return `${table ? `${table}.` : ''}${quoteIdent(key.column)} ${key.desc ? 'DESC' : 'ASC'} NULLS LAST`;
  });
  return `ORDER BY ${keys.join(', ')}`;
}

const COMPARISONS: Partial<Record<FilterOp, string>> = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' };

/**
 * WHERE clause for the filters (empty when none) with `$n` placeholders starting at `firstParam`;
 * user values only ever travel as parameters. In DuckDB a value is cast to the column's type
 * (a value that does not convert is a conversion error, reported as 400); PostgreSQL infers a
 * parameter's type from the column it is compared with.
 */
export function whereClause(
  filters: readonly Filter[],
  columns: readonly ColumnInfo[],
  dialect: SqlDialect,
  firstParam = 1,
): { sql: string; params: string[] } {
  const params: string[] = [];
  const placeholder = (value: string, type: string) => {
    params.push(value);
    const p = `$${firstParam + params.length - 1}`;
    return dialect === 'duckdb' ? `CAST(${p} AS ${type})` : p;
  };
  const asText = (column: string) => `CAST(${column} AS ${dialect === 'duckdb' ? 'VARCHAR' : 'text'})`;
  const conditions = filters.map((filter) => {
    const type = columnType(columns, filter.column, 'filter');
    const column = quoteIdent(filter.column);
    const needValue = () => {
      if (filter.value === undefined)
        throw badRequest(`Filter ${filter.op} on ${JSON.stringify(filter.column)} needs a value`);
      return filter.value;
    };
    switch (filter.op) {
      case 'isnull':
        return `${column} IS NULL`;
      case 'notnull':
        return `${column} IS NOT NULL`;
      case 'contains': {
        const p = placeholder(needValue(), 'VARCHAR');
        return dialect === 'duckdb' ? `contains(${asText(column)}, ${p})` : `strpos(${asText(column)}, ${p}) > 0`;
      }
      case 'startswith':
        return `starts_with(${asText(column)}, ${placeholder(needValue(), 'VARCHAR')})`;
      case 'in': {
        const values = filter.values ?? [];
        if (values.length === 0)
          throw badRequest(`Filter in on ${JSON.stringify(filter.column)} needs at least one value`);
        return `${column} IN (${values.map((v) => placeholder(v, type)).join(', ')})`;
      }
      default:
        return `${column} ${COMPARISONS[filter.op]} ${placeholder(needValue(), type)}`;
    }
  });
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}
