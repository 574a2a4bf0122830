import { createReadStream } from 'node:fs';

/**
 * The CSV dialect DuckDB writes for the TypeScript harness (`COPY … (FORMAT csv, HEADER,
 * NULLSTR '\N')`) and reads back with the declared schema: comma, `"` quoting with `""` inside,
 * `\N` unquoted for NULL. Parsing it column-wise costs a fraction of JSON.parse per row (no object
 * per row, one `split` per line without quotes), and DuckDB's parallel CSV reader imports the
 * output faster than NDJSON. Runs INSIDE the sandbox: Node built-ins only.
 */
export const CSV_NULL = '\\N';

/** How a field's text becomes a value, from the column's DuckDB type. */
export type FieldKind = 'number' | 'boolean' | 'text';

const NUMBER =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL)$|^DECIMAL/;

export function fieldKind(duckType: string): FieldKind {
  const t = duckType.toUpperCase();
  if (NUMBER.test(t)) return 'number';
  return t === 'BOOLEAN' ? 'boolean' : 'text';
}

/** Types whose JSON form is not their text (lists, structs, maps, JSON): those inputs and outputs stay NDJSON. */
export function csvCarries(duckType: string): boolean {
  const t = duckType.toUpperCase();
  return !/[[\]]|^(STRUCT|MAP|UNION|JSON)\b/.test(t);
}

/** One record's fields (NULL as null), starting at `start`; answers where the next record starts, or -1 when incomplete. */
function quotedRecord(text: string, start: number, fields: (string | null)[], final: boolean): number {
  let i = start;
  const n = text.length;
  for (;;) {
    if (text.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) return -1;
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
    } else {
      let end = i;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === 44 || c === 10 || c === 13) break;
        end++;
      }
      if (end === n && !final) return -1;
      const raw = text.slice(i, end);
      fields.push(raw === CSV_NULL ? null : raw);
      i = end;
    }
    if (i >= n) return final ? n : -1;
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      continue;
    }
    if (c === 13) i++;
    if (text.charCodeAt(i) === 10) return i + 1;
    if (i >= n) return final ? n : -1;
    return i;
  }
}

/** A field's text as the value of its kind (NULL as null), inline in the column-wise parser's loop. */
const valueOf = (raw: string, kind: FieldKind): unknown =>
  raw === CSV_NULL ? null : kind === 'number' ? Number(raw) : kind === 'boolean' ? raw === 'true' : raw;

/**
 * Column arrays of up to `size` records each, parsed straight from the text into one array per
 * column: no array per record (the batches path's cost was mostly those 1 M short-lived arrays
 * and their `map`). Lines without `"` are cut at each comma in place; quoted ones go through
 * `quotedRecord`. Yields `[numRows, arrays]`.
 */
export async function* csvColumnBatches(
  path: string,
  kinds: FieldKind[],
  size: number,
): AsyncGenerator<[number, unknown[][]]> {
  const width = kinds.length;
  let arrays: unknown[][] = kinds.map(() => []);
  let numRows = 0;
  let rest = '';
  let header = true;
  const fields: (string | null)[] = [];
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    const next = (await iterator.next()) as IteratorResult<string>;
    const final = next.done === true;
    const text = final ? rest : rest + next.value;
    let pos = 0;
    if (header) {
      // The header line (names are in the config): skipped once it is whole.
      const nl = text.indexOf('\n');
      if (nl < 0 && !final) {
        rest = text;
        continue;
      }
      pos = nl < 0 ? text.length : nl + 1;
      header = false;
    }
    let quote = text.indexOf('"', pos);
    while (pos < text.length) {
      if (quote >= 0 && quote < pos) quote = text.indexOf('"', pos);
      const nl = text.indexOf('\n', pos);
      if (nl < 0 && !final) break;
      const end = nl < 0 ? text.length : nl;
      if (quote >= 0 && quote < end) {
        fields.length = 0;
        const after = quotedRecord(text, pos, fields, final);
        if (after < 0) break;
        for (let j = 0; j < width; j++) {
          const raw = fields[j] ?? null;
          arrays[j].push(raw === null ? null : kinds[j] === 'text' ? raw : valueOf(raw, kinds[j]));
        }
        pos = after;
      } else {
        const lineEnd = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
        let p = pos;
        for (let j = 0; j < width; j++) {
          if (p > lineEnd) {
            arrays[j].push(null);
            continue;
          }
          let cut = j === width - 1 ? lineEnd : text.indexOf(',', p);
          if (cut < 0 || cut > lineEnd) cut = lineEnd;
          arrays[j].push(valueOf(text.slice(p, cut), kinds[j]));
          p = cut + 1;
        }
        pos = end + 1;
      }
      if (++numRows === size) {
        yield [numRows, arrays];
        arrays = kinds.map(() => []);
        numRows = 0;
      }
    }
    rest = text.slice(pos);
    if (final) break;
  }
  if (numRows > 0) yield [numRows, arrays];
}

const NEEDS_QUOTES = /[",\n\r]/;

/**
 * A value's text as DuckDB reads it back with the column's type, or null for NULL (and for
 * non-finite numbers, as JSON had them): dates as ISO text, objects as JSON.
 */
export function valueText(value: unknown, jsonText: (value: unknown) => string): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : null;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'undefined':
      return null;
    default:
      return value === null ? null : value instanceof Date ? value.toISOString() : jsonText(value);
  }
}

/** A value as a CSV field (NULL as the marker; text that could be read as the marker or empty, quoted). */
export function csvField(value: unknown, jsonText: (value: unknown) => string): string {
  const text = valueText(value, jsonText);
  if (text === null) return CSV_NULL;
  return text === CSV_NULL || text === '' || NEEDS_QUOTES.test(text) ? quote(text) : text;
}

function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}
