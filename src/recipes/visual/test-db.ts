import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ident, literal, type ScalarValue } from './sql.js';

/**
 * An in-memory DuckDB for the visual recipe tests: fixtures are tables named like the recipe's
 * inputs, and the compiled SQL runs as it does in a build. Values come back as plain JS
 * (numbers, strings; timestamps and dates as their ISO-like text).
 */
export interface TestDb {
  table(name: string, columns: [string, string][], rows: ScalarValue[][]): Promise<void>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  columns(sql: string): Promise<string[]>;
  close(): void;
}

function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && 'items' in v && Array.isArray((v as { items: unknown[] }).items))
    return (v as { items: unknown[] }).items.map(plain);
  return (v as { toString(): string }).toString();
}

export async function testDb(): Promise<TestDb> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn: DuckDBConnection = await instance.connect();
  return {
    async table(name, columns, rows) {
      const cols = columns.map(([n, t]) => `${ident(n)} ${t}`).join(', ');
      await conn.run(`CREATE OR REPLACE TABLE ${ident(name)} (${cols})`);
      if (rows.length)
        await conn.run(
          `INSERT INTO ${ident(name)} VALUES ${rows.map((r) => `(${r.map((v, i) => `CAST(${literal(v)} AS ${columns[i][1]})`).join(', ')})`).join(', ')}`,
        );
    },
    async rows(sql) {
      const reader = await conn.runAndReadAll(sql);
      const names = reader.columnNames();
      return reader.getRows().map((r) => Object.fromEntries(r.map((v, i) => [names[i], plain(v)])));
    },
    async columns(sql) {
      const prepared = await conn.prepare(sql);
      return Array.from({ length: prepared.columnCount }, (_, i) => prepared.columnName(i));
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
