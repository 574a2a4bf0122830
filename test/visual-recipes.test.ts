import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildStarted, DataPage } from './support/api-types.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

/**
 * Visual recipes through the API and the build path: saved in the shape, built like SQL
 * recipes (in the sandbox), their SQL shown, converted to SQL, and schema changes propagated.
 */
const P = '/api/projects/VIS';
const HOSTILE = 'tr"ec; DROP TABLE x --';
let s: TestServer;
let token: string;

beforeAll(async () => {
  s = await startTestServer();
  token = s.adminToken;
  await s.call('POST', '/api/projects', { token, body: { key: 'VIS' } });
  const csv =
    `ts,band,"${HOSTILE.replace(/"/g, '""')}"\n` +
    [
      '2024-01-01 00:00:00,B6,30',
      '2024-01-01 01:00:00,B6,',
      '2024-01-01 02:00:00,B3,50',
      '2024-01-01 03:00:00,B3,70',
      '2024-01-01 04:00:00,,10',
    ].join('\n') +
    '\n';
  expect((await s.upload(`${P}/datasets/raw/upload`, csv, 'raw.csv')).status).toBe(201);
});
afterAll(() => s?.stop());

async function build(target: string) {
  const b = await s.call<BuildStarted>('POST', `${P}/builds`, { token, body: { targets: [target], mode: 'required' } });
  expect(b.status).toBe(202);
  return waitForJobEnd(s, 'VIS', b.body.jobId);
}
const rows = async (name: string) =>
  (await s.call<DataPage>('GET', `${P}/datasets/${name}/data?sort=${encodeURIComponent('band')}`, { token })).body;

describe('visual recipes through the API', () => {
  it('lists every type with the JSON schema of its settings', async () => {
    const r = await s.call<{ type: string; schema: { properties: Record<string, unknown> }; compilesToSql: boolean }[]>(
      'GET',
      '/api/recipe-types',
      { token },
    );
    const types = r.body.map((t) => t.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'sql',
        'prepare',
        'join',
        'group',
        'window',
        'distinct',
        'sort',
        'topn',
        'stack',
        'pivot',
        'sample',
      ]),
    );
    const group = r.body.find((t) => t.type === 'group')!;
    expect(Object.keys(group.schema.properties)).toEqual(
      expect.arrayContaining(['name', 'inputs', 'output', 'params']),
    );
    expect(group.compilesToSql).toBe(true);
  });

  it('a group recipe in the issue shape builds, over a hostile column name', async () => {
    const recipe = {
      name: 'by_band_recipe',
      type: 'group',
      inputs: ['raw'],
      output: 'by_band',
      params: {
        keys: ['band'],
        aggregations: [
          { column: HOSTILE, agg: 'avg', as: 'trec_avg' },
          { agg: 'count', as: 'n' },
        ],
      },
    };
    const saved = await s.call('POST', `${P}/recipes`, { token, body: recipe });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const job = await build('by_band');
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    const page = await rows('by_band');
    expect(page.columns).toEqual(['band', 'trec_avg', 'n']);
    // Reference: the same numbers computed by hand from the CSV above (empty band is its own group).
    expect(page.rows).toEqual([
      ['B3', 60, 2],
      ['B6', 30, 2],
      [null, 10, 1],
    ]);
  });

  it('a prepare recipe runs in the build sandbox, time zones included', async () => {
    const recipe = {
      name: 'prep',
      type: 'prepare',
      inputs: ['raw'],
      output: 'prepared',
      params: {
        steps: [
          { processor: 'filter-empty', columns: ['band'], action: 'remove' },
          { processor: 'time-zone', column: 'ts', zone: 'America/Santiago', output: 'local_ts' },
          { processor: 'formula', formula: `if [${HOSTILE}] >= 50 then 'hot' else 'ok' end`, output: 'state' },
          { processor: 'delete', columns: ['ts'], enabled: false },
          { processor: 'rename', renames: [{ from: HOSTILE, to: 'trec' }] },
        ],
      },
    };
    expect((await s.call('POST', `${P}/recipes`, { token, body: recipe })).status).toBe(201);
    expect((await build('prepared')).status).toBe('succeeded');
    const page = (await s.call<DataPage>('GET', `${P}/datasets/prepared/data?sort=ts`, { token })).body;
    expect(page.columns).toEqual(['ts', 'band', 'trec', 'local_ts', 'state']);
    // Santiago is UTC-3 in (southern) summer.
    expect(page.rows.map((r) => [r[2], String(r[3]).slice(0, 16).replace('T', ' '), r[4]])).toEqual([
      [30, '2023-12-31 21:00', 'ok'],
      [null, '2023-12-31 22:00', 'ok'],
      [50, '2023-12-31 23:00', 'hot'],
      [70, '2024-01-01 00:00', 'hot'],
    ]);
  });

  it('shows the SQL of a draft and of a saved recipe; bad settings are a 400 naming the field', async () => {
    const draft = await s.call<{ sql: string }>('POST', `${P}/recipes/compile`, {
      token,
      body: {
        name: 'd',
        type: 'topn',
        inputs: ['raw'],
        output: 'd_out',
        params: { n: 2, orderBy: [{ column: HOSTILE, descending: true }] },
      },
    });
    expect(draft.status).toBe(200);
    expect(draft.body.sql).toContain('"tr""ec; DROP TABLE x --" DESC');
    const bad = await s.call<{ error: { message: string } }>('POST', `${P}/recipes/compile`, {
      token,
      body: { name: 'd', type: 'topn', inputs: ['raw'], output: 'd_out', params: { n: 0 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/params\.n/);
    const saved = await s.call<{ sql: string }>('GET', `${P}/recipes/by_band_recipe/sql`, { token });
    expect(saved.body.sql).toMatch(/GROUP BY "band"/);
  });

  it('schema changes: dropping a column lists the downstream recipes that would break', async () => {
    const impact = await s.call<{
      recipes: { recipe: string; status: string; message?: string; removed?: string[] }[];
      breaks: boolean;
    }>('POST', `${P}/schema-impact`, {
      token,
      body: {
        dataset: 'raw',
        columns: [
          { name: 'ts', type: 'TIMESTAMP' },
          { name: 'band', type: 'VARCHAR' },
        ],
      },
    });
    expect(impact.status, JSON.stringify(impact.body)).toBe(200);
    expect(impact.body.breaks).toBe(true);
    const byName = Object.fromEntries(impact.body.recipes.map((r) => [r.recipe, r]));
    expect(byName.by_band_recipe.status).toBe('broken');
    expect(byName.by_band_recipe.message).toMatch(/tr"ec/);
    expect(byName.prep.status).toBe('broken');

    const fine = await s.call<{ recipes: { recipe: string; status: string; added?: string[] }[]; breaks: boolean }>(
      'POST',
      `${P}/schema-impact`,
      {
        token,
        body: {
          dataset: 'raw',
          columns: [
            { name: 'ts', type: 'TIMESTAMP' },
            { name: 'band', type: 'VARCHAR' },
            { name: HOSTILE, type: 'DOUBLE' },
            { name: 'extra', type: 'INTEGER' },
          ],
        },
      },
    );
    expect(fine.body.breaks).toBe(false);
    expect(fine.body.recipes.find((r) => r.recipe === 'prep')?.added).toEqual(['extra']);
    const injected = await s.call('POST', `${P}/schema-impact`, {
      token,
      body: { dataset: 'raw', columns: [{ name: 'x', type: "INTEGER) AS x FROM read_text('/etc/passwd') --" }] },
    });
    expect(injected.status).toBe(400);
  });

  it('converts a visual recipe to a SQL recipe that builds the same rows', async () => {
    const before = await rows('by_band');
    const converted = await s.call<{ type: string; sql: string }>(
      'POST',
      `${P}/recipes/by_band_recipe/convert-to-sql`,
      { token, body: {} },
    );
    expect(converted.status, JSON.stringify(converted.body)).toBe(200);
    expect(converted.body.type).toBe('sql');
    const b = await s.call<BuildStarted>('POST', `${P}/builds`, {
      token,
      body: { targets: ['by_band'], mode: 'only' },
    });
    expect((await waitForJobEnd(s, 'VIS', b.body.jobId)).status).toBe('succeeded');
    expect(await rows('by_band')).toMatchObject({ rows: before.rows });
    const again = await s.call('POST', `${P}/recipes/by_band_recipe/convert-to-sql`, { token, body: {} });
    expect(again.status).toBe(400);
  });
});
