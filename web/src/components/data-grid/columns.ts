export const isNumeric = (type: string) =>
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL|INT|NUMERIC)/i.test(
    type,
  );

/** A column's width in pixels, from its type (numbers narrow, timestamps wide) and its name. */
export function columnWidth(name: string, type: string): number {
  const base = isNumeric(type)
    ? 110
    : /TIMESTAMP/i.test(type)
      ? 190
      : /DATE/i.test(type)
        ? 110
        : /BOOL/i.test(type)
          ? 80
          : 170;
  return Math.min(320, Math.max(base, name.length * 8 + 34));
}
