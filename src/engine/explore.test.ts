import { ExactInteger } from '../common/exact-json.js';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DuckDb } from './duckdb.js';
import { columnStats, exportData, readRows } from './explore.js';
import { parseFilters, parseSort } from './table-query.js';
import type { TableSource } from './table-source.js';

const HOSTILE = 'x"); DROP TABLE t; --';
let db: DuckDb;
let dir: string;
let source: TableSource;

beforeAll(async () => {
  db = await DuckDb.open(':memory:', { threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'llano-explore-'));
  const path = join(dir, 'obs.parquet');
  await db.run(`COPY (SELECT * FROM (VALUES
      (1, 'DA41', 1.0, TIMESTAMP '2024-01-01 00:00:00', 'a'),
      (2, 'DA41', 2.0, TIMESTAMP '2024-01-01 01:00:00', 'b'),
      (3, 'DV02', 3.0, TIMESTAMP '2024-01-01 02:00:00', NULL),
      (4, 'PM01', 4.0, TIMESTAMP '2024-01-01 03:00:00', 'd'),
      (5, 'DA41', NULL, TIMESTAMP '2024-01-01 04:00:00', 'e')
    ) v(id, antenna, value, ts, "x""); DROP TABLE t; --")) TO '${path}' (FORMAT parquet)`);
  source = { kind: 'parquet', paths: [path] };
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

// vitest types its asymmetric matchers as any; typed unknown they sit in an expected object safely.
const matching = (pattern: string | RegExp): unknown => expect.stringMatching(pattern);

async function text(stream: Readable): Promise<{ text: string; chunks: number }> {
  let out = '';
  let chunks = 0;
  for await (const chunk of stream) {
    out += (chunk as Buffer).toString();
    chunks++;
  }
  return { text: out, chunks };
}

describe('readRows', () => {
  it('returns columns, a page of rows and the total', async () => {
    const page = await readRows(db, source, { offset: 1, limit: 2, sort: parseSort('id') });
    expect(page.columns).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'antenna', type: 'VARCHAR' },
      { name: 'value', type: 'DECIMAL(2,1)' },
      { name: 'ts', type: 'TIMESTAMP' },
      { name: HOSTILE, type: 'VARCHAR' },
    ]);
    expect(page.rows).toEqual([
      [2, 'DA41', 2, '2024-01-01 01:00:00', 'b'],
      [3, 'DV02', 3, '2024-01-01 02:00:00', null],
    ]);
    expect(page.total).toBe(5);
  });

  it('sorts on several keys, nulls last', async () => {
    const page = await readRows(db, source, { sort: parseSort('-value,id') });
    expect(page.rows.map((r) => r[0])).toEqual([4, 3, 2, 1, 5]);
    const byAntenna = await readRows(db, source, { sort: parseSort('antenna,-id') });
    expect(byAntenna.rows.map((r) => r[0])).toEqual([5, 2, 1, 3, 4]);
  });

  it('filters, counting only matching rows in the total', async () => {
    const page = await readRows(db, source, {
      filters: parseFilters(['antenna:eq:DA41', 'value:notnull']),
      limit: 1,
      sort: parseSort('id'),
    });
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r[0])).toEqual([1]);
    const times = await readRows(db, source, {
      filters: parseFilters(['ts:ge:2024-01-01 02:00:00', 'antenna:in:DV02|DA41']),
    });
    expect(times.rows.map((r) => r[0])).toEqual([3, 5]);
  });

  it('filters and sorts on a hostile column name without injection', async () => {
    const quoted = `"${HOSTILE.replace(/"/g, '""')}"`;
    const page = await readRows(db, source, { filters: parseFilters([`${quoted}:isnull`]) });
    expect(page.rows.map((r) => r[0])).toEqual([3]);
    const sorted = await readRows(db, source, { sort: parseSort(`-${quoted}`) });
    expect(sorted.rows.map((r) => r[0])).toEqual([5, 4, 2, 1, 3]);
    const injected = await readRows(db, source, { filters: parseFilters(["antenna:eq:x' OR '1'='1"]) });
    expect(injected.total).toBe(0);
  });

  it('answers 400 for unknown columns, bad values and oversized pages', async () => {
    await expect(readRows(db, source, { filters: parseFilters(['nope:eq:1']) })).rejects.toMatchObject({
      status: 400,
      message: matching(/Unknown column "nope"/),
    });
    await expect(readRows(db, source, { sort: parseSort('nope') })).rejects.toMatchObject({ status: 400 });
    await expect(readRows(db, source, { filters: parseFilters(['id:eq:abc']) })).rejects.toMatchObject({
      status: 400,
      message: matching(/Conversion/),
    });
    await expect(readRows(db, source, { limit: 10_001 })).rejects.toMatchObject({ status: 400 });
    await expect(readRows(db, source, { offset: -1 })).rejects.toMatchObject({ status: 400 });
  });

  it('reads CSV file sources in place and reports a missing file as 400 without its path', async () => {
    const csv = join(dir, 'in-place.csv');
    await writeFile(csv, 'a,b\n1,x\n2,y\n');
    const page = await readRows(db, { kind: 'file', path: csv, format: 'csv' }, { sort: parseSort('-a') });
    expect(page.rows).toEqual([
      [2, 'y'],
      [1, 'x'],
    ]);
    const missing = join(dir, 'missing.parquet');
    const error = await readRows(db, { kind: 'file', path: missing, format: 'parquet' }).catch((e: Error) => e);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).not.toContain(dir);
  });
});

describe('columnStats', () => {
  it('matches hand-computed statistics', async () => {
    const stats = await columnStats(db, source);
    const byName = Object.fromEntries(stats.map((s) => [s.name, s]));
    expect(byName.id).toMatchObject({ count: 5, nulls: 0, distinct: 5, min: 1, max: 5, mean: 3 });
    expect(byName.id.stddev).toBeCloseTo(Math.sqrt(2.5), 10);
    const value = byName.value;
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
    expect(value.histogram).toHaveLength(20);
    expect(value.histogram[0]).toEqual({ low: 1, high: 1.15, count: 1 });
    expect(value.histogram.map((b) => b.count)).toEqual([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(value.histogram[19].high).toBe(4);
    expect(byName.antenna).toMatchObject({
      min: 'DA41',
      max: 'PM01',
      mean: null,
      stddev: null,
      histogram: [],
      distinct: 3,
    });
    expect(byName.antenna.topValues).toEqual([
      { value: 'DA41', count: 3 },
      { value: 'DV02', count: 1 },
      { value: 'PM01', count: 1 },
    ]);
    const ts = byName.ts;
    expect(ts.min).toBe('2024-01-01 00:00:00');
    expect(ts.histogram[0].low).toBe('2024-01-01T00:00:00.000Z');
    expect(ts.histogram[19].high).toBe('2024-01-01T04:00:00.000Z');
    expect(ts.histogram.reduce((sum, b) => sum + b.count, 0)).toBe(5);
    expect(byName[HOSTILE]).toMatchObject({ nulls: 1, distinct: 4 });
  });

  it('handles dates, time zones, booleans, lists, structs and an empty dataset', async () => {
    const path = join(dir, 'types.parquet');
    await db.run(`COPY (SELECT DATE '2024-01-01' + i::INTEGER AS d, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS tz, i % 2 = 0 AS flag,
      [i, i + 1] AS list, {'k': i} AS struct, 9007199254740993 + i AS huge FROM range(4) t(i)) TO '${path}' (FORMAT parquet)`);
    const stats = Object.fromEntries(
      (await columnStats(db, { kind: 'parquet', paths: [path] })).map((s) => [s.name, s]),
    );
    expect(stats.d).toMatchObject({ min: '2024-01-01', max: '2024-01-04', nulls: 0 });
    expect(stats.d.histogram[0].low).toBe('2024-01-01T00:00:00.000Z');
    expect(stats.tz.histogram.reduce((sum, b) => sum + b.count, 0)).toBe(4);
    expect(stats.flag).toMatchObject({ min: false, max: true, distinct: 2, histogram: [] });
    expect(stats.flag.topValues).toEqual([
      { value: false, count: 2 },
      { value: true, count: 2 },
    ]);
    expect(stats.list).toMatchObject({ min: null, max: null, topValues: [], histogram: [] });
    expect(stats.struct).toMatchObject({ min: null, topValues: [] });
    expect(stats.huge).toMatchObject({
      min: new ExactInteger('9007199254740993'),
      max: new ExactInteger('9007199254740996'),
    });
    const empty = join(dir, 'empty.parquet');
    await db.run(`COPY (SELECT 1 AS x WHERE false) TO '${empty}' (FORMAT parquet)`);
    expect(await columnStats(db, { kind: 'parquet', paths: [empty] })).toEqual([
      {
        name: 'x',
        type: 'INTEGER',
        count: 0,
        nulls: 0,
        distinct: 0,
        distinctIsApproximate: false,
        min: null,
        max: null,
        mean: null,
        stddev: null,
        topValues: [],
        histogram: [],
      },
    ]);
  });

  it('counts distinct values exactly up to the threshold, approximately (and says so) above it', async () => {
    const path = join(dir, 'distinct.parquet');
    await db.run(`COPY (SELECT i AS id, i % 7 AS k, [i % 3] AS l FROM range(5000) t(i)) TO '${path}' (FORMAT parquet)`);
    const exact = Object.fromEntries(
      (await columnStats(db, { kind: 'parquet', paths: [path] })).map((s) => [s.name, s]),
    );
    expect(exact.id).toMatchObject({ distinct: 5000, distinctIsApproximate: false });
    expect(exact.k).toMatchObject({ distinct: 7, distinctIsApproximate: false });
    expect(exact.l).toMatchObject({ distinct: 3, distinctIsApproximate: false });
    const estimated = Object.fromEntries(
      (await columnStats(db, { kind: 'parquet', paths: [path] }, { exactDistinctUpTo: 4999 })).map((s) => [s.name, s]),
    );
    expect(estimated.id.distinctIsApproximate).toBe(true);
    expect(Math.abs(estimated.id.distinct - 5000)).toBeLessThan(500);
    expect(estimated.k).toMatchObject({ distinct: 7, distinctIsApproximate: true });
  });

  it('gives a constant column a single bin', async () => {
    const path = join(dir, 'constant.parquet');
    await db.run(`COPY (SELECT 7 AS k FROM range(3)) TO '${path}' (FORMAT parquet)`);
    const [k] = await columnStats(db, { kind: 'parquet', paths: [path] });
    expect(k.histogram).toEqual([{ low: 7, high: 7, count: 3 }]);
    expect(k.topValues).toEqual([{ value: 7, count: 3 }]);
  });

  it('gives a column of numbers near the largest double its moments, and the other columns theirs', async () => {
    // 1e308 overflows the sum of squares: DuckDB refused the whole statistics query (a trial's CSV).
    const path = join(dir, 'huge.parquet');
    await db.run(`COPY (SELECT * FROM (VALUES (1e308::DOUBLE, 1, 'a'), (1.0, 2, 'b'), (1e308, 3, 'c'))
      v(huge, n, s)) TO '${path}' (FORMAT parquet)`);
    const byName = Object.fromEntries(
      (await columnStats(db, { kind: 'parquet', paths: [path] })).map((c) => [c.name, c]),
    );
    expect(byName.huge).toMatchObject({ min: 1, max: 1e308, count: 3, nulls: 0 });
    expect(byName.huge.mean! / ((1e308 / 3) * 2)).toBeCloseTo(1, 12);
    expect(byName.huge.stddev! / (1e308 / Math.sqrt(3))).toBeCloseTo(1, 12);
    expect(byName.huge.histogram.reduce((n, b) => n + b.count, 0)).toBe(3);
    expect(byName.n).toMatchObject({ mean: 2, stddev: 1, min: 1, max: 3 });
    expect(byName.s).toMatchObject({ distinct: 3, min: 'a', max: 'c' });
  });
});

describe('exportData', () => {
  it('streams CSV that reads back to the same rows, honouring filters and sort', async () => {
    const stream = await exportData(db, source, 'csv', {
      sort: parseSort('-id'),
      filters: parseFilters(['antenna:eq:DA41']),
    });
    const { text: csv } = await text(stream);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(`id,antenna,value,ts,"x""); DROP TABLE t; --"`);
    expect(lines.slice(1)).toEqual([
      '5,DA41,,2024-01-01 04:00:00,e',
      '2,DA41,2,2024-01-01 01:00:00,b',
      '1,DA41,1,2024-01-01 00:00:00,a',
    ]);
    const file = join(dir, 'export.csv');
    await writeFile(file, csv);
    const back = await db.query(`SELECT count(*), sum(id) FROM read_csv('${file}')`);
    expect(back.rows).toEqual([[3, 8]]);
  });

  it('escapes text cells a spreadsheet would run as formulas, not numbers; keep writes them raw', async () => {
    const path = join(dir, 'formulas.parquet');
    await db.run(`COPY (SELECT * FROM (VALUES
        (1, '=cmd|'' /C calc''!A0', -5),
        (2, '-x', 3),
        (3, '@SUM(A1)', NULL),
        (4, '+1' || chr(9), 4),
        (5, chr(9) || 'tab', 5),
        (6, chr(13) || 'cr', 6),
        (7, 'a=b', -7)
      ) v(id, note, n)) TO '${path}' (FORMAT parquet)`);
    const formulas: TableSource = { kind: 'parquet', paths: [path] };
    const lines = async (options: Parameters<typeof exportData>[3]) =>
      (await text(await exportData(db, formulas, 'csv', options))).text.trimEnd().split('\r\n');
    expect(await lines({ sort: parseSort('note') })).toEqual([
      'id,note,n',
      "5,'\ttab,5",
      '6,"\'\rcr",6',
      "4,'+1\t,4",
      "2,'-x,3",
      `1,'=cmd|' /C calc'!A0,-5`,
      "3,'@SUM(A1),",
      '7,a=b,-7',
    ]);
    expect(await lines({ sort: parseSort('id'), formulas: 'keep' })).toEqual([
      'id,note,n',
      `1,=cmd|' /C calc'!A0,-5`,
      '2,-x,3',
      '3,@SUM(A1),',
      '4,+1\t,4',
      '5,\ttab,5',
      '6,"\rcr",6',
      '7,a=b,-7',
    ]);
    // Only CSV escapes: JSON keeps the values.
    const json = JSON.parse((await text(await exportData(db, formulas, 'json', { sort: parseSort('id') }))).text) as {
      note: string;
    }[];
    expect(json[1].note).toBe('-x');
  });

  it('streams JSON as an array of row objects', async () => {
    const { text: json } = await text(await exportData(db, source, 'json', { sort: parseSort('id') }));
    const rows = JSON.parse(json) as unknown[];
    expect(rows).toHaveLength(5);
    expect(rows[2]).toEqual({ id: 3, antenna: 'DV02', value: 3, ts: '2024-01-01 02:00:00', [HOSTILE]: null });
    const { text: empty } = await text(await exportData(db, source, 'json', { filters: parseFilters(['id:gt:100']) }));
    expect(JSON.parse(empty)).toEqual([]);
  });

  it('streams a large export in many chunks', async () => {
    const path = join(dir, 'big.parquet');
    await db.run(`COPY (SELECT i AS id, 'row ' || i AS label FROM range(100000) t(i)) TO '${path}' (FORMAT parquet)`);
    const { text: csv, chunks } = await text(await exportData(db, { kind: 'parquet', paths: [path] }, 'csv'));
    expect(chunks).toBeGreaterThan(10);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(100_001);
  });

  it('streams Parquet through a temporary file that is deleted afterwards', async () => {
    const stream = await exportData(db, source, 'parquet', { filters: parseFilters(['value:gt:2']) });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const file = join(dir, 'export.parquet');
    await writeFile(file, Buffer.concat(chunks));
    const back = await db.query(`SELECT id FROM read_parquet('${file}') ORDER BY id`);
    expect(back.rows).toEqual([[3], [4]]);
    const temp = (stream as unknown as { path: string }).path;
    expect(temp).toMatch(/\.parquet$/);
    // Deleted once the stream has closed, which may take a moment on a loaded machine.
    await vi.waitFor(() => expect(existsSync(temp)).toBe(false), { timeout: 30_000, interval: 20 });
  });

  it('rejects an unknown filter column before streaming', async () => {
    await expect(exportData(db, source, 'csv', { filters: parseFilters(['nope:eq:1']) })).rejects.toMatchObject({
      status: 400,
    });
  });
});
