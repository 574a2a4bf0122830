import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../src/flow/jobs.js';
import type { BuildStarted, DataPage, FlowView } from './support/api-types.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

/**
 * The split recipe and recipes with several outputs through the API: validation of `outputs`,
 * the SQL shown per output, one run building every output (asked for by any of them), staleness
 * over all outputs, all-or-none commits, the flow graph, deletes and history.
 */
const P = '/api/projects/SPL';
let s: TestServer;
let token: string;

const bandSplit = {
  name: 'split_bands',
  type: 'split',
  inputs: ['raw'],
  outputs: ['b6', 'hot', 'rest'],
  params: {
    mode: 'filter',
    branches: [
      { output: 'b6', where: "band = 'B6'" },
      { output: 'hot', where: 'trec > 60' },
    ],
    otherwise: 'rest',
  },
};

beforeAll(async () => {
  s = await startTestServer();
  token = s.adminToken;
  await s.call('POST', '/api/projects', { token, body: { key: 'SPL' } });
  const csv = 'id,band,trec\n1,B6,30\n2,B6,\n3,B3,50\n4,B3,70\n5,,10\n6,B6,90\n7,B7,\n';
  expect((await s.upload(`${P}/datasets/raw/upload`, csv, 'raw.csv')).status).toBe(201);
});
afterAll(() => s?.stop());

async function build(targets: string[], mode = 'required'): Promise<Job> {
  const b = await s.call<BuildStarted>('POST', `${P}/builds`, { token, body: { targets, mode } });
  expect(b.status, JSON.stringify(b.body)).toBe(202);
  return waitForJobEnd(s, 'SPL', b.body.jobId);
}
const ids = async (name: string) =>
  (await s.call<DataPage>('GET', `${P}/datasets/${name}/data?sort=id`, { token })).body.rows.map((r) => r[0]);
const versions = async (name: string) =>
  (await s.call<{ status: string }[]>('GET', `${P}/datasets/${name}/versions`, { token })).body;

describe('split recipe through the API', () => {
  it('is listed with its schema and refuses outputs that do not fit, naming the field', async () => {
    const types = await s.call<{ type: string; schema: { properties: Record<string, unknown> } }[]>(
      'GET',
      '/api/recipe-types',
      { token },
    );
    const split = types.body.find((t) => t.type === 'split')!;
    expect(Object.keys(split.schema.properties)).toEqual(expect.arrayContaining(['outputs', 'params']));

    const post = (body: unknown) => s.call<{ error: { message: string } }>('POST', `${P}/recipes`, { token, body });
    const both = await post({ ...bandSplit, output: 'b6' });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/^output, outputs: give one of the two/);
    const sqlMany = await post({ name: 'r', type: 'sql', inputs: ['raw'], outputs: ['a', 'b'], sql: 'SELECT 1' });
    expect(sqlMany.status).toBe(400);
    expect(sqlMany.body.error.message).toMatch(/outputs: a SQL query recipe writes one dataset: give it as output/);
    const none = await post({ name: 'r', type: 'sql', inputs: ['raw'], sql: 'SELECT 1' });
    expect(none.body.error.message).toMatch(/^output: a recipe needs the dataset it writes/);
    const mismatch = await post({ ...bandSplit, outputs: ['b6', 'hot'] });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.message).toMatch(/outputs.*missing rest/);
    const twice = await post({ ...bandSplit, outputs: ['b6', 'hot', 'rest', 'b6'] });
    expect(twice.body.error.message).toMatch(/outputs: a dataset is listed twice/);
    const ratios = await post({
      ...bandSplit,
      outputs: ['a', 'b'],
      params: {
        mode: 'random',
        ratios: [
          { output: 'a', ratio: 0.5 },
          { output: 'b', ratio: 0.4 },
        ],
      },
    });
    expect(ratios.body.error.message).toMatch(/params\.ratios.*sum to 0\.9/);
    const selfRead = await post({
      ...bandSplit,
      outputs: ['raw', 'hot', 'rest'],
      params: { ...bandSplit.params, branches: [{ output: 'raw', where: 'true' }, bandSplit.params.branches[1]] },
    });
    expect(selfRead.body.error.message).toMatch(/writes its own input raw/);
  });

  it('saves, shows one statement per output, and one build of any output writes them all', async () => {
    const saved = await s.call('POST', `${P}/recipes`, { token, body: bandSplit });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const sql = await s.call<{ sql: string }>('GET', `${P}/recipes/split_bands/sql`, { token });
    expect(sql.body.sql.match(/^-- output /gm)).toHaveLength(3);
    expect(sql.body.sql).toMatch(/-- output rest\nSELECT \*\nFROM "raw"\nWHERE NOT/);

    const job = await build(['hot']);
    expect(job.status).toBe('succeeded');
    expect(job.activities!).toHaveLength(1);
    expect(job.activities![0]).toMatchObject({ recipe: 'split_bands', rows: 7, outputs: ['b6', 'hot', 'rest'] });
    // Independent: band B6 first, then trec > 60 (nulls not), the others to rest.
    expect(await ids('b6')).toEqual([1, 2, 6]);
    expect(await ids('hot')).toEqual([4]);
    expect(await ids('rest')).toEqual([3, 5, 7]);

    // Up to date: asking again for another output builds nothing; the flow shows one edge per output.
    expect((await build(['rest'])).activities).toEqual([]);
    const flow = await s.call<FlowView>('GET', `${P}/flow`, { token });
    for (const o of ['b6', 'hot', 'rest']) {
      expect(flow.body.edges).toContainEqual({ from: 'recipe:split_bands', to: `dataset:${o}` });
      expect(flow.body.nodes.find((n) => n.id === `dataset:${o}`)?.state).toBe('built');
    }
    const recipeNode = flow.body.nodes.find((n) => n.id === 'recipe:split_bands') as { stale?: string | null };
    expect(recipeNode.stale).toBeNull();
    const shown = await s.call<{ producedBy: string }>('GET', `${P}/datasets/hot`, { token });
    expect(shown.body.producedBy).toBe('split_bands');
  });

  it('is stale when any output is, and a downstream recipe of one output builds after it', async () => {
    // A second version of one output (restored by hand) makes the recipe stale for all.
    const down = await s.call('POST', `${P}/recipes`, {
      token,
      body: { name: 'hot_count', type: 'sql', inputs: ['hot'], output: 'hot_n', sql: 'SELECT count(*) AS n FROM hot' },
    });
    expect(down.status).toBe(201);
    const changed = {
      ...bandSplit,
      params: { ...bandSplit.params, branches: [bandSplit.params.branches[0], { output: 'hot', where: 'trec > 40' }] },
    };
    expect((await s.call('PUT', `${P}/recipes/split_bands`, { token, body: changed })).status).toBe(200);
    const flow = await s.call<FlowView>('GET', `${P}/flow`, { token });
    for (const o of ['b6', 'hot', 'rest'])
      expect(flow.body.nodes.find((n) => n.id === `dataset:${o}`)?.state).toBe('stale');
    const job = await build(['hot_n']);
    expect(job.status).toBe('succeeded');
    expect(job.activities!.map((a) => a.recipe)).toEqual(['split_bands', 'hot_count']);
    expect(job.activities!.map((a) => a.outputs)).toEqual([['b6', 'hot', 'rest'], ['hot_n']]);
    expect(await ids('hot')).toEqual([3, 4]);
    expect((await s.call<DataPage>('GET', `${P}/datasets/hot_n/data`, { token })).body.rows).toEqual([[2]]);
  });

  it('commits all outputs or none: a failure writing the second leaves no new version of the first', async () => {
    const before = { b6: (await versions('b6')).length, hot: (await versions('hot')).length };
    // ln(0) fails when the second output's query runs (row 1: band B6 is not B3; trec - 30 = 0).
    const failing = {
      ...bandSplit,
      params: {
        mode: 'filter',
        branches: [
          { output: 'b6', where: "band = 'B6'" },
          { output: 'hot', where: 'ln(trec - 30) > 0' },
        ],
        otherwise: 'rest',
      },
    };
    expect((await s.call('PUT', `${P}/recipes/split_bands`, { token, body: failing })).status).toBe(200);
    const job = await build(['b6'], 'only');
    expect(job.status).toBe('failed');
    const after = { b6: await versions('b6'), hot: await versions('hot') };
    expect(after.b6).toHaveLength(before.b6 + 1);
    expect(after.b6[0].status).toBe('failed');
    expect(after.b6.filter((v) => v.status === 'ready').length).toBeGreaterThan(0);
    expect(after.hot[0].status).toBe('failed');
    // The current data is the previous build's.
    expect(await ids('b6')).toEqual([1, 2, 6]);
    expect((await s.call('PUT', `${P}/recipes/split_bands`, { token, body: bandSplit })).status).toBe(200);
  });

  it('a random split gives the same rows on every build of a seed', async () => {
    const random = {
      name: 'split_random',
      type: 'split',
      inputs: ['raw'],
      outputs: ['train', 'test'],
      params: {
        mode: 'random',
        ratios: [
          { output: 'train', ratio: 0.6 },
          { output: 'test', ratio: 0.4 },
        ],
        seed: 42,
      },
    };
    expect((await s.call('POST', `${P}/recipes`, { token, body: random })).status).toBe(201);
    expect((await build(['train'])).status).toBe('succeeded');
    const first = { train: await ids('train'), test: await ids('test') };
    expect([...first.train, ...first.test].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await build(['test'], 'only')).status).toBe('succeeded');
    expect((await versions('test')).filter((v) => v.status === 'ready').length).toBe(2);
    expect({ train: await ids('train'), test: await ids('test') }).toEqual(first);
  });

  it('refuses conversion to one SQL recipe, deleting an output it writes, and keeps its history', async () => {
    const convert = await s.call<{ error: { message: string } }>('POST', `${P}/recipes/split_bands/convert-to-sql`, {
      token,
      body: {},
    });
    expect(convert.status).toBe(400);
    expect(convert.body.error.message).toMatch(/writes 3 datasets \(b6, hot, rest\); a SQL recipe writes one/);
    const del = await s.call<{ error: { message: string } }>('DELETE', `${P}/datasets/rest`, { token });
    expect(del.status).toBe(409);
    expect(del.body.error.message).toMatch(/used by recipe split_bands/);
    const history = await s.call<{ revision: number }[]>('GET', `${P}/history/recipe/split_bands`, { token });
    expect(history.body.length).toBeGreaterThanOrEqual(3);
    const oldest = history.body[history.body.length - 1].revision;
    const reverted = await s.call<{ outputs: string[] }>('POST', `${P}/history/recipe/split_bands/revert`, {
      token,
      body: { revision: oldest },
    });
    expect(reverted.status, JSON.stringify(reverted.body)).toBe(200);
    expect(reverted.body.outputs).toEqual(['b6', 'hot', 'rest']);
  });
});
