import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { parseJson } from './support/http.js';

describe('llano CLI: visual recipes', () => {
  let dir: string;
  let home: string[];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-cli-vis-'));
    home = ['--home', path.join(dir, 'ws'), '-p', 'VQ'];
    writeFileSync(path.join(dir, 'trec.csv'), 'antenna,band,trec\nDA41,3,35.5\nDA42,3,36.5\nDV01,6,55.0\n');
    writeFileSync(
      path.join(dir, 'group.json'),
      JSON.stringify({
        name: 'by_band_recipe',
        type: 'group',
        inputs: ['trec'],
        output: 'by_band',
        params: { keys: ['band'], aggregations: [{ column: 'trec', agg: 'avg', as: 'trec_avg' }] },
      }),
    );
    expect((await llano(['--home', path.join(dir, 'ws'), 'project', 'create', 'VQ'])).code).toBe(0);
    expect((await llano([...home, 'dataset', 'import', 'trec', path.join(dir, 'trec.csv')])).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('applies a recipe from JSON, builds it, shows its SQL, checks a schema change, converts it to SQL', async () => {
    const applied = await llano([...home, 'recipe', 'apply', path.join(dir, 'group.json')]);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toMatch(/Created group recipe by_band_recipe/);
    expect((await llano([...home, 'build', 'by_band'])).out).toMatch(/succeeded/);
    const head = await llano([...home, '--json', 'dataset', 'head', 'by_band']);
    expect(parseJson<{ rows: unknown[][] }>(head.out).rows).toEqual(
      expect.arrayContaining([
        [3, 36],
        [6, 55],
      ]),
    );

    const sql = await llano([...home, 'recipe', 'sql', 'by_band_recipe']);
    expect(sql.out).toMatch(/avg\("trec"\) AS "trec_avg"/);

    const breaks = await llano([
      ...home,
      'schema-impact',
      '--dataset',
      'trec',
      '--columns',
      'antenna:VARCHAR,band:BIGINT',
    ]);
    expect(breaks.code).toBe(1);
    expect(breaks.out).toMatch(/by_band_recipe\s+by_band\s+broken/);
    const fine = await llano([...home, 'schema-impact', '--dataset', 'trec', '--columns', 'band:VARCHAR,trec:DOUBLE']);
    expect(fine.code, fine.err).toBe(0);
    expect(fine.out).toMatch(/by_band_recipe\s+by_band\s+ok\s+~band/);

    // A type with a comma in parentheses is one column, not two.
    const decimal = await llano([
      ...home,
      'schema-impact',
      '--dataset',
      'trec',
      '--columns',
      'band:VARCHAR,trec:DECIMAL(10,2),antenna:VARCHAR',
    ]);
    expect(decimal.code, decimal.err).toBe(0);
    expect(decimal.out).toMatch(/by_band_recipe\s+by_band\s+ok\s+~band\n/);
    const converted = await llano([...home, 'recipe', 'convert-to-sql', 'by_band_recipe']);
    expect(converted.code, converted.err).toBe(0);
    const show = await llano([...home, '--json', 'recipe', 'show', 'by_band_recipe']);
    expect(parseJson<{ type: string; sql: string }>(show.out)).toMatchObject({ type: 'sql', sql: sql.out.trimEnd() });
  });

  it('creates a split with several outputs (--output a,b), builds it and lists its outputs', async () => {
    const params = {
      mode: 'value',
      column: 'band',
      outputs: { '3': 'band3' },
      otherwise: 'other_bands',
    };
    writeFileSync(path.join(dir, 'split.json'), JSON.stringify({ params }));
    const created = await llano([
      ...home,
      'recipe',
      'create',
      'split_by_band',
      '--type',
      'split',
      '--input',
      'trec',
      '--output',
      'band3,other_bands',
      '--params-file',
      path.join(dir, 'split.json'),
    ]);
    expect(created.code, created.err).toBe(0);
    expect(created.out).toMatch(/Created recipe split_by_band: trec → band3,other_bands/);
    expect((await llano([...home, 'build', 'other_bands'])).out).toMatch(/succeeded/);
    const head = async (name: string) =>
      parseJson<{ rows: unknown[][] }>((await llano([...home, '--json', 'dataset', 'head', name])).out).rows;
    expect((await head('band3')).map((r) => r[0]).sort()).toEqual(['DA41', 'DA42']);
    expect((await head('other_bands')).map((r) => r[0])).toEqual(['DV01']);
    const list = await llano([...home, 'recipe', 'list']);
    expect(list.out).toMatch(/split_by_band\s+split\s+trec\s+band3,other_bands/);
    const sql = await llano([...home, 'recipe', 'sql', 'split_by_band']);
    expect(sql.out).toMatch(/-- output band3\n/);
  });

  it('creates a visual recipe from --param flags: its settings go into its params', async () => {
    const created = await llano([
      ...home,
      'recipe',
      'create',
      'by_band_flags',
      '--type',
      'group',
      '--input',
      'trec',
      '--output',
      'by_band_flags',
      '--param',
      'keys=band',
      '--param',
      'aggregations=[{"column":"trec","agg":"max","as":"trec_max"}]',
    ]);
    expect(created.code, created.err).toBe(0);
    expect((await llano([...home, 'build', 'by_band_flags'])).out).toMatch(/succeeded/);
    const head = await llano([...home, '--json', 'dataset', 'head', 'by_band_flags']);
    expect(parseJson<{ rows: unknown[][] }>(head.out).rows).toEqual(
      expect.arrayContaining([
        [3, 36.5],
        [6, 55],
      ]),
    );
  });
});
