import { readFileSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../analytics/common/random.js';
import { ByteSink } from './byte-sink.js';
import {
  NUMERIC_DICTIONARY_LIMIT,
  type ColumnValues,
  type NullableValues,
  type ParquetColumnSpec,
  type ParquetCompression,
} from './column-chunk.js';
import { encodeRowGroup, ParquetFileWriter, writeAllAt } from './parquet-file-writer.js';
import { readBackWithDuckDB } from './test-support.js';

/**
 * The writer's later features, read back by real DuckDB: nullable columns of every type,
 * booleans, numeric dictionaries, the statistics flag, and row groups placed first and
 * written later at their offsets (as the simulator's worker threads do).
 */

/** Values per data page in column-chunk.ts. */
const PAGE = 131072;

const { path: scratchPath, rows: read, json: readJson } = readBackWithDuckDB('llano-parquet-features-');

interface RowGroup {
  rows: number;
  values: ColumnValues[];
}

function writeFile(
  name: string,
  columns: ParquetColumnSpec[],
  groups: RowGroup[],
  compression: ParquetCompression = 'snappy',
): string {
  const path = scratchPath(name);
  const writer = ParquetFileWriter.create(path, columns, { compression });
  for (const g of groups) writer.write(g.values, g.rows);
  expect(writer.close()).toBe(statSync(path).size);
  return path;
}

interface ChunkStats {
  rg: number;
  col: string;
  n: number;
  nulls: number | null;
  min: string | null;
  max: string | null;
  encodings: string;
  dictionary: boolean;
}

async function chunkStats(path: string): Promise<ChunkStats[]> {
  return (await readJson(
    `SELECT row_group_id::INTEGER AS rg, path_in_schema AS col, num_values::INTEGER AS n, stats_null_count::INTEGER AS nulls,
            stats_min_value AS min, stats_max_value AS max, encodings, dictionary_page_offset IS NOT NULL AS dictionary
     FROM parquet_metadata('${path}') ORDER BY row_group_id, column_id`,
  )) as unknown as ChunkStats[];
}

/** How many rows of the file break `condition` (one count per named condition, in one scan). */
async function wrongRows(path: string, conditions: Record<string, string>): Promise<Record<string, number>> {
  const counts = Object.entries(conditions).map(
    ([name, bad]) => `count(*) FILTER (WHERE ${bad})::INTEGER AS "${name}"`,
  );
  return (await readJson(`SELECT ${counts.join(', ')} FROM '${path}'`))[0] as Record<string, number>;
}

const zeros = (names: string[]): Record<string, number> => Object.fromEntries(names.map((n) => [n, 0]));
const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

/** A nullable column's values (null slots hold `filler`, which must never be read back or bound the statistics). */
function masked(
  make: (n: number) => NullableValues['values'],
  ids: number[],
  value: (id: number) => number,
  isNull: (id: number) => boolean,
  filler: number,
): NullableValues {
  const values = make(ids.length);
  const present = new Uint8Array(ids.length);
  ids.forEach((id, r) => {
    present[r] = isNull(id) ? 0 : 1;
    values[r] = present[r] ? value(id) : filler;
  });
  return { values, present };
}

describe('nullable columns of every type', () => {
  // Column k (1…7) is null where id % (k + 4) = k - 1, and all of them around the first page boundary.
  const run = [PAGE - 500, PAGE + 499];
  const types = [
    {
      name: 'b',
      type: 'boolean',
      make: (n: number) => new Uint8Array(n),
      js: (id: number) => (id % 3 === 0 ? 1 : 0),
      sql: '(id % 3 = 0)',
      filler: 1,
    },
    {
      name: 'f',
      type: 'float',
      make: (n: number) => new Float32Array(n),
      js: (id: number) => (id % 1000) - 500.5,
      sql: '((id % 1000) - 500.5)::FLOAT',
      filler: 3e38,
    },
    {
      name: 'd',
      type: 'double',
      make: (n: number) => new Float64Array(n),
      js: (id: number) => id * 0.25 - 1000,
      sql: 'id * 0.25 - 1000',
      filler: -1e300,
    },
    {
      name: 'i',
      type: 'int32',
      make: (n: number) => new Int32Array(n),
      js: (id: number) => id * 7 - 1_000_000,
      sql: 'id * 7 - 1000000',
      filler: 2 ** 31 - 1,
    },
    {
      name: 'l',
      type: 'int64',
      make: (n: number) => new Float64Array(n),
      js: (id: number) => id * 4099 - 2 ** 40,
      sql: 'id::BIGINT * 4099 - 1099511627776',
      filler: 2 ** 53,
    },
    {
      name: 't',
      type: 'timestamp',
      make: (n: number) => new Float64Array(n),
      js: (id: number) => 1.7e15 + id * 1000003,
      sql: '1700000000000000 + id::BIGINT * 1000003',
      filler: -(2 ** 53),
    },
  ] as const;
  const dictionary = Array.from({ length: 1000 }, (_, k) => `v${k}`);
  const nullIn = (k: number) => (id: number) => id % (k + 4) === k - 1 || (id >= run[0] && id <= run[1]);
  const names = [...types.map((t) => t.name), 's'];

  // Row groups: nulls over three data pages; plain arrays (nothing null); all null; NullableValues with nothing null and longer than the rows.
  const sizes = [2 * PAGE + 1001, 5000, 3, 10];
  const starts = sizes.map((_, g) => sizes.slice(0, g).reduce((a, b) => a + b, 0));
  const total = starts[3] + sizes[3];
  const modes = ['masked', 'plain', 'all-null', 'none-null'] as const;
  /** Whether row `id` of column k (1…7) is null. */
  const isNull = (k: number, id: number): boolean => {
    const g = starts.filter((s) => id >= s).length - 1;
    return modes[g] === 'masked' ? nullIn(k)(id) : modes[g] === 'all-null';
  };

  function group(g: number): RowGroup {
    const ids = range(sizes[g], starts[g]);
    const mode = modes[g];
    const extra = mode === 'none-null' ? 5 : 0;
    const values: ColumnValues[] = types.map((t, c) => {
      const k = c + 1;
      if (mode === 'plain') {
        const plain = t.make(ids.length);
        ids.forEach((id, r) => (plain[r] = t.js(id)));
        return plain;
      }
      const nulls = mode === 'masked' ? nullIn(k) : () => mode === 'all-null';
      const column = masked(t.make, [...ids, ...range(extra, total)], t.js, nulls, t.filler);
      if (extra) column.present.fill(0, ids.length);
      return column;
    });
    const s = names.length;
    values.push({ dictionary, indices: Int32Array.from(ids, (id) => (isNull(s, id) ? -1 : (id * 7) % 1000)) });
    return { rows: ids.length, values: [Int32Array.from(ids), ...values] };
  }

  const columns: ParquetColumnSpec[] = [
    { name: 'id', type: 'int32' },
    ...types.map((t): ParquetColumnSpec => ({ name: t.name, type: t.type, nullable: true })),
    { name: 's', type: 'string', nullable: true },
  ];
  const groups = sizes.map((_, g) => group(g));
  let path: string;

  beforeAll(() => {
    path = writeFile('nullable.parquet', columns, groups);
  });

  it('reads nulls back as NULL at exactly the null rows, and every other value exactly, across pages and row groups', async () => {
    expect((await readJson(`DESCRIBE SELECT * FROM '${path}'`)).map((c) => c.column_type)).toEqual([
      'INTEGER',
      'BOOLEAN',
      'FLOAT',
      'DOUBLE',
      'INTEGER',
      'BIGINT',
      'TIMESTAMP',
      'VARCHAR',
    ]);
    const expectedNull = (k: number) =>
      `CASE WHEN id < ${starts[1]} THEN (id % ${k + 4} = ${k - 1} OR id BETWEEN ${run[0]} AND ${run[1]}) WHEN id < ${starts[2]} THEN false WHEN id < ${starts[3]} THEN true ELSE false END`;
    const conditions: Record<string, string> = {};
    types.forEach((t, c) => {
      const column = t.name === 't' ? 'epoch_us(t)' : t.name;
      conditions[t.name] = `(${t.name} IS NULL) <> (${expectedNull(c + 1)}) OR ${column} <> ${t.sql}`;
    });
    conditions.s = `(s IS NULL) <> (${expectedNull(names.length)}) OR s <> 'v' || ((id * 7) % 1000)`;
    expect(await wrongRows(path, conditions)).toEqual(zeros(Object.keys(conditions)));
    expect(await readJson(`SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids FROM '${path}'`)).toEqual([
      { n: total, ids: total },
    ]);

    // Rows on both sides of the page boundaries, of the null run's ends and of the row groups, compared with the input.
    const edges = [
      ...new Set([PAGE, 2 * PAGE, run[0], run[1] + 1, ...starts.slice(1)].flatMap((e) => [e - 2, e - 1, e, e + 1])),
    ].sort((a, b) => a - b);
    const back = await read(
      `SELECT id, b, f, d, i, l, epoch_us(t), s FROM '${path}' WHERE id IN (${edges.join(',')}) ORDER BY id`,
    );
    const expected = edges.map((id) => [
      id,
      ...types.map((t, c) => {
        if (isNull(c + 1, id)) return null;
        const v = t.js(id);
        return t.type === 'boolean'
          ? v === 1
          : t.type === 'float'
            ? Math.fround(v)
            : t.type === 'int64' || t.type === 'timestamp'
              ? BigInt(v)
              : v;
      }),
      isNull(names.length, id) ? null : `v${(id * 7) % 1000}`,
    ]);
    expect(back).toEqual(expected);
  });

  it('counts the nulls of each column chunk, and bounds the statistics by the present values only', async () => {
    const stats = await chunkStats(path);
    const nullCount = (g: number, k: number) => range(sizes[g], starts[g]).filter((id) => isNull(k, id)).length;
    // Not the all-null row group (2): such a chunk gets no statistics, so no null count either.
    for (const g of [0, 1, 3]) {
      const got = stats.filter((s) => s.rg === g && s.col !== 'id').map((s) => [s.col, s.n, s.nulls]);
      expect(got, `row group ${g}`).toEqual(names.map((name, c) => [name, sizes[g], nullCount(g, c + 1)]));
    }
    expect(nullCount(0, 1)).toBeGreaterThan(1000);
    expect(nullCount(1, 1)).toBe(0);

    // Null slots hold fillers beyond every present value: they must not become min or max.
    const present = (k: number) => range(sizes[0]).filter((id) => !nullIn(k)(id));
    const bounds = (col: string) => {
      const s = stats.find((m) => m.rg === 0 && m.col === col)!;
      return [s.min, s.max];
    };
    const numeric = (c: number, round: (v: number) => number = (v) => v) => {
      const v = present(c + 1).map((id) => round(types[c].js(id)));
      return [v.reduce((a, b) => Math.min(a, b)), v.reduce((a, b) => Math.max(a, b))];
    };
    expect(bounds('b')).toEqual(['false', 'true']);
    expect(bounds('f').map(Number)).toEqual(numeric(1, Math.fround));
    expect(bounds('d').map(Number)).toEqual(numeric(2));
    expect(bounds('i').map(Number)).toEqual(numeric(3));
    expect(bounds('l')).toEqual(numeric(4).map(String));
    expect(
      await readJson(`SELECT epoch_us(stats_min_value::TIMESTAMP) AS lo, epoch_us(stats_max_value::TIMESTAMP) AS hi
      FROM parquet_metadata('${path}') WHERE path_in_schema = 't' AND row_group_id = 0`),
    ).toEqual([{ lo: String(numeric(5)[0]), hi: String(numeric(5)[1]) }]);
  });

  it('writes a row group whose values are all null: NULL in every row, no bounds', async () => {
    expect(
      await readJson(`SELECT count(*)::INTEGER AS n, (count(b) + count(f) + count(d) + count(i) + count(l) + count(t) + count(s))::INTEGER AS values
      FROM '${path}' WHERE id >= ${starts[2]} AND id < ${starts[3]}`),
    ).toEqual([{ n: 3, values: 0 }]);
    const stats = (await chunkStats(path)).filter((s) => s.rg === 2 && s.col !== 'id');
    expect(stats.map((s) => [s.col, s.n, s.min, s.max])).toEqual(names.map((name) => [name, 3, null, null]));
    // DuckDB answers predicates on the group right (no pruning by absent bounds).
    expect(
      await readJson(`SELECT count(*)::INTEGER AS n FROM '${path}' WHERE d IS NULL AND id >= ${starts[2]}`),
    ).toEqual([{ n: 3 }]);
  });

  it('takes a plain array for a nullable column and writes it as the same file as all-present NullableValues', () => {
    const ids = range(3000);
    const plain: ColumnValues[] = [
      Uint8Array.from(ids, (id) => id % 2),
      Float64Array.from(ids, (id) => id / 3),
      Int32Array.from(ids),
    ];
    const wrapped = plain.map((v) => ({ values: v, present: new Uint8Array(ids.length).fill(1) }) as NullableValues);
    const specs: ParquetColumnSpec[] = [
      { name: 'b', type: 'boolean', nullable: true },
      { name: 'd', type: 'double', nullable: true },
      { name: 'i', type: 'int32', nullable: true, dictionary: true },
    ];
    const a = readFileSync(writeFile('plain-nullable.parquet', specs, [{ rows: ids.length, values: plain }]));
    const b = readFileSync(writeFile('wrapped-nullable.parquet', specs, [{ rows: ids.length, values: wrapped }]));
    expect(b.equals(a)).toBe(true);
  });
});

describe('boolean columns', () => {
  it('packs bits right for every count 1…17 and across a page boundary, non-nullable and nullable', async () => {
    const sizes = [...range(17, 1), 64, PAGE + 3, 5];
    const value = (id: number) => (id % 3 === 0 || id % 11 === 5 ? 1 : 0);
    const isNull = (id: number) => id % 4 === 1 || id % 9 === 0;
    let from = 0;
    const groups = sizes.map((n) => {
      const ids = range(n, from);
      from += n;
      return {
        rows: n,
        values: [
          Int32Array.from(ids),
          Uint8Array.from(ids, value),
          masked((k) => new Uint8Array(k), ids, value, isNull, 1),
        ],
      };
    });
    const columns: ParquetColumnSpec[] = [
      { name: 'id', type: 'int32' },
      { name: 'b', type: 'boolean' },
      { name: 'nb', type: 'boolean', nullable: true },
    ];
    const path = writeFile('booleans.parquet', columns, groups);
    expect((await readJson(`DESCRIBE SELECT * FROM '${path}'`)).map((c) => c.column_type)).toEqual([
      'INTEGER',
      'BOOLEAN',
      'BOOLEAN',
    ]);
    const truth = '(id % 3 = 0 OR id % 11 = 5)';
    expect(
      await wrongRows(path, {
        b: `b IS NULL OR b <> ${truth}`,
        nb: `(nb IS NULL) <> (id % 4 = 1 OR id % 9 = 0) OR nb <> ${truth}`,
      }),
    ).toEqual({ b: 0, nb: 0 });
    expect(await readJson(`SELECT count(*)::INTEGER AS n FROM '${path}'`)).toEqual([{ n: from }]);

    expect(await read(`SELECT b, nb FROM '${path}' WHERE id < 40 ORDER BY id`)).toEqual(
      range(40).map((id) => [value(id) === 1, isNull(id) ? null : value(id) === 1]),
    );

    const stats = await chunkStats(path);
    // Row group 0 is row 0 alone: true, and null in nb (0 % 9 = 0).
    expect(stats.filter((s) => s.rg === 0 && s.col !== 'id').map((s) => [s.col, s.min, s.max])).toEqual([
      ['b', 'true', 'true'],
      ['nb', null, null],
    ]);
    let checked = 0;
    for (const [g, n] of sizes.entries()) {
      const ids = range(
        n,
        sizes.slice(0, g).reduce((a, b) => a + b, 0),
      );
      const nulls = ids.filter(isNull).length;
      // (An all-null chunk has no statistics at all: see the nullable tests.)
      if (nulls === n) continue;
      expect(stats.find((s) => s.rg === g && s.col === 'nb')!.nulls, `row group ${g}`).toBe(nulls);
      expect(stats.find((s) => s.rg === g && s.col === 'b')!.nulls, `row group ${g}`).toBe(0);
      checked++;
    }
    expect(checked).toBeGreaterThan(15);
  });
});

describe('numeric dictionary encoding', () => {
  /** Row r's value: period 4, runs, zeros whose sign alternates four rows apart, adjacent zeros and NaN, then random picks. */
  function pattern(palette: number[], n: number, seed: number): number[] {
    const rand = createRandom(seed).next;
    const zerosAndNaN = [0, -0, -0, 0, 0, -0, NaN, NaN, 0, NaN, -0];
    return range(n).map((r) => {
      if (r < 4000) return palette[r % 4];
      if (r < 8000) return palette[Math.floor(r / 37) % palette.length];
      if (r < 12000) return [0, palette[1], palette[2], palette[3], -0, palette[1], palette[2], palette[3]][r % 8];
      if (r < 16000) return zerosAndNaN[r % zerosAndNaN.length];
      return palette[Math.floor(rand() * palette.length)];
    });
  }

  it('round-trips int32, int64, timestamp, double and float exactly, as RLE_DICTIONARY with a dictionary page', async () => {
    const n = 20_000;
    const doubles = pattern([1.5, -2.25, 1e300, -0, 0, NaN, 5e-324, Infinity], n, 1);
    const floats = pattern([1.5, -2.25, Math.fround(3e38), -0, 0, NaN, Math.fround(1e-45), -Infinity], n, 2).map(
      Math.fround,
    );
    // Integer columns have no NaN: their patterns map it to a value of the palette.
    const integers = (palette: number[], seed: number) =>
      pattern(palette, n, seed).map((v) => (Number.isNaN(v) ? palette[0] : v));
    const int32s = integers([7, -1, 2 ** 31 - 1, -(2 ** 31), 0], 3).map((v) => v | 0);
    const int64s = integers([5, -(2 ** 53), 2 ** 53, 2 ** 40 + 1, -1], 4);
    const stamps = integers([1.7e15, 1, -1, 2 ** 53, -(2 ** 53)], 5);
    const columns: ParquetColumnSpec[] = [
      { name: 'id', type: 'int32' },
      { name: 'i', type: 'int32', dictionary: true },
      { name: 'l', type: 'int64', dictionary: true },
      { name: 't', type: 'timestamp', dictionary: true },
      { name: 'd', type: 'double', dictionary: true },
      { name: 'f', type: 'float', dictionary: true },
      { name: 'plain', type: 'double' },
    ];
    const values = [
      Int32Array.from(range(n)),
      Int32Array.from(int32s),
      Float64Array.from(int64s),
      Float64Array.from(stamps),
      Float64Array.from(doubles),
      Float32Array.from(floats),
      Float64Array.from(doubles),
    ];
    const path = writeFile('numeric-dictionary.parquet', columns, [{ rows: n, values }]);

    const back = await read(`SELECT i, l, epoch_us(t), d, f, plain FROM '${path}' ORDER BY id`);
    const column = (c: number) => back.map((r) => r[c]);
    expect(column(0)).toEqual(int32s);
    // −0 of an int64 is the integer 0.
    expect(column(1)).toEqual(int64s.map((v) => BigInt(v)));
    expect(column(2)).toEqual(stamps.map((v) => BigInt(v)));
    // toEqual tells −0 from 0 and takes NaN as equal to NaN.
    expect(column(3)).toEqual(doubles);
    expect(column(4)).toEqual(floats);
    expect(column(5)).toEqual(doubles);
    // The same in SQL, by the text of each zero and NaN.
    const count = (v: number[], p: (x: number) => boolean) => v.filter(p).length;
    expect(
      await readJson(`SELECT count(*) FILTER (WHERE d::VARCHAR = '-0.0')::INTEGER AS dn, count(*) FILTER (WHERE d::VARCHAR = '0.0')::INTEGER AS dp,
        count(*) FILTER (WHERE isnan(d))::INTEGER AS dnan, count(*) FILTER (WHERE f::VARCHAR = '-0.0')::INTEGER AS fn,
        count(*) FILTER (WHERE 1 / f = '-inf'::FLOAT)::INTEGER AS fn2, count(*) FILTER (WHERE isnan(f))::INTEGER AS fnan FROM '${path}'`),
    ).toEqual([
      {
        dn: count(doubles, (x) => Object.is(x, -0)),
        dp: count(doubles, (x) => Object.is(x, 0)),
        dnan: count(doubles, Number.isNaN),
        fn: count(floats, (x) => Object.is(x, -0)),
        fn2: count(floats, (x) => Object.is(x, -0)),
        fnan: count(floats, Number.isNaN),
      },
    ]);
    expect(count(doubles, (x) => Object.is(x, -0))).toBeGreaterThan(1000);

    const stats = await chunkStats(path);
    expect(stats.map((s) => [s.col, s.encodings, s.dictionary])).toEqual([
      ['id', 'PLAIN, RLE', false],
      ...['i', 'l', 't', 'd', 'f'].map((c) => [c, 'PLAIN, RLE, RLE_DICTIONARY', true]),
      ['plain', 'PLAIN, RLE', false],
    ]);
    // Bounds from the dictionary, NaN left out; the same as the plain column's. (DuckDB shows an infinite bound as NULL.)
    const bounds = (col: string) => stats.filter((s) => s.col === col).map((s) => [s.min, s.max])[0];
    expect(Number(bounds('d')[0])).toBe(-2.25);
    expect(bounds('plain')).toEqual(bounds('d'));
    expect(Math.fround(Number(bounds('f')[1]))).toBe(Math.fround(3e38));
    expect(bounds('i').map(Number)).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(bounds('l')).toEqual([String(-(2 ** 53)), String(2 ** 53)]);
    // Queries DuckDB may answer by those bounds still find the extremes.
    expect(
      await readJson(`SELECT count(*) FILTER (WHERE d = 'inf'::DOUBLE)::INTEGER AS dinf, count(*) FILTER (WHERE f = '-inf'::FLOAT)::INTEGER AS finf,
        count(*) FILTER (WHERE d = 1e300)::INTEGER AS dbig, count(*) FILTER (WHERE i = ${2 ** 31 - 1})::INTEGER AS ibig FROM '${path}'`),
    ).toEqual([
      {
        dinf: count(doubles, (x) => x === Infinity),
        finf: count(floats, (x) => x === -Infinity),
        dbig: count(doubles, (x) => x === 1e300),
        ibig: count(int32s, (x) => x === 2 ** 31 - 1),
      },
    ]);
    // Few distinct values repeating: the dictionary column is far smaller than the plain one.
    const sizes = await readJson(
      `SELECT path_in_schema AS col, total_compressed_size::INTEGER AS size FROM parquet_metadata('${path}') WHERE path_in_schema IN ('d', 'plain') ORDER BY column_id`,
    );
    expect(sizes[0].size as number).toBeLessThan((sizes[1].size as number) / 4);
  });

  it('dictionary-encodes nullable columns across pages and row groups, with an all-null and an empty row group', async () => {
    const cycle = [0, -0, NaN, 2.5];
    const longs = [5, -(2 ** 53), 2 ** 53, 5];
    const isNull = (id: number) => id % 5 === 2 || (id >= PAGE - 100 && id < PAGE + 100);
    const columns: ParquetColumnSpec[] = [
      { name: 'id', type: 'int32' },
      { name: 'd', type: 'double', nullable: true, dictionary: true },
      { name: 'l', type: 'int64', nullable: true, dictionary: true },
      { name: 'f', type: 'float', nullable: true, dictionary: true },
    ];
    const sizes = [2 * PAGE + 3, 1000, 0, 4];
    const starts = sizes.map((_, g) => sizes.slice(0, g).reduce((a, b) => a + b, 0));
    const groups = sizes.map((n, g): RowGroup => {
      const ids = range(n, starts[g]);
      const nulls = g === 0 ? isNull : () => g === 3;
      const id = Int32Array.from(ids);
      if (g === 1)
        return {
          rows: n,
          values: [
            id,
            Float64Array.from(ids, (i) => cycle[i % 4]),
            Float64Array.from(ids, (i) => longs[i % 4]),
            Float32Array.from(ids, (i) => cycle[i % 4]),
          ],
        };
      return {
        rows: n,
        values: [
          id,
          masked(
            (k) => new Float64Array(k),
            ids,
            (i) => cycle[i % 4],
            nulls,
            99,
          ),
          masked(
            (k) => new Float64Array(k),
            ids,
            (i) => longs[i % 4],
            nulls,
            99,
          ),
          masked(
            (k) => new Float32Array(k),
            ids,
            (i) => cycle[i % 4],
            nulls,
            99,
          ),
        ],
      };
    });
    const path = writeFile('nullable-dictionary.parquet', columns, groups);
    const nullSql = `CASE WHEN id < ${starts[1]} THEN (id % 5 = 2 OR (id >= ${PAGE - 100} AND id < ${PAGE + 100})) WHEN id < ${starts[3]} THEN false ELSE true END`;
    const text = (type: string) =>
      `CASE id % 4 WHEN 0 THEN '0.0' WHEN 1 THEN '-0.0' WHEN 2 THEN 'nan' ELSE '2.5' END::${type}::VARCHAR`;
    expect(
      await wrongRows(path, {
        d: `(d IS NULL) <> (${nullSql}) OR d::VARCHAR <> ${text('DOUBLE')}`,
        f: `(f IS NULL) <> (${nullSql}) OR f::VARCHAR <> ${text('FLOAT')}`,
        l: `(l IS NULL) <> (${nullSql}) OR l <> CASE id % 4 WHEN 1 THEN -9007199254740992 WHEN 2 THEN 9007199254740992 ELSE 5 END`,
      }),
    ).toEqual({ d: 0, f: 0, l: 0 });
    expect(await readJson(`SELECT count(*)::INTEGER AS n, count(d)::INTEGER AS d FROM '${path}'`)).toEqual([
      { n: starts[3] + 4, d: range(sizes[0]).filter((i) => !isNull(i)).length + 1000 },
    ]);
    const edges = [PAGE - 101, PAGE - 100, PAGE + 99, PAGE + 100, 2 * PAGE - 1, 2 * PAGE, 2 * PAGE + 1, 2 * PAGE + 2];
    expect(
      (await read(`SELECT id, d FROM '${path}' WHERE id IN (${edges.join(',')}) ORDER BY id`)).map((r) => r[1]),
    ).toEqual(edges.map((id) => (isNull(id) ? null : cycle[id % 4])));

    const stats = await chunkStats(path);
    const nonEmpty = stats.filter((s) => s.rg !== 2 && s.col !== 'id');
    expect(nonEmpty.every((s) => s.encodings === 'PLAIN, RLE, RLE_DICTIONARY' && s.dictionary)).toBe(true);
    const nulls0 = range(sizes[0]).filter(isNull).length;
    expect(stats.filter((s) => s.rg < 2 && s.col !== 'id').map((s) => [s.rg, s.col, s.nulls, s.min, s.max])).toEqual([
      [0, 'd', nulls0, expect.stringMatching(/^-?0(\.0)?$/), '2.5'],
      [0, 'l', nulls0, String(-(2 ** 53)), String(2 ** 53)],
      [0, 'f', nulls0, expect.stringMatching(/^-?0(\.0)?$/), '2.5'],
      [1, 'd', 0, expect.stringMatching(/^-?0(\.0)?$/), '2.5'],
      [1, 'l', 0, String(-(2 ** 53)), String(2 ** 53)],
      [1, 'f', 0, expect.stringMatching(/^-?0(\.0)?$/), '2.5'],
    ]);
  });

  it(`falls back to PLAIN past ${NUMERIC_DICTIONARY_LIMIT} distinct values and still round-trips; exactly the limit stays a dictionary`, async () => {
    const n = NUMERIC_DICTIONARY_LIMIT + 15_000;
    // Distinct values first, then repeats of the first ten.
    const over = (r: number) => (r <= NUMERIC_DICTIONARY_LIMIT ? r : r % 10) * 3 - 100_000;
    const atLimit = (r: number) => (r < NUMERIC_DICTIONARY_LIMIT ? r : r % 10) * 3 - 100_000;
    const isNull = (r: number) => r % 7 === 3;
    const ids = range(n);
    const columns: ParquetColumnSpec[] = [
      { name: 'id', type: 'int32' },
      { name: 'i_over', type: 'int32', dictionary: true },
      { name: 'd_over', type: 'double', dictionary: true },
      { name: 'n_over', type: 'double', nullable: true, dictionary: true },
      { name: 'i_limit', type: 'int32', dictionary: true },
      { name: 'd_limit', type: 'double', dictionary: true },
    ];
    // n_over: every present value distinct; more of them than the limit.
    const path = writeFile('dictionary-fallback.parquet', columns, [
      {
        rows: n,
        values: [
          Int32Array.from(ids),
          Int32Array.from(ids, over),
          Float64Array.from(ids, (r) => over(r) / 4),
          masked(
            (k) => new Float64Array(k),
            ids,
            (r) => r / 8,
            isNull,
            0,
          ),
          Int32Array.from(ids, atLimit),
          Float64Array.from(ids, (r) => atLimit(r) / 4),
        ],
      },
    ]);
    expect(new Set(ids.map(over)).size).toBe(NUMERIC_DICTIONARY_LIMIT + 1);
    expect(new Set(ids.map(atLimit)).size).toBe(NUMERIC_DICTIONARY_LIMIT);
    expect(ids.filter((r) => !isNull(r)).length).toBeGreaterThan(NUMERIC_DICTIONARY_LIMIT);
    const overSql = `(CASE WHEN id <= ${NUMERIC_DICTIONARY_LIMIT} THEN id ELSE id % 10 END * 3 - 100000)`;
    const limitSql = `(CASE WHEN id < ${NUMERIC_DICTIONARY_LIMIT} THEN id ELSE id % 10 END * 3 - 100000)`;
    expect(
      await wrongRows(path, {
        i_over: `i_over IS DISTINCT FROM ${overSql}`,
        d_over: `d_over IS DISTINCT FROM (${overSql}) / 4`,
        n_over: `n_over IS DISTINCT FROM CASE WHEN id % 7 = 3 THEN NULL ELSE id / 8 END`,
        i_limit: `i_limit IS DISTINCT FROM ${limitSql}`,
        d_limit: `d_limit IS DISTINCT FROM (${limitSql}) / 4`,
      }),
    ).toEqual(zeros(['i_over', 'd_over', 'n_over', 'i_limit', 'd_limit']));
    expect((await chunkStats(path)).map((s) => [s.col, s.encodings, s.dictionary])).toEqual([
      ['id', 'PLAIN, RLE', false],
      ['i_over', 'PLAIN, RLE', false],
      ['d_over', 'PLAIN, RLE', false],
      ['n_over', 'PLAIN, RLE', false],
      ['i_limit', 'PLAIN, RLE, RLE_DICTIONARY', true],
      ['d_limit', 'PLAIN, RLE, RLE_DICTIONARY', true],
    ]);
  });
});

describe('statistics flag', () => {
  it('statistics: false leaves min and max out for every type; float lists bound by their elements otherwise', async () => {
    const n = 1000;
    const ids = range(n);
    const columns = (statistics?: boolean): ParquetColumnSpec[] =>
      (
        [
          { name: 'b', type: 'boolean' },
          { name: 'f', type: 'float' },
          { name: 'd', type: 'double' },
          { name: 'dd', type: 'double', dictionary: true },
          { name: 'nd', type: 'double', nullable: true },
          { name: 'i', type: 'int32' },
          { name: 'l', type: 'int64' },
          { name: 't', type: 'timestamp' },
          { name: 's', type: 'string' },
          { name: 'fl', type: 'float-list' },
        ] as ParquetColumnSpec[]
      ).map((c) => (statistics === undefined ? c : { ...c, statistics }));
    const values: ColumnValues[] = [
      Uint8Array.from(ids, (r) => r % 2),
      Float32Array.from(ids, (r) => r - 0.5),
      Float64Array.from(ids, (r) => r * 2),
      Float64Array.from(ids, (r) => r % 3),
      masked(
        (k) => new Float64Array(k),
        ids,
        (r) => -r,
        (r) => r % 2 === 0,
        1e9,
      ),
      Int32Array.from(ids),
      Float64Array.from(ids, (r) => r - 2 ** 40),
      Float64Array.from(ids, (r) => 1.7e15 + r),
      { dictionary: ['x', 'y', 'z'], indices: Int32Array.from(ids, (r) => r % 3) },
      { values: Float32Array.from({ length: n * 3 }, (_, k) => (k % 2 ? k : -k / 4)), listLength: 3 },
    ];
    const off = writeFile('statistics-off.parquet', columns(false), [{ rows: n, values }]);
    const on = writeFile('statistics-on.parquet', columns(true), [{ rows: n, values }]);
    const byDefault = writeFile('statistics-default.parquet', columns(), [{ rows: n, values }]);
    expect(readFileSync(byDefault).equals(readFileSync(on))).toBe(true);

    const offStats = await chunkStats(off);
    expect(offStats.map((s) => [s.col, s.min, s.max])).toEqual(
      columns().map((c) => [c.type === 'float-list' ? 'fl, list, element' : c.name, null, null]),
    );
    const onStats = await chunkStats(on);
    expect(onStats.every((s) => s.min !== null && s.max !== null)).toBe(true);
    const fl = onStats.find((s) => s.col === 'fl, list, element')!;
    expect([Number(fl.min), Number(fl.max)]).toEqual([-(n * 3 - 2) / 4, n * 3 - 1]);
    expect(onStats.find((s) => s.col === 'nd')!.nulls).toBe(n / 2);
    expect([
      Number(onStats.find((s) => s.col === 'nd')!.min),
      Number(onStats.find((s) => s.col === 'nd')!.max),
    ]).toEqual([-(n - 1), -1]);

    // Same values either way.
    const all = (p: string) => read(`SELECT b, f, d, dd, nd, i, l, t::VARCHAR, s, fl::VARCHAR FROM '${p}'`);
    const [a, b] = await Promise.all([all(off), all(on)]);
    expect(a.length).toBe(n);
    expect(a).toEqual(b);
  });
});

describe('row groups placed first, written later at their offsets', () => {
  const columns: ParquetColumnSpec[] = [
    { name: 'id', type: 'int32' },
    { name: 'b', type: 'boolean', nullable: true },
    { name: 'd', type: 'double', nullable: true },
    { name: 'k', type: 'int64', dictionary: true },
    { name: 's', type: 'string', nullable: true },
    { name: 'fl', type: 'float-list' },
  ];
  const sizes = [1000, PAGE + 5, 1, 7];
  const groups = sizes.map((n, g): RowGroup => {
    const rand = createRandom(g + 1).next;
    const ids = range(n, g * 1_000_000);
    return {
      rows: n,
      values: [
        Int32Array.from(ids),
        masked(
          (k) => new Uint8Array(k),
          ids,
          (id) => id & 1,
          () => rand() < 0.3,
          0,
        ),
        masked(
          (k) => new Float64Array(k),
          ids,
          () => rand(),
          () => rand() < 0.1,
          0,
        ),
        Float64Array.from(ids, (id) => Math.floor(id / 100) * 1e9),
        { dictionary: ['a', 'b', 'c'], indices: Int32Array.from(ids, () => Math.floor(rand() * 4) - 1) },
        { values: Float32Array.from({ length: n * 2 }, () => rand()), listLength: 2 },
      ],
    };
  });

  it.each(['snappy', 'none'] as const)(
    'write into one reused ByteSink, place in order, write in reverse: the same file as write() (%s)',
    async (compression) => {
      const reference = readFileSync(
        writeFile(`placed-reference-${compression}.parquet`, columns, groups, compression),
      );

      // Encoded back to back into one small buffer that must grow.
      const sink = new ByteSink(16);
      const encoded = groups.map((g) => encodeRowGroup(columns, g.values, g.rows, compression, sink));
      const starts = encoded.map((_, i) => encoded.slice(0, i).reduce((n, e) => n + e.bytes.length, 0));
      expect(sink.length).toBe(encoded.reduce((n, e) => n + e.bytes.length, 0));
      const all = sink.copy();
      encoded.forEach((e, i) =>
        expect(Buffer.from(e.bytes).equals(all.subarray(starts[i], starts[i] + e.bytes.length)), `group ${i}`).toBe(
          true,
        ),
      );

      const path = scratchPath(`placed-${compression}.parquet`);
      const writer = ParquetFileWriter.create(path, columns, { compression });
      // Only the layout crosses to the writer (no bytes), as from a worker thread.
      const offsets = encoded.map((e) => writer.place({ rows: e.rows, compression: e.compression, chunks: e.chunks }));
      expect(offsets).toEqual(starts.map((s) => s + 4));
      expect(writer.rowCount).toBe(sizes.reduce((a, b) => a + b, 0));
      for (let i = encoded.length - 1; i >= 0; i--)
        writeAllAt(writer.fd, all.subarray(starts[i], starts[i] + encoded[i].bytes.length), offsets[i]);
      const size = writer.close();
      const file = readFileSync(path);
      expect(size).toBe(file.length);
      expect(file.equals(reference)).toBe(true);
      const total = sizes.reduce((a, b) => a + b, 0);
      expect(
        await readJson(`SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids FROM '${path}'`),
      ).toEqual([{ n: total, ids: total }]);
    },
  );

  it('encodes into a shared sink the same bytes and layout as into a buffer of its own, leaving what the sink held', () => {
    const sink = new ByteSink(8);
    const before = Uint8Array.from({ length: 1001 }, (_, i) => (i * 31) & 255);
    sink.bytes(before);
    for (const g of groups) {
      const own = encodeRowGroup(columns, g.values, g.rows, 'snappy');
      const start = sink.length;
      const shared = encodeRowGroup(columns, g.values, g.rows, 'snappy', sink);
      expect(Buffer.from(shared.bytes).equals(Buffer.from(own.bytes))).toBe(true);
      expect(shared.bytes.byteOffset).toBe(start);
      expect(shared.chunks).toEqual(own.chunks);
      expect([shared.rows, shared.compression]).toEqual([own.rows, own.compression]);
    }
    expect(Buffer.from(sink.view8().subarray(0, before.length)).equals(Buffer.from(before))).toBe(true);
  });

  it('writeAllAt writes a whole buffer at a position, leaving the bytes around it', () => {
    const path = scratchPath('write-at.bin');
    const writer = ParquetFileWriter.create(path, [{ name: 'd', type: 'double' }], { compression: 'none' });
    const big = Uint8Array.from({ length: 3 << 20 }, (_, i) => (i * 7) & 255);
    writeAllAt(writer.fd, big, 100);
    writeAllAt(writer.fd, Uint8Array.of(1, 2, 3), 50);
    const file = readFileSync(path);
    expect(file.length).toBe(100 + big.length);
    expect(file.subarray(0, 4).toString()).toBe('PAR1');
    expect([...file.subarray(50, 53)]).toEqual([1, 2, 3]);
    expect(file.subarray(100).equals(big)).toBe(true);
    writer.abort();
  });
});

describe('refused input', () => {
  it.each<[string, ParquetColumnSpec, ColumnValues, number, RegExp]>([
    [
      'a nullable float list',
      { name: 'fl', type: 'float-list', nullable: true },
      { values: new Float32Array(4), listLength: 2 },
      2,
      /column fl: float lists can be neither nullable nor dictionary-encoded/,
    ],
    [
      'a dictionary float list',
      { name: 'fl', type: 'float-list', dictionary: true },
      { values: new Float32Array(4), listLength: 2 },
      2,
      /column fl: float lists can be neither nullable nor dictionary-encoded/,
    ],
    [
      'NullableValues for a non-nullable column',
      { name: 'd', type: 'double' },
      { values: new Float64Array(2), present: Uint8Array.of(1, 0) },
      2,
      /column d: values with nulls for a column that is not nullable/,
    ],
    [
      'NullableValues around the wrong array',
      { name: 'd', type: 'double', nullable: true },
      { values: new Float32Array(2), present: Uint8Array.of(1, 1) },
      2,
      /column d: a double column takes a Float64Array/,
    ],
    [
      'a boolean column given Int32Array',
      { name: 'b', type: 'boolean' },
      new Int32Array(2),
      2,
      /column b: a boolean column takes a Uint8Array/,
    ],
    [
      'present shorter than the rows',
      { name: 'i', type: 'int32', nullable: true },
      { values: new Int32Array(3), present: new Uint8Array(2) },
      3,
      /column i: .*3 rows/,
    ],
    [
      'values shorter than the rows',
      { name: 'i', type: 'int32', nullable: true },
      { values: new Int32Array(2), present: new Uint8Array(3) },
      3,
      /column i: 2 values for 3 rows/,
    ],
  ])('refuses %s with a RangeError naming the column', (_, spec, values, rows, message) => {
    expect(() => encodeRowGroup([spec], [values], rows)).toThrow(RangeError);
    expect(() => encodeRowGroup([spec], [values], rows)).toThrow(message);
  });

  it('refuses a negative dictionary index in a non-nullable string column, and takes -1 as null in a nullable one', async () => {
    expect(() =>
      encodeRowGroup([{ name: 's', type: 'string' }], [{ dictionary: ['a'], indices: Int32Array.of(0, -1) }], 2),
    ).toThrow(/dictionary index -1 out of range/);
    const path = writeFile(
      'nullable-strings.parquet',
      [
        { name: 'id', type: 'int32' },
        { name: 's', type: 'string', nullable: true },
      ],
      [
        {
          rows: 6,
          values: [
            Int32Array.from(range(6)),
            { dictionary: ['a', 'b', 'unused'], indices: Int32Array.of(-1, 1, 1, -1, 0, -1) },
          ],
        },
      ],
    );
    expect((await read(`SELECT s FROM '${path}' ORDER BY id`)).map((r) => r[0])).toEqual([
      null,
      'b',
      'b',
      null,
      'a',
      null,
    ]);
    expect((await chunkStats(path)).filter((s) => s.col === 's').map((s) => [s.nulls, s.min, s.max])).toEqual([
      [3, 'a', 'b'],
    ]);
  });
});
