import { ExactInteger } from '../common/exact-json.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type RunningPostgres } from '../../test/support/embedded-postgres.js';
import { DuckDb } from './duckdb.js';
import {
  closePostgresPools,
  describeConnection,
  materializeToParquet,
  postgresReader,
  type PostgresTableSource,
} from './postgres.js';
import { parseFilters, parseSort } from './table-query.js';

// PostgreSQL sources are explored by the PostgreSQL connection type's reader.
const readRows = postgresReader.readRows.bind(postgresReader);
const columnStats = postgresReader.columnStats.bind(postgresReader);
const exportData = postgresReader.exportData.bind(postgresReader);
const HOSTILE = 'x"); DROP TABLE t; --';
let server: RunningPostgres;
let db: DuckDb;
let dir: string;
let table: PostgresTableSource;

beforeAll(async () => {
  server = await startPostgres();
  db = await DuckDb.open(':memory:', { threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'llano-pg-explore-'));
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(`
    CREATE SCHEMA ops;
    CREATE TYPE ops.verdict AS ENUM ('ok', '=HYPERLINK("http://x.invalid")', '-1');
    CREATE DOMAIN ops.remark AS text;
    CREATE DOMAIN ops.amount AS integer;
    CREATE TABLE ops.huge (x float8, n integer);
    INSERT INTO ops.huge VALUES (1e308, 1), (1, 2), (1e308, 3);
    CREATE TABLE ops.typed (id integer, verdict ops.verdict, remark ops.remark, amount ops.amount);
    INSERT INTO ops.typed VALUES (1, '=HYPERLINK("http://x.invalid")', '@SUM(A1)', -5), (2, 'ok', 'fine', 3), (3, '-1', '+1', -1);
    CREATE TABLE ops.arrays (id integer, ints integer[], floats float8[], texts text[], flags boolean[], days date[], times timestamp[], amounts numeric(6,2)[], grid integer[]);
    INSERT INTO ops.arrays VALUES
      (1, '{1,NULL,3}', '{1.5,-2}', ARRAY['a', 'b c', '{x,"y"}', NULL, 'NULL'], '{t,f}', '{2024-01-02}', '{"2024-01-02 03:04:05.5"}', '{1.25}', '{{1,2},{3,4}}'),
      (2, '{}', NULL, '{}', NULL, NULL, NULL, NULL, '{5}');
    CREATE TABLE ops.obs (id integer, antenna text, value numeric(4,1), ts timestamp, "x""); DROP TABLE t; --" text, big bigint, ok boolean, meta jsonb);
    INSERT INTO ops.obs VALUES
      (1, 'DA41', 1.0, '2024-01-01 00:00:00', 'a', 9007199254740993, true, '{"k":1}'),
      (2, 'DA41', 2.0, '2024-01-01 01:00:00', 'b', 2, false, NULL),
      (3, 'DV02', 3.0, '2024-01-01 02:00:00', NULL, 3, true, '[1,2]'),
      (4, 'PM01', 4.0, '2024-01-01 03:00:00', 'd', 4, NULL, NULL),
      (5, 'DA41', NULL, '2024-01-01 04:00:00', 'e', 5, true, NULL);`);
  await client.end();
  table = {
    kind: 'external',
    type: 'postgres',
    connection: { url: server.url },
    table: { schema: 'ops', name: 'obs' },
  };
}, 60_000);
afterAll(async () => {
  await closePostgresPools(db);
  await db?.close();
  await rm(dir, { recursive: true, force: true });
  await server?.stop();
});

// vitest types its asymmetric matchers as any; typed unknown they sit in an expected object safely.
const matching = (pattern: string | RegExp): unknown => expect.stringMatching(pattern);

describe('PostgreSQL sources: readRows', () => {
  it('pages, sorts and counts in PostgreSQL', async () => {
    const page = await readRows(db, table, { offset: 1, limit: 2, sort: parseSort('-value') });
    expect(page.columns.slice(0, 4)).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'antenna', type: 'text' },
      { name: 'value', type: 'numeric(4,1)' },
      { name: 'ts', type: 'timestamp without time zone' },
    ]);
    expect(page.rows.map((r) => r[0])).toEqual([3, 2]);
    expect(page.rows[0].slice(0, 6)).toEqual([3, 'DV02', 3, '2024-01-01 02:00:00', null, 3]);
    expect(page.total).toBe(5);
    const last = await readRows(db, table, { sort: parseSort('value') });
    expect(last.rows.at(-1)![0]).toBe(5);
  });

  it('filters with parameters, including a hostile column and a hostile value', async () => {
    const quoted = `"${HOSTILE.replace(/"/g, '""')}"`;
    const page = await readRows(db, table, {
      filters: parseFilters([
        'antenna:in:DA41|DV02',
        'ts:lt:2024-01-01 03:00:00',
        'antenna:startswith:D',
        'antenna:contains:4',
      ]),
    });
    expect(page.rows.map((r) => r[0]).sort()).toEqual([1, 2]);
    expect((await readRows(db, table, { filters: parseFilters([`${quoted}:isnull`]) })).rows.map((r) => r[0])).toEqual([
      3,
    ]);
    expect((await readRows(db, table, { filters: parseFilters(["antenna:eq:x' OR '1'='1"]) })).total).toBe(0);
    expect(page.rows[0][5]).toBe('9007199254740993');
  });

  it('reports a wrong filter value with PostgreSQL message as 400', async () => {
    await expect(readRows(db, table, { filters: parseFilters(['id:eq:abc']) })).rejects.toMatchObject({
      status: 400,
      message: matching(/invalid input syntax for type integer/),
    });
    await expect(readRows(db, table, { filters: parseFilters(['nope:eq:1']) })).rejects.toMatchObject({
      status: 400,
      message: matching(/nope/),
    });
  });

  it('reads a query source', async () => {
    const query: PostgresTableSource = {
      kind: 'external',
      type: 'postgres',
      connection: { url: server.url },
      query: 'SELECT antenna, count(*) AS n FROM ops.obs GROUP BY antenna',
    };
    const page = await readRows(db, query, { sort: parseSort('-n') });
    expect(page.rows[0]).toEqual(['DA41', 3]);
    expect(page.total).toBe(3);
  });

  it('accepts a query ending with a semicolon and a comment, and refuses a second statement', async () => {
    const query: PostgresTableSource = {
      kind: 'external',
      type: 'postgres',
      connection: { url: server.url },
      query: 'SELECT id FROM ops.obs; -- all of them',
    };
    expect((await readRows(db, query)).total).toBe(5);
    const smuggled: PostgresTableSource = {
      ...query,
      query: 'SELECT 1 AS x) AS a; DROP TABLE ops.obs; SELECT * FROM (SELECT 1',
    };
    await expect(readRows(db, smuggled)).rejects.toMatchObject({ status: 400 });
    expect((await readRows(db, table)).total).toBe(5);
  });

  it('reports connection failures as 400 without the password', async () => {
    const url = new URL(server.url);
    url.password = 'wrong-secret';
    const error = await readRows(db, { ...table, connection: { url: url.toString() } }).catch((e: Error) => e);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).not.toContain('wrong-secret');
    expect(describeConnection({ url: url.toString() })).not.toContain('wrong-secret');
  });
});

describe('PostgreSQL sources: columnStats', () => {
  it('matches hand-computed statistics', async () => {
    const stats = Object.fromEntries((await columnStats(db, table)).map((s) => [s.name, s]));
    const value = stats.value;
    expect(value).toMatchObject({
      count: 5,
      nulls: 1,
      distinct: 4,
      min: 1,
      max: 4,
      mean: 2.5,
      distinctIsApproximate: false,
    });
    expect(value.stddev).toBeCloseTo(Math.sqrt(5 / 3), 10);
    expect(value.histogram.map((b) => b.count)).toEqual([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(stats.antenna.topValues).toEqual([
      { value: 'DA41', count: 3 },
      { value: 'DV02', count: 1 },
      { value: 'PM01', count: 1 },
    ]);
    expect(stats.ts.histogram[19].high).toBe('2024-01-01T04:00:00.000Z');
    expect(stats.ok).toMatchObject({ min: false, max: true, nulls: 1, distinct: 2 });
    expect(stats.meta).toMatchObject({ nulls: 3, distinct: 2, min: null });
    expect(stats[HOSTILE]).toMatchObject({ nulls: 1, distinct: 4 });
  });

  it('gives a float column near the largest double its moments, and the other columns theirs', async () => {
    // 1e308 overflows float8's sum of squares: PostgreSQL refused the whole statistics query.
    const huge = { ...table, table: { schema: 'ops', name: 'huge' } };
    const stats = Object.fromEntries((await columnStats(db, huge)).map((s) => [s.name, s]));
    expect(stats.x).toMatchObject({ count: 3, nulls: 0, min: 1, max: 1e308 });
    expect(stats.x.mean! / ((1e308 / 3) * 2)).toBeCloseTo(1, 10);
    expect(stats.x.stddev! / (1e308 / Math.sqrt(3))).toBeCloseTo(1, 10);
    expect(stats.n).toMatchObject({ mean: 2, stddev: 1, min: 1, max: 3 });
  });
});

describe('PostgreSQL sources: export and materialize', () => {
  it('streams CSV and JSON through a cursor', async () => {
    const csv = await text(
      await exportData(db, table, 'csv', { sort: parseSort('id'), filters: parseFilters(['antenna:eq:DA41']) }),
    );
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('1,DA41,1,2024-01-01 00:00:00,a,9007199254740993,true,"{""k"":1}"');
    const json = JSON.parse(await text(await exportData(db, table, 'json', { sort: parseSort('-id') }))) as {
      id: number;
      meta: unknown;
    }[];
    expect(json.map((r) => r.id)).toEqual([5, 4, 3, 2, 1]);
    expect(json[2].meta).toEqual([1, 2]);
  });

  it('escapes formula cells of text columns in PostgreSQL, not numbers; keep writes them raw', async () => {
    const formulas: PostgresTableSource = {
      kind: 'external',
      type: 'postgres',
      connection: { url: server.url },
      query: `SELECT * FROM (VALUES (1, '=cmd|'' /C calc''!A0'::text, -5), (2, '@x'::varchar(10), 3), (3, 'a', -1)) v(id, note, n)`,
    };
    const csv = async (mode: 'escape' | 'keep') =>
      (await text(await exportData(db, formulas, 'csv', { sort: parseSort('-id'), formulas: mode })))
        .trimEnd()
        .split('\r\n');
    expect(await csv('escape')).toEqual(['id,note,n', '3,a,-1', "2,'@x,3", `1,'=cmd|' /C calc'!A0,-5`]);
    expect(await csv('keep')).toEqual(['id,note,n', '3,a,-1', '2,@x,3', `1,=cmd|' /C calc'!A0,-5`]);
  });

  it('escapes formula cells of enum and domain-over-text columns, not of a domain over integer', async () => {
    const typed: PostgresTableSource = { ...table, table: { schema: 'ops', name: 'typed' } };
    const csv = async (mode: 'escape' | 'keep') =>
      (await text(await exportData(db, typed, 'csv', { sort: parseSort('id'), formulas: mode })))
        .trimEnd()
        .split('\r\n');
    expect(await csv('escape')).toEqual([
      'id,verdict,remark,amount',
      `1,"'=HYPERLINK(""http://x.invalid"")",'@SUM(A1),-5`,
      '2,ok,fine,3',
      "3,'-1,'+1,-1",
    ]);
    expect(await csv('keep')).toEqual([
      'id,verdict,remark,amount',
      '1,"=HYPERLINK(""http://x.invalid"")",@SUM(A1),-5',
      '2,ok,fine,3',
      '3,-1,+1,-1',
    ]);
    // Sorting still follows the enum's own order, not the text's.
    const byVerdict = await text(await exportData(db, typed, 'csv', { sort: parseSort('verdict') }));
    expect(
      byVerdict
        .trimEnd()
        .split('\r\n')
        .map((l) => l.split(',')[0]),
    ).toEqual(['id', '2', '1', '3']);
  });

  it('streams a big table in many cursor batches', async () => {
    const big: PostgresTableSource = {
      kind: 'external',
      type: 'postgres',
      connection: { url: server.url },
      query: 'SELECT g AS n, md5(g::text) AS h FROM generate_series(1, 20000) g',
    };
    const csv = await text(await exportData(db, big, 'csv'));
    expect(csv.trimEnd().split('\r\n')).toHaveLength(20_001);
  });

  it('exports Parquet with PostgreSQL types mapped to DuckDB types', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of await exportData(db, table, 'parquet', { sort: parseSort('id') }))
      chunks.push(chunk as Buffer);
    const file = join(dir, 'export.parquet');
    await writeFile(file, Buffer.concat(chunks));
    const back = await db.query(`SELECT * FROM read_parquet('${file}')`);
    expect(back.types).toEqual([
      'INTEGER',
      'VARCHAR',
      'DECIMAL(4,1)',
      'TIMESTAMP',
      'VARCHAR',
      'BIGINT',
      'BOOLEAN',
      'VARCHAR',
    ]);
    expect(back.rows[0]).toEqual([
      1,
      'DA41',
      1,
      '2024-01-01 00:00:00',
      'a',
      new ExactInteger('9007199254740993'),
      true,
      '{"k": 1}',
    ]);
  });

  it('materializes a source to Parquet with row count, columns and hash', async () => {
    const target = join(dir, 'materialized', 'obs.parquet');
    const result = await materializeToParquet(db, table, target);
    expect(result.rowCount).toBe(5);
    expect(result.columns[2]).toEqual({ name: 'value', type: 'DECIMAL(4,1)', nullable: true });
    expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const sum = await db.query(`SELECT sum(value)::DOUBLE FROM read_parquet('${target}')`);
    expect(sum.rows).toEqual([[10]]);
  });

  it('copies PostgreSQL arrays as DuckDB lists of their element type; a multi-dimensional one as JSON text', async () => {
    const target = join(dir, 'materialized', 'arrays.parquet');
    const source: PostgresTableSource = { ...table, table: { schema: 'ops', name: 'arrays' } };
    const result = await materializeToParquet(db, source, target);
    expect(result.columns.map((c) => c.type)).toEqual([
      'INTEGER',
      'INTEGER[]',
      'DOUBLE[]',
      'VARCHAR[]',
      'BOOLEAN[]',
      'DATE[]',
      'TIMESTAMP[]',
      'DECIMAL(6,2)[]',
      'VARCHAR',
    ]);
    const back = await db.query(
      `SELECT ints, floats, texts, flags, days::VARCHAR[], times::VARCHAR[], amounts::DOUBLE[], grid, len(texts), texts[3]
         FROM read_parquet('${target}') ORDER BY id`,
    );
    expect(back.rows).toEqual([
      [
        [1, null, 3],
        [1.5, -2],
        ['a', 'b c', '{x,"y"}', null, 'NULL'],
        [true, false],
        ['2024-01-02'],
        ['2024-01-02 03:04:05.5'],
        [1.25],
        '[[1,2],[3,4]]',
        5,
        '{x,"y"}',
      ],
      [[], null, [], null, null, null, null, '[5]', 0, null],
    ]);
    // A sample for a preview: the limit goes to PostgreSQL.
    expect(
      (await materializeToParquet(db, source, join(dir, 'materialized', 'one.parquet'), { limit: 1 })).rowCount,
    ).toBe(1);
  });
});
