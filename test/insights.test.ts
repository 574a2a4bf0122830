import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardExportHtml } from '../src/insights/dashboard-export.js';
import { startWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { chartSizesSeen } from '../src/insights/chart-sizes-seen.js';
import { dashboardData } from '../src/insights/dashboard-data.js';
import { parsePictureSizes, picturesDrawn } from '../src/insights/tile-pictures.js';
import { tilesWarmed } from '../src/insights/tile-warmer.js';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';
import { decodePng } from './support/png.js';
import { datasetSql, expectCloseRows } from './support/independent-sql.js';

/**
 * Insights end to end over a real server and DuckDB: each chart kind's rows compared with values
 * worked out by hand or with an independent SQL aggregation (nulls, empty groups, bins at the
 * edges, time zones), the cache per dataset version, permissions, history, export and the CLI.
 */

// trec: 0 and 100 are the edges of the bins; band 6 has no trec at all (an empty group for avg);
// one row has no band, one no ts. ts in UTC; America/Santiago is UTC-3 in January.
const CSV = `band,trec,ts,n
3,10.0,2024-01-01 23:30:00+00,1
3,20.0,2024-01-02 02:30:00+00,2
6,,2024-01-02 04:00:00+00,3
6,,2024-01-03 12:00:00+00,
7,100.0,,5
,0.0,2024-01-05 00:00:00+00,6
3,90.0,2024-01-06 00:00:00+00,7
`;

type Data = {
  columns: string[];
  roles: string[];
  rows: unknown[][];
  sampled: boolean;
  sampling?: string;
  truncated: boolean;
  sql: string;
  version: string | null;
  ignoredFilters?: string[];
};

let s: TestServer;
let reader: string;
let writer: string;
let outsider: string;
const P = '/api/projects/DASH';

async function ok<T>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

let n = 0;
/** Saves a chart insight and answers its data. */
async function chart(spec: Record<string, unknown>, query = ''): Promise<Data> {
  const id = `c${++n}`;
  await ok(
    s.call('POST', `${P}/insights`, {
      token: writer,
      body: { id, name: id, type: 'chart', dataset: 'obs', chart: spec },
    }),
    201,
  );
  return ok(s.call<Data>('GET', `${P}/insights/${id}/data${query}`, { token: reader }));
}

/** An independent aggregation of the dataset's current version, written by hand in DuckDB SQL. */
const sql = (text: string, dataset = 'obs') => datasetSql(s.ws, 'DASH', dataset, text);
const close = expectCloseRows;

beforeAll(async () => {
  s = await startTestServer();
  for (const u of ['dreader', 'dwriter', 'doutsider'])
    await ok(
      s.call('POST', '/api/users', { token: s.adminToken, body: { username: u, password: `password-${u}` } }),
      201,
    );
  await ok(s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'DASH' } }), 201);
  await ok(s.call('PUT', `${P}/members/dreader`, { token: s.adminToken, body: { role: 'reader' } }));
  await ok(s.call('PUT', `${P}/members/dwriter`, { token: s.adminToken, body: { role: 'writer' } }));
  reader = await s.login('dreader', 'password-dreader');
  writer = await s.login('dwriter', 'password-dwriter');
  outsider = await s.login('doutsider', 'password-doutsider');
  expect((await s.upload(`${P}/datasets/obs/upload`, CSV, 'obs.csv')).status).toBe(201);
  const many = ['x,y,g', ...Array.from({ length: 500 }, (_, i) => `${i},${(i * 7) % 101},${i % 3}`)].join('\n');
  expect((await s.upload(`${P}/datasets/points/upload`, many + '\n', 'points.csv')).status).toBe(201);
}, 120_000);
afterAll(async () => s?.stop());

describe('chart data against independent aggregations', () => {
  it('bar: averages per band, an empty group (all trec null) and the null band', async () => {
    const d = await chart({
      kind: 'bar',
      x: { column: 'band' },
      y: [{ column: 'trec', agg: 'avg' }, { agg: 'count' }, { column: 'n', agg: 'count_distinct' }],
    });
    expect(d.columns).toEqual(['band', 'avg(trec)', 'count', 'count_distinct(n)']);
    expect(d.rows).toEqual([
      [3, 40, 3, 3],
      [6, null, 2, 1],
      [7, 100, 1, 1],
      [null, 0, 1, 1],
    ]);
    close(
      d.rows,
      await sql('SELECT band, avg(trec), count(*), count(DISTINCT n) FROM {t} GROUP BY band ORDER BY band NULLS LAST'),
    );
    expect(d.sql).toMatch(/^WITH /);
    expect(d.sampled).toBe(false);
  });

  it('bar: median, quantile, stddev, min, max and sum match DuckDB’s own aggregates', async () => {
    const d = await chart({
      kind: 'grouped_bar',
      x: { column: 'band' },
      y: [
        { column: 'trec', agg: 'median' },
        { column: 'trec', agg: 'quantile', q: 0.9 },
        { column: 'trec', agg: 'stddev' },
        { column: 'trec', agg: 'min' },
        { column: 'trec', agg: 'max' },
        { column: 'n', agg: 'sum' },
      ],
    });
    close(
      d.rows,
      await sql(
        `SELECT band, median(trec)::DOUBLE, quantile_cont(trec, 0.9)::DOUBLE, stddev_samp(trec)::DOUBLE, min(trec), max(trec), sum(n)
         FROM {t} GROUP BY band ORDER BY band NULLS LAST`,
      ),
    );
    expect(d.rows[0].slice(0, 2)).toEqual([3, 20]);
  });

  it('stacked bar and heatmap: one row per (x, colour) pair, none for pairs without rows', async () => {
    const expected = await sql('SELECT band, n, count(*) FROM {t} GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2 NULLS LAST');
    const stacked = await chart({
      kind: 'stacked_bar',
      x: { column: 'band' },
      color: { column: 'n' },
      y: [{ agg: 'count' }],
    });
    expect(stacked.roles).toEqual(['x', 'color', 'y']);
    close(stacked.rows, expected);
    const heat = await chart({ kind: 'heatmap', x: { column: 'band' }, color: { column: 'n' }, y: [{ agg: 'count' }] });
    close(heat.rows, expected);
  });

  it('line by day: the days of America/Santiago differ from those of UTC', async () => {
    const local = await chart({
      kind: 'line',
      x: { column: 'ts', bin: { method: 'width', unit: 'day' } },
      y: [{ agg: 'count' }],
      timezone: 'America/Santiago',
    });
    expect(local.rows.map((r) => [String(r[0]).slice(0, 10), r[1]])).toEqual([
      ['2024-01-01', 2],
      ['2024-01-02', 1],
      ['2024-01-03', 1],
      ['2024-01-04', 1],
      ['2024-01-05', 1],
      ['null', 1],
    ]);
    const utc = await chart({
      kind: 'area',
      x: { column: 'ts', bin: { method: 'width', unit: 'day' } },
      y: [{ agg: 'count' }],
    });
    expect(utc.rows.map((r) => [String(r[0]).slice(0, 10), r[1]])).toEqual([
      ['2024-01-01', 1],
      ['2024-01-02', 2],
      ['2024-01-03', 1],
      ['2024-01-05', 1],
      ['2024-01-06', 1],
      ['null', 1],
    ]);
    const auto = await chart({ kind: 'line', x: { column: 'ts', bin: { method: 'auto' } }, y: [{ agg: 'count' }] });
    // A little over four days of data: binned by the day (UTC: five days and the null).
    expect(auto.rows.length).toBe(6);
  });

  it('histogram: the maximum falls in the last of a count binning, in a bin of its own by width; nulls apart', async () => {
    const byCount = await chart({ kind: 'histogram', x: { column: 'trec', bin: { method: 'count', count: 10 } } });
    expect(byCount.columns).toEqual(['trec', 'trec_end', 'count']);
    expect(byCount.rows).toEqual([
      [0, 10, 1],
      [10, 20, 1],
      [20, 30, 1],
      [90, 100, 2],
      [null, null, 2],
    ]);
    const byWidth = await chart({ kind: 'histogram', x: { column: 'trec', bin: { method: 'width', width: 10 } } });
    expect(byWidth.rows.map((r) => [r[0], r[2]])).toEqual([
      [0, 1],
      [10, 1],
      [20, 1],
      [90, 1],
      [100, 1],
      [null, 2],
    ]);
    const auto = await chart({ kind: 'histogram', x: { column: 'trec' } });
    expect(auto.rows.reduce((sum, r) => sum + Number(r[2]), 0)).toBe(7);
  });

  it('box plot: five numbers and the count per band', async () => {
    const d = await chart({ kind: 'box', x: { column: 'band' }, y: [{ column: 'trec', agg: 'avg' }] });
    expect(d.roles).toEqual(['x', 'min', 'q1', 'median', 'q3', 'max', 'n']);
    expect(d.rows[0]).toEqual([3, 10, 15, 20, 55, 90, 3]);
    close(
      d.rows,
      await sql(
        `SELECT band, min(trec), quantile_cont(trec, 0.25), quantile_cont(trec, 0.5), quantile_cont(trec, 0.75), max(trec), count(trec)
         FROM {t} GROUP BY band ORDER BY band NULLS LAST`,
      ),
    );
  });

  it('pie with top 2 and others: the rest in "Others", nulls never folded in', async () => {
    const d = await chart({
      kind: 'pie',
      x: { column: 'band' },
      y: [{ column: 'n', agg: 'sum' }],
      top: { n: 2, others: true },
    });
    expect(d.rows).toEqual([
      ['3', 10],
      ['7', 5],
      [null, 6],
      ['Others', 3],
    ]);
    const only = await chart({
      kind: 'bar',
      x: { column: 'band' },
      y: [{ column: 'n', agg: 'sum' }],
      top: { n: 2, others: false },
      sort: { by: 'y', desc: true },
    });
    expect(only.rows).toEqual([
      [3, 10],
      [7, 5],
    ]);
  });

  it('KPI: one value, or a series for the comparison and the sparkline', async () => {
    expect((await chart({ kind: 'kpi', y: [{ column: 'n', agg: 'sum' }] })).rows).toEqual([[24]]);
    const series = await chart({
      kind: 'kpi',
      x: { column: 'ts', bin: { method: 'width', unit: 'month' } },
      y: [{ agg: 'count' }],
    });
    expect(series.rows.map((r) => r[1])).toEqual([6, 1]);
  });

  it('KPI with a time column and period: current, previous, change and sparkline as an independent SQL finds them', async () => {
    const daily = await chart({
      kind: 'kpi',
      y: [{ column: 'n', agg: 'sum' }],
      kpi: { time: 'ts', period: 'day', points: 4 },
    });
    expect(daily.roles).toEqual(['x', 'y', 'current', 'previous', 'change']);
    const expected = await sql(
      `SELECT date_trunc('day', timezone('UTC', ts)) AS d, sum(n) FROM {t} WHERE ts IS NOT NULL GROUP BY 1 ORDER BY 1 DESC LIMIT 4`,
    );
    expected.reverse();
    // Days without rows have no point; the window is the last 4 days (Jan 3 to Jan 6).
    const day = (v: unknown) => new Date(String(v)).toISOString().slice(0, 10);
    const window = expected.filter((r) => day(r[0]) >= '2024-01-03');
    expect(daily.rows.map((r) => [day(r[0]), r[1] === null ? null : Number(r[1])])).toEqual(
      window.map((r) => [day(r[0]), r[1] === null ? null : Number(r[1])]),
    );
    const [current, previous] = [Number(expected.at(-1)![1]), Number(expected.at(-2)![1])];
    const first = daily.rows[0];
    expect([Number(first[2]), Number(first[3])]).toEqual([current, previous]);
    expect(first[4]).toBeCloseTo((current - previous) / Math.abs(previous), 9);
    // Nothing in the previous period: no previous value and no change (never Infinity or NaN).
    const alone = await chart({
      kind: 'kpi',
      y: [{ agg: 'count' }],
      filters: [{ column: 'ts', op: 'ge', value: '2024-01-06 00:00:00+00' }],
      kpi: { time: 'ts', period: 'day' },
    });
    expect(alone.rows.map((r) => r.slice(1).map((v) => (v === null ? null : Number(v))))).toEqual([[1, 1, null, null]]);
    const bad = await s.call<{ error: { message: string } }>('POST', `${P}/insights`, {
      token: writer,
      body: {
        id: 'kpi_bad',
        name: 'k',
        type: 'chart',
        dataset: 'obs',
        chart: { kind: 'kpi', kpi: { time: 'band', period: 'day' } },
      },
    });
    expect(bad.status).toBe(201);
    const refused = await s.call<{ error: { message: string } }>('GET', `${P}/insights/kpi_bad/data`, {
      token: reader,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('kpi.time');
  });

  it('scatter: raw points under the budget, a sample taken in the engine above it', async () => {
    const small = await chart({ kind: 'scatter', x: { column: 'trec' }, y: [{ column: 'n', agg: 'sum' }] });
    expect(small.sampled).toBe(false);
    expect(small.rows.length).toBe(5);
    const id = `c${++n}`;
    await ok(
      s.call('POST', `${P}/insights`, {
        token: writer,
        body: {
          id,
          name: id,
          type: 'chart',
          dataset: 'points',
          chart: {
            kind: 'scatter',
            x: { column: 'x' },
            y: [{ column: 'y', agg: 'sum' }],
            color: { column: 'g' },
            pointBudget: 50,
          },
        },
      }),
      201,
    );
    const big = await ok(s.call<Data>('GET', `${P}/insights/${id}/data`, { token: reader }));
    expect(big.sampled).toBe(true);
    expect(big.sampling).toMatch(/reservoir sample of 50 points of 500/);
    expect(big.rows.length).toBe(50);
    const pair = (r: unknown[]) => JSON.stringify(r.slice(0, 2));
    const all = new Set((await sql('SELECT x, y FROM {t}', 'points')).map(pair));
    for (const r of big.rows) expect(all.has(pair(r))).toBe(true);
  });

  it('filters: the chart’s own, and dashboard filters on columns the dataset has (others listed as ignored)', async () => {
    const d = await chart(
      {
        kind: 'bar',
        x: { column: 'band' },
        y: [{ agg: 'count' }],
        filters: [{ column: 'trec', op: 'ge', value: '20' }],
      },
      '?filters=band:in:3|7&filters=antenna:eq:DA41',
    );
    expect(d.rows).toEqual([
      [3, 2],
      [7, 1],
    ]);
    expect(d.ignoredFilters).toEqual(['antenna']);
  });

  it('pivot table: values of a column become columns, as an independent SQL PIVOT finds them (nulls included)', async () => {
    const table = async (id: string, spec: Record<string, unknown>) => {
      await ok(
        s.call('POST', `${P}/insights`, {
          token: writer,
          body: { id, name: id, type: 'table', dataset: 'obs', table: spec },
        }),
        201,
      );
      return ok(s.call<Data & { pivotColumnsLeftOut?: number }>('GET', `${P}/insights/${id}/data`, { token: reader }));
    };
    // Sum of trec per band (rows), one column per n (1…7 and null); band 6 has no trec (null sums).
    const wide = await table('pivot_n', {
      groupBy: [{ column: 'band' }],
      pivot: { column: 'n' },
      measures: [{ column: 'trec', agg: 'sum' }],
    });
    const names = (await sql(`SELECT DISTINCT n FROM {t} ORDER BY n NULLS LAST`)).map((r) =>
      r[0] === null ? '(null)' : String(r[0] as number),
    );
    expect(wide.columns).toEqual(['band', ...names]);
    expect(wide.pivotColumnsLeftOut).toBeUndefined();
    const pivoted = await sql(
      `SELECT band, ${names.map((n) => `"${n}"`).join(', ')} FROM (PIVOT (SELECT band, coalesce(CAST(n AS VARCHAR), '(null)') AS n, trec FROM {t}) ON n USING sum(trec) GROUP BY band)`,
    );
    const byBand = (rows: unknown[][]) => [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    close(byBand(wide.rows), byBand(pivoted));

    // Capped: the first 3 values of n in order (1, 2, 3), the other 4 (5, 6, 7, null) counted as left out.
    const capped = await table('pivot_capped', {
      groupBy: [{ column: 'band' }],
      pivot: { column: 'n', maxColumns: 3 },
    });
    expect(capped.columns).toEqual(['band', '1', '2', '3']);
    expect(capped.pivotColumnsLeftOut).toBe(4);
    // A pivot column beside three group-by columns is refused, naming the rule.
    const refused = await s.call('POST', `${P}/insights`, {
      token: writer,
      body: {
        id: 'pivot_bad',
        name: 'bad',
        type: 'table',
        dataset: 'obs',
        table: { groupBy: [{ column: 'band' }, { column: 'ts' }, { column: 'trec' }], pivot: { column: 'n' } },
      },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/at most 2 group-by columns beside a pivot column/);
  });

  it('a bad spec is a 400 naming the field; an unknown column names the columns there are', async () => {
    const noX = await s.call<{ error: { message: string } }>('POST', `${P}/insights`, {
      token: writer,
      body: { id: 'bad', name: 'bad', type: 'chart', dataset: 'obs', chart: { kind: 'bar' } },
    });
    expect(noX.status).toBe(400);
    expect(noX.body.error.message).toMatch(/chart.x: a bar chart needs x/);
    const badColumn = await s.call<{ error: { message: string } }>('POST', `${P}/insights/preview`, {
      token: reader,
      body: { id: 'p', name: 'p', type: 'chart', dataset: 'obs', chart: { kind: 'bar', x: { column: 'nope' } } },
    });
    expect(badColumn.status).toBe(400);
    expect(badColumn.body.error.message).toMatch(/Unknown column "nope" in x; the dataset has band, trec, ts, n/);
    const injection = await s.call<Data>('POST', `${P}/insights/preview`, {
      token: reader,
      body: {
        id: 'p',
        name: 'p',
        type: 'chart',
        dataset: 'obs',
        chart: {
          kind: 'bar',
          x: { column: 'band' },
          filters: [{ column: 'band', op: 'in', values: ["3') OR 1=1 --"] }],
        },
      },
    });
    expect(injection.status).toBe(400);
  });
});

describe('columns an insight names', () => {
  type Refusal = { error: { message: string } };
  const save = (body: Record<string, unknown>) =>
    s.call<Refusal>('POST', `${P}/insights`, { token: writer, body: { name: String(body.id), ...body } });

  it('refuses at save a chart, table or metric tile naming a column (or metric) the dataset lacks', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        {
          id: 'gone_y',
          type: 'chart',
          dataset: 'obs',
          chart: { kind: 'bar', x: { column: 'band' }, y: [{ agg: 'avg', column: 'trec_k' }] },
        },
        /^Unknown column "trec_k" in y; the dataset has band, trec, ts, n$/,
      ],
      [
        {
          id: 'gone_filter',
          type: 'chart',
          dataset: 'obs',
          chart: { kind: 'kpi', filters: [{ column: 'antenna', op: 'eq', value: 'DA41' }] },
        },
        /^Unknown column "antenna" in filters; the dataset has band, trec, ts, n$/,
      ],
      [{ id: 'gone_table', type: 'table', dataset: 'obs', table: { columns: ['band', 'tsys'] } }, /"tsys" in table/],
      [
        { id: 'gone_pivot', type: 'table', dataset: 'obs', table: { groupBy: [{ column: 'pad' }] } },
        /"pad" in groupBy/,
      ],
      [
        { id: 'gone_metric', type: 'metric', dataset: 'obs', metric: 'mean.tsys' },
        /^metric: metric mean.tsys reads column tsys, which dataset obs does not have \(columns: band, trec, ts, n\)$/,
      ],
      [
        { id: 'no_metric', type: 'metric', dataset: 'obs', metric: 'row_count' },
        /there is no metric row_count in dataset obs \(its metrics: records, /,
      ],
    ];
    for (const [body, message] of cases) {
      const r = await save(body);
      expect(r.status, String(body.id)).toBe(400);
      expect(r.body.error.message).toMatch(message);
      expect((await s.call('GET', `${P}/insights/${String(body.id)}`, { token: reader })).status).toBe(404);
    }
    expect((await save({ id: 'records_tile', type: 'metric', dataset: 'obs', metric: 'mean.trec' })).status).toBe(201);
  });

  it('a tile whose column went away with a new version says which, and which columns there are', async () => {
    expect((await s.upload(`${P}/datasets/shrinking/upload`, 'a,b\n1,2\n', 'shrinking.csv')).status).toBe(201);
    const tiles = [
      {
        id: 'shrink_chart',
        type: 'chart',
        dataset: 'shrinking',
        chart: { kind: 'bar', x: { column: 'a' }, y: [{ agg: 'sum', column: 'b' }] },
      },
      { id: 'shrink_table', type: 'table', dataset: 'shrinking', table: { columns: ['a', 'b'] } },
    ];
    for (const t of tiles) expect((await save(t)).status).toBe(201);
    expect((await s.upload(`${P}/datasets/shrinking/upload`, 'a,c\n1,3\n', 'shrinking.csv')).status).toBe(201);
    for (const t of tiles) {
      const r = await s.call<Refusal>('GET', `${P}/insights/${t.id}/data`, { token: reader });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/^Unknown column "b" in (y|table); the dataset has a, c$/);
    }
  });
});

describe('check and scenario insights', () => {
  it('check: the latest outcome of each check of the dataset, as the checks’ own run found them', async () => {
    await ok(
      s.call('PUT', `${P}/datasets/obs/checks`, {
        token: writer,
        body: {
          checks: [
            { type: 'not-null', column: 'trec' },
            { type: 'metric-bounds', metric: 'records', error: { min: 1 } },
          ],
        },
      }),
    );
    const run = await ok(
      s.call<{ results: { check: string; outcome: string }[] }>('POST', `${P}/datasets/obs/checks/run`, {
        token: writer,
      }),
    );
    await ok(
      s.call('POST', `${P}/insights`, {
        token: writer,
        body: { id: 'obs_checks', name: 'Checks of obs', type: 'check', dataset: 'obs' },
      }),
      201,
    );
    const data = await ok(s.call<Data>('GET', `${P}/insights/obs_checks/data`, { token: reader }));
    expect(data.columns).toEqual(['check', 'outcome', 'message', 'value', 'runAt']);
    expect(Object.fromEntries(data.rows.map((r) => [r[0], r[1]]))).toEqual(
      Object.fromEntries(run.results.map((r) => [r.check, r.outcome])),
    );
    // The null trec values fail the not-null check; the row count is within its bounds.
    expect(new Set(data.rows.map((r) => r[1]))).toEqual(new Set(['ERROR', 'OK']));
  });

  it("metric: the dataset's history of the metric, oldest first, as its computations recorded it", async () => {
    type Computed = { computedAt: string; metrics: Record<string, number | null> };
    const computed: Computed[] = [];
    for (let i = 0; i < 2; i++)
      computed.push(await ok(s.call<Computed>('POST', `${P}/datasets/obs/metrics/compute`, { token: writer })));
    await ok(
      s.call('POST', `${P}/insights`, {
        token: writer,
        body: { id: 'obs_mean_trec', name: 'Mean Trec over time', type: 'metric', dataset: 'obs', metric: 'mean.trec' },
      }),
      201,
    );
    const data = await ok(s.call<Data>('GET', `${P}/insights/obs_mean_trec/data`, { token: reader }));
    expect(data.columns).toEqual(['computedAt', 'mean.trec']);
    expect(data.roles).toEqual(['x', 'y']);
    // The last two rows are this test's computations, in order, with the values they recorded.
    expect(data.rows.slice(-2)).toEqual(computed.map((c) => [c.computedAt, c.metrics['mean.trec']]));
    const [[mean]] = await sql('SELECT avg(trec) FROM {t}');
    expect(Number(data.rows.at(-1)![1])).toBeCloseTo(Number(mean), 9);
  });

  it('scenario: its last runs, oldest first, with their outcomes', async () => {
    await ok(
      s.call('POST', `${P}/scenarios`, {
        token: writer,
        body: { id: 'nightly', triggers: [{ type: 'manual' }], steps: [{ type: 'noop' }] },
      }),
      201,
    );
    const runIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const started = await ok(s.call<{ runId: string }>('POST', `${P}/scenarios/nightly/run`, { token: writer }), 202);
      runIds.push(started.runId);
      await expect
        .poll(
          async () =>
            (await s.call<{ outcome: string | null }>('GET', `${P}/scenario-runs/${started.runId}`, { token: reader }))
              .body.outcome,
          { timeout: 60_000, interval: 100 },
        )
        .toBe('SUCCESS');
    }
    await ok(
      s.call('POST', `${P}/insights`, {
        token: writer,
        body: { id: 'nightly_runs', name: 'Nightly runs', type: 'scenario', scenario: 'nightly' },
      }),
      201,
    );
    const data = await ok(s.call<Data>('GET', `${P}/insights/nightly_runs/data`, { token: reader }));
    expect(data.columns).toEqual(['run', 'outcome', 'startedAt', 'durationMs']);
    expect(data.rows.map((r) => [r[0], r[1]])).toEqual(runIds.map((id) => [id, 'SUCCESS']));
  });
});

describe('cache, history, permissions', () => {
  it('caches a tile per dataset version: a new version answers new rows', async () => {
    const first = await chart({ kind: 'kpi', y: [{ agg: 'count' }] });
    const id = `c${n}`;
    const again = await ok(s.call<Data>('GET', `${P}/insights/${id}/data`, { token: reader }));
    expect(again).toEqual(first);
    expect(
      (await s.upload(`${P}/datasets/obs/upload`, CSV + '3,1.0,2024-02-01 00:00:00+00,9\n', 'obs.csv')).status,
    ).toBe(201);
    const after = await ok(s.call<Data>('GET', `${P}/insights/${id}/data`, { token: reader }));
    expect(after.rows).toEqual([[8]]);
    expect(after.version).not.toBe(first.version);
  });

  it('keeps history and reverts through the same validation', async () => {
    const body = { id: 'hist', name: 'first', type: 'text', text: '# Shift report' };
    await ok(s.call('POST', `${P}/insights`, { token: writer, body }), 201);
    await ok(s.call('PUT', `${P}/insights/hist`, { token: writer, body: { ...body, name: 'second' } }));
    const history = await ok(s.call<{ revision: number }[]>('GET', `${P}/history/insight/hist`, { token: reader }));
    expect(history.map((r) => r.revision)).toEqual([2, 1]);
    await ok(s.call('POST', `${P}/history/insight/hist/revert`, { token: writer, body: { revision: 1 } }));
    expect(
      (await ok(s.call<{ name: string; revision: number }>('GET', `${P}/insights/hist`, { token: reader }))).name,
    ).toBe('first');
  });

  it('readers read insights and dashboards but change nothing; non-members get 404', async () => {
    const insight = {
      id: 'perm',
      name: 'perm',
      type: 'chart',
      dataset: 'obs',
      chart: { kind: 'kpi', y: [{ agg: 'count' }] },
    };
    expect((await s.call('POST', `${P}/insights`, { token: reader, body: insight })).status).toBe(403);
    await ok(s.call('POST', `${P}/insights`, { token: writer, body: insight }), 201);
    const dashboard = {
      id: 'permd',
      name: 'd',
      pages: [{ title: 'p', tiles: [{ insight: 'perm', x: 0, y: 0, w: 6, h: 4 }] }],
    };
    expect((await s.call('POST', `${P}/dashboards`, { token: reader, body: dashboard })).status).toBe(403);
    await ok(s.call('POST', `${P}/dashboards`, { token: writer, body: dashboard }), 201);
    await ok(s.call('GET', `${P}/insights/perm/data`, { token: reader }));
    await ok(s.call('GET', `${P}/dashboards/permd`, { token: reader }));
    expect((await s.call('PUT', `${P}/dashboards/permd`, { token: reader, body: dashboard })).status).toBe(403);
    expect((await s.call('DELETE', `${P}/insights/perm`, { token: reader })).status).toBe(403);
    for (const url of [`${P}/insights/perm`, `${P}/insights/perm/data`, `${P}/dashboards/permd`, `${P}/dashboards`])
      expect((await s.call('GET', url, { token: outsider })).status, url).toBe(404);
    const missing = await s.call<{ error: { message: string } }>('POST', `${P}/dashboards`, {
      token: writer,
      body: {
        ...dashboard,
        id: 'broken',
        pages: [{ title: 'p', tiles: [{ insight: 'nope', x: 0, y: 0, w: 6, h: 4 }] }],
      },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/pages.0.tiles.0.insight: no insight nope/);
  });
  it('answers the data of every tile of a dashboard page in one request, a failing tile with its error', async () => {
    const tile = (insight: string, y: number) => ({ insight, x: 0, y, w: 6, h: 4 });
    const body = (id: string, type: string, extra: Record<string, unknown>) => ({ id, name: id, type, ...extra });
    await ok(
      s.call('POST', `${P}/insights`, {
        token: writer,
        body: body('pg_bar', 'chart', {
          dataset: 'obs',
          chart: { kind: 'bar', x: { column: 'band' }, y: [{ agg: 'count' }] },
        }),
      }),
      201,
    );
    await ok(
      s.call('POST', `${P}/insights`, { token: writer, body: body('pg_text', 'text', { text: '# Notes' }) }),
      201,
    );
    await ok(s.call('POST', `${P}/insights`, { token: writer, body: body('pg_gone', 'text', { text: 'x' }) }), 201);
    const dashboard = {
      id: 'pages',
      name: 'Pages',
      pages: [
        { title: 'one', tiles: [tile('pg_bar', 0), tile('pg_text', 4), tile('pg_gone', 8)] },
        { title: 'two', tiles: [tile('pg_text', 0)] },
      ],
    };
    await ok(s.call('POST', `${P}/dashboards`, { token: writer, body: dashboard }), 201);
    await ok(s.call('DELETE', `${P}/insights/pg_gone`, { token: writer }), 204);
    type PageData = { tiles: Record<string, Data | { error: { status: number; message: string } }> };
    const page = await ok(s.call<PageData>('GET', `${P}/dashboards/pages/data?filters=band:eq:1`, { token: reader }));
    expect(Object.keys(page.tiles).sort()).toEqual(['pg_bar', 'pg_gone', 'pg_text']);
    // The same answer as the tile's own request, filters included.
    const own = await ok(s.call<Data>('GET', `${P}/insights/pg_bar/data?filters=band:eq:1`, { token: reader }));
    expect(page.tiles.pg_bar).toEqual(own);
    expect(page.tiles.pg_gone).toMatchObject({ error: { status: 404 } });
    const second = await ok(s.call<PageData>('GET', `${P}/dashboards/pages/data?page=2`, { token: reader }));
    expect(Object.keys(second.tiles)).toEqual(['pg_text']);
    const beyond = await s.call<{ error: { message: string } }>('GET', `${P}/dashboards/pages/data?page=3`, {
      token: reader,
    });
    expect(beyond.status).toBe(400);
    expect(beyond.body.error.message).toMatch(/page: dashboard pages has 2 page\(s\); asked for 3/);
    expect((await s.call('GET', `${P}/dashboards/pages/data`, { token: outsider })).status).toBe(404);
  });

  it("carries a page's charts drawn as SVG at the sizes the browser sent; the tiles' data unchanged", async () => {
    type Picture = { svg: string; width: number; height: number };
    type PageData = { tiles: Record<string, Data>; pictures?: Record<string, Picture> };
    const body = (id: string, type: string, extra: Record<string, unknown>) => ({ id, name: id, type, ...extra });
    const chart = { kind: 'bar', x: { column: 'band' }, y: [{ agg: 'count' }] };
    await ok(
      s.call('POST', `${P}/insights`, { token: writer, body: body('pic_bar', 'chart', { dataset: 'obs', chart }) }),
      201,
    );
    await ok(
      s.call('POST', `${P}/insights`, { token: writer, body: body('pic_text', 'text', { text: '# Notes' }) }),
      201,
    );
    const tiles = ['pic_bar', 'pic_text'].map((insight, i) => ({ insight, x: 0, y: 4 * i, w: 6, h: 4 }));
    await ok(
      s.call('POST', `${P}/dashboards`, {
        token: writer,
        body: { id: 'pictured', name: 'Pictured', pages: [{ title: 'one', tiles }] },
      }),
      201,
    );
    const url = `${P}/dashboards/pictured/data`;
    const plain = await ok(s.call<PageData>('GET', url, { token: reader }));
    expect(plain.pictures).toBeUndefined();
    const sizes = 'pic_bar:300x150,pic_text:300x150,not_on_page:40x40';
    // Not drawn yet: the answer does not wait for them (the browser draws those tiles live)…
    const first = await ok(s.call<PageData>('GET', `${url}?sizes=${sizes}`, { token: reader }));
    expect(first.tiles).toEqual(plain.tiles);
    expect(first.pictures).toEqual({});
    // …they are drawn in the background, for the next visit.
    await picturesDrawn(s.ws);
    const drawn = await ok(s.call<PageData>('GET', `${url}?sizes=${sizes}`, { token: reader }));
    expect(drawn.tiles).toEqual(plain.tiles);
    // The chart only: a text tile draws no chart, an insight not on the page is not read.
    expect(Object.keys(drawn.pictures!)).toEqual(['pic_bar']);
    const bar = drawn.pictures!.pic_bar;
    expect(bar).toMatchObject({ width: 300, height: 150 });
    expect(bar.svg).toMatch(/^<svg width="300" height="150"/);
    // One bar per band of the data (4 bands and the null one), each a filled path of the series.
    const counts = plain.tiles.pic_bar.rows.length;
    expect(bar.svg.match(/<path d="[^"]+" fill="#5070dd" ecmeta_series_index="0"/g)).toHaveLength(counts);
    // Filtered data is another picture; the same request again, the same one.
    const filteredUrl = `${url}?sizes=${sizes}&filters=band:eq:3`;
    expect((await ok(s.call<PageData>('GET', filteredUrl, { token: reader }))).pictures).toEqual({});
    await picturesDrawn(s.ws);
    const filtered = await ok(s.call<PageData>('GET', filteredUrl, { token: reader }));
    expect(filtered.pictures!.pic_bar.svg).not.toBe(bar.svg);
    expect((await ok(s.call<PageData>('GET', `${url}?sizes=${sizes}`, { token: reader }))).pictures).toEqual(
      drawn.pictures,
    );
    const bad = await s.call<{ error: { message: string } }>('GET', `${url}?sizes=pic_bar:300`, { token: reader });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/sizes: "pic_bar:300" is not insight:WIDTHxHEIGHT/);
  });

  it("keeps a page's pictures across a restart, and draws them after a new version at the sizes last seen", async () => {
    type Picture = { svg: string; width: number; height: number };
    type PageData = { tiles: Record<string, Data>; pictures?: Record<string, Picture> };
    // A dataset of its own: a new version of it leaves the other tests' data alone.
    expect((await s.upload(`${P}/datasets/ahead/upload`, CSV, 'ahead.csv')).status).toBe(201);
    const chart = { kind: 'bar', x: { column: 'band' }, y: [{ agg: 'count' }] };
    await ok(
      s.call('POST', `${P}/insights`, {
        token: writer,
        body: { id: 'ahead_bar', name: 'ahead_bar', type: 'chart', dataset: 'ahead', chart },
      }),
      201,
    );
    const tiles = [{ insight: 'ahead_bar', x: 0, y: 0, w: 6, h: 4 }];
    const dashboard = { id: 'ahead', name: 'Ahead', pages: [{ title: 'one', tiles }] };
    await ok(s.call('POST', `${P}/dashboards`, { token: writer, body: dashboard }), 201);
    const url = `${P}/dashboards/ahead/data?sizes=ahead_bar:320x160,not_on_page:40x40`;
    expect((await ok(s.call<PageData>('GET', url, { token: reader }))).pictures).toEqual({});
    await picturesDrawn(s.ws);
    const drawn = await ok(s.call<PageData>('GET', url, { token: reader }));
    expect(drawn.pictures!.ahead_bar).toMatchObject({ width: 320, height: 160 });
    // The same tiles and pictures again: a browser that has them revalidates (304), and that read is audited too.
    const sent = await fetch(s.url + url, { headers: { authorization: `Bearer ${reader}` } });
    const etag = sent.headers.get('etag')!;
    expect(await sent.json()).toEqual(drawn);
    const revalidated = async () =>
      (
        await ok(
          s.call<{ entries: { action: string; status: number }[] }>('GET', '/api/audit?project=DASH&limit=500', {
            token: s.adminToken,
          }),
        )
      ).entries.filter((e) => e.action === 'dashboard.read' && e.status === 304).length;
    expect(await revalidated()).toBe(0);
    const revalidate = () =>
      fetch(s.url + url, { headers: { authorization: `Bearer ${reader}`, 'if-none-match': etag } });
    expect((await revalidate()).status).toBe(304);
    // Written once the answer is sent (the audit hook runs on response).
    await expect.poll(revalidated).toBe(1);
    // The sizes of the page's own charts are kept for the tile warmer; a filtered page's are not.
    expect(await chartSizesSeen(s.ws, 'DASH', 'ahead_bar')).toEqual([{ width: 320, height: 160 }]);
    expect(await chartSizesSeen(s.ws, 'DASH', 'not_on_page')).toEqual([]);
    await ok(s.call('GET', `${P}/dashboards/ahead/data?sizes=ahead_bar:500x200&filters=band:eq:3`, { token: reader }));
    expect(await chartSizesSeen(s.ws, 'DASH', 'ahead_bar')).toEqual([{ width: 320, height: 160 }]);

    // Another server over the same home (a restart): the picture is there at the first request.
    const restarted = await startWorkspace(s.ws.config);
    try {
      const sizes = parsePictureSizes('ahead_bar:320x160');
      const page = await dashboardData(restarted.ws, LOCAL_ADMIN, 'DASH', 'ahead', { sizes });
      expect(page.pictures).toEqual(drawn.pictures);
    } finally {
      await restarted.close();
    }

    // A new version: the warmer computes the tile and draws its picture before anyone asks.
    const more = CSV + '3,30.0,2024-01-07 00:00:00+00,8\n3,31.0,2024-01-07 01:00:00+00,9\n';
    expect((await s.upload(`${P}/datasets/ahead/upload`, more, 'ahead.csv')).status).toBe(201);
    await tilesWarmed(s.ws);
    await picturesDrawn(s.ws);
    const after = await ok(s.call<PageData>('GET', url, { token: reader }));
    expect(after.tiles.ahead_bar.rows).not.toEqual(drawn.tiles.ahead_bar.rows);
    expect(after.pictures!.ahead_bar.svg).toMatch(/^<svg width="320" height="160"/);
    expect(after.pictures!.ahead_bar.svg).not.toBe(drawn.pictures!.ahead_bar.svg);
    // The browser's copy is of the old version: it gets the new one, not a 304.
    const changed = await revalidate();
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual(after);

    // A browser that drew the page live at other sizes tells them: drawn now, there at the next visit.
    const told = { page: 1, sizes: 'ahead_bar:360x150' };
    const path = `${P}/dashboards/ahead/sizes`;
    await ok(s.call('POST', path, { token: reader, body: told }), 204);
    expect(await chartSizesSeen(s.ws, 'DASH', 'ahead_bar')).toEqual([{ width: 360, height: 150 }]);
    await picturesDrawn(s.ws);
    const next = await ok(s.call<PageData>('GET', `${P}/dashboards/ahead/data?sizes=${told.sizes}`, { token: reader }));
    expect(next.pictures!.ahead_bar.svg).toMatch(/^<svg width="360" height="150"/);
    expect((await s.call('POST', path, { token: outsider, body: told })).status).toBe(404);
    const bad = await s.call<{ error: { message: string } }>('POST', path, {
      token: reader,
      body: { page: 1, sizes: 'ahead_bar:360' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/sizes: "ahead_bar:360" is not insight:WIDTHxHEIGHT/);

    // A deleted dashboard's sizes are forgotten: its charts are no longer drawn ahead.
    await ok(s.call('DELETE', `${P}/dashboards/ahead`, { token: writer }), 204);
    expect(await chartSizesSeen(s.ws, 'DASH', 'ahead_bar')).toEqual([]);
  });
});

describe('export and CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-dash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports a PNG whose tiles are drawn and a PDF with a page per dashboard page', async () => {
    await ok(
      s.call('POST', `${P}/insights`, {
        token: writer,
        body: {
          id: 'bars',
          name: 'Count by band',
          type: 'chart',
          dataset: 'obs',
          chart: { kind: 'bar', x: { column: 'band' }, y: [{ agg: 'count' }] },
        },
      }),
      201,
    );
    await ok(
      s.call('POST', `${P}/insights`, {
        token: writer,
        body: { id: 'note', name: 'Note', type: 'text', text: '**Shift** report' },
      }),
      201,
    );
    const dashboard = {
      id: 'shift',
      name: 'Shift report',
      pages: [
        { title: 'Receivers', tiles: [{ insight: 'bars', x: 0, y: 0, w: 24, h: 8 }] },
        { title: 'Notes', tiles: [{ insight: 'note', x: 0, y: 0, w: 12, h: 3 }] },
      ],
      filters: [{ column: 'band', type: 'category' }],
    };
    await ok(s.call('POST', `${P}/dashboards`, { token: writer, body: dashboard }), 201);
    // Exporting is the export-data right: a reader has it when granted (writers always).
    const grant = { role: 'reader', rights: ['export-data'] };
    await ok(s.call('PUT', `${P}/members/dreader`, { token: s.adminToken, body: grant }));
    const png = await fetch(`${s.url}${P}/dashboards/shift/export?format=png`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const image = Buffer.from(await png.arrayBuffer());
    expect(image.length).toBeGreaterThan(5_000);
    const decoded = decodePng(image);
    expect(decoded.width).toBe(1280);
    // The bars are the only saturated colour on the page: a drawn chart has many such pixels.
    let coloured = 0;
    for (let y = 0; y < decoded.height; y += 2)
      for (let x = 0; x < decoded.width; x += 2) {
        const [r, g, b] = decoded.pixel(x, y);
        if (Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++;
      }
    expect(coloured).toBeGreaterThan(2_000);
    expect(decoded.pixel(2, 2)).toEqual([255, 255, 255, 255]);

    const out = path.join(dir, 'shift.pdf');
    const cli = await llano([
      '--url',
      s.url,
      '--token',
      reader,
      '-p',
      'DASH',
      'dashboard',
      'export',
      'shift',
      '--format',
      'pdf',
      '-o',
      out,
    ]);
    expect(cli.code, cli.err).toBe(0);
    const pdf = readFileSync(out);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(5_000);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length).toBe(2);
    expect((await s.call('GET', `${P}/dashboards/shift/export?format=png&page=3`, { token: reader })).status).toBe(400);
  }, 120_000);

  it('exports small multiples laid out inside their tile: one small chart per facet value', async () => {
    await ok(
      s.call('POST', `${P}/insights`, {
        token: writer,
        body: {
          id: 'facets',
          name: 'Count by n per band',
          type: 'chart',
          dataset: 'obs',
          chart: { kind: 'bar', x: { column: 'n' }, facet: { column: 'band' }, y: [{ agg: 'count' }] },
        },
      }),
      201,
    );
    const tile = { insight: 'facets', x: 0, y: 0, w: 6, h: 4 };
    await ok(
      s.call('POST', `${P}/dashboards`, {
        token: writer,
        body: { id: 'facets', name: 'Facets', pages: [{ title: 'Bands', tiles: [tile] }], filters: [] },
      }),
      201,
    );
    // The option drawn: four facets (bands 3, 6, 7 and null) in a 2 × 2 grid, each on its own axes.
    const user = (await s.ws.catalog.users.findByUsername('dreader'))!;
    const principal = { userId: user.id, username: user.username, isAdmin: false, via: 'token' as const };
    const { html } = await dashboardExportHtml(s.ws, principal, 'DASH', 'facets', { format: 'png' });
    const [option] = JSON.parse(/<script type="application\/json" id="charts">(.*?)<\/script>/s.exec(html)![1]) as {
      grid: unknown[];
      title: { text: string }[];
      series: { xAxisIndex: number }[];
    }[];
    expect(option.grid).toHaveLength(4);
    expect(option.title.map((t) => t.text).sort()).toEqual(['(null)', '3', '6', '7']);
    expect(new Set(option.series.map((one) => one.xAxisIndex))).toEqual(new Set([0, 1, 2, 3]));

    const png = await fetch(`${s.url}${P}/dashboards/facets/export?format=png`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(png.status).toBe(200);
    const image = decodePng(Buffer.from(await png.arrayBuffer()));
    const coloured = (x: number, y: number) => {
      const [r, g, b] = image.pixel(x, y);
      return Math.max(r, g, b) - Math.min(r, g, b) > 80;
    };
    const points: { x: number; y: number }[] = [];
    for (let y = 0; y < image.height; y++)
      for (let x = 0; x < image.width; x++) if (coloured(x, y)) points.push({ x, y });
    const top = Math.min(...points.map((p) => p.y));
    const bottom = Math.max(...points.map((p) => p.y));
    const right = Math.max(...points.map((p) => p.x));
    // Inside the tile: a quarter of the 1280 px page wide (6 of 24 columns), 4 rows of 40 px high.
    expect(right).toBeLessThan(16 + 1248 / 4);
    expect(bottom - top).toBeLessThan(4 * 40 + 3 * 8);
    // Two rows of small charts: a band across the tile without bars between them (one chart's
    // tallest bar would run from the top of the bars to their baseline).
    const rowsWithBars = new Set(points.map((p) => p.y));
    const gaps = Array.from({ length: bottom - top }, (_, i) => top + i).filter((y) => !rowsWithBars.has(y));
    expect(gaps.length).toBeGreaterThan(8);
    // Bars on both halves of the tile.
    expect(points.some((p) => p.x < 16 + 1248 / 8)).toBe(true);
    expect(points.some((p) => p.x > 16 + 1248 / 8)).toBe(true);
  }, 120_000);

  it('heads each exported page with the dashboard, the page, the filters, the export time and the data versions', async () => {
    // The PNG: above the tiles, a header band closed by a rule across the page, with its four lines of text.
    const png = await fetch(`${s.url}${P}/dashboards/shift/export?format=png&filters=band:in:1|2`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(png.status).toBe(200);
    const image = decodePng(Buffer.from(await png.arrayBuffer()));
    const dark = (x: number, y: number) => Math.max(...image.pixel(x, y).slice(0, 3)) < 110;
    const darkShare = (y: number) => {
      let count = 0;
      for (let x = 16; x < image.width - 16; x++) if (dark(x, y)) count++;
      return count / (image.width - 32);
    };
    const rule = Array.from({ length: 160 }, (_, y) => y).find((y) => darkShare(y) > 0.95);
    expect(rule, 'a rule under the header').toBeDefined();
    let lines = 0;
    for (let y = 0, inText = false; y < rule!; y++) {
      const text = darkShare(y) > 0.002;
      if (text && !inText) lines++;
      inText = text;
    }
    expect(lines).toBe(4);

    // Its text, as the page printed into the PNG and the PDF.
    const user = (await s.ws.catalog.users.findByUsername('dreader'))!;
    const principal = { userId: user.id, username: user.username, isAdmin: false, via: 'token' as const };
    const { html } = await dashboardExportHtml(s.ws, principal, 'DASH', 'shift', {
      format: 'pdf',
      filters: [{ column: 'band', op: 'in', values: ['1', '2'] }],
      now: new Date('2026-12-07T08:05:00Z'),
    });
    const headers = [...html.matchAll(/<header class="export-header">(.*?)<\/header>/g)].map((m) =>
      m[1]
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    expect(headers).toHaveLength(2);
    expect(headers[0]).toMatch(
      /^Shift report Page Receivers Filters band in 1, 2 Exported 2026-12-07 08:05 UTC · data: obs of \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
    );
    // The notes page reads no dataset: no data versions to name.
    expect(headers[1]).toBe('Shift report Page Notes Filters band in 1, 2 Exported 2026-12-07 08:05 UTC');
    const unfiltered = await dashboardExportHtml(s.ws, principal, 'DASH', 'shift', { format: 'png' });
    expect(unfiltered.html).toContain('<span class="label">Filters</span> no filters');
  }, 120_000);

  it('llano insight create, list, data and delete; llano dashboard list and show', async () => {
    const file = path.join(dir, 'insight.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'cli_chart',
        name: 'From the CLI',
        type: 'chart',
        dataset: 'obs',
        chart: { kind: 'bar', x: { column: 'band' }, y: [{ column: 'n', agg: 'max' }] },
      }),
    );
    const base = ['--url', s.url, '--token', writer, '-p', 'DASH'];
    expect((await llano([...base, 'insight', 'create', '--file', file])).out).toMatch(/Created insight cli_chart/);
    expect((await llano([...base, 'insight', 'list'])).out).toMatch(/cli_chart\s+From the CLI\s+chart\s+obs\s+bar/);
    const data = await llano([...base, 'insight', 'data', 'cli_chart', '--filter', 'band:eq:3', '--sql']);
    expect(data.code, data.err).toBe(0);
    expect(data.out).toMatch(/band\s+max\(n\)/);
    expect(data.out).toMatch(/3\s+9/);
    expect(data.out).toMatch(/WITH b AS NOT MATERIALIZED/);
    expect((await llano([...base, 'dashboard', 'list'])).out).toMatch(/shift\s+Shift report\s+2\s+2/);
    expect((await llano([...base, 'dashboard', 'show', 'shift'])).out).toMatch(/name\s+Shift report/);
    expect((await llano([...base, 'insight', 'delete', 'cli_chart'])).out).toMatch(/Deleted insight cli_chart/);
    expect((await llano([...base, 'insight', 'show', 'cli_chart'])).code).not.toBe(0);
  });
});
