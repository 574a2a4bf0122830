import { afterEach, expect, it } from 'vitest';
import { withReadConnection } from './connection-pool.js';
import { DuckDb } from './duckdb.js';

let db: DuckDb | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

it('gives a read the connection of the previous one, but never one whose work failed', async () => {
  db = await DuckDb.open();
  const first = await withReadConnection(db, (conn) => Promise.resolve(conn));
  expect(await withReadConnection(db, (conn) => Promise.resolve(conn))).toBe(first);
  await expect(
    withReadConnection(db, async (conn) => {
      await conn.run('SELECT * FROM no_such_table');
    }),
  ).rejects.toThrow(/no_such_table/);
  const after = await withReadConnection(db, (conn) => Promise.resolve(conn));
  expect(after).not.toBe(first);
  expect((await after.runAndReadAll('SELECT 42')).getRowsJson()).toEqual([[42]]);
});

it('concurrent reads each get a connection of their own', async () => {
  db = await DuckDb.open();
  const seen = await Promise.all(
    [1, 2, 3].map(() => withReadConnection(db!, async (conn) => (await new Promise((r) => setTimeout(r, 20)), conn))),
  );
  expect(new Set(seen).size).toBe(3);
});
