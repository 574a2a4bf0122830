import { describe, expect, it } from 'vitest';
import { sameChecks, sqlShape } from './sql-shape.js';

const shape = (sql: string) => {
  const s = sqlShape(sql);
  if (!s) throw new Error(`no shape for ${sql}`);
  return s;
};
const alike = (a: string, b: string) => sameChecks(shape(a), shape(b));

describe('sqlShape', () => {
  it('lets texts that differ only in compared or cast literals share a check', () => {
    const day = (d: string) => `SELECT day, v + 1 AS v FROM seed WHERE CAST(day AS VARCHAR) = '${d}'`;
    expect(alike(day('2024-01-01'), day('2024-12-31'))).toBe(true);
    expect(alike("SELECT * FROM t WHERE b IN ('x', 'y')", "SELECT * FROM t WHERE b IN ('z', 'w')")).toBe(true);
    expect(alike("SELECT '2024-01-01'::DATE AS d FROM t", "SELECT '2024-02-01'::DATE AS d FROM t")).toBe(true);
    expect(
      alike(
        "WITH a AS (SELECT * FROM t WHERE d >= 'x') SELECT * FROM a",
        "WITH a AS (SELECT * FROM t WHERE d >= 'y') SELECT * FROM a",
      ),
    ).toBe(true);
    expect(
      alike(
        "SELECT * FROM t WHERE b LIKE 'a%' AND c BETWEEN 'a' AND 'b'",
        "SELECT * FROM t WHERE b LIKE 'c%' AND c BETWEEN 'x' AND 'y'",
      ),
    ).toBe(true);
    // A quote inside the literal stays inside it.
    expect(alike("SELECT * FROM t WHERE b = 'x'", "SELECT * FROM t WHERE b = 'it''s'")).toBe(true);
  });

  it('does not when a literal whose content can decide a type differs', () => {
    expect(alike("SELECT COLUMNS('a.*') FROM t", "SELECT COLUMNS('b.*') FROM t")).toBe(false);
    expect(alike("SELECT struct_extract(s, 'a') FROM t", "SELECT struct_extract(s, 'b') FROM t")).toBe(false);
    expect(alike("SELECT * FROM read_csv('a.csv')", "SELECT * FROM read_csv('b.csv')")).toBe(false);
    expect(alike("SELECT coalesce(x = 'a', false) FROM t", "SELECT coalesce(x = 'b', false) FROM t")).toBe(false);
    expect(alike("SELECT 'a' AS x FROM t", "SELECT 'b' AS x FROM t")).toBe(false);
    // The same literal in a call is fine: nothing changed.
    expect(alike("SELECT COLUMNS('a.*') FROM t WHERE d = '1'", "SELECT COLUMNS('a.*') FROM t WHERE d = '2'")).toBe(
      true,
    );
  });

  it('does not when anything outside the literals differs', () => {
    expect(alike("SELECT * FROM t WHERE b = 'x'", "SELECT * FROM t WHERE b = 'x' UNION SELECT * FROM u --'")).toBe(
      false,
    );
    expect(alike("SELECT * FROM t WHERE b = 'x'", "SELECT * FROM t WHERE b = 'x'; DROP TABLE t; --'")).toBe(false);
    expect(alike("SELECT * FROM t WHERE b = 'x'", "SELECT * FROM t  WHERE b = 'x'")).toBe(false);
  });

  it('keeps comments as text and gives no shape for what it does not read for sure', () => {
    expect(shape("SELECT 1 -- it's\nFROM t /* 'x' */ WHERE a = 'b'").literals).toEqual([{ text: 'b', compared: true }]);
    for (const sql of [
      "SELECT E'\\''",
      "SELECT 'a\\' FROM t",
      'SELECT $1',
      'SELECT $$x$$',
      "SELECT 'open",
      'SELECT "open',
      'SELECT (1',
      'SELECT 1)',
      'SELECT 1 /* a /* nested */ */',
      'SELECT 1 /* open',
    ])
      expect(sqlShape(sql), sql).toBeNull();
  });
});
