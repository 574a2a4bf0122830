import { existsSync, readFileSync, statSync } from 'node:fs';
import { type DuckDBListValue, type DuckDBValue } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../analytics/common/random.js';
import type { ColumnValues, ParquetColumnSpec, ParquetCompression } from './column-chunk.js';
import { encodeRowGroup, ParquetFileWriter } from './parquet-file-writer.js';
import { readBackWithDuckDB } from './test-support.js';

/** Values per data page in column-chunk.ts (float lists page by rows: 2 × this many floats). */
const PAGE_VALUES = 131072;

const { path: scratchPath, rows, json } = readBackWithDuckDB('llano-parquet-');

interface Group {
  values: ColumnValues[];
  rows: number;
}

function writeParquet(
  name: string,
  columns: ParquetColumnSpec[],
  groups: Group[],
  compression?: ParquetCompression,
): string {
  const path = scratchPath(name);
  const writer = ParquetFileWriter.create(path, columns, { compression });
  for (const g of groups) writer.write(g.values, g.rows);
  expect(writer.rowCount).toBe(groups.reduce((n, g) => n + g.rows, 0));
  expect(writer.close()).toBe(statSync(path).size);
  return path;
}

const ids = (n: number, from = 0): Int32Array => Int32Array.from({ length: n }, (_, i) => from + i);
const items = (v: DuckDBValue): number[] => (v as DuckDBListValue).items as number[];

/** Row groups' metadata per column, in file order. */
async function metadata(path: string): Promise<Record<string, unknown>[]> {
  return json(
    `SELECT row_group_id::INTEGER AS rg, path_in_schema AS col, row_group_num_rows::INTEGER AS rows, num_values::INTEGER AS n, compression,
            stats_min_value AS min, stats_max_value AS max, stats_null_count::INTEGER AS nulls
     FROM parquet_metadata('${path}') ORDER BY row_group_id, column_id`,
  );
}

describe('ParquetFileWriter, read back by DuckDB', () => {
  it('round-trips every column type exactly, with DuckDB types FLOAT, DOUBLE, INTEGER, BIGINT, TIMESTAMP, VARCHAR, FLOAT[]', async () => {
    const rand = createRandom(1).next;
    const floatSpecial = [
      0,
      -0,
      0.1,
      -1.5,
      1 / 3,
      3.4028234663852886e38,
      -3.4e38,
      1e-45,
      1e-40,
      16777217,
      Infinity,
      -Infinity,
      NaN,
    ];
    const doubleSpecial = [
      0,
      -0,
      0.1,
      1 / 3,
      5e-324,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Math.PI,
      Infinity,
      -Infinity,
      NaN,
    ];
    const int32Special = [0, -1, 1, 2 ** 31 - 1, -(2 ** 31), 65536, -65537];
    const int64Special = [
      0,
      -1,
      1,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 32,
      -(2 ** 32),
      2 ** 32 + 1,
      -(2 ** 32) - 1,
      2 ** 53,
      -(2 ** 53),
      2 ** 53 - 1,
      -(2 ** 53) + 1,
      2 ** 52 + 1,
    ];
    const tsSpecial = [
      0,
      -1,
      1,
      Date.UTC(2024, 0, 1) * 1000 + 123456,
      Date.UTC(1900, 5, 30, 23, 59, 59) * 1000 + 999999,
      2 ** 53,
      -(2 ** 53),
    ];
    const n = 5000;
    const fill = (special: number[], gen: () => number) =>
      Array.from({ length: n }, (_, i) => (i < special.length ? special[i] : gen()));
    const floats = fill(floatSpecial, () => (rand() - 0.5) * 1e6);
    const doubles = fill(doubleSpecial, () => (rand() - 0.5) * 1e12);
    const int32s = fill(int32Special, () => Math.floor((rand() - 0.5) * 2 ** 32));
    const int64s = fill(int64Special, () => Math.round((rand() * 2 - 1) * 2 ** 53));
    const stamps = fill(tsSpecial, () => Math.round(rand() * 4e15 - 1e15));
    const dictionary = Array.from({ length: 50 }, (_, i) => `name ${i}`);
    const indices = Int32Array.from({ length: n }, () => Math.floor(rand() * dictionary.length));
    const listLength = 3;
    const listDoubles = Array.from({ length: n * listLength }, () => (rand() - 0.5) * 1000);

    const columns: ParquetColumnSpec[] = [
      { name: 'id', type: 'int32' },
      { name: 'f', type: 'float' },
      { name: 'd', type: 'double' },
      { name: 'i', type: 'int32' },
      { name: 'l', type: 'int64' },
      { name: 't', type: 'timestamp' },
      { name: 's', type: 'string' },
      { name: 'fl', type: 'float-list' },
    ];
    const path = writeParquet('types.parquet', columns, [
      {
        rows: n,
        values: [
          ids(n),
          Float32Array.from(floats),
          Float64Array.from(doubles),
          Int32Array.from(int32s),
          Float64Array.from(int64s),
          Float64Array.from(stamps),
          { dictionary, indices },
          { values: Float32Array.from(listDoubles), listLength },
        ],
      },
    ]);

    expect(await json(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '${path}')`)).toEqual([
      { column_name: 'id', column_type: 'INTEGER' },
      { column_name: 'f', column_type: 'FLOAT' },
      { column_name: 'd', column_type: 'DOUBLE' },
      { column_name: 'i', column_type: 'INTEGER' },
      { column_name: 'l', column_type: 'BIGINT' },
      { column_name: 't', column_type: 'TIMESTAMP' },
      { column_name: 's', column_type: 'VARCHAR' },
      { column_name: 'fl', column_type: 'FLOAT[]' },
    ]);

    const back = await rows(`SELECT id, f, d, i, l, epoch_us(t), s, fl FROM '${path}' ORDER BY id`);
    expect(back.map((r) => r[0])).toEqual([...ids(n)]);
    // toEqual tells -0 from 0 and takes NaN as equal to NaN.
    expect(back.map((r) => r[1])).toEqual(floats.map(Math.fround));
    expect(back.map((r) => r[2])).toEqual(doubles);
    expect(back.map((r) => r[3])).toEqual(int32s.map((v) => v | 0));
    expect(back.map((r) => r[4])).toEqual(int64s.map(BigInt));
    expect(back.map((r) => r[5])).toEqual(stamps.map(BigInt));
    expect(back.map((r) => r[6])).toEqual([...indices].map((g) => dictionary[g]));
    expect(back.map((r) => items(r[7]))).toEqual(
      Array.from({ length: n }, (_, r) => listDoubles.slice(r * listLength, (r + 1) * listLength).map(Math.fround)),
    );

    // Timestamps are wall-clock microseconds (TIMESTAMP without time zone), not shifted.
    expect(await json(`SELECT t::VARCHAR AS t FROM '${path}' WHERE id IN (3, 4) ORDER BY id`)).toEqual([
      { t: '2024-01-01 00:00:00.123456' },
      { t: '1900-06-30 23:59:59.999999' },
    ]);
  });

  it('writes several row groups, one of them spanning three data pages, with every value in place across the boundaries', async () => {
    // Every value is a function of the row's id, so SQL can check all of them.
    const sizes = [2 * PAGE_VALUES + 77, 1, 5000];
    const dictionary = Array.from({ length: 1000 }, (_, i) => `v${i}`);
    let from = 0;
    const groups = sizes.map((n) => {
      const id = ids(n, from);
      from += n;
      return {
        rows: n,
        values: [
          id,
          Float64Array.from(id, (v) => v * 0.25 - 1000),
          Float64Array.from(id, (v) => v * 4099 - 2 ** 40),
          Float64Array.from(id, (v) => 1.7e15 + v * 1000003),
          Float32Array.from(id, (v) => (v % 1000) - 500.5),
          { dictionary, indices: Int32Array.from(id, (v) => (v * 7) % 1000) },
        ],
      };
    });
    const columns: ParquetColumnSpec[] = [
      { name: 'id', type: 'int32' },
      { name: 'd', type: 'double' },
      { name: 'l', type: 'int64' },
      { name: 't', type: 'timestamp' },
      { name: 'f', type: 'float' },
      { name: 's', type: 'string' },
    ];
    const path = writeParquet('pages.parquet', columns, groups);
    const total = from;

    expect(
      await json(`SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids, min(id) AS lo, max(id) AS hi,
        count(*) FILTER (WHERE d <> id * 0.25 - 1000 OR l <> id::BIGINT * 4099 - 1099511627776
          OR epoch_us(t) <> 1700000000000000 + id::BIGINT * 1000003 OR f <> (id % 1000) - 500.5
          OR s <> 'v' || ((id * 7) % 1000))::INTEGER AS wrong
        FROM '${path}'`),
    ).toEqual([{ n: total, ids: total, lo: 0, hi: total - 1, wrong: 0 }]);

    const meta = await metadata(path);
    expect(meta.map((m) => [m.rg, m.col, m.rows, m.n])).toEqual(
      sizes.flatMap((n, rg) => columns.map((c) => [rg, c.name, n, n])),
    );

    // Rows on both sides of each page and row-group boundary, compared with the input.
    const edges = [
      ...new Set([PAGE_VALUES, 2 * PAGE_VALUES, sizes[0], sizes[0] + 1].flatMap((e) => [e - 2, e - 1, e, e + 1])),
    ];
    const back = await rows(
      `SELECT id, d, l, epoch_us(t), f, s FROM '${path}' WHERE id IN (${edges.join(',')}) ORDER BY id`,
    );
    expect(back).toEqual(
      edges.map((id) => [
        id,
        id * 0.25 - 1000,
        BigInt(id * 4099 - 2 ** 40),
        BigInt(1.7e15 + id * 1000003),
        (id % 1000) - 500.5,
        `v${(id * 7) % 1000}`,
      ]),
    );
  });

  it('pages float lists by rows: many rows per page, and one list longer than a page', async () => {
    const columns: ParquetColumnSpec[] = [
      { name: 'id', type: 'int32' },
      { name: 'fl', type: 'float-list' },
    ];
    // 100 floats a row: 2621 rows a page.
    const perPage = Math.floor((2 * PAGE_VALUES) / 100);
    const sizes = [3 * perPage + 10, perPage, perPage + 1, 1];
    let from = 0;
    const groups = sizes.map((n) => {
      const values = new Float32Array(n * 100);
      for (let r = 0; r < n; r++) for (let j = 0; j < 100; j++) values[r * 100 + j] = from + r - 3000 + j / 128;
      const g = { rows: n, values: [ids(n, from), { values, listLength: 100 }] };
      from += n;
      return g;
    });
    const path = writeParquet('lists.parquet', columns, groups);
    expect(
      await json(`SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids,
        count(*) FILTER (WHERE fl <> list_transform(range(100), j -> (id - 3000 + j / 128)::FLOAT))::INTEGER AS wrong
        FROM '${path}'`),
    ).toEqual([{ n: from, ids: from, wrong: 0 }]);
    const meta = await metadata(path);
    expect(meta.filter((m) => m.col === 'fl, list, element').map((m) => [m.rows, m.n])).toEqual(
      sizes.map((n) => [n, n * 100]),
    );
    const edge = (await rows(`SELECT id, fl FROM '${path}' WHERE id IN (${perPage - 1}, ${perPage}) ORDER BY id`)).map(
      (r) => [r[0], items(r[1])],
    );
    expect(edge).toEqual(
      [perPage - 1, perPage].map((id) => [id, Array.from({ length: 100 }, (_, j) => id - 3000 + j / 128)]),
    );

    // 300,000 floats a row: more than a page's worth, so one row a page.
    const long = 300_000;
    const values = Float32Array.from({ length: 3 * long }, (_, k) => k);
    const bigPath = writeParquet('long-lists.parquet', columns, [
      { rows: 3, values: [ids(3), { values, listLength: long }] },
    ]);
    expect(
      await json(`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE len(fl) <> ${long}
          OR fl <> list_transform(range(${long}), j -> (id * ${long} + j)::FLOAT))::INTEGER AS wrong FROM '${bigPath}'`),
    ).toEqual([{ n: 3, wrong: 0 }]);
  });

  it('reads lists of every length 1…20 (repetition levels in runs of every length)', async () => {
    const lengths = Array.from({ length: 20 }, (_, i) => i + 1);
    const columns: ParquetColumnSpec[] = [
      { name: 'id', type: 'int32' },
      ...lengths.map((l): ParquetColumnSpec => ({ name: `l${l}`, type: 'float-list' })),
    ];
    const sizes = [333, 1, 100];
    let from = 0;
    const groups = sizes.map((n) => {
      const g = {
        rows: n,
        values: [
          ids(n, from),
          ...lengths.map((l) => ({
            values: Float32Array.from({ length: n * l }, (_, k) => (from + Math.floor(k / l)) * 100 + (k % l)),
            listLength: l,
          })),
        ],
      };
      from += n;
      return g;
    });
    const path = writeParquet('list-lengths.parquet', columns, groups);
    const wrong = lengths.map(
      (l) =>
        `count(*) FILTER (WHERE l${l} <> list_transform(range(${l}), j -> (id * 100 + j)::FLOAT))::INTEGER AS w${l}`,
    );
    expect(await json(`SELECT count(*)::INTEGER AS n, ${wrong.join(', ')} FROM '${path}'`)).toEqual([
      { n: from, ...Object.fromEntries(lengths.map((l) => [`w${l}`, 0])) },
    ]);
  });

  it('encodes dictionary indices of every bit width 1…17 in random patterns, short and long runs, across a page boundary', async () => {
    // 2^(w-1) + 1 entries need w bits; plus 255, 256 and 70,000.
    const sizes = [...Array.from({ length: 17 }, (_, w) => 2 ** w + 1).filter((d) => d > 2), 1, 2, 255, 256, 70_000];
    const n = 140_000;
    const rand = createRandom(2).next;
    const columns: ParquetColumnSpec[] = [];
    const values: ColumnValues[] = [];
    const distinct: Record<string, number> = {};
    for (const size of sizes) {
      const idx = new Int32Array(n);
      let i = 0;
      // Strided through the whole dictionary, so every entry is used.
      for (; i < 70_000; i++) idx[i] = (i * 7919) % size;
      for (; i < 90_000; i++) idx[i] = Math.floor(rand() * size);
      for (let run = 1; i < 110_000; run = (run % 20) + 1) {
        const v = Math.floor(rand() * size);
        for (let k = 0; k < run && i < 110_000; k++) idx[i++] = v;
      }
      // Long runs, one of them across the page boundary at 131,072.
      for (const end of [112_345, 125_000, 131_000, 131_500, 139_990, n]) {
        const v = Math.floor(rand() * size);
        while (i < end) idx[i++] = v;
      }
      columns.push({ name: `g${size}`, type: 'int32' }, { name: `s${size}`, type: 'string' });
      values.push(idx, { dictionary: Array.from({ length: size }, (_, g) => `x${g}`), indices: idx });
      distinct[`d${size}`] = new Set(idx).size;
    }
    expect(distinct.d70000).toBe(70_000);
    const path = writeParquet('dictionaries.parquet', columns, [{ rows: n, values }]);
    const checks = sizes.flatMap((d) => [
      `count(DISTINCT s${d})::INTEGER AS d${d}`,
      `count(*) FILTER (WHERE s${d} <> 'x' || g${d})::INTEGER AS w${d}`,
    ]);
    expect(await json(`SELECT count(*)::INTEGER AS n, ${checks.join(', ')} FROM '${path}'`)).toEqual([
      { n, ...distinct, ...Object.fromEntries(sizes.map((d) => [`w${d}`, 0])) },
    ]);
  });

  it('writes any UTF-8 string exactly and leaves unused dictionary entries out', async () => {
    const dictionary = [
      '',
      'plain',
      "it's",
      '"quoted"',
      'back\\slash',
      'tab\tnew\nline',
      'héllo',
      '日本語',
      '😀 emoji',
      'e\u0301',
      '\uff5e',
      'never used',
      'x'.repeat(10_000),
      'also unused',
    ];
    const used = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12];
    const indices = Int32Array.from({ length: 300 }, (_, i) => used[(i * 5) % used.length]);
    const path = writeParquet(
      'strings.parquet',
      [
        { name: 'id', type: 'int32' },
        { name: 's', type: 'string' },
      ],
      [{ rows: 300, values: [ids(300), { dictionary, indices }] }],
    );
    expect((await rows(`SELECT s FROM '${path}' ORDER BY id`)).map((r) => r[0])).toEqual(
      [...indices].map((g) => dictionary[g]),
    );
    expect(
      await json(
        `SELECT count(DISTINCT s)::INTEGER AS n, count(*) FILTER (WHERE s = '')::INTEGER AS empty FROM '${path}'`,
      ),
    ).toEqual([{ n: used.length, empty: 25 }]);
  });

  it('records true min/max statistics per row group: strings in UTF-8 byte order, unused entries and NaN left out', async () => {
    const dictionary = ['AAA unused', 'beta', 'alpha', '\uff5e', '😀', 'zzz unused', 'gamma'];
    const columns: ParquetColumnSpec[] = [
      { name: 's', type: 'string' },
      { name: 'f', type: 'float' },
      { name: 'd', type: 'double' },
      { name: 'i', type: 'int32' },
      { name: 'l', type: 'int64' },
      { name: 't', type: 'timestamp' },
      { name: 'fl', type: 'float-list' },
      { name: 'nan', type: 'double' },
    ];
    const groups: Group[] = [
      {
        rows: 4,
        values: [
          { dictionary, indices: Int32Array.from([1, 2, 4, 3]) },
          Float32Array.from([NaN, 0.1, -2.5, NaN]),
          Float64Array.from([NaN, 1e300, -0.1, NaN]),
          Int32Array.from([5, -(2 ** 31), 2 ** 31 - 1, 0]),
          Float64Array.from([-(2 ** 53), 7, 2 ** 53, -1]),
          Float64Array.from([1.7e15 + 1, -5, 1.7e15, 0]),
          { values: Float32Array.from([NaN, 3.25, -7.5, 1, 2, NaN, 0.1, 0]), listLength: 2 },
          Float64Array.from([NaN, NaN, NaN, NaN]),
        ],
      },
      {
        rows: 3,
        values: [
          { dictionary, indices: Int32Array.from([6, 1, 6]) },
          Float32Array.from([1, 2, 3]),
          Float64Array.from([3, NaN, 2]),
          Int32Array.from([9, 8, 9]),
          Float64Array.from([-(2 ** 40), -(2 ** 40) - 3, 12]),
          Float64Array.from([10, 20, 30]),
          { values: Float32Array.from([1, 1, 1, 1, 1, 1]), listLength: 2 },
          Float64Array.from([1, NaN, -1]),
        ],
      },
    ];
    const path = writeParquet('stats.parquet', columns, groups);
    const meta = await metadata(path);
    const stat = (rg: number, col: string) => meta.find((m) => m.rg === rg && m.col === col)!;
    const bounds = (rg: number, col: string) => [stat(rg, col).min, stat(rg, col).max];
    const numberBounds = (rg: number, col: string) => bounds(rg, col).map(Number);

    // '😀' sorts after '\uff5e' in UTF-8 bytes, before it in UTF-16 code units.
    expect(bounds(0, 's')).toEqual(['alpha', '😀']);
    expect(bounds(1, 's')).toEqual(['beta', 'gamma']);
    expect(numberBounds(0, 'f').map(Math.fround)).toEqual([-2.5, Math.fround(0.1)]);
    expect(numberBounds(1, 'f')).toEqual([1, 3]);
    expect(numberBounds(0, 'd')).toEqual([-0.1, 1e300]);
    expect(numberBounds(1, 'd')).toEqual([2, 3]);
    expect(numberBounds(0, 'i')).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(numberBounds(1, 'i')).toEqual([8, 9]);
    expect(bounds(0, 'l')).toEqual([String(-(2 ** 53)), String(2 ** 53)]);
    expect(bounds(1, 'l')).toEqual([String(-(2 ** 40) - 3), '12']);
    expect(
      await json(`SELECT epoch_us(stats_min_value::TIMESTAMP) AS lo, epoch_us(stats_max_value::TIMESTAMP) AS hi
      FROM parquet_metadata('${path}') WHERE path_in_schema = 't' ORDER BY row_group_id`),
    ).toEqual([
      { lo: '-5', hi: String(1.7e15 + 1) },
      { lo: '10', hi: '30' },
    ]);
    expect(numberBounds(0, 'fl, list, element')).toEqual([-7.5, 3.25]);
    expect(numberBounds(1, 'fl, list, element')).toEqual([1, 1]);
    // Only NaN: no bounds at all.
    expect(bounds(0, 'nan')).toEqual([null, null]);
    expect(numberBounds(1, 'nan')).toEqual([-1, 1]);
    expect(meta.filter((m) => m.min !== null).every((m) => m.nulls === 0)).toBe(true);

    // DuckDB prunes row groups by these bounds: what it answers must still be right.
    expect(
      await json(`SELECT count(*)::INTEGER AS n FROM '${path}' WHERE s = 'AAA unused' OR s = 'zzz unused'`),
    ).toEqual([{ n: 0 }]);
    for (const [where, n] of [
      ["s = '😀' AND l = 9007199254740992", 1],
      ['d = 1e300', 1],
      ["s = 'gamma'", 2],
      ['f < -2', 1],
    ] as const) {
      expect(await json(`SELECT count(*)::INTEGER AS n FROM '${path}' WHERE ${where}`), where).toEqual([{ n }]);
    }
  });

  it('reads a file without row groups and a row group without rows', async () => {
    const columns: ParquetColumnSpec[] = [
      { name: 'd', type: 'double' },
      { name: 't', type: 'timestamp' },
      { name: 's', type: 'string' },
      { name: 'fl', type: 'float-list' },
    ];
    const empty = (): ColumnValues[] => [
      new Float64Array(0),
      new Float64Array(0),
      { dictionary: ['a'], indices: new Int32Array(0) },
      { values: new Float32Array(0), listLength: 4 },
    ];
    const none = writeParquet('no-groups.parquet', columns, []);
    expect(await json(`SELECT count(*)::INTEGER AS n FROM '${none}'`)).toEqual([{ n: 0 }]);
    expect((await json(`DESCRIBE SELECT * FROM '${none}'`)).map((c) => c.column_type)).toEqual([
      'DOUBLE',
      'TIMESTAMP',
      'VARCHAR',
      'FLOAT[]',
    ]);

    const zero = writeParquet('empty-group.parquet', columns, [{ rows: 0, values: empty() }]);
    expect(await json(`SELECT count(*)::INTEGER AS n FROM '${zero}'`)).toEqual([{ n: 0 }]);
    expect((await metadata(zero)).map((m) => [m.rows, m.n, m.min])).toEqual(columns.map(() => [0, 0, null]));

    const between = writeParquet('empty-between.parquet', columns, [
      {
        rows: 1,
        values: [
          Float64Array.of(1),
          Float64Array.of(2),
          { dictionary: ['a', 'b'], indices: Int32Array.of(1) },
          { values: Float32Array.of(1, 2, 3, 4), listLength: 4 },
        ],
      },
      { rows: 0, values: empty() },
      {
        rows: 1,
        values: [
          Float64Array.of(3),
          Float64Array.of(4),
          { dictionary: ['c'], indices: Int32Array.of(0) },
          { values: Float32Array.of(5, 6, 7, 8), listLength: 4 },
        ],
      },
    ]);
    const back = await rows(`SELECT d, epoch_us(t), s, fl FROM '${between}' ORDER BY d`);
    expect(back.map((r) => [r[0], r[1], r[2], items(r[3])])).toEqual([
      [1, 2n, 'b', [1, 2, 3, 4]],
      [3, 4n, 'c', [5, 6, 7, 8]],
    ]);
  });

  it('reads the same values back with and without Snappy, Snappy being the default', async () => {
    const rand = createRandom(3).next;
    const n = 20_000;
    const columns: ParquetColumnSpec[] = [
      { name: 'id', type: 'int32' },
      { name: 'd', type: 'double' },
      { name: 's', type: 'string' },
      { name: 'fl', type: 'float-list' },
    ];
    const groups: Group[] = [
      {
        rows: n,
        values: [
          ids(n),
          Float64Array.from({ length: n }, (_, i) => Math.floor(i / 100) * 1.5),
          {
            dictionary: ['north', 'south', 'east', 'west'],
            indices: Int32Array.from({ length: n }, () => Math.floor(rand() * 4)),
          },
          { values: Float32Array.from({ length: n * 4 }, (_, k) => k % 7), listLength: 4 },
        ],
      },
    ];
    const paths = (['none', 'snappy', undefined] as const).map((c) =>
      writeParquet(`compression-${c ?? 'default'}.parquet`, columns, groups, c),
    );
    const [plain, snappy, byDefault] = await Promise.all(
      paths.map((p) => rows(`SELECT id, d, s, fl::VARCHAR FROM '${p}' ORDER BY id`)),
    );
    expect(plain.length).toBe(n);
    expect(snappy).toEqual(plain);
    expect(byDefault).toEqual(plain);
    const codecs = await Promise.all(
      paths.map(async (p) => [...new Set((await metadata(p)).map((m) => m.compression))]),
    );
    expect(codecs).toEqual([['UNCOMPRESSED'], ['SNAPPY'], ['SNAPPY']]);
    expect(statSync(paths[1]).size).toBeLessThan(statSync(paths[0]).size / 2);
    expect(readFileSync(paths[2]).equals(readFileSync(paths[1]))).toBe(true);
  });
});

describe('ParquetFileWriter bytes', () => {
  const columns: ParquetColumnSpec[] = [
    { name: 'f', type: 'float' },
    { name: 'l', type: 'int64' },
    { name: 's', type: 'string' },
    { name: 'fl', type: 'float-list' },
  ];
  const group = (n: number, seed: number): Group => {
    const rand = createRandom(seed).next;
    return {
      rows: n,
      values: [
        Float32Array.from({ length: n }, () => rand()),
        Float64Array.from({ length: n }, () => Math.floor(rand() * 1e12)),
        {
          dictionary: ['a', 'b', 'c', 'd', 'e'],
          indices: Int32Array.from({ length: n }, () => Math.floor(rand() * 5)),
        },
        { values: Float32Array.from({ length: n * 2 }, () => rand()), listLength: 2 },
      ],
    };
  };
  const groups = [group(1000, 1), group(PAGE_VALUES + 5, 2), group(7, 3)];

  it.each(['snappy', 'none'] as const)(
    'are the same for the same input, written whole or encoded apart and appended (%s)',
    async (compression) => {
      const a = readFileSync(writeParquet(`same-a-${compression}.parquet`, columns, groups, compression));
      const b = readFileSync(writeParquet(`same-b-${compression}.parquet`, columns, groups, compression));
      expect(b.equals(a)).toBe(true);

      // Encoded out of order (as worker threads may finish), appended in order.
      const encoded = groups
        .map((_, i) => i)
        .reverse()
        .map((i) => ({ i, group: encodeRowGroup(columns, groups[i].values, groups[i].rows, compression) }));
      const path = scratchPath(`same-c-${compression}.parquet`);
      const writer = ParquetFileWriter.create(path, columns, { compression });
      for (const { group: g } of encoded.sort((x, y) => x.i - y.i)) writer.writeRowGroup(g);
      writer.close();
      expect(readFileSync(path).equals(a)).toBe(true);
      expect(await json(`SELECT count(*)::INTEGER AS n FROM '${path}'`)).toEqual([{ n: 1000 + PAGE_VALUES + 5 + 7 }]);
    },
  );
});

describe('ParquetFileWriter refuses bad input', () => {
  let files = 0;
  const path = () => scratchPath(`bad-${++files}.parquet`);

  it('names the column and what it takes when the values do not fit the type', () => {
    const cases: [ParquetColumnSpec, ColumnValues, number, RegExp][] = [
      [{ name: 'f', type: 'float' }, new Float64Array(2), 2, /column f: a float column takes a Float32Array/],
      [{ name: 'd', type: 'double' }, new Float32Array(2), 2, /column d: a double column takes a Float64Array/],
      [{ name: 'i', type: 'int32' }, new Float64Array(2), 2, /column i: a int32 column takes a Int32Array/],
      [{ name: 'l', type: 'int64' }, new Int32Array(2), 2, /column l: a int64 column takes a Float64Array/],
      [
        { name: 't', type: 'timestamp' },
        { dictionary: ['a'], indices: new Int32Array(2) },
        2,
        /column t: a timestamp column takes a Float64Array/,
      ],
      [
        { name: 's', type: 'string' },
        new Int32Array(2),
        2,
        /column s: a string column takes \{ dictionary, indices \}/,
      ],
      [
        { name: 'fl', type: 'float-list' },
        new Float32Array(2),
        2,
        /column fl: a float-list column takes \{ values, listLength \}/,
      ],
      [{ name: 'd', type: 'double' }, new Float64Array(2), 3, /column d: 2 values for 3 rows/],
      [
        { name: 's', type: 'string' },
        { dictionary: ['a'], indices: new Int32Array(2) },
        3,
        /column s: 2 indices for 3 rows/,
      ],
      [
        { name: 'fl', type: 'float-list' },
        { values: new Float32Array(5), listLength: 2 },
        3,
        /3 lists of 2 need 6 values, got 5/,
      ],
      [
        { name: 's', type: 'string' },
        { dictionary: ['a', 'b'], indices: Int32Array.of(0, 2) },
        2,
        /dictionary index 2 out of range \(dictionary of 2\)/,
      ],
      [
        { name: 's', type: 'string' },
        { dictionary: ['a', 'b'], indices: Int32Array.of(-1, 0) },
        2,
        /dictionary index -1 out of range/,
      ],
      [
        { name: 'fl', type: 'float-list' },
        { values: new Float32Array(4), listLength: 0 },
        2,
        /list length must be a positive integer, got 0/,
      ],
      [
        { name: 'fl', type: 'float-list' },
        { values: new Float32Array(4), listLength: 1.5 },
        2,
        /list length must be a positive integer, got 1.5/,
      ],
    ];
    for (const [spec, values, rows, message] of cases)
      expect(() => encodeRowGroup([spec], [values], rows), spec.name).toThrow(message);
  });

  it('refuses a row count that is not a whole number of rows, and value arrays that do not match the columns', () => {
    const spec: ParquetColumnSpec[] = [{ name: 'd', type: 'double' }];
    for (const rows of [-1, 1.5, NaN])
      expect(() => encodeRowGroup(spec, [new Float64Array(2)], rows)).toThrow(/row count must be a whole number/);
    expect(() => encodeRowGroup(spec, [new Float64Array(2), new Float64Array(2)], 2)).toThrow(
      /1 columns but 2 value arrays/,
    );
    const writer = ParquetFileWriter.create(path(), [...spec, { name: 'e', type: 'double' }]);
    expect(() => writer.writeRowGroup(encodeRowGroup(spec, [new Float64Array(2)], 2))).toThrow(
      /row group has 1 columns, file has 2/,
    );
    writer.abort();
  });

  it('refuses a row group compressed otherwise than the file', () => {
    const spec: ParquetColumnSpec[] = [{ name: 'd', type: 'double' }];
    const writer = ParquetFileWriter.create(path(), spec, { compression: 'none' });
    expect(() => writer.writeRowGroup(encodeRowGroup(spec, [new Float64Array(2)], 2, 'snappy'))).toThrow(
      /row group is compressed with snappy, the file with none/,
    );
    writer.abort();
  });

  it('refuses unnamed and duplicate columns before creating the file', () => {
    const p = path();
    expect(() =>
      ParquetFileWriter.create(p, [
        { name: 'a', type: 'double' },
        { name: 'a', type: 'int32' },
      ]),
    ).toThrow(/duplicate Parquet column name: a/);
    expect(() => ParquetFileWriter.create(p, [{ name: '', type: 'double' }])).toThrow(/needs a name/);
    expect(existsSync(p)).toBe(false);
  });

  it('keeps the file usable after a refused row group, and refuses writes after close', async () => {
    const p = path();
    const writer = ParquetFileWriter.create(p, [{ name: 'd', type: 'double' }]);
    writer.write([Float64Array.of(1, 2)], 2);
    expect(() => writer.write([Float64Array.of(3)], 2)).toThrow(/1 values for 2 rows/);
    writer.close();
    expect(() => writer.write([Float64Array.of(3)], 1)).toThrow(/is closed/);
    expect(() => writer.close()).toThrow(/is closed/);
    expect(await json(`SELECT list(d ORDER BY d) AS d FROM '${p}'`)).toEqual([{ d: [1, 2] }]);
  });

  it('deletes the file on abort, before or after row groups', () => {
    for (const groups of [0, 2]) {
      const p = path();
      const writer = ParquetFileWriter.create(p, [{ name: 'd', type: 'double' }]);
      for (let g = 0; g < groups; g++) writer.write([Float64Array.of(g)], 1);
      expect(existsSync(p)).toBe(true);
      writer.abort();
      expect(existsSync(p)).toBe(false);
      expect(() => writer.write([Float64Array.of(1)], 1)).toThrow(/is closed/);
    }
  });
});
