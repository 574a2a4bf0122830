/**
 * Counter-based noise for the Trec rows, defined once in two languages: TypeScript (for
 * the truth table and `Simulation.days()`) and DuckDB SQL (for the files). A value is a
 * pure function of a 32-bit key, so DuckDB can expand millions of rows in vectorized SQL
 * while the JS side computes exactly the same numbers for the few rows it needs.
 *
 * The hash is the two-round 32-bit integer mix found by hash-prospector
 * (`x ^= x >> 16; x *= 0x21f0aaad; x ^= x >> 15; x *= 0x735a2d97; x ^= x >> 15`). Both
 * multipliers are below 2^31, so in SQL `x * m` stays inside BIGINT for any 32-bit x and
 * `& 0xffffffff` gives the same low 32 bits as `Math.imul`. It only uses integer
 * arithmetic, so it does not depend on the DuckDB version (unlike DuckDB's `hash()`).
 */

const M1 = 0x21f0aaad;
const M2 = 0x735a2d97;
const MASK = 4294967295;

/** The 32-bit mix of a (wrapped) 32-bit key, as an unsigned number. */
export function mix32(key: number): number {
  let h = key >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, M1);
  h ^= h >>> 15;
  h = Math.imul(h, M2);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Uniform in (0, 1) from the high 16 bits of a hash. */
export const uHi = (h: number): number => (Math.floor(h / 65536) + 0.5) / 65536;
/** Uniform in (0, 1) from the low 16 bits of a hash. */
export const uLo = (h: number): number => ((h & 65535) + 0.5) / 65536;
/** Uniform in (0, 1) from all 32 bits of a hash. */
export const u32 = (h: number): number => (h + 0.5) / 4294967296;

/** Box–Muller pair from one hash: radius from the high, angle from the low 16 bits (|n| ≤ 4.86). */
export function normalA(h: number): number {
  return Math.sqrt(-2 * Math.log(uHi(h))) * Math.cos(2 * Math.PI * uLo(h));
}
export function normalB(h: number): number {
  return Math.sqrt(-2 * Math.log(uHi(h))) * Math.sin(2 * Math.PI * uLo(h));
}

// ---- SQL: the same functions over BIGINT columns holding unsigned 32-bit values ----

/** A literal DuckDB reads as DOUBLE (a plain `0.5` would be DECIMAL, which is many times slower). */
export const dbl = (x: number): string => {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return `${x}::DOUBLE`;
};

/** `(expr) mod 2^32` for a non-negative BIGINT expression. */
export const wrapSql = (expr: string): string => `((${expr}) & ${MASK})`;

/**
 * Wraps `inner` (a SELECT) in the five projections of `mix32`, hashing each column of
 * `keys` into `<key>_h`. One projection per step keeps every intermediate computed once.
 */
export function mixSql(inner: string, keys: readonly string[]): string {
  const step = (q: string, f: (k: string) => string) => `SELECT *, ${keys.map(f).join(', ')} FROM (${q})`;
  let q = step(inner, (k) => `xor(${k}, ${k} >> 16) AS ${k}_1`);
  q = step(q, (k) => `(${k}_1 * ${M1}) & ${MASK} AS ${k}_2`);
  q = step(q, (k) => `xor(${k}_2, ${k}_2 >> 15) AS ${k}_3`);
  q = step(q, (k) => `(${k}_3 * ${M2}) & ${MASK} AS ${k}_4`);
  return step(q, (k) => `xor(${k}_4, ${k}_4 >> 15) AS ${k}_h`);
}

/** `mix32` as one inline expression (for the few rows a CASE selects; repeats `key`). */
export function mixInlineSql(key: string): string {
  const a = `xor(${key}, ${key} >> 16)`;
  const b = `((${a}) * ${M1}) & ${MASK}`;
  const c = `xor(${b}, (${b}) >> 15)`;
  const d = `((${c}) * ${M2}) & ${MASK}`;
  return `xor(${d}, (${d}) >> 15)`;
}

export const uHiSql = (h: string): string => `(((${h}) >> 16)::DOUBLE + ${dbl(0.5)}) / ${dbl(65536)}`;
export const uLoSql = (h: string): string => `(((${h}) & 65535)::DOUBLE + ${dbl(0.5)}) / ${dbl(65536)}`;
export const u32Sql = (h: string): string => `((${h})::DOUBLE + ${dbl(0.5)}) / ${dbl(4294967296)}`;
