import { exactInteger } from '../common/exact-json.js';
import { splitTopLevel } from '../common/split-top-level.js';

/** Turns one DuckDB JSON value (as `getRowsJson` gives it) into what JSON consumers expect. */
export type JsonConverter = (value: unknown) => unknown;

const INTEGER_TYPES = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT|INT8|INT128)$/;
const NESTED = /\]$|^(STRUCT|MAP|UNION)\(/i;

/**
 * DuckDB hands 64-bit and larger integers and decimals over as strings; integers become numbers
 * when that loses nothing, else ExactIntegers (exact numbers in the API's JSON: see
 * exact-json.ts); decimals numbers, as the API has always shown them.
 */
function scalarValue(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    if (INTEGER_TYPES.test(type)) return exactInteger(value);
    if (type.startsWith('DECIMAL')) return Number(value);
  }
  return value;
}

/** `"a ""b""" VARCHAR` or `a VARCHAR` → [name, type]. */
function structField(text: string): [string, string] {
  if (text.startsWith('"')) {
    let i = 1;
    let name = '';
    while (i < text.length) {
      if (text[i] === '"') {
        if (text[i + 1] !== '"') break;
        i++;
      }
      name += text[i];
      i++;
    }
    return [name, text.slice(i + 1).trim()];
  }
  const space = text.indexOf(' ');
  return [text.slice(0, space), text.slice(space + 1).trim()];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fieldConverters(body: string): Map<string, JsonConverter> {
  return new Map(
    splitTopLevel(body)
      .map((f) => structField(f))
      .map(([name, type]) => [name, jsonConverter(type)]),
  );
}

/**
 * The converter for a column type, applied through lists, arrays, structs, maps and unions, so a
 * BIGINT inside a STRUCT is a number like a BIGINT column is (and a JSON export reads back with
 * the same types). Build it once per column, then call it per value.
 */
export function jsonConverter(type: string): JsonConverter {
  const t = type.trim();
  if (!NESTED.test(t)) return (value) => scalarValue(value, t);
  const list = /^(.*)\[\d*\]$/s.exec(t);
  if (list) {
    const item = jsonConverter(list[1]);
    return (value) => (Array.isArray(value) ? (value as unknown[]).map(item) : scalarValue(value, t));
  }
  const open = t.indexOf('(');
  const kind = t.slice(0, open).toUpperCase();
  const body = t.slice(open + 1, -1);
  if (kind === 'STRUCT') {
    const fields = fieldConverters(body);
    return (value) =>
      isRecord(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fields.get(k)?.(v) ?? v]))
        : (value ?? null);
  }
  if (kind === 'UNION') {
    const members = fieldConverters(body);
    return (value) =>
      isRecord(value) && typeof value.tag === 'string'
        ? { ...value, value: members.get(value.tag)?.(value.value) ?? value.value }
        : (value ?? null);
  }
  const [keyType, valueType] = splitTopLevel(body);
  const key = jsonConverter(keyType ?? 'VARCHAR');
  const val = jsonConverter(valueType ?? 'VARCHAR');
  return (value) =>
    Array.isArray(value)
      ? (value as unknown[]).map((e) => (isRecord(e) ? { key: key(e.key), value: val(e.value) } : e))
      : (value ?? null);
}
