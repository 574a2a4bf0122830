import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSplit, SplitParamsSchema, splitOutputs } from './split.js';
import { testDb, type TestDb } from './test-db.js';

/**
 * The split's queries against a computation in JS on fixtures with nulls, rows two branches
 * match (ties: the first wins), duplicates, an output no row reaches, and a hostile column name.
 */
const K = 'band"; DROP TABLE m; --';
type Row = { id: number; array: string | null; [K]: number | null; trec: number | null };
const fixture: Row[] = [
  { id: 1, array: '12m', [K]: 6, trec: 30 },
  { id: 2, array: '12m', [K]: 6, trec: null },
  { id: 3, array: '7m', [K]: 3, trec: 120 },
  { id: 4, array: null, [K]: null, trec: 200 },
  { id: 5, array: 'TP', [K]: 7, trec: 150 },
  { id: 6, array: '7m', [K]: 6, trec: 150 },
  { id: 7, array: '12m', [K]: 7, trec: 10 },
  { id: 8, array: '12m', [K]: 7, trec: 10 },
];
let db: TestDb;
beforeAll(async () => {
  db = await testDb();
  await db.table(
    'm',
    [
      ['id', 'INTEGER'],
      ['array', 'VARCHAR'],
      [K, 'INTEGER'],
      ['trec', 'DOUBLE'],
    ],
    fixture.map((r) => [r.id, r.array, r[K], r.trec]),
  );
});
afterAll(() => db.close());

/** Ids per output after running each output's query. */
async function split(params: unknown): Promise<Record<string, number[]>> {
  const p = SplitParamsSchema.parse(params);
  const out: Record<string, number[]> = {};
  for (const [output, sql] of Object.entries(compileSplit(p, 'm')))
    out[output] = (await db.rows(`SELECT id FROM (${sql}) ORDER BY id`)).map((r) => Number(r.id));
  return out;
}

/** Every fixture row in exactly one output. */
function expectPartition(result: Record<string, number[]>, n = fixture.length) {
  const all = Object.values(result).flat();
  expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
}

describe('split recipe', () => {
  it('by filter: the first matching branch wins, null formulas fall through to otherwise', async () => {
    const params = {
      mode: 'filter',
      branches: [
        { output: 'hot', where: 'trec > 100' },
        { output: 'b6', where: `[${K.replace(/]/g, ']]')}] = 6` },
        { output: 'never', where: 'trec < 0' },
      ],
      otherwise: 'rest',
    };
    const got = await split(params);
    // Independent: walk the branches in JS, null comparisons being "not true".
    const expected: Record<string, number[]> = { hot: [], b6: [], never: [], rest: [] };
    for (const r of fixture) {
      if (r.trec !== null && r.trec > 100) expected.hot.push(r.id);
      else if (r[K] === 6) expected.b6.push(r.id);
      else expected.rest.push(r.id);
    }
    expect(got).toEqual(expected);
    expect(got.never).toEqual([]);
    expectPartition(got);
  });

  it('by value: values compared as text, nulls and unlisted values to otherwise, two values to one output', async () => {
    const got = await split({
      mode: 'value',
      column: 'array',
      outputs: { '12m': 'main', '7m': 'aca', TP: 'aca' },
      otherwise: 'rest',
    });
    const expected: Record<string, number[]> = { main: [], aca: [], rest: [] };
    for (const r of fixture) {
      const o = r.array === '12m' ? 'main' : r.array === '7m' || r.array === 'TP' ? 'aca' : 'rest';
      expected[o].push(r.id);
    }
    expect(got).toEqual(expected);
    expectPartition(got);
    const byNumber = await split({ mode: 'value', column: K, outputs: { '6': 'six' }, otherwise: 'other' });
    expect(byNumber.six).toEqual(fixture.filter((r) => r[K] === 6).map((r) => r.id));
  });

  it('without otherwise, rows nothing takes are left out', async () => {
    const got = await split({ mode: 'value', column: 'array', outputs: { '12m': 'main' } });
    expect(got).toEqual({ main: [1, 2, 7, 8] });
  });

  it('at random: every row once, the same rows for the same seed, duplicates together', async () => {
    const params = {
      mode: 'random',
      ratios: [
        { output: 'train', ratio: 0.5 },
        { output: 'test', ratio: 0.5 },
      ],
      seed: 42,
    };
    const a = await split(params);
    const b = await split(params);
    expect(a).toEqual(b);
    expectPartition(a);
    // Rows 7 and 8 differ only by id; on a copy without ids, identical rows share their output.
    await db.table(
      'dups',
      [['v', 'INTEGER']],
      Array.from({ length: 40 }, (_, i) => [i % 4]),
    );
    const p = SplitParamsSchema.parse(params);
    const groups = new Map<number, Set<string>>();
    for (const [output, sql] of Object.entries(compileSplit(p, 'dups')))
      for (const r of await db.rows(sql)) groups.set(Number(r.v), (groups.get(Number(r.v)) ?? new Set()).add(output));
    for (const outputs of groups.values()) expect(outputs.size).toBe(1);
  });

  it('at random: the ratios hold on many rows', async () => {
    await db.table(
      'many',
      [['i', 'INTEGER']],
      Array.from({ length: 2000 }, (_, i) => [i]),
    );
    const p = SplitParamsSchema.parse({
      mode: 'random',
      ratios: [
        { output: 'a', ratio: 0.8 },
        { output: 'b', ratio: 0.2 },
      ],
      seed: 7,
    });
    const sql = compileSplit(p, 'many');
    const count = async (o: string) => Number((await db.rows(`SELECT count(*) AS n FROM (${sql[o]})`))[0].n);
    const [na, nb] = [await count('a'), await count('b')];
    expect(na + nb).toBe(2000);
    expect(na / 2000).toBeGreaterThan(0.75);
    expect(na / 2000).toBeLessThan(0.85);
    // Another seed splits differently.
    const other = compileSplit({ ...p, seed: 8 }, 'many');
    const ids = async (q: string) => (await db.rows(`SELECT i FROM (${q}) ORDER BY i`)).map((r) => r.i);
    expect(await ids(other.b)).not.toEqual(await ids(sql.b));
  });

  it('refuses settings that do not fit the mode, with the field named', () => {
    const issues = (p: unknown) =>
      SplitParamsSchema.safeParse(p).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ mode: 'random', ratios: [{ output: 'a', ratio: 0.5 }] })).toEqual([
      'ratios: The ratios sum to 0.5, not 1',
    ]);
    expect(issues({ mode: 'filter' })).toEqual(['branches: A filter split needs branches']);
    expect(issues({ mode: 'value', column: 'x', outputs: {} })).toEqual([
      'outputs: Give at least one value and its output',
    ]);
    expect(issues({ mode: 'filter', branches: [{ output: 'a', where: 'x' }], column: 'x' })).toEqual([
      'column: column is for a value split, not filter',
    ]);
    expect(() =>
      compileSplit(SplitParamsSchema.parse({ mode: 'filter', branches: [{ output: 'a', where: 'x >' }] }), 'm'),
    ).toThrow();
  });

  it('names its outputs in order, otherwise last, each once', () => {
    expect(
      splitOutputs(
        SplitParamsSchema.parse({ mode: 'value', column: 'c', outputs: { x: 'b', y: 'a', z: 'b' }, otherwise: 'r' }),
      ),
    ).toEqual(['b', 'a', 'r']);
  });
});
