import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { badRequest } from '../../common/errors.js';
import { quoteIdent } from '../../common/names.js';
import type { DuckDb } from '../../engine/duckdb.js';
import { duckdbReader, type SourceReader } from '../../engine/explore.js';
import { copySelectToParquet, type DatasetColumn } from '../../engine/parquet-output.js';
import { trimSql } from '../../engine/sql-text.js';
import type { ColumnInfo } from '../../engine/table-query.js';
import type { ExternalTableSource, TableRef } from '../../engine/table-source.js';

export type SqliteSettings = { path: string };

/** Opens the database file read-only: nothing Llano runs can change it. */
export function openReadOnly(path: string): Database.Database {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    // Integers beyond 2^53 stay exact.
    db.defaultSafeIntegers(true);
    return db;
  } catch (error) {
    throw badRequest(`Cannot open SQLite database ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `"schema"."name"` or `"name"` (SQLite's schemas are the attached databases: main, temp). */
export function sqliteName(table: TableRef): string {
  return table.schema ? `${quoteIdent(table.schema)}.${quoteIdent(table.name)}` : quoteIdent(table.name);
}

/** A prepared query that only reads; anything else is refused (the file is read-only anyway). */
export function prepareQuery(db: Database.Database, sql: string): Database.Statement {
  let stmt: Database.Statement;
  try {
    stmt = db.prepare(sql);
  } catch (error) {
    throw badRequest(`SQLite: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!stmt.reader) throw badRequest('A SQLite connection is read-only: only queries that return rows can run');
  return stmt;
}

/** Size and modification time of the database and its write-ahead log: they change with its data. */
export function fileToken(path: string): string {
  const stamp = (p: string) => (existsSync(p) ? `${statSync(p).size}:${statSync(p).mtimeMs}` : '-');
  return `sqlite:${stamp(path)}:${stamp(`${path}-wal`)}`;
}

type Kind = 'integer' | 'real' | 'text' | 'blob';
const DUCK_TYPES: Record<Kind, { type: string; cast: (c: string) => string }> = {
  integer: { type: 'BIGINT', cast: (c) => `CAST(${c} AS BIGINT)` },
  real: { type: 'DOUBLE', cast: (c) => `CAST(${c} AS DOUBLE)` },
  text: { type: 'VARCHAR', cast: (c) => c },
  blob: { type: 'BLOB', cast: (c) => `from_hex(${c})` },
};

function kindOf(value: unknown): Kind {
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'number') return 'real';
  if (Buffer.isBuffer(value)) return 'blob';
  return 'text';
}

/** A SQLite value for the text staging table: blobs in hex, numbers and text as they print. */
function asText(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value); // SQLite has no other value types
}

/** The narrowest column type holding every value seen (SQLite columns may mix them). */
function widen(seen: Kind | null, next: Kind): Kind {
  if (seen === null || seen === next) return next;
  if ((seen === 'integer' && next === 'real') || (seen === 'real' && next === 'integer')) return 'real';
  return 'text';
}

const YIELD_ROWS = 10_000;

/** The SELECT reading a table or query, at most `limit` rows (a preview's sample) when given. */
function selectOf(source: ExternalTableSource, limit?: number): string {
  const select = source.table ? `SELECT * FROM ${sqliteName(source.table)}` : trimSql(source.query!);
  return limit === undefined ? select : `SELECT * FROM (\n${select}\n) LIMIT ${Math.floor(limit)}`;
}

/**
 * The kind SQLite's type affinity gives a declared column type (its rules: INT, then CHAR, CLOB
 * or TEXT, then REAL, FLOA or DOUB); null where the values decide (no declared type, BLOB, NUMERIC).
 */
function declaredKind(declared: string | null | undefined): Kind | null {
  const t = (declared ?? '').toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (/CHAR|CLOB|TEXT/.test(t)) return 'text';
  if (/REAL|FLOA|DOUB/.test(t)) return 'real';
  return null;
}

const SAMPLE_ROWS = 1000;

/**
 * The columns of a table or query as its Parquet copy types them (see `sqliteToParquet`), without
 * copying: by the declared type where SQLite's affinity fixes the kind, else by the values of the
 * first rows. The copy goes by every value, so a column whose values stray from its declaration
 * (text in an INTEGER column) or that has values only further down can be typed otherwise once built.
 */
export function sqliteCopyColumns(db: Database.Database, source: ExternalTableSource): ColumnInfo[] {
  const stmt = prepareQuery(db, selectOf(source));
  const columns = stmt.columns();
  const kinds = columns.map((c) => declaredKind(c.type));
  if (kinds.includes(null)) {
    let rows = 0;
    for (const row of stmt.raw().iterate() as IterableIterator<unknown[]>) {
      row.forEach((value, i) => {
        if (value !== null && value !== undefined && declaredKind(columns[i].type) === null)
          kinds[i] = widen(kinds[i], kindOf(value));
      });
      if (++rows >= SAMPLE_ROWS) break;
    }
  }
  return columns.map((c, i) => ({ name: c.name, type: DUCK_TYPES[kinds[i] ?? 'text'].type }));
}

/**
 * Copies a table or query into a Parquet file: rows are read one at a time and appended as text
 * into a DuckDB temp table, each column then cast to the type its values had (SQLite types values,
 * not columns: integers, reals, text, blobs; a column mixing kinds becomes text).
 */
export async function sqliteToParquet(
  duck: DuckDb,
  source: ExternalTableSource,
  path: string,
  options: { limit?: number } = {},
): Promise<{ rowCount: number; columns: DatasetColumn[]; contentHash: string }> {
  const settings = source.connection as unknown as SqliteSettings;
  const db = openReadOnly(settings.path);
  try {
    const stmt = prepareQuery(db, selectOf(source, options.limit));
    const names = stmt.columns().map((c) => c.name);
    if (names.length === 0) throw badRequest('The SQLite source has no columns');
    return await duck.withConnection(async (conn) => {
      const staging = `llano_sqlite_${Math.random().toString(36).slice(2)}`;
      await conn.run(`CREATE TEMP TABLE ${staging} (${names.map((_, i) => `c${i} VARCHAR`).join(', ')})`);
      try {
        const appender = await conn.createAppender(staging, 'main', 'temp');
        const kinds: (Kind | null)[] = names.map(() => null);
        let rows = 0;
        for (const row of stmt.raw().iterate() as IterableIterator<unknown[]>) {
          row.forEach((value, i) => {
            if (value === null || value === undefined) return appender.appendNull();
            const kind = kindOf(value);
            kinds[i] = widen(kinds[i], kind);
            appender.appendVarchar(asText(value));
          });
          appender.endRow();
          // Reading is synchronous: let other requests run now and then.
          if (++rows % YIELD_ROWS === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        appender.closeSync();
        const select = names
          .map((name, i) => `${DUCK_TYPES[kinds[i] ?? 'text'].cast(`c${i}`)} AS ${quoteIdent(name)}`)
          .join(', ');
        return await copySelectToParquet(conn, `SELECT ${select} FROM temp.main.${staging}`, path);
      } finally {
        await conn.run(`DROP TABLE IF EXISTS temp.main.${staging}`);
      }
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'SqliteError') throw badRequest(`SQLite: ${error.message}`);
    throw error;
  } finally {
    db.close();
  }
}

const CACHE = join(tmpdir(), 'llano-sqlite-cache');

/**
 * The source as a Parquet file, copied once per state of the database file: exploring page
 * after page reads the copy. A new state replaces the copy of the same table or query.
 */
async function cachedParquet(duck: DuckDb, source: ExternalTableSource): Promise<string> {
  const settings = source.connection as unknown as SqliteSettings;
  const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24);
  const prefix = digest(JSON.stringify([settings.path, source.table ?? null, source.query ?? null]));
  const file = join(CACHE, `${prefix}-${digest(fileToken(settings.path))}.parquet`);
  if (existsSync(file)) return file;
  await mkdir(CACHE, { recursive: true });
  await sqliteToParquet(duck, source, file);
  for (const old of await readdir(CACHE)) {
    if (old.startsWith(`${prefix}-`) && join(CACHE, old) !== file) await rm(join(CACHE, old), { force: true });
  }
  return file;
}

/** SQLite tables are explored through a Parquet copy, with DuckDB's paging, filters and statistics. */
export const sqliteReader: SourceReader<ExternalTableSource> = {
  readRows: async (duck, source, options) =>
    duckdbReader.readRows(duck, { kind: 'parquet', paths: [await cachedParquet(duck, source)] }, options),
  columnStats: async (duck, source, options) =>
    duckdbReader.columnStats(duck, { kind: 'parquet', paths: [await cachedParquet(duck, source)] }, options),
  exportData: async (duck, source, format, options) =>
    duckdbReader.exportData(duck, { kind: 'parquet', paths: [await cachedParquet(duck, source)] }, format, options),
  materialize: sqliteToParquet,
};
