import { ExactInteger } from '../../common/exact-json.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../engine/duckdb.js';
import { parseFilters, parseSort } from '../../engine/table-query.js';
import type { ExternalTableSource } from '../../engine/table-source.js';
import { sqliteConnection } from './sqlite.js';

let dir: string;
let file: string;
let duck: DuckDb;
const t = sqliteConnection;
const settings = () => ({ path: file });
const source = (where: { table?: { name: string }; query?: string }): ExternalTableSource =>
  t.tables!.source(settings(), where);
const ROWS = 30_000;

// vitest types its asymmetric matchers as any; typed unknown they sit in an expected object safely.
const matching = (pattern: string | RegExp): unknown => expect.stringMatching(pattern);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llano-sqlite-'));
  file = join(dir, 'ops.db');
  const db = new Database(file);
  db.exec(`
    CREATE TABLE antennas (name TEXT, pad TEXT, diameter REAL, commissioned INTEGER, photo BLOB, note);
    INSERT INTO antennas VALUES ('DA41', 'A001', 12.0, 2011, x'cafe', 'ok'), ('DV02', 'A002', 12.0, 2010, NULL, 7), ('PM01', 'T704', 12.5, 9007199254740993, NULL, NULL);
    CREATE TABLE big (id INTEGER PRIMARY KEY, band INTEGER, minutes REAL);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) INSERT INTO big SELECT i, i % 10, i * 0.5 FROM n;`);
  db.close();
  duck = await DuckDb.open(':memory:', { threads: 2 });
});
afterAll(async () => {
  await duck?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sqlite connection type', () => {
  it('tests a database file and refuses a missing one', async () => {
    expect(await t.test(settings(), duck)).toMatch(/^SQLite 3\.\d+\.\d+, 2 tables and views in /);
    await expect(t.test({ path: join(dir, 'nope.db') }, duck)).rejects.toMatchObject({
      status: 400,
      message: matching(/not an existing file/),
    });
    expect(() => t.check!({ path: 'relative.db' })).toThrow(/absolute path/);
  });

  it('runs queries read-only: one statement that returns rows', async () => {
    const r = await t.runSql!(settings(), 'SELECT band, count(*) AS n FROM big GROUP BY band ORDER BY band LIMIT 2', {
      db: duck,
    });
    expect(r).toEqual({
      command: 'SELECT',
      rowCount: 2,
      columns: ['band', 'n'],
      rows: [
        [0, 3000],
        [1, 3000],
      ],
    });
    await expect(t.runSql!(settings(), 'DELETE FROM big', { db: duck })).rejects.toMatchObject({
      status: 400,
      message: matching(/read-only/),
    });
    await expect(t.runSql!(settings(), 'SELECT 1; DELETE FROM big', { db: duck })).rejects.toMatchObject({
      status: 400,
    });
    await expect(t.runSql!(settings(), 'SELECT nope FROM big', { db: duck })).rejects.toMatchObject({
      status: 400,
      message: matching(/no such column: nope/),
    });
    const aborted = AbortSignal.abort();
    await expect(t.runSql!(settings(), 'SELECT 1', { db: duck, signal: aborted })).rejects.toMatchObject({
      status: 400,
      message: matching(/cancelled/),
    });
    expect((await t.runSql!(settings(), 'SELECT count(*) FROM big', { db: duck })).rows).toEqual([[ROWS]]);
  });

  it('describes a table with its declared types', async () => {
    expect(await t.describeTable!(settings(), { name: 'antennas' }, duck)).toEqual([
      { name: 'name', type: 'TEXT' },
      { name: 'pad', type: 'TEXT' },
      { name: 'diameter', type: 'REAL' },
      { name: 'commissioned', type: 'INTEGER' },
      { name: 'photo', type: 'BLOB' },
      { name: 'note', type: '' },
    ]);
    await expect(t.describeTable!(settings(), { name: 'missing' }, duck)).rejects.toMatchObject({
      status: 400,
      message: matching(/no such table/),
    });
  });

  it('reads a table as a dataset with the types its values have', async () => {
    const page = await t.tables!.reader.readRows(duck, source({ table: { name: 'antennas' } }), {
      sort: parseSort('name'),
    });
    expect(page.columns).toEqual([
      { name: 'name', type: 'VARCHAR' },
      { name: 'pad', type: 'VARCHAR' },
      { name: 'diameter', type: 'DOUBLE' },
      { name: 'commissioned', type: 'BIGINT' },
      { name: 'photo', type: 'BLOB' },
      // 'ok' and 7 in one column: text.
      { name: 'note', type: 'VARCHAR' },
    ]);
    expect(page.rows.map((r) => [r[0], r[2], r[3], r[5]])).toEqual([
      ['DA41', 12, 2011, 'ok'],
      ['DV02', 12, 2010, '7'],
      ['PM01', 12.5, new ExactInteger('9007199254740993'), null],
    ]);
  });

  it('pages, filters, computes statistics and exports a large table', async () => {
    const big = source({ table: { name: 'big' } });
    const page = await t.tables!.reader.readRows(duck, big, {
      filters: parseFilters(['band:eq:3']),
      sort: parseSort('-id'),
      limit: 2,
    });
    expect(page).toMatchObject({
      total: ROWS / 10,
      rows: [
        [29_993, 3, 14_996.5],
        [29_983, 3, 14_991.5],
      ],
    });
    const stats = Object.fromEntries((await t.tables!.reader.columnStats(duck, big)).map((s) => [s.name, s]));
    expect(stats.id).toMatchObject({ count: ROWS, nulls: 0, min: 1, max: ROWS });
    const csv = await text(await t.tables!.reader.exportData(duck, big, 'csv', { sort: parseSort('id') }));
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(ROWS + 1);
    expect(csv.split('\r\n')[1]).toBe('1,1,0.5');
  });

  it('reads a query as a dataset and copies it to Parquet for recipes', async () => {
    const query = source({ query: 'SELECT band, sum(minutes) AS minutes FROM big GROUP BY band' });
    expect((await t.tables!.reader.readRows(duck, query, { sort: parseSort('band'), limit: 1 })).rows).toEqual([
      [0, 22_507_500],
    ]);
    const out = join(dir, 'copy', 'bands.parquet');
    const written = await t.tables!.reader.materialize(duck, query, out);
    expect(written.rowCount).toBe(10);
    // A preview's sample: the limit goes to SQLite.
    expect(
      (await t.tables!.reader.materialize(duck, query, join(dir, 'copy', 'three.parquet'), { limit: 3 })).rowCount,
    ).toBe(3);
    expect((await duck.query(`SELECT count(*), sum(minutes) FROM read_parquet('${out}')`)).rows).toEqual([
      [10, (ROWS * (ROWS + 1)) / 4],
    ]);
  });

  it('sees new data when the file changes, and says so in its version token', async () => {
    const before = await t.tables!.versionToken!(settings(), { table: { name: 'antennas' } }, duck);
    const db = new Database(file);
    db.exec(`INSERT INTO antennas (name) VALUES ('CM03')`);
    db.close();
    expect(await t.tables!.versionToken!(settings(), { table: { name: 'antennas' } }, duck)).not.toBe(before);
    expect((await t.tables!.reader.readRows(duck, source({ table: { name: 'antennas' } }))).total).toBe(4);
  });

  it('keeps a table token through writes to other tables, and changes it on any write to that table', async () => {
    const token = (name: string) => t.tables!.versionToken!(settings(), { table: { name } }, duck);
    const write = (sql: string) => {
      const db = new Database(file);
      db.exec(sql);
      db.close();
    };
    const antennas = await token('antennas');
    const big = await token('big');
    write(`INSERT INTO big (band, minutes) VALUES (1, 2)`);
    expect(await token('antennas')).toBe(antennas);
    expect(await token('big')).not.toBe(big);
    // Same row count, same last rowid, a value of the same size: still a change.
    write(`UPDATE antennas SET pad = 'B001' WHERE name = 'DA41'`);
    const updated = await token('antennas');
    expect(updated).not.toBe(antennas);
    write(`ALTER TABLE antennas ADD COLUMN band INTEGER`);
    expect(await token('antennas')).not.toBe(updated);
    // A query reads any table: its token is the file's, moved by every write.
    const query = await t.tables!.versionToken!(settings(), { query: 'SELECT 1' }, duck);
    write(`DELETE FROM big WHERE id = 1`);
    expect(await t.tables!.versionToken!(settings(), { query: 'SELECT 1' }, duck)).not.toBe(query);
  });

  it('describes a table or query as its copy types it, without copying', async () => {
    const described = await t.tables!.describe!(settings(), { table: { name: 'antennas' } }, duck);
    expect(described.slice(0, 6)).toEqual([
      { name: 'name', type: 'VARCHAR' },
      { name: 'pad', type: 'VARCHAR' },
      { name: 'diameter', type: 'DOUBLE' },
      { name: 'commissioned', type: 'BIGINT' },
      { name: 'photo', type: 'BLOB' },
      // Undeclared, mixing text and integers: text, as in the copy.
      { name: 'note', type: 'VARCHAR' },
    ]);
    expect(
      await t.tables!.describe!(
        settings(),
        { query: 'SELECT band, count(*) AS n, avg(minutes) AS m FROM big GROUP BY band' },
        duck,
      ),
    ).toEqual([
      { name: 'band', type: 'BIGINT' },
      { name: 'n', type: 'BIGINT' },
      { name: 'm', type: 'DOUBLE' },
    ]);
  });
});
