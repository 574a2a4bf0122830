import { FILTER_OP_WORDS, FILTER_OPS, type FilterOp } from '../../../src/common/filter-ops.js';
/**
 * The API's table query language, as the UI writes it: sort `-a,b`, filters
 * `column:op:value` (column names with `:` `,` `|`, a leading `-` or a quote are quoted).
 */
export interface SortKey {
  column: string;
  desc: boolean;
}

export interface Filter {
  column: string;
  op: FilterOp;
  value?: string;
}

export { FILTER_OPS, type FilterOp };

// The filter editor's choices: `in` says how its values are written.
export const FILTER_OP_LABELS: Record<FilterOp, string> = { ...FILTER_OP_WORDS, in: 'in (a|b|c)' };

export const opNeedsValue = (op: FilterOp) => op !== 'isnull' && op !== 'notnull';

export function quoteColumn(name: string): string {
  return /[:,|"]/.test(name) || name.startsWith('-') ? `"${name.replace(/"/g, '""')}"` : name;
}

export function sortParam(sort: SortKey[]): string {
  return sort.map((s) => (s.desc ? '-' : '') + quoteColumn(s.column)).join(',');
}

export function filterParam(f: Filter): string {
  return opNeedsValue(f.op) ? `${quoteColumn(f.column)}:${f.op}:${f.value ?? ''}` : `${quoteColumn(f.column)}:${f.op}`;
}

/** Reads a column name at `i`, quoted or up to one of `stops`. */
function readName(text: string, i: number, stops: string): { name: string; end: number } {
  if (text[i] === '"') {
    let name = '';
    let j = i + 1;
    while (j < text.length) {
      if (text[j] === '"') {
        if (text[j + 1] === '"') {
          name += '"';
          j += 2;
          continue;
        }
        return { name, end: j + 1 };
      }
      name += text[j++];
    }
    return { name, end: j };
  }
  let j = i;
  while (j < text.length && !stops.includes(text[j])) j++;
  return { name: text.slice(i, j), end: j };
}

export function parseSortParam(text: string | null): SortKey[] {
  if (!text) return [];
  const out: SortKey[] = [];
  let i = 0;
  while (i < text.length) {
    const desc = text[i] === '-';
    if (desc) i++;
    const { name, end } = readName(text, i, ',');
    if (name) out.push({ column: name, desc });
    i = end + 1;
  }
  return out;
}

export function parseFilterParam(text: string): Filter | null {
  const { name, end } = readName(text, 0, ':');
  if (!name || text[end] !== ':') return null;
  const rest = text.slice(end + 1);
  const colon = rest.indexOf(':');
  const op = (colon < 0 ? rest : rest.slice(0, colon)) as FilterOp;
  if (!FILTER_OPS.includes(op)) return null;
  return opNeedsValue(op) ? { column: name, op, value: colon < 0 ? '' : rest.slice(colon + 1) } : { column: name, op };
}

/** Click on a header: sort by it (toggling direction); with Shift, add it to the sort keys. */
export function toggleSort(sort: SortKey[], column: string, additive: boolean): SortKey[] {
  const existing = sort.find((s) => s.column === column);
  if (!additive) {
    if (!existing) return [{ column, desc: false }];
    if (!existing.desc) return [{ column, desc: true }];
    return [];
  }
  if (!existing) return [...sort, { column, desc: false }];
  if (!existing.desc) return sort.map((s) => (s.column === column ? { column, desc: true } : s));
  return sort.filter((s) => s.column !== column);
}
