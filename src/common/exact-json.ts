/**
 * Integers past ±2^53 (BIGINT, HUGEINT and their unsigned kinds) in JSON. A JavaScript number
 * cannot hold 9223372036854775807 (it becomes 9223372036854775808, written 9223372036854776000),
 * so such a value read from the engine is an ExactInteger, and the API's JSON answers write it
 * as an exact JSON number, as PostgREST writes PostgreSQL's int8 and numeric: the column keeps
 * one JSON type, and a client that parses big numbers exactly (Python, Go's UseNumber, jq 1.7,
 * JSON.parse with a source-text reviver) gets the value itself. A plain JSON.stringify (files,
 * logs, other processes) writes its digits as a string, as before.
 */
export class ExactInteger {
  constructor(readonly digits: string) {}

  toJSON(): string {
    if (!marking) return this.digits;
    marked++;
    return MARK + this.digits;
  }

  toString(): string {
    return this.digits;
  }

  /** Arithmetic and Number() get the nearest double, as they did from the digits. */
  valueOf(): number {
    return Number(this.digits);
  }
}

/** Unguessable: a string of a user's data never starts with it. */
const MARK = `exact-integer-${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')}:`;
const MARKED = new RegExp(`"${MARK}(-?\\d+)"`, 'g');
let marking = false;
let marked = 0;

/** An integer's digits as a number when that loses nothing, else as an ExactInteger. */
export function exactInteger(digits: string): number | ExactInteger {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : new ExactInteger(digits);
}

/**
 * JSON.stringify, with ExactIntegers written as exact JSON numbers. JSON.stringify is
 * synchronous, so the mode cannot leak into another serialisation.
 */
export function stringifyExact(value: unknown): string {
  marking = true;
  marked = 0;
  let text: string;
  try {
    text = JSON.stringify(value);
  } finally {
    marking = false;
  }
  return marked ? text.replace(MARKED, '$1') : text;
}

/** {@link stringifyExact} of a request's value, whose exact integers are bigints (small bodies: a replacer). */
export function stringifyBigints(value: unknown): string | undefined {
  let found = false;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'bigint') return v;
    found = true;
    return MARK + v.toString();
  });
  return found && text !== undefined ? text.replace(MARKED, '$1') : text;
}

/** The value with its bigints made the nearest doubles, in place: for code that takes numbers only. */
export const bigintsAsNumbers = (value: unknown): unknown =>
  replaceLeaves(value, (v) => (typeof v === 'bigint' ? Number(v) : v));

/** Replaces each value that is neither an array nor an object, in place. */
function replaceLeaves(value: unknown, replace: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = replaceLeaves(value[i], replace);
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = replaceLeaves(record[key], replace);
    return value;
  }
  return replace(value);
}

/** An integer literal (sign and digits, no fraction or exponent) and what may follow a number. */
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
const LONG_DIGITS = /\d{16}/;

/**
 * JSON text where integer literals a double cannot hold exactly become marked strings (none in
 * the text's own strings), or null when there are none: the caller parses it and calls
 * {@link exactIntegersIn} on the value.
 */
export function markLongIntegers(text: string): string | null {
  if (!LONG_DIGITS.test(text)) return null;
  let out = '';
  let from = 0;
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) continue;
      const literal = m[0];
      if (!m[1] && !m[2] && !Number.isSafeInteger(Number(literal))) {
        out += `${text.slice(from, i)}"${MARK}${literal}"`;
        from = i + literal.length;
        found = true;
      }
      i += literal.length - 1;
    }
  }
  return found ? out + text.slice(from) : null;
}

/**
 * The value parsed from {@link markLongIntegers}' text, its marked strings made exact integers
 * (bigints for a request's parameters, ExactIntegers for data read back), in place.
 */
export function exactIntegersIn(value: unknown, make: (digits: string) => unknown = BigInt): unknown {
  return replaceLeaves(value, (v) => (typeof v === 'string' && v.startsWith(MARK) ? make(v.slice(MARK.length)) : v));
}

/**
 * JSON.parse for the web UI: integers past ±2^53 as their digits (text), which it shows as they
 * are, rather than the nearest double (this module is shared with the browser: no Node imports).
 */
export function parseLongIntegersAsText(text: string): unknown {
  const marked = markLongIntegers(text);
  return marked === null ? JSON.parse(text) : exactIntegersIn(JSON.parse(marked), (digits) => digits);
}

/** JSON.parse that keeps integers past ±2^53 exact, as ExactIntegers (data written by {@link stringifyExact}). */
export function parseExact(text: string): unknown {
  const marked = markLongIntegers(text);
  return marked === null ? JSON.parse(text) : exactIntegersIn(JSON.parse(marked), (d) => new ExactInteger(d));
}
