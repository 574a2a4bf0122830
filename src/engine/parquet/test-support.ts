import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { afterAll, beforeAll } from 'vitest';

/** For the Parquet writer's tests: a scratch folder and an in-memory DuckDB to read files back (closures: destructure them freely). */
export interface ReadBack {
  /** Where test files go (made before the tests, removed after). */
  path: (name: string) => string;
  rows: (sql: string) => Promise<DuckDBValue[][]>;
  json: (sql: string) => Promise<Record<string, unknown>[]>;
  /** The connection itself, for code under test that takes one. */
  connection: () => DuckDBConnection;
}

/** Call at the top of a test file: registers the hooks that make and remove the folder and the database. */
export function readBackWithDuckDB(prefix: string): ReadBack {
  let dir = '';
  let instance: DuckDBInstance | undefined;
  let db: DuckDBConnection | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
  });
  afterAll(() => {
    db?.closeSync();
    instance?.closeSync();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    path: (name) => join(dir, name),
    rows: async (sql) => (await db!.runAndReadAll(sql)).getRows(),
    json: async (sql) => (await db!.runAndReadAll(sql)).getRowObjectsJson(),
    connection: () => db!,
  };
}
