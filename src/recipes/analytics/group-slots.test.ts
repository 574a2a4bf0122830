import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../engine/duckdb.js';
import { groupSlots, perfectHash } from './group-slots.js';
import { GROUPS_TABLE } from './grouped-series.js';

describe('group slots', () => {
  it('gives distinct slots below the size to 20,000 random hashes, and none to a repeated hash', () => {
    let seed = 5n;
    const next = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n);
    const hashes = Array.from({ length: 20_000 }, next);
    const table = perfectHash(hashes)!;
    expect(new Set(table.slotOf).size).toBe(hashes.length);
    expect(Math.max(...table.slotOf)).toBeLessThan(table.size);
    expect(table.size).toBeLessThan(1.3 * hashes.length);
    expect(perfectHash([...hashes.slice(0, 10), hashes[3]])).toBeNull();
  });

  describe('in SQL', () => {
    let db: DuckDb;
    beforeAll(async () => {
      db = await DuckDb.open();
    });
    afterAll(() => db.close());

    it("finds each row's group slot from its keys, NULL keys included", async () => {
      await db.run(`CREATE TABLE obs AS SELECT CASE WHEN i % 17 = 0 THEN NULL ELSE 'a' || (i % 500) END AS site,
        CASE WHEN i % 13 = 0 THEN NULL ELSE i % 3 END AS band, i FROM range(20000) r(i)`);
      const slots = await db.withConnection(async (conn) => {
        await conn.run(
          `CREATE OR REPLACE TEMP TABLE ${GROUPS_TABLE} AS SELECT CAST(row_number() OVER (ORDER BY site, band) - 1 AS INTEGER) AS gid, site, band FROM (SELECT DISTINCT site, band FROM obs)`,
        );
        const count = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${GROUPS_TABLE}`)).getRows()[0][0]);
        const s = await groupSlots(conn, ['site', 'band'], count);
        const rows = (
          await conn.runAndReadAll(
            `SELECT g.gid, ${s.sql('o')} FROM obs o JOIN ${GROUPS_TABLE} g ON o.site IS NOT DISTINCT FROM g.site AND o.band IS NOT DISTINCT FROM g.band`,
          )
        ).getRows();
        return { s, count, rows };
      });
      expect(slots.count).toBeGreaterThan(1000);
      for (const [gid, slot] of slots.rows) expect(Number(slot)).toBe(slots.s.slotOf[Number(gid)] + 1);
      expect(slots.rows).toHaveLength(20000);
    });
  });
});
