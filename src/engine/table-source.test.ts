import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDb } from './duckdb.js';
import { duckdbRelation, tableSourceSchema } from './table-source.js';

describe('duckdbRelation', () => {
  let db: DuckDb;
  let dir: string;
  beforeAll(async () => {
    db = await DuckDb.open();
    dir = await mkdtemp(join(tmpdir(), 'llano-source-'));
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads several Parquet files as one relation, quoting hostile paths', async () => {
    const a = join(dir, "it's a.parquet");
    const b = join(dir, 'b.parquet');
    await db.run(`COPY (SELECT 1 AS x) TO '${a.replace(/'/g, "''")}' (FORMAT parquet)`);
    await db.run(`COPY (SELECT 2 AS x) TO '${b}' (FORMAT parquet)`);
    const r = await db.query(`SELECT sum(x) AS s FROM ${duckdbRelation({ kind: 'parquet', paths: [a, b] })}`);
    expect(r.rows).toEqual([[3]]);
  });

  it('reads CSV with explicit options and JSON lines', async () => {
    const csv = join(dir, 'x.csv');
    await writeFile(csv, '1;a\n2;b\n');
    const r = await db.query(
      `SELECT * FROM ${duckdbRelation({ kind: 'file', path: csv, format: 'csv', csv: { delimiter: ';', header: false } })} ORDER BY 1`,
    );
    expect(r.rows).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    const jsonl = join(dir, 'x.jsonl');
    await writeFile(jsonl, '{"a":1}\n{"a":2}\n');
    const j = await db.query(`SELECT sum(a) FROM ${duckdbRelation({ kind: 'file', path: jsonl, format: 'jsonl' })}`);
    expect(j.rows).toEqual([[3]]);
  });

  it('refuses empty Parquet sources and external (database) sources with a 400', () => {
    expect(() => duckdbRelation({ kind: 'parquet', paths: [] })).toThrow(/no data/);
    expect(() => duckdbRelation({ kind: 'external', type: 'postgres', connection: {}, table: { name: 't' } })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('validates stored sources: a database source needs exactly one of table and query', () => {
    expect(
      tableSourceSchema.safeParse({ kind: 'external', type: 'postgres', connection: {}, table: { name: 't' } }).success,
    ).toBe(true);
    expect(tableSourceSchema.safeParse({ kind: 'external', type: 'postgres', connection: {} }).success).toBe(false);
    expect(
      tableSourceSchema.safeParse({
        kind: 'external',
        type: 'postgres',
        connection: {},
        table: { name: 't' },
        query: 'SELECT 1',
      }).success,
    ).toBe(false);
    expect(tableSourceSchema.safeParse({ kind: 'file', path: '/x', format: 'xls' }).success).toBe(false);
  });
});
