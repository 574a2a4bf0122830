import { sql, type Kysely } from 'kysely';
import type { Dialect } from './database.js';

/**
 * Runs `fn` while holding a PostgreSQL advisory lock named `name`, so that servers starting
 * together on one catalog take turns at one-time work (migrations, creating the first admin)
 * instead of racing into duplicate keys. The lock lives on one connection held for the whole
 * of `fn`, and dies with it if the process does. SQLite needs none: its writers already queue
 * on the file lock.
 */
export async function withCatalogLock<DB, T>(
  db: Kysely<DB>,
  dialect: Dialect,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  if (dialect !== 'postgres') return fn();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext(${name}))`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${name}))`.execute(conn).catch(() => undefined);
    }
  });
}
