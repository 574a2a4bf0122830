import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../engine/duckdb.js';
import { ResultColumns } from './result-table.js';

describe('ResultColumns.write', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await DuckDb.open();
  });
  afterAll(() => db.close());

  it('writes every row over several chunks: NaN as NULL, infinities kept, integers as INTEGER', async () => {
    const rows = 5000;
    const out = new ResultColumns([
      { name: 'gid', type: 'INTEGER' },
      { name: 'score', type: 'DOUBLE' },
    ]);
    const score = (i: number) =>
      i % 1000 === 999 ? NaN : i === 4321 ? Infinity : i === 17 ? -Infinity : Math.sin(i) * 1e6 + 0.1;
    for (let i = 0; i < rows; i++) out.push(i % 7 === 3 && i > 4096 ? NaN : i - 2500, score(i));
    const back = await db.withConnection(async (conn) => {
      await out.write(conn, 'results');
      return (await db.query('SELECT gid, score, typeof(gid) FROM results', [], conn)).rows;
    });
    expect(back).toHaveLength(rows);
    back.forEach((r, i) => {
      expect(r[0], `gid ${i}`).toBe(i % 7 === 3 && i > 4096 ? null : i - 2500);
      const want = score(i);
      // The query answer spells infinities as text (JSON has no number for them).
      expect(r[1], `score ${i}`).toBe(Number.isNaN(want) ? null : Number.isFinite(want) ? want : String(want));
    });
    expect(back[0][2]).toBe('INTEGER');
  });
});
