import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from './duckdb.js';
import { rowValues } from './row-values.js';

describe('row values read by DuckDB by row number', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await DuckDb.open();
  });
  afterAll(() => db.close());

  it('gives each row its value over many chunks, in any order, NaN as NULL and infinities kept', async () => {
    const n = 10_000;
    const values = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? NaN : i % 11 === 5 ? -Infinity : i / 4));
    await db.withConnection(async (conn) => {
      const read = rowValues(conn, values);
      try {
        // Consecutive rows (one copy per chunk), then rows shuffled and filtered (picked one by one).
        const inOrder = await conn.runAndReadAll(`SELECT range, ${read.sql('range')} FROM range(${n})`);
        const shuffled = await conn.runAndReadAll(
          `SELECT r, ${read.sql('r')} FROM (SELECT (range * 7919) % ${n} AS r FROM range(${n})) WHERE r % 3 <> 0`,
        );
        for (const result of [inOrder, shuffled]) {
          const rows = result.getRows();
          expect(rows.length).toBeGreaterThan(n / 2);
          for (const [row, value] of rows) {
            const want = values[Number(row)];
            expect(value).toBe(Number.isNaN(want) ? null : want);
          }
        }
      } finally {
        read.release();
      }
    });
  });

  it('keeps two sets of values apart, and fails clearly on a row out of range or values released', async () => {
    await db.withConnection(async (conn) => {
      const a = rowValues(conn, Float64Array.of(1, 2, 3));
      const b = rowValues(conn, Float64Array.of(10, 20, 30));
      const rows = await conn.runAndReadAll(`SELECT ${a.sql('range')}, ${b.sql('2 - range')} FROM range(3)`);
      expect(rows.getRows()).toEqual([
        [1, 30],
        [2, 20],
        [3, 10],
      ]);
      await expect(conn.run(`SELECT ${a.sql('range + 1')} FROM range(3)`)).rejects.toThrow(/row 3 is not among 3/);
      a.release();
      await expect(conn.run(`SELECT ${a.sql('range')} FROM range(3)`)).rejects.toThrow(/values are gone/);
      // A handle that was never given reads nothing either.
      await expect(conn.run(`SELECT llano_row_value(12345, 0)`)).rejects.toThrow(/values are gone/);
      b.release();
    });
  });
});
