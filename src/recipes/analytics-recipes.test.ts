import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, BuildStarted, DataPage, FlowView } from '../../test/support/api-types.js';
import { startTestServer, waitForJobEnd, type TestServer } from '../../test/support/llano-server.js';
import { detectChangePoints } from '../analytics/index.js';
import type { PreviewResult } from '../flow/preview.js';

/**
 * The analysis recipe types through the API and a build, each checked against a computation
 * made here from the fixture's rows by hand (plain arrays, brute force): groups, missing values,
 * rows out of time order and a series too short to analyse.
 */

const P = '/api/projects/ANA';
const HOUR = 3600_000;
const T0 = Date.UTC(2024, 0, 1);

interface Row {
  site: string;
  at: number;
  v: number | null;
}

/** Site A: a step from 10 to 20 at point 30 and one outlier; B: a rising line with gaps; C: two points. */
function fixture(shift = 0): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < 60; i++) {
    const noise = 0.3 * Math.sin(i * 1.7);
    rows.push({ site: 'A', at: T0 + i * HOUR, v: i === 12 ? 100 : (i < 30 ? 10 : 20) + noise + shift });
  }
  for (let i = 0; i < 40; i++)
    rows.push({ site: 'B', at: T0 + i * 24 * HOUR, v: i % 7 === 3 ? null : 5 + 0.5 * i + Math.cos(i * 2.3) });
  rows.push({ site: 'C', at: T0, v: 1 }, { site: 'C', at: T0 + HOUR, v: 2 });
  return rows;
}

const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/** Rows in a scrambled order (the recipes must order them), as CSV. */
function csv(rows: Row[]): string {
  const scrambled = rows.map((r, i) => ({ r, k: (i * 7919) % rows.length })).sort((a, b) => a.k - b.k);
  return 'site,at,v\n' + scrambled.map(({ r }) => `${r.site},${stamp(r.at)},${r.v ?? ''}`).join('\n') + '\n';
}

/** One site's rows with a value, in time order. */
const series = (rows: Row[], site: string) =>
  rows.filter((r) => r.site === site && r.v !== null).sort((a, b) => a.at - b.at) as (Row & { v: number })[];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('analysis recipes (changepoints, outliers, trend)', () => {
  let s: TestServer;
  const rows = fixture();

  const data = async (name: string) => {
    const r = await s.call<DataPage>('GET', `${P}/datasets/${name}/data?limit=1000`, { token: s.adminToken });
    expect(r.status).toBe(200);
    return r.body.rows.map((row) => Object.fromEntries(r.body.columns.map((c, i) => [c, row[i]])));
  };
  const build = async () => {
    const b = await s.call<BuildStarted>('POST', `${P}/builds`, {
      token: s.adminToken,
      body: { targets: ['steps', 'scored', 'trends'], mode: 'required' },
    });
    expect(b.status).toBe(202);
    return waitForJobEnd(s, 'ANA', b.body.jobId);
  };

  beforeAll(async () => {
    s = await startTestServer();
    await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'ANA' } });
    expect((await s.upload(`${P}/datasets/obs/upload`, csv(rows), 'obs.csv')).status).toBe(201);
    const common = { inputs: ['obs'], groupBy: ['site'], column: 'v' };
    for (const body of [
      { name: 'find_steps', type: 'changepoints', output: 'steps', orderBy: 'at', ...common },
      { name: 'score_rows', type: 'outliers', output: 'scored', method: 'robust-z', ...common },
      { name: 'fit_trends', type: 'trend', output: 'trends', orderBy: 'at', ...common },
    ]) {
      const r = await s.call('POST', `${P}/recipes`, { token: s.adminToken, body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  });
  afterAll(() => s?.stop());

  it('shows in the flow and builds', async () => {
    const flow = await s.call<FlowView>('GET', `${P}/flow`, { token: s.adminToken });
    expect(flow.body.edges).toContainEqual({ from: 'dataset:obs', to: 'recipe:find_steps' });
    expect(flow.body.edges).toContainEqual({ from: 'recipe:fit_trends', to: 'dataset:trends' });
    const job = await build();
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.activities?.map((a) => a.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('changepoints: one row per change, as the detector finds on the ordered series', async () => {
    const out = await data('steps');
    for (const site of ['A', 'B']) {
      const ordered = series(rows, site);
      const values = ordered.map((r) => r.v);
      const expected = detectChangePoints(values).changepoints;
      const got = out.filter((r) => r.site === site);
      expect(got.map((r) => r.change_index)).toEqual(expected);
      const bounds = [0, ...expected, values.length];
      got.forEach((r, k) => {
        const before = mean(values.slice(bounds[k], bounds[k + 1]));
        const after = mean(values.slice(bounds[k + 1], bounds[k + 2]));
        expect(r.mean_before).toBeCloseTo(before, 9);
        expect(r.mean_after).toBeCloseTo(after, 9);
        expect(r.magnitude).toBeCloseTo(after - before, 9);
        expect(r.relative_magnitude).toBeCloseTo((after - before) / Math.abs(before), 9);
        expect(new Date(String(r.change_at) + 'Z').getTime()).toBe(ordered[expected[k]].at);
      });
    }
    // The step of A is found where it is.
    expect(out.filter((r) => r.site === 'A').map((r) => r.change_index)).toContain(30);
    expect(out.filter((r) => r.site === 'C')).toEqual([]);
  });

  it('changepoints: the noise scale and model given in the recipe reach the detector', async () => {
    const values = series(rows, 'A').map((r) => r.v);
    for (const options of [{ noiseScale: 0.05 }, { noiseScale: 1e6 }, { noiseModel: 'white' as const }]) {
      const r = await s.call<{ columns: { name: string }[]; rows: unknown[][] }>('POST', `${P}/recipes/preview`, {
        token: s.adminToken,
        body: { type: 'changepoints', inputs: ['obs'], groupBy: ['site'], orderBy: 'at', column: 'v', ...options },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const names = r.body.columns.map((c) => c.name);
      const [site, index] = [names.indexOf('site'), names.indexOf('change_index')];
      const found = r.body.rows.filter((row) => row[site] === 'A').map((row) => row[index]);
      expect(found, JSON.stringify(options)).toEqual(detectChangePoints(values, options).changepoints);
    }
    // The two scales give different answers: the option is not ignored.
    expect(detectChangePoints(values, { noiseScale: 0.05 }).changepoints.length).toBeGreaterThan(
      detectChangePoints(values, { noiseScale: 1e6 }).changepoints.length,
    );
  });

  it('outliers: every input row, in input order, with its robust z-score within its site', async () => {
    const out = await data('scored');
    expect(out).toHaveLength(rows.length);
    const scale: Record<string, { m: number; s: number }> = {};
    for (const site of ['A', 'B', 'C']) {
      const values = series(rows, site).map((r) => r.v);
      const m = median(values);
      // 1/Φ⁻¹(0.75): the MAD of a normal sample is 0.6745 σ.
      scale[site] = { m, s: (1 / 0.6744897501960817) * median(values.map((v) => Math.abs(v - m))) };
    }
    for (const r of out) {
      const v = r.v as number | null;
      if (v === null) {
        expect(r.outlier_score).toBeNull();
        expect(r.is_outlier).toBe(false);
        continue;
      }
      const { m, s: sd } = scale[r.site as string];
      const z = (v - m) / sd;
      expect(r.outlier_score).toBeCloseTo(z, 9);
      expect(r.is_outlier).toBe(Math.abs(z) > 3.5);
    }
    expect(out.filter((r) => r.is_outlier).map((r) => r.v)).toContain(100);
    // Input order kept: the rows come out as the CSV has them.
    const sent = csv(rows).trim().split('\n').slice(1, 6);
    expect(
      out.slice(0, 5).map((r) => `${String(r.site)},${String(r.at)},${r.v === null ? '' : String(r.v as number)}`),
    ).toEqual(sent);
  });

  it('trend: Mann–Kendall S and the Theil–Sen slope per day match brute force; a short series has n only', async () => {
    const out = await data('trends');
    expect(out.map((r) => r.site)).toEqual(['A', 'B', 'C']);
    for (const site of ['A', 'B']) {
      const ordered = series(rows, site);
      let sum = 0;
      const slopes: number[] = [];
      for (let i = 0; i < ordered.length; i++)
        for (let j = i + 1; j < ordered.length; j++) {
          sum += Math.sign(ordered[j].v - ordered[i].v);
          slopes.push((ordered[j].v - ordered[i].v) / ((ordered[j].at - ordered[i].at) / (24 * HOUR)));
        }
      const got = out.find((r) => r.site === site)!;
      expect(got.n).toBe(ordered.length);
      expect(got.mk_s).toBe(sum);
      expect(got.slope).toBeCloseTo(median(slopes), 9);
      expect(got.slope_lower as number).toBeLessThanOrEqual(got.slope as number);
      expect(got.slope_upper as number).toBeGreaterThanOrEqual(got.slope as number);
    }
    expect(out.find((r) => r.site === 'B')!.trend).toBe('increasing');
    expect(out.find((r) => r.site === 'C')).toMatchObject({ n: 2, mk_s: null, slope: null, trend: null });
  });

  it('builds incrementally: nothing when the input is unchanged, all three when it changes', async () => {
    const again = await build();
    expect(again.activities).toEqual([]);
    expect((await s.upload(`${P}/datasets/obs/upload`, csv(fixture(1)), 'obs.csv')).status).toBe(201);
    const after = await build();
    expect(after.status).toBe('succeeded');
    expect(after.activities?.map((a) => [a.recipe, a.status]).sort()).toEqual([
      ['find_steps', 'succeeded'],
      ['fit_trends', 'succeeded'],
      ['score_rows', 'succeeded'],
    ]);
    const steps = await data('steps');
    const a = steps.find((r) => r.site === 'A' && r.change_index === 30)!;
    expect(a.mean_after).toBeCloseTo(
      mean(
        series(fixture(1), 'A')
          .map((r) => r.v)
          .slice(30),
      ),
      9,
    );
  });

  it('previews on the first series without saving, and names a bad column', async () => {
    const url = `${P}/recipes/preview`;
    const r = await s.call<PreviewResult>('POST', url, {
      token: s.adminToken,
      body: { type: 'trend', inputs: ['obs'], groupBy: ['site'], orderBy: 'at', column: 'v', limit: 2 },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.columns.map((c) => c.name)).toContain('slope');
    expect(r.body.rows).toHaveLength(2);
    expect(r.body.truncated).toBe(true);
    const bad = await s.call<ApiError>('POST', url, {
      token: s.adminToken,
      body: { type: 'changepoints', inputs: ['obs'], groupBy: ['site'], orderBy: 'at', column: 'nope' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/"nope"/);
  });

  it('refuses bad settings with a 400 naming them', async () => {
    const body = { name: 'x', type: 'outliers', inputs: ['obs'], output: 'x', column: 'v', method: 'hampel' };
    const noOrder = await s.call<ApiError>('POST', `${P}/recipes`, { token: s.adminToken, body });
    expect(noOrder.status).toBe(400);
    expect(noOrder.body.error.message).toMatch(/orderBy/);
    const text = await s.call<ApiError>('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: { ...body, method: 'iqr', column: 'site' },
    });
    expect(text.status).toBe(400);
    expect(text.body.error.message).toMatch(/not a number/);
    const types = await s.call<{ type: string; schema: { properties: Record<string, unknown> } }[]>(
      'GET',
      '/api/recipe-types',
      { token: s.adminToken },
    );
    expect(types.body.find((t) => t.type === 'changepoints')?.schema.properties).toHaveProperty('groupBy');
  });
});
