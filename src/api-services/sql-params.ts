import { badRequest } from '../common/errors.js';
import type { ApiParameter, ParameterType } from './types.js';

/**
 * `:name` parameters of a SQL endpoint, rewritten to DuckDB's positional `$1…$n` so values are
 * bound by the prepared statement and never become SQL text. Quoted strings, quoted
 * identifiers, comments and `::` casts are skipped, so `'a:b'` or `x::INTEGER` stay as written.
 */
export interface ParameterisedSql {
  sql: string;
  /** The parameter behind each `$i` (1-based: `order[i - 1]`). */
  order: string[];
  /** Bare words outside strings and comments (to find the datasets a query names). */
  words: string[];
}

const WORD = /[A-Za-z0-9_]/;

export function parameterise(text: string, types: Record<string, ParameterType> = {}): ParameterisedSql {
  let out = '';
  const order: string[] = [];
  const words: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n) {
        if (text[j] === c) {
          if (text[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      if (c === '"') words.push(text.slice(i + 1, j).replaceAll('""', '"'));
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      const j = end < 0 ? n : end;
      out += text.slice(i, j);
      i = j;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const j = end < 0 ? n : end + 2;
      out += text.slice(i, j);
      i = j;
    } else if (c === ':' && next === ':') {
      out += '::';
      i += 2;
    } else if (c === ':' && next !== undefined && /[A-Za-z_]/.test(next)) {
      let j = i + 1;
      while (j < n && WORD.test(text[j])) j++;
      const name = text.slice(i + 1, j);
      let at = order.indexOf(name);
      if (at < 0) {
        order.push(name);
        at = order.length - 1;
      }
      // Dates travel as text and are cast here, in SQL the server wrote.
      out += types[name] === 'date' ? `CAST($${at + 1} AS DATE)` : `$${at + 1}`;
      i = j;
    } else if (WORD.test(c)) {
      let j = i;
      while (j < n && WORD.test(text[j])) j++;
      words.push(text.slice(i, j));
      out += text.slice(i, j);
      i = j;
    } else {
      if (c === '$' || c === '?')
        throw badRequest('sql: name parameters `:name` (declared in parameters); `$1` and `?` are not used');
      out += c;
      i++;
    }
  }
  return { sql: out, order, words };
}

/** The SQL's parameters and the declared ones must be the same set. */
export function checkDeclaredParameters(endpoint: string, sqlParams: string[], declared: ApiParameter[]): void {
  const names = new Set(declared.map((p) => p.name));
  const seen = new Set<string>();
  for (const p of declared) {
    if (seen.has(p.name)) throw badRequest(`endpoint ${endpoint}: parameter ${p.name} is declared twice`);
    seen.add(p.name);
  }
  const undeclared = sqlParams.filter((p) => !names.has(p));
  if (undeclared.length)
    throw badRequest(
      `endpoint ${endpoint}: the SQL uses ${undeclared.map((p) => ':' + p).join(', ')} but parameters does not declare ${undeclared.length > 1 ? 'them' : 'it'} (name and type)`,
    );
  const unused = declared.filter((p) => !sqlParams.includes(p.name));
  if (unused.length)
    throw badRequest(
      `endpoint ${endpoint}: parameter ${unused.map((p) => p.name).join(', ')} is declared but the SQL does not use :${unused[0].name}`,
    );
}

export type BoundValue =
  | { kind: 'string'; value: string }
  | { kind: 'integer'; value: bigint }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export const MAX_STRING_PARAMETER = 10_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function typeError(p: ApiParameter, value: unknown, expected: string): never {
  const got =
    value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'bigint' ? 'number' : typeof value;
  const shown = typeof value === 'bigint' ? String(value) : JSON.stringify(value);
  throw badRequest(`parameter ${p.name}: expected ${expected}, got ${got} ${shown?.slice(0, 60) ?? ''}`.trim());
}

/** BIGINT's range: an integer parameter is bound as one. */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function checkValue(p: ApiParameter, value: unknown): BoundValue {
  switch (p.type) {
    case 'string':
      if (typeof value !== 'string') typeError(p, value, 'a string');
      if (value.length > MAX_STRING_PARAMETER)
        throw badRequest(`parameter ${p.name}: ${value.length} characters, over the limit of ${MAX_STRING_PARAMETER}`);
      return { kind: 'string', value };
    case 'integer':
      // Past ±2^53 the body parser hands the literal over exactly, as a bigint.
      if (typeof value === 'bigint') {
        if (value < INT64_MIN || value > INT64_MAX)
          throw badRequest(
            `parameter ${p.name}: ${value} is out of the 64-bit integer range (${INT64_MIN} to ${INT64_MAX})`,
          );
        return { kind: 'integer', value };
      }
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) typeError(p, value, 'an integer');
      return { kind: 'integer', value: BigInt(value) };
    case 'number':
      if (typeof value === 'bigint') return { kind: 'number', value: Number(value) };
      if (typeof value !== 'number' || !Number.isFinite(value)) typeError(p, value, 'a number');
      return { kind: 'number', value };
    case 'boolean':
      if (typeof value !== 'boolean') typeError(p, value, 'true or false');
      return { kind: 'boolean', value };
    case 'date': {
      const m = typeof value === 'string' ? DATE.exec(value) : null;
      const d = m ? new Date(`${value as string}T00:00:00Z`) : null;
      if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value)
        typeError(p, value, 'a date YYYY-MM-DD');
      return { kind: 'string', value };
    }
  }
}

/**
 * The values of a call, in `$i` order: every required parameter present with its declared
 * type, optional ones NULL when missing, and nothing else.
 */
export function bindValues(declared: ApiParameter[], order: string[], body: unknown): BoundValue[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('The request body is a JSON object of parameters');
  const input = body as Record<string, unknown>;
  const byName = new Map(declared.map((p) => [p.name, p]));
  const extra = Object.keys(input).filter((k) => !byName.has(k));
  if (extra.length)
    throw badRequest(
      `unknown parameter ${extra.slice(0, 5).join(', ')}; this endpoint takes ${declared.map((p) => `${p.name} (${p.type})`).join(', ') || 'no parameters'}`,
    );
  return order.map((name) => {
    const p = byName.get(name)!;
    const value = input[name];
    if (value === undefined || value === null) {
      if (p.required === false) return { kind: 'null' };
      throw badRequest(`missing parameter ${name} (${p.type})`);
    }
    return checkValue(p, value);
  });
}
