import { createHash, type Hash } from 'node:crypto';
import { quoteIdent } from '../../common/names.js';
import type { TableRef } from '../../engine/table-source.js';
import { fileToken, openReadOnly, sqliteName } from './sqlite-reader.js';

/**
 * What changes when one SQLite table does, and only then. SQLite keeps no change counter per
 * table (`data_version` is per connection, a row count and the last rowid miss an UPDATE), so
 * the token is a hash of the table's definition and of every value it holds, in rowid order.
 * That is a read of the table, so it is computed once per state of the file (size and time of
 * the file and its write-ahead log) and kept in memory: a build that finds the file unchanged
 * pays nothing, and after a write to another table the hash is read again but stays the same,
 * so that table's readers are not rebuilt.
 *
 * Limits: a view (its rows come from other tables) and a query keep the file's token, so any
 * write to the file rebuilds their readers; a server restart reads each table once again.
 */
const known = new Map<string, { stamp: string; token: string }>();

const YIELD_ROWS = 10_000;

/** Each value with its kind and length, so that no two different rows hash alike. */
function hashValue(hash: Hash, value: unknown): void {
  if (value === null || value === undefined) hash.update('n;');
  else if (typeof value === 'bigint') hash.update(`i${value};`);
  else if (typeof value === 'number') hash.update(`r${value};`);
  else if (Buffer.isBuffer(value)) hash.update(`b${value.length}:`).update(value);
  else {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    hash.update(`s${Buffer.byteLength(text)}:`).update(text);
  }
}

/**
 * The token of `table` in the database file at `path` (see above); the file's token for a view
 * or a name that is not a table (the read then fails with its own message).
 */
export async function sqliteTableToken(path: string, table: TableRef): Promise<string> {
  const stamp = fileToken(path);
  const key = JSON.stringify([path, table.schema ?? 'main', table.name]);
  const cached = known.get(key);
  if (cached?.stamp === stamp) return cached.token;
  const db = openReadOnly(path);
  try {
    const schemaTable = `${table.schema ? `${quoteIdent(table.schema)}.` : ''}sqlite_schema`;
    const definition = db
      .prepare(`SELECT type, sql FROM ${schemaTable} WHERE name = ? COLLATE NOCASE`)
      .raw()
      .get(table.name) as [string, string | null] | undefined;
    if (!definition || definition[0] !== 'table') return stamp;
    const hash = createHash('sha256').update(`${definition[1]}\n`);
    // WITHOUT ROWID tables have no rowid: their primary key orders them.
    const withoutRowid = /\bwithout\s+rowid\b/i.test(definition[1] ?? '');
    const rows = db
      .prepare(`SELECT * FROM ${sqliteName(table)}${withoutRowid ? '' : ' ORDER BY rowid'}`)
      .raw()
      .iterate() as IterableIterator<unknown[]>;
    let n = 0;
    for (const row of rows) {
      for (const value of row) hashValue(hash, value);
      hash.update('\n');
      // Reading is synchronous: let other requests run now and then.
      if (++n % YIELD_ROWS === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const token = `sqlite-table:${n}:${hash.digest('hex').slice(0, 32)}`;
    known.set(key, { stamp, token });
    return token;
  } finally {
    db.close();
  }
}
