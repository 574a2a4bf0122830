import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hampelFilter, iqrOutliers, localOutlierScores, robustZScores } from '../analytics/index.js';
import { jsonSchemaOf } from '../common/json-schema.js';
import { DuckDb } from '../engine/duckdb.js';
import { outliersRecipeType } from './outliers-recipe.js';
import type { RecipeContext } from './recipe-type.js';

/**
 * robust-z and iqr score rows in DuckDB from per-series numbers the kernels compute: the scores
 * and flags must be the kernels' own, bit for bit, on awkward series (even counts, MAD = 0 with
 * its fallback, a constant series, one value, only missing values, NaN and ±∞, ties, overflow),
 * with NULL group keys, in the input's order, and the preview must give the build's rows. The
 * series are read unordered: a fallback scale whose last bits depend on the order must still be
 * the one computed in order.
 */
describe('outliers recipe: robust-z and iqr scored in DuckDB', () => {
  let db: DuckDb;
  let dir: string;
  let input: string;
  /** The input rows in file order: site, band, t, v (null = NULL). */
  const rows: { site: string | null; band: number; t: number; v: number | null }[] = [];

  const awkward: (number | null)[][] = [
    [1, 2, 3, 4], // even count
    [5, 5, 5, 5, 5, 6, 9, 5.5], // MAD = 0: the mean absolute deviation fallback
    [7, 7, 7, 7], // constant: scale 0
    [42], // one value
    [null, null, NaN], // nothing finite
    [1, NaN, Infinity, -Infinity, 2, 3, null, 2.5], // non-finite values score NULL
    [3, 3, 1, 1, 2, 2, 2, 10], // ties
    [-1e308, 1e308, 0, 1e308, -1e308], // huge values
    [1.7e308, 1.7e308, 1.7e308, -1.7e308], // x − median overflows, the scale is ∞: ∞/∞ = NaN scores NULL
    [2, 2, 2, 2, 2, 9], // IQR = 0: ±∞ beyond the fences
    [0.1, 0.2, 0.30000000000000004, 0.7, 1e-300, -0], // rounding
  ];

  beforeAll(async () => {
    db = await DuckDb.open();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-outliers-'));
    input = path.join(dir, 'in.parquet');
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    awkward.forEach((values, g) =>
      values.forEach((v, i) => rows.push({ site: g === 3 ? null : `s${g}`, band: 1, t: i, v })),
    );
    // MAD = 0 and a fallback whose sum depends on the order: (10¹⁶ + 1) + 1 = 10¹⁶ in time order,
    // 1 + 1 + 10¹⁶ = 10¹⁶ + 2 in file order (times descending); its site is NULL.
    [0, 0, 0, 0, 0, 0, 1e16, 1, 1].forEach((v, i, all) => rows.push({ site: null, band: 2, t: all.length - i, v }));
    // Many more series, rows interleaved and out of time order, so that the slots are many.
    for (let i = 0; i < 6000; i++)
      rows.push({ site: `r${i % 300}`, band: i % 2, t: (i * 7919) % 6000, v: Math.round(random() * 1000) / 8 });
    // Doubles as text: exact, and 'NaN', 'Infinity' and '-Infinity' are DuckDB's spellings too.
    const literal = (v: number | null) => (v === null ? 'NULL' : `'${String(v)}'`);
    const values = rows
      .map((r) => `(${r.site === null ? 'NULL' : `'${r.site}'`}, ${r.band}, ${r.t}, CAST(${literal(r.v)} AS DOUBLE))`)
      .join(', ');
    await db.run(`COPY (SELECT * FROM (VALUES ${values}) v(site, band, t, v)) TO '${input}' (FORMAT parquet)`);
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ctx = (): RecipeContext => ({
    duck: db,
    inputs: [
      {
        name: 'obs',
        source: { kind: 'parquet', paths: [input] },
        definition: {} as never,
        versionToken: null,
      },
    ],
    tempPath: (suffix) => path.join(dir, `tmp${Math.random()}${suffix}`),
    scope: { roots: [dir], scratchDir: dir },
    log: () => undefined,
  });

  type Method = 'robust-z' | 'iqr' | 'local' | 'hampel' | 'auto';
  const recipe = (method: Method | undefined, threshold?: number, ordered = true) =>
    outliersRecipeType.schema.parse({
      type: 'outliers',
      name: 'o',
      inputs: ['obs'],
      output: 'out',
      groupBy: ['site', 'band'],
      ...(ordered ? { orderBy: 't' } : {}),
      column: 'v',
      method,
      threshold,
    });

  const kernels = {
    'robust-z': (xs: Float64Array, threshold?: number) => robustZScores(xs, threshold ?? 3.5),
    iqr: (xs: Float64Array, threshold?: number) => iqrOutliers(xs, threshold ?? 1.5),
    local: (xs: Float64Array, threshold?: number) => localOutlierScores(xs, undefined, threshold ?? 3.5),
    hampel: (xs: Float64Array, threshold?: number) => hampelFilter(xs, undefined, threshold ?? 3),
  };

  /** The kernels' scores for every input row: each series in (t, v) order, as the recipe reads it. */
  function expected(method: keyof typeof kernels, threshold?: number) {
    const bySeries = new Map<string, number[]>();
    rows.forEach((r, i) => {
      const key = `${r.site}|${r.band}`;
      bySeries.set(key, [...(bySeries.get(key) ?? []), i]);
    });
    const score = new Float64Array(rows.length);
    const flag = new Uint8Array(rows.length);
    const value = (i: number) => rows[i].v ?? NaN;
    for (const members of bySeries.values()) {
      members.sort((a, b) => rows[a].t - rows[b].t || value(a) - value(b));
      const xs = Float64Array.from(members, value);
      const r = kernels[method](xs, threshold);
      members.forEach((row, k) => {
        score[row] = r.scores[k];
        flag[row] = r.flags[k];
      });
    }
    return { score, flag };
  }

  async function built(method: Method | undefined, threshold?: number, ordered = true) {
    const out = path.join(dir, `${method}-${threshold}-${ordered}.parquet`);
    await outliersRecipeType.run(ctx(), recipe(method, threshold, ordered), { kind: 'parquet', path: out });
    return db.query(`SELECT * FROM read_parquet('${out}')`);
  }

  for (const [method, threshold] of [
    ['robust-z', undefined],
    ['robust-z', 1.1],
    ['iqr', undefined],
    ['iqr', 0.5],
    ['local', undefined],
    ['local', 2],
    ['hampel', undefined],
    ['hampel', 2],
  ] as const)
    it(`${method}${threshold ? ` (threshold ${threshold})` : ''}: the kernels' scores to the bit, in input order`, async () => {
      const out = await built(method, threshold);
      expect(out.columns).toEqual(['site', 'band', 't', 'v', 'outlier_score', 'is_outlier']);
      expect(out.types.slice(4)).toEqual(['DOUBLE', 'BOOLEAN']);
      expect(out.rows).toHaveLength(rows.length);
      const { score, flag } = expected(method, threshold);
      const got = out.rows.map((r) => (r[4] === null ? NaN : Number(r[4])));
      const mismatches = out.rows.flatMap((r, i) =>
        r[2] !== rows[i].t || !Object.is(got[i], score[i]) || r[5] !== (flag[i] === 1)
          ? [{ row: i, site: r[0], got: [r[4], r[5]], want: [score[i], flag[i]] }]
          : [],
      );
      expect(mismatches).toEqual([]);
      // The awkward series reach the branches: flags, NULL scores, and ∞ when the IQR is 0.
      expect(out.rows.some((r) => r[5] === true) && got.some((z) => Number.isNaN(z))).toBe(true);
      if (method === 'iqr') expect(got).toContain(Infinity);
    });

  it('auto (the default) is local along an order and the global robust z without one', async () => {
    expect(recipe(undefined).method).toBe('auto');
    const scores = (out: { rows: unknown[][] }) => out.rows.map((r) => [r[4], r[5]]);
    expect(scores(await built(undefined))).toEqual(scores(await built('local')));
    expect(scores(await built('auto', undefined, false))).toEqual(scores(await built('robust-z', undefined, false)));
    expect(() => recipe('local', undefined, false)).toThrow(/local and hampel need orderBy/);
    expect(() => outliersRecipeType.schema.parse({ ...recipe('auto'), window: 101 })).toThrow(/at most 100 points/);
    // The recipe form (web, generated from this schema) offers every method, auto first and chosen.
    const method = (jsonSchemaOf(outliersRecipeType.schema) as { properties: Record<string, unknown> }).properties
      .method;
    expect(method).toMatchObject({ enum: ['auto', 'local', 'robust-z', 'hampel', 'iqr'], default: 'auto' });
  });

  for (const method of ['robust-z', 'local'] as const)
    it(`${method}: the preview gives the build rows of the series it shows`, async () => {
      const out = await built(method);
      const preview = await outliersRecipeType.preview!(ctx(), recipe(method), 50);
      expect(preview.columns).toEqual(out.columns);
      const shown = new Set(preview.rows.map((r) => `${String(r[0])}|${String(r[1])}`));
      const same = out.rows.filter((r) => shown.has(`${String(r[0])}|${String(r[1])}`)).slice(0, preview.rows.length);
      expect(preview.rows.length).toBeGreaterThan(10);
      expect(preview.rows).toEqual(same);
    });

  /** A context whose one input is `source` instead of the Parquet file. */
  const withSource = (source: RecipeContext['inputs'][number]['source']): RecipeContext => {
    const base = ctx();
    return { ...base, inputs: [{ ...base.inputs[0], source }] };
  };

  it('local: the same rows and scores from two Parquet files, a CSV file, and files with columns named as the scan adds them', async () => {
    const plain = await built('local');
    const first = path.join(dir, 'part-1.parquet');
    const second = path.join(dir, 'part-2.parquet');
    const csv = path.join(dir, 'in.csv');
    const half = Math.floor(rows.length / 2);
    const numbered = `SELECT *, row_number() OVER () - 1 AS n FROM read_parquet('${input}')`;
    await db.run(
      `COPY (SELECT * EXCLUDE (n) FROM (${numbered}) WHERE n < ${half} ORDER BY n) TO '${first}' (FORMAT parquet)`,
    );
    await db.run(
      `COPY (SELECT * EXCLUDE (n) FROM (${numbered}) WHERE n >= ${half} ORDER BY n) TO '${second}' (FORMAT parquet)`,
    );
    await db.run(`COPY (SELECT * FROM read_parquet('${input}')) TO '${csv}' (FORMAT csv, HEADER)`);
    // DuckDB refuses file_row_number = true on a file with such a column: that input is copied first.
    const named = [first, second].map((part) => part.replace('part-', 'named-'));
    for (const [k, part] of [first, second].entries())
      await db.run(
        `COPY (SELECT *, 'mine' AS File_Row_Number, 7 AS filename FROM read_parquet('${part}')) TO '${named[k]}' (FORMAT parquet)`,
      );
    const scoresOf = async (source: RecipeContext['inputs'][number]['source'], name: string) => {
      const out = path.join(dir, `${name}.parquet`);
      await outliersRecipeType.run(withSource(source), recipe('local'), { kind: 'parquet', path: out });
      return db.query(`SELECT * FROM read_parquet('${out}')`);
    };
    const pick = (r: unknown[]) => [r[0], r[1], r[2], r[4], r[5]];
    const want = plain.rows.map(pick);
    expect((await scoresOf({ kind: 'parquet', paths: [first, second] }, 'two-files')).rows.map(pick)).toEqual(want);
    // CSV reads the doubles back as text does: the same values (the file was written from them).
    const fromCsv = await scoresOf({ kind: 'file', path: csv, format: 'csv' }, 'from-csv');
    expect(fromCsv.rows.map((r) => [r[0], r[1], Number(r[2]), r[4], r[5]])).toEqual(want);
    const fromNamed = await scoresOf({ kind: 'parquet', paths: named }, 'scan-named');
    expect(fromNamed.columns).toEqual([
      'site',
      'band',
      't',
      'v',
      'File_Row_Number',
      'filename',
      'outlier_score',
      'is_outlier',
    ]);
    expect(fromNamed.rows.map((r) => [r[0], r[1], r[2], r[6], r[7]])).toEqual(want);
    expect(fromNamed.rows.every((r) => r[4] === 'mine' && r[5] === 7)).toBe(true);
  });

  it('keeps input columns whose names look like its own helper columns', async () => {
    const named = path.join(dir, 'named.parquet');
    await db.run(
      `COPY (SELECT site, band, t, v, v AS llano_v, 1 AS llano_slot, 2 AS llano_score FROM read_parquet('${input}')) TO '${named}' (FORMAT parquet)`,
    );
    const base = ctx();
    const withNames = {
      ...base,
      inputs: [{ ...base.inputs[0], source: { kind: 'parquet' as const, paths: [named] } }],
    };
    const out = path.join(dir, 'named-out.parquet');
    await outliersRecipeType.run(withNames, recipe('iqr'), { kind: 'parquet', path: out });
    const result = await db.query(`SELECT * FROM read_parquet('${out}')`);
    expect(result.columns).toEqual([
      'site',
      'band',
      't',
      'v',
      'llano_v',
      'llano_slot',
      'llano_score',
      'outlier_score',
      'is_outlier',
    ]);
    const plain = await built('iqr');
    expect(result.rows.map((r) => [r[7], r[8]])).toEqual(plain.rows.map((r) => [r[4], r[5]]));
    expect(result.rows.every((r) => r[5] === 1 && r[6] === 2)).toBe(true);
  });
});
