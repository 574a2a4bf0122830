import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doubleColumn, isValid } from './chunk-columns.js';
import { sinkChunks } from './chunk-sink.js';
import { DuckDb } from './duckdb.js';

describe('rows of a query handed to JavaScript chunk by chunk', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await DuckDb.open();
  });
  afterAll(() => db.close());

  it('hands over every row once, NULLs as NULLs, on any number of threads', async () => {
    const n = 300_000;
    await db.withConnection(async (conn) => {
      const seen = new Uint8Array(n);
      let nulls = 0;
      let wrong = 0;
      await sinkChunks(
        conn,
        ['CAST(range AS DOUBLE)', 'CASE WHEN range % 10 = 0 THEN NULL ELSE CAST(range AS DOUBLE) * 0.5 END'],
        `range(${n})`,
        (chunk) => {
          const at = doubleColumn(chunk, 1).values;
          const half = doubleColumn(chunk, 2);
          for (let i = 0; i < chunk.rowCount; i++) {
            seen[at[i]]++;
            if (!isValid(half.valid, i)) nulls++;
            else if (half.values[i] !== at[i] * 0.5) wrong++;
          }
        },
      );
      expect(seen.every((count) => count === 1)).toBe(true);
      expect(nulls).toBe(n / 10);
      expect(wrong).toBe(0);
      // A relation with no rows calls nothing.
      let calls = 0;
      await sinkChunks(conn, ['range'], 'range(0)', () => calls++);
      expect(calls).toBe(0);
    });
  });

  it('fails the query with the error thrown by the callback, and can run again after', async () => {
    await db.withConnection(async (conn) => {
      const refused = new RangeError('the input changed while it was read');
      await expect(
        sinkChunks(conn, ['range'], 'range(100000)', () => {
          throw refused;
        }),
      ).rejects.toBe(refused);
      let rows = 0;
      await sinkChunks(conn, ['range'], 'range(5000)', (chunk) => (rows += chunk.rowCount));
      expect(rows).toBe(5000);
    });
  });
});
