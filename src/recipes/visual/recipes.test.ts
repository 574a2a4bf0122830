import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGroup, GroupParamsSchema } from './group.js';
import { compileJoin, JoinParamsSchema } from './join.js';
import {
  compileDistinct,
  compilePivot,
  compileSample,
  compileSort,
  compileStack,
  compileTopN,
  DistinctParamsSchema,
  PivotParamsSchema,
  SampleParamsSchema,
  SortParamsSchema,
  StackParamsSchema,
  TopNParamsSchema,
} from './reshape-recipes.js';
import { testDb, type TestDb } from './test-db.js';
import { compileWindow, WindowParamsSchema } from './window.js';

/**
 * Each visual recipe type against hand-written DuckDB SQL (or JS) on fixtures with nulls, an
 * empty group, ties, duplicates and a hostile column name.
 */
const K = 'band"; DROP TABLE m; --';
let db: TestDb;
beforeAll(async () => {
  db = await testDb();
  await db.table(
    'm',
    [
      ['id', 'INTEGER'],
      ['antenna', 'VARCHAR'],
      [K, 'VARCHAR'],
      ['trec', 'DOUBLE'],
      ['ts', 'TIMESTAMP'],
    ],
    [
      [1, 'DA41', 'B6', 30, '2024-01-01 00:00:00'],
      [2, 'DA41', 'B6', null, '2024-01-01 02:00:00'],
      [3, 'DA41', 'B3', 50, '2024-01-01 04:00:00'],
      [4, 'DA42', 'B6', 50, '2024-01-01 01:00:00'],
      [5, 'DA42', 'B6', 50, '2024-01-01 03:00:00'],
      [6, 'DA42', null, 10, '2024-01-01 05:00:00'],
      [7, 'DA43', 'B3', null, null],
    ],
  );
  await db.table(
    'dev',
    [
      ['antenna', 'VARCHAR'],
      ['changed_at', 'TIMESTAMP'],
      ['serial', 'VARCHAR'],
      ['trec', 'DOUBLE'],
    ],
    [
      ['DA41', '2024-01-01 01:00:00', 's1', 0],
      ['DA41', '2024-01-01 03:00:00', 's2', 0],
      ['DA42', '2024-01-01 00:00:00', 's3', 0],
      ['DA44', '2024-01-01 00:00:00', 's4', 0],
    ],
  );
  await db.table(
    'm2',
    [
      ['id', 'INTEGER'],
      ['extra', 'VARCHAR'],
    ],
    [[100, 'x']],
  );
  await db.table(
    'empty',
    [
      ['id', 'INTEGER'],
      ['trec', 'DOUBLE'],
    ],
    [],
  );
});
afterAll(() => db?.close());

const sorted = (rows: Record<string, unknown>[]) =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
async function same(compiled: string, reference: string) {
  expect(sorted(await db.rows(compiled))).toEqual(sorted(await db.rows(reference)));
}

describe('group', () => {
  const group = (p: unknown, input = 'm') => compileGroup(GroupParamsSchema.parse(p), [input]);
  it('every aggregation, keyed by a hostile column with a NULL group', async () => {
    await same(
      group({
        keys: [K],
        aggregations: [
          { agg: 'count' },
          { column: 'trec', agg: 'count' },
          { column: 'trec', agg: 'count-distinct' },
          { column: 'trec', agg: 'sum' },
          { column: 'trec', agg: 'avg', as: 'trec_avg' },
          { column: 'trec', agg: 'min' },
          { column: 'trec', agg: 'max' },
          { column: 'trec', agg: 'stddev' },
          { column: 'trec', agg: 'median' },
          { column: 'trec', agg: 'quantile', quantile: 0.9, as: 'p90' },
          { column: 'id', agg: 'first', orderBy: [{ column: 'ts' }] },
          { column: 'id', agg: 'last', orderBy: [{ column: 'ts' }] },
          { column: 'antenna', agg: 'concat', separator: '|', orderBy: [{ column: 'id' }] },
        ],
      }),
      `SELECT "band""; DROP TABLE m; --", count(*) AS count, count(trec) AS trec_count, count(DISTINCT trec) AS trec_count_distinct,
         sum(trec) AS trec_sum, avg(trec) AS trec_avg, min(trec) AS trec_min, max(trec) AS trec_max, stddev_samp(trec) AS trec_stddev,
         median(trec) AS trec_median, quantile_cont(trec, 0.9) AS p90, arg_min(id, ts) AS id_first, arg_max(id, ts) AS id_last,
         string_agg(antenna, '|' ORDER BY id) AS antenna_concat
       FROM m GROUP BY 1`,
    );
  });
  it('no keys over an empty input: one row, count 0 and empty sums', async () => {
    expect(await db.rows(group({ aggregations: [{ agg: 'count' }, { column: 'trec', agg: 'sum' }] }, 'empty'))).toEqual(
      [{ count: 0, trec_sum: null }],
    );
  });
});

describe('join', () => {
  const join = (p: unknown, inputs = ['m', 'dev']) => compileJoin(JoinParamsSchema.parse(p), inputs);
  const refCols = 'm.*, dev.changed_at, dev.serial, dev.trec AS trec_1';
  it.each([
    ['inner', 'JOIN'],
    ['left', 'LEFT JOIN'],
  ])('%s on a shared key: the key appears once', async (type, sql) => {
    await same(
      join({ type, on: [{ left: 'antenna', right: 'antenna' }] }),
      `SELECT ${refCols} FROM m ${sql} dev ON m.antenna = dev.antenna`,
    );
  });
  it.each([
    ['right', 'RIGHT JOIN'],
    ['full', 'FULL JOIN'],
  ])('%s: the shared key comes from either side', async (type, sql) => {
    await same(
      join({ type, on: [{ left: 'antenna', right: 'antenna' }] }),
      `SELECT m.id, coalesce(m.antenna, dev.antenna) AS antenna, m."band""; DROP TABLE m; --", m.trec, m.ts, dev.changed_at, dev.serial, dev.trec AS trec_1
       FROM m ${sql} dev ON m.antenna = dev.antenna`,
    );
  });
  it('several keys with operators and a prefix', async () => {
    await same(
      join({
        on: [
          { left: 'antenna', right: 'antenna' },
          { left: 'ts', right: 'changed_at', operator: '>' },
        ],
        rightPrefix: 'd_',
      }),
      `SELECT m.*, dev.changed_at AS d_changed_at, dev.serial AS d_serial, dev.trec AS d_trec FROM m JOIN dev ON m.antenna = dev.antenna AND m.ts > dev.changed_at`,
    );
  });
  it('anti and cross', async () => {
    await same(
      join({ type: 'anti', on: [{ left: 'antenna', right: 'antenna' }] }),
      `SELECT * FROM m WHERE antenna NOT IN (SELECT antenna FROM dev)`,
    );
    await same(join({ type: 'cross' }, ['m', 'm2']), `SELECT m.*, m2.id AS id_1, m2.extra FROM m, m2`);
  });
  it('nearest before: the last device change at or before each measurement (JS reference)', async () => {
    const rows = await db.rows(
      join({
        type: 'nearest-before',
        on: [{ left: 'antenna', right: 'antenna' }],
        nearest: { left: 'ts', right: 'changed_at' },
      }),
    );
    const m = await db.rows('SELECT * FROM m');
    const dev = await db.rows('SELECT * FROM dev');
    const expected = m.map((r) => {
      const before = dev
        .filter((d) => d.antenna === r.antenna && r.ts !== null && (d.changed_at as string) <= (r.ts as string))
        .sort((a, b) => (b.changed_at as string).localeCompare(a.changed_at as string))[0];
      return {
        ...r,
        changed_at: before?.changed_at ?? null,
        serial: before?.serial ?? null,
        trec_1: before ? 0 : null,
      };
    });
    expect(sorted(rows)).toEqual(sorted(expected));
  });
});

describe('window', () => {
  it('ranks with ties, lag / lead, running and moving aggregates', async () => {
    const sql = compileWindow(
      WindowParamsSchema.parse({
        partitionBy: ['antenna'],
        orderBy: [{ column: 'trec' }],
        functions: [
          { fn: 'rank', as: 'rk' },
          { fn: 'dense_rank', as: 'drk' },
          { fn: 'lag', column: 'id', as: 'prev', default: -1 },
          { fn: 'lead', column: 'id', as: 'next2', offset: 2 },
          { fn: 'sum', column: 'trec', as: 'run' },
          { fn: 'avg', column: 'trec', as: 'mov', frame: 'moving', preceding: 1, following: 1 },
          { fn: 'max', column: 'trec', as: 'all_max', frame: 'partition' },
        ],
      }),
      ['m'],
    );
    const w = 'PARTITION BY antenna ORDER BY trec ASC NULLS LAST';
    await same(
      sql,
      `SELECT *, rank() OVER (${w}) AS rk, dense_rank() OVER (${w}) AS drk, lag(id, 1, -1) OVER (${w}) AS prev, lead(id, 2) OVER (${w}) AS next2,
        sum(trec) OVER (${w} ROWS UNBOUNDED PRECEDING) AS run, avg(trec) OVER (${w} ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS mov,
        max(trec) OVER (PARTITION BY antenna) AS all_max FROM m`,
    );
  });
});

describe('distinct, sort, topn, stack, pivot, sample', () => {
  it('distinct rows, combinations and counts', async () => {
    await same(
      compileDistinct(DistinctParamsSchema.parse({ columns: [K] }), ['m']),
      `SELECT DISTINCT "band""; DROP TABLE m; --" FROM m`,
    );
    await same(
      compileDistinct(DistinctParamsSchema.parse({ columns: ['antenna', 'trec'], countAs: 'n' }), ['m']),
      'SELECT antenna, trec, count(*) AS n FROM m GROUP BY 1, 2',
    );
  });
  it('sort keeps nulls last unless asked', async () => {
    const rows = await db.rows(
      compileSort(SortParamsSchema.parse({ orderBy: [{ column: 'trec', descending: true }, { column: 'id' }] }), ['m']),
    );
    expect(rows.map((r) => r.id)).toEqual([3, 4, 5, 1, 6, 2, 7]);
  });
  it('top n per group, with and without ties', async () => {
    const top = (ties: boolean) =>
      compileTopN(
        TopNParamsSchema.parse({
          n: 1,
          orderBy: [{ column: 'trec', descending: true }],
          partitionBy: ['antenna'],
          ties,
          rankColumn: 'r',
        }),
        ['m'],
      );
    const withTies = await db.rows(top(true));
    expect(withTies.map((r) => r.id).sort()).toEqual([3, 4, 5, 7]);
    const noTies = await db.rows(top(false));
    expect(noTies.map((r) => r.antenna)).toEqual(['DA41', 'DA42', 'DA43']);
  });
  it('stack by name with the source, and by position', async () => {
    await same(
      compileStack(StackParamsSchema.parse({ sourceColumn: 'src' }), ['m', 'm2']),
      `SELECT *, 'm' AS src FROM m UNION ALL BY NAME SELECT *, 'm2' AS src FROM m2`,
    );
    await same(compileStack(StackParamsSchema.parse({ by: 'position' }), ['empty', 'empty']), 'SELECT * FROM empty');
  });
  it('pivot values into columns, a missing combination empty', async () => {
    await same(
      compilePivot(
        PivotParamsSchema.parse({
          rowKeys: ['antenna'],
          column: K,
          values: ['B3', 'B6', null],
          aggregations: [
            { column: 'trec', agg: 'avg' },
            { agg: 'count', as: 'n' },
          ],
        }),
        ['m'],
      ),
      `SELECT antenna,
        avg(trec) FILTER (WHERE "band""; DROP TABLE m; --" = 'B3') AS B3_trec_avg, count(*) FILTER (WHERE "band""; DROP TABLE m; --" = 'B3') AS B3_n,
        avg(trec) FILTER (WHERE "band""; DROP TABLE m; --" = 'B6') AS B6_trec_avg, count(*) FILTER (WHERE "band""; DROP TABLE m; --" = 'B6') AS B6_n,
        avg(trec) FILTER (WHERE "band""; DROP TABLE m; --" IS NULL) AS null_trec_avg, count(*) FILTER (WHERE "band""; DROP TABLE m; --" IS NULL) AS null_n
       FROM m GROUP BY antenna`,
    );
  });
  it('samples: first rows, a fixed number, a ratio; the same seed gives the same rows', async () => {
    const s = (p: unknown) => compileSample(SampleParamsSchema.parse(p), ['m']);
    expect(await db.rows(s({ method: 'first', rows: 2 }))).toHaveLength(2);
    const a = await db.rows(s({ rows: 3, seed: 7 }));
    expect(a).toHaveLength(3);
    expect(await db.rows(s({ rows: 3, seed: 7 }))).toEqual(a);
    expect((await db.rows(s({ method: 'random-ratio', ratio: 1 }))).length).toBe(7);
    expect(() => SampleParamsSchema.parse({ method: 'random-ratio' })).toThrow(/ratio/);
  });
});
