import { badRequest } from '../common/errors.js';

/**
 * JSON.parse turns a number past a double's range (`1e400`) into Infinity, which JSON.stringify
 * then writes as `null`: a parameter check would answer "got number null". The caller needs to
 * hear that the number they sent is out of range, and where it stands in the body. (The body's
 * depth is bounded by the JSON parser's limit, LLANO_MAX_JSON_DEPTH, before this walks it.)
 */
export function checkNumbersInRange(body: unknown): void {
  const path = pathToNonFinite(body);
  if (!path) return;
  const where = path.length
    ? path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')
    : 'the body';
  const value = path.reduce<unknown>((node, p) => (node as Record<string | number, unknown>)[p], body) as number;
  throw badRequest(
    `${where}: the number is out of range (${value < 0 ? 'below -1.8e308' : 'over 1.8e308'}): a finite double is required`,
  );
}

/** The keys leading to the first non-finite number, or null: a body of valid numbers allocates nothing per value. */
function pathToNonFinite(value: unknown): (string | number)[] | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : [];
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = pathToNonFinite(value[i]);
      if (inner) return [i, ...inner];
    }
    return null;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const inner = pathToNonFinite((value as Record<string, unknown>)[key]);
    if (inner) return [key, ...inner];
  }
  return null;
}
