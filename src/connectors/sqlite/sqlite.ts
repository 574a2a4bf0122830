import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { defineConnectionType } from '../connector.js';
import { sqliteTableToken } from './sqlite-table-token.js';
import {
  fileToken,
  openReadOnly,
  prepareQuery,
  sqliteCopyColumns,
  sqliteName,
  sqliteReader,
  type SqliteSettings,
} from './sqlite-reader.js';

const TYPE = 'sqlite';
const settings = z.object({ path: z.string().min(1).describe('Absolute path of the SQLite database file') }).strict();

function checkFile(file: string): void {
  if (!path.isAbsolute(file) || !existsSync(file) || !statSync(file).isFile())
    throw badRequest(`SQLite database ${file} is not an existing file (give an absolute path)`);
}

function withDatabase<T>(s: SqliteSettings, fn: (db: ReturnType<typeof openReadOnly>) => T): T {
  checkFile(s.path);
  const db = openReadOnly(s.path);
  try {
    return fn(db);
  } catch (error) {
    if (error instanceof Error && error.name === 'SqliteError') throw badRequest(`SQLite: ${error.message}`);
    throw error;
  } finally {
    db.close();
  }
}

/** SQLite answers synchronously; as a promise its errors (and a cancelled query) still arrive as rejections. */
function answer<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}

/**
 * A SQLite database file of the server, opened read-only: test, queries, table columns, and
 * tables or queries read as datasets (copied to Parquet for exploring and for recipes). Like a
 * folder, it reads the server's own files, so only a global admin creates one. SQLite runs in
 * this process, synchronously: an abort is seen before a query starts, not during it.
 */
export const sqliteConnection = defineConnectionType<SqliteSettings>({
  type: TYPE,
  label: 'SQLite',
  settings,
  adminOnly: true,
  check: (s) => checkFile(s.path),
  serverPaths: (s) => [s.path],
  test(s) {
    return answer(() =>
      withDatabase(s, (db) => {
        const version = db.prepare('SELECT sqlite_version()').pluck().get() as string;
        const tables = db
          .prepare("SELECT count(*) FROM sqlite_schema WHERE type IN ('table', 'view')")
          .pluck()
          .get() as bigint;
        return `SQLite ${version}, ${tables} tables and views in ${s.path}`;
      }),
    );
  },
  runSql(s, sql, { signal }) {
    return answer(() => {
      if (signal?.aborted) throw badRequest('The query was cancelled');
      return withDatabase(s, (db) => {
        const stmt = prepareQuery(db, sql);
        const rows = stmt.raw().all() as unknown[][];
        return {
          command: 'SELECT',
          rowCount: rows.length,
          columns: stmt.columns().map((c) => c.name),
          rows: rows.map((r) =>
            r.map((v) => (typeof v === 'bigint' && Number.isSafeInteger(Number(v)) ? Number(v) : v)),
          ),
        };
      });
    });
  },
  describeTable(s, table) {
    return answer(() =>
      withDatabase(s, (db) => {
        const columns = prepareQuery(db, `SELECT * FROM ${sqliteName(table)}`).columns();
        return columns.map((c) => ({ name: c.name, type: c.type ?? '' }));
      }),
    );
  },
  tables: {
    source: (s, where) => ({ kind: 'external', type: TYPE, connection: { ...s }, ...where }),
    reader: sqliteReader,
    describe: (s, where) =>
      answer(() =>
        withDatabase(s, (db) =>
          sqliteCopyColumns(db, { kind: 'external', type: TYPE, connection: { ...s }, ...where }),
        ),
      ),
    // Per table (a hash of its values, read once per state of the file); a query or a view: per file.
    versionToken: (s, where) =>
      where.table ? sqliteTableToken(s.path, where.table) : Promise.resolve(fileToken(s.path)),
  },
});
