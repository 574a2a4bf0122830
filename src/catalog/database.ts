import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { postgresDriver } from '../common/postgres-driver.js';
import { withCatalogLock } from './catalog-lock.js';
import { migrateToLatest } from './migrations.js';
import { withStatementCache } from './statement-cache.js';
import type { CatalogTables } from './tables.js';

export type Dialect = 'sqlite' | 'postgres';

export interface CatalogDatabase {
  db: Kysely<CatalogTables>;
  dialect: Dialect;
  close(): Promise<void>;
}

/**
 * The catalog file and its WAL and shared-memory files readable by the server's user only (0600):
 * it holds connection secrets. A new one is created so (SQLite gives its -wal and -shm files the
 * database file's mode); an older one is tightened.
 */
function ownerOnly(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/**
 * Opens the catalog: PostgreSQL when `url` starts with postgres://, otherwise a SQLite
 * file (`catalog.db` under the workspace). Runs migrations before returning.
 */
export async function openCatalogDatabase(options: { url?: string; home: string }): Promise<CatalogDatabase> {
  let db: Kysely<CatalogTables>;
  let dialect: Dialect;
  if (options.url && /^postgres(ql)?:\/\//.test(options.url)) {
    dialect = 'postgres';
    const pool = new (postgresDriver().Pool)({ connectionString: options.url, max: 10 });
    // An idle connection dropped by the server (restart, failover, admin command) must not
    // crash the process: the pool discards it and the next query opens a new one.
    pool.on('error', () => undefined);
    db = new Kysely<CatalogTables>({ dialect: new PostgresDialect({ pool }) });
  } else {
    dialect = 'sqlite';
    const file =
      options.url && options.url !== ''
        ? options.url.replace(/^sqlite:\/\//, '')
        : path.join(options.home, 'catalog.db');
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    if (file !== ':memory:') ownerOnly(file);
    const sqlite = new Database(file);
    // WAL lets readers go on while a build commits; a busy timeout rides out short write locks.
    sqlite.pragma('journal_mode = WAL');
    // In WAL mode NORMAL stays consistent after a crash (only the last commits may be lost on
    // power failure) and saves an fsync per commit, which dominates small catalog writes.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    db = new Kysely<CatalogTables>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  }
  // Servers starting together migrate one after the other; the later ones find nothing to do.
  await withCatalogLock(db as Kysely<unknown>, dialect, 'llano.migrations', () =>
    migrateToLatest(db as Kysely<unknown>, dialect),
  );
  return { db, dialect, close: () => db.destroy() };
}
