/** Type families used to decide which statistics make sense; accepts DuckDB and PostgreSQL type names. */

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC|INT[248]|FLOAT[48]|DOUBLE PRECISION|SMALLSERIAL|SERIAL|BIGSERIAL)\b/i;
const TEMPORAL = /^(DATE|TIMESTAMP)/i;
const NESTED = /(\[\]|\[\d+\]$|^STRUCT|^MAP|^UNION|^JSONB?$|^ARRAY$)/i;

export function isNumericType(type: string): boolean {
  return NUMERIC.test(type.trim()) && !isNestedType(type);
}

/** Dates and timestamps (with or without time zone): they get histograms, in epoch microseconds. */
export function isTemporalType(type: string): boolean {
  return TEMPORAL.test(type.trim()) && !isNestedType(type);
}

/** Lists, structs, maps, JSON: no min/max, no histogram. */
export function isNestedType(type: string): boolean {
  return NESTED.test(type.trim());
}

/** TIMESTAMP WITH TIME ZONE (TIMESTAMPTZ): an instant, shown and cast in the session's time zone unless told otherwise. */
export function isZonedTimeType(type: string): boolean {
  return /WITH TIME ZONE|TIMESTAMPTZ/i.test(type) && !isNestedType(type);
}
