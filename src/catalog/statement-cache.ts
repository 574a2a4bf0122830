import type Database from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct statement texts kept compiled; Kysely's `in (?, ?, …)` lists make the texts vary, so the cache is bounded. */
const CACHED_STATEMENTS = 256;

/**
 * The SQLite database as Kysely sees it, with compiled statements reused by their text. Kysely
 * compiles every query anew (`prepare`), which costs about as much as running a small catalog
 * statement; a build step runs some twenty of them. Only Kysely gets this view, so no other
 * code can switch a shared statement's mode (`pluck`, `raw`). A statement still being iterated
 * (a streamed select) is not handed out twice: that query gets a fresh one.
 */
export function withStatementCache(sqlite: Database.Database, limit = CACHED_STATEMENTS): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        // Most recently used last, so the first entry is the one to evict.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = sqlite.prepare(sql);
      if (!hit) {
        cache.set(sql, statement);
        if (cache.size > limit) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}
