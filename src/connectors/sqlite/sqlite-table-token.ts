import { createHash } from 'node:crypto';
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
 * write to the file rebuilds their readers; a server restart reads each table once again; the
 * read costs about what reading the rows does (a million rows of four columns: ~3.6 s on a loaded
 * 2-core machine), once per write to the file and table read, where the file's token cost nothing.
 */
const known = new Map<string, { stamp: string; token: string }>();

const YIELD_ROWS = 50_000;

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
    // One text per row, made by SQLite: quote() writes each value unambiguously (text quoted, blobs
    // as X'…', NULL), far cheaper than handing every value to JavaScript.
    const columns = db.prepare(`SELECT name FROM pragma_table_info(?${table.schema ? ', ?' : ''})`).pluck();
    const names = (table.schema ? columns.all(table.name, table.schema) : columns.all(table.name)) as string[];
    const row = names.map((n) => `quote(${quoteIdent(n)})`).join(` || ',' || `) || "''";
    // WITHOUT ROWID tables have no rowid: their primary key orders them.
    const withoutRowid = /\bwithout\s+rowid\b/i.test(definition[1] ?? '');
    const rows = db
      .prepare(`SELECT ${row} FROM ${sqliteName(table)}${withoutRowid ? '' : ' ORDER BY rowid'}`)
      .pluck()
      .iterate() as IterableIterator<string>;
    let n = 0;
    for (const text of rows) {
      hash.update(text).update('\n');
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
