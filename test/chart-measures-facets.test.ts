import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartOption } from '../src/insights/chart-options.js';
import { facetedChartOption } from '../src/insights/facet-chart.js';
import type { InsightData } from '../src/insights/insight-types.js';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';
import { datasetSql, expectCloseRows } from './support/independent-sql.js';

/**
 * Several measures in one chart and small multiples with more facet values than drawn, over a
 * real server and DuckDB: rows compared with an independent SQL aggregation of the same dataset,
 * the refusals (measures × colour, several measures on a one-measure kind, too many facets) as 400s.
 */

// Eight antennas over two bands; DV02 has no trec (an empty group), one row has no antenna (a null facet).
const ANTENNAS = ['DA41', 'DA42', 'DA43', 'DA44', 'DV01', 'DV02', 'PM01', 'PM02'];
const CSV = [
  'antenna,band,trec',
  ...ANTENNAS.flatMap((a, i) => [
    `${a},3,${a === 'DV02' ? '' : 30 + i * 3}`,
    `${a},6,${a === 'DV02' ? '' : 50 + ((i * 7) % 11)}`,
    `${a},6,${a === 'DV02' ? '' : 40 + i}`,
  ]),
  ',3,99',
].join('\n');

let s: TestServer;
const P = '/api/projects/MEAS';
let n = 0;

async function chart(spec: Record<string, unknown>): Promise<InsightData> {
  const id = `m${++n}`;
  const saved = await s.call('POST', `${P}/insights`, {
    token: s.adminToken,
    body: { id, name: id, type: 'chart', dataset: 'obs', chart: spec },
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  const data = await s.call<InsightData>('GET', `${P}/insights/${id}/data`, { token: s.adminToken });
  expect(data.status).toBe(200);
  return data.body;
}

async function refusal(spec: Record<string, unknown>): Promise<string> {
  const r = await s.call<{ error: { message: string } }>('POST', `${P}/insights/preview`, {
    token: s.adminToken,
    body: { id: 'p', name: 'p', type: 'chart', dataset: 'obs', chart: spec },
  });
  expect(r.status).toBe(400);
  return r.body.error.message;
}

/** An independent aggregation of the dataset's current version, written by hand in DuckDB SQL. */
const sql = (text: string, dataset = 'obs') => datasetSql(s.ws, 'MEAS', dataset, text);
const close = expectCloseRows;

beforeAll(async () => {
  s = await startTestServer();
  expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'MEAS' } })).status).toBe(201);
  expect((await s.upload(`${P}/datasets/obs/upload`, CSV + '\n', 'obs.csv')).status).toBe(201);
}, 120_000);
afterAll(async () => s?.stop());

describe('several measures in one chart', () => {
  it('draws each measure as a series named by its aggregation, grouped or stacked per the kind', async () => {
    const y = [{ column: 'trec', agg: 'avg' }, { column: 'trec', agg: 'quantile', q: 0.9 }, { agg: 'count' }];
    const d = await chart({ kind: 'bar', x: { column: 'band' }, y });
    expect(d.columns).toEqual(['band', 'avg(trec)', 'p90(trec)', 'count']);
    close(
      d.rows,
      await sql('SELECT band, avg(trec), quantile_cont(trec, 0.9), count(*) FROM {t} GROUP BY band ORDER BY band'),
    );
    const grouped = chartOption('bar', d).series as { name: string; stack?: string; data: unknown[] }[];
    expect(grouped.map((one) => one.name)).toEqual(['avg(trec)', 'p90(trec)', 'count']);
    expect(grouped.every((one) => one.stack === undefined)).toBe(true);
    const stacked = chartOption('stacked_bar', d).series as { stack?: string }[];
    expect(stacked.map((one) => one.stack)).toEqual(['total', 'total', 'total']);
    const lines = chartOption('line', d).series as { type: string; data: unknown[] }[];
    expect(lines.map((one) => one.type)).toEqual(['line', 'line', 'line']);
    expect(lines[2].data).toEqual(d.rows.map((r) => r[3]));
  });

  it('refuses measures × colours and several measures on a kind that draws one, saying what to do', async () => {
    const two = [{ column: 'trec', agg: 'avg' }, { agg: 'count' }];
    expect(await refusal({ kind: 'bar', x: { column: 'band' }, color: { column: 'antenna' }, y: two })).toMatch(
      /a colour column draws one measure: remove the colour or keep one measure/,
    );
    expect(await refusal({ kind: 'pie', x: { column: 'band' }, y: two })).toMatch(
      /a pie chart draws one measure; remove the others/,
    );
    expect(await refusal({ kind: 'scatter', x: { column: 'band' }, facet: { column: 'antenna' }, y: two })).toMatch(
      /draws one measure/,
    );
    expect(
      await refusal({ kind: 'scatter', x: { column: 'band' }, facet: { column: 'antenna' }, y: [two[0]] }),
    ).toMatch(/a scatter chart has no small multiples/);
    expect(await refusal({ kind: 'line', x: { column: 'band' }, y: [two[0], two[0]] })).toMatch(
      /two measures are named avg\(trec\): give one a label/,
    );
    expect(await refusal({ kind: 'line', x: { column: 'band' }, y: [{ agg: 'count', label: 'band' }] })).toMatch(
      /the measure band has the name of a column of the chart: give it another label/,
    );
  });

  it('names a measure’s series and answer column by its label', async () => {
    const d = await chart({
      kind: 'line',
      x: { column: 'band' },
      y: [
        { column: 'trec', agg: 'avg', label: 'Mean Trec (K)' },
        { column: 'trec', agg: 'avg', label: 'Mean again' },
      ],
    });
    expect(d.columns).toEqual(['band', 'Mean Trec (K)', 'Mean again']);
    expect((chartOption('line', d).series as { name: string }[]).map((one) => one.name)).toEqual([
      'Mean Trec (K)',
      'Mean again',
    ]);
  });
});

describe('small multiples with more facet values than drawn', () => {
  it('keeps the first facets by name, says how many there are, and the note tells the reader', async () => {
    const d = await chart({
      kind: 'bar',
      x: { column: 'band' },
      facet: { column: 'antenna', max: 3 },
      y: [{ column: 'trec', agg: 'avg' }],
    });
    expect(d.facets).toEqual({ shown: 3, total: 9 });
    expect(d.columns).toEqual(['band', 'antenna', 'avg(trec)']);
    close(
      d.rows,
      await sql(`SELECT band, antenna, avg(trec) FROM {t} WHERE antenna IN ('DA41', 'DA42', 'DA43')
                 GROUP BY band, antenna ORDER BY antenna, band`),
    );
    const option = facetedChartOption('bar', d)!;
    const titles = (option.title as { text: string }[]).map((t) => t.text);
    expect(titles).toEqual(['DA41', 'DA42', 'DA43', 'showing 3 of 9 antenna values']);
  });

  it('llano insight data says which facets were left out', async () => {
    await chart({ kind: 'bar', x: { column: 'band' }, facet: { column: 'antenna', max: 2 }, y: [{ agg: 'count' }] });
    const out = await llano(['--url', s.url, '--token', s.adminToken, '-p', 'MEAS', 'insight', 'data', `m${n}`]);
    expect(out.code, out.err).toBe(0);
    expect(out.out).toMatch(/^band\s+antenna\s+count$/m);
    expect(out.out).toMatch(/Small multiples: showing 2 of 9 antenna values/);
  });

  it('by value: the facets with the largest first measure, in that order; the null facet counts', async () => {
    const d = await chart({
      kind: 'line',
      x: { column: 'band' },
      facet: { column: 'antenna', max: 4 },
      y: [{ column: 'trec', agg: 'max' }, { agg: 'count' }],
      sort: { by: 'y', desc: true },
    });
    expect(d.facets).toEqual({ shown: 4, total: 9 });
    const ranked = await sql(
      'SELECT antenna FROM {t} GROUP BY antenna ORDER BY max(trec) DESC NULLS LAST, antenna NULLS LAST LIMIT 4',
    );
    const facets = [...new Set(d.rows.map((r) => r[1]))];
    expect(facets).toEqual(ranked.map((r) => r[0]));
    // The null antenna (trec 99) is the largest: a facet of its own, first.
    expect(facets[0]).toBeNull();
    const keep = ranked.map((r) => (r[0] === null ? 'antenna IS NULL' : `antenna = '${r[0] as string}'`)).join(' OR ');
    const expected = await sql(
      `SELECT band, antenna, max(trec), count(*) FROM {t} WHERE ${keep} GROUP BY band, antenna`,
    );
    const key = (r: unknown[]) => `${String(r[0])}|${String(r[1])}`;
    close(
      [...d.rows].sort((a, b) => key(a).localeCompare(key(b))),
      [...expected].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });

  it('draws every facet with no note when all fit; refuses a cap above the maximum', async () => {
    const d = await chart({ kind: 'bar', x: { column: 'antenna' }, facet: { column: 'band' }, y: [{ agg: 'count' }] });
    expect(d.facets).toEqual({ shown: 2, total: 2 });
    const titles = (facetedChartOption('bar', d)!.title as { text: string }[]).map((t) => t.text);
    expect(titles).toEqual(['3', '6']);
    expect(
      await refusal({
        kind: 'bar',
        x: { column: 'band' },
        facet: { column: 'antenna', max: 13 },
        y: [{ agg: 'count' }],
      }),
    ).toMatch(/max/);
  });
});
