import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildStarted, DataPage, Job } from './support/api-types.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

const P = '/api/projects/PART';
const DAYS = ['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05'];
const BANDS = ['b3', 'b6'];
/** One row per day and band; v = day number * 10 + band number, plus `bump` on the last day. */
const obsCsv = (bump = 0) =>
  'day,band,v\n' +
  DAYS.flatMap((d, i) =>
    BANDS.map((b) => `${d},${b},${(i + 1) * 10 + Number(b.slice(1)) + (i === DAYS.length - 1 ? bump : 0)}`),
  ).join('\n') +
  '\n';
const byDayBand = {
  dimensions: [
    { name: 'day', type: 'time', period: 'day', column: 'day' },
    { name: 'band', type: 'discrete', column: 'band' },
  ],
};
const byDay = { dimensions: [{ name: 'day', type: 'time', period: 'day', column: 'day' }] };
const byK = { dimensions: [{ name: 'k', type: 'discrete', column: 'k' }] };

interface Partition {
  id: string;
  rows: number | null;
  state: string;
  error?: string | null;
}

describe('partitioned datasets and partition builds', () => {
  let s: TestServer;
  const call = <T = unknown>(method: string, url: string, body?: unknown) =>
    s.call<T>(method, `${P}${url}`, { token: s.adminToken, body });
  const partitions = async (dataset: string) =>
    (await call<Partition[]>('GET', `/datasets/${dataset}/partitions`)).body;
  const states = async (dataset: string) => Object.fromEntries((await partitions(dataset)).map((p) => [p.id, p.state]));
  const build = async (targets: unknown[], mode = 'required') => {
    const r = await call<BuildStarted>('POST', '/builds', { targets, mode });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const job = await waitForJobEnd(s, 'PART', r.body.jobId);
    if (process.env.DEBUG_PART) console.log(JSON.stringify(job.activities?.filter((a) => a.error)));
    return job;
  };
  const built = (job: Job) =>
    (job.activities ?? [])
      .filter((a) => a.partition !== undefined && a.status === 'succeeded')
      .map((a) => `${a.output}:${a.partition}`)
      .sort();
  const rows = async (dataset: string, sort: string) =>
    (await call<DataPage>('GET', `/datasets/${dataset}/data?limit=100&sort=${sort}`)).body;
  const recipe = async (body: Record<string, unknown>, partitioning: unknown) => {
    const r = await call('POST', '/recipes', { type: 'sql', ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await call('PUT', `/datasets/${String(body.output)}/partitioning`, partitioning)).status).toBe(200);
  };

  beforeAll(async () => {
    s = await startTestServer({ buildParallelism: 3 });
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'PART' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/obs/upload`, obsCsv(), 'obs.csv')).status).toBe(201);
    await recipe(
      {
        name: 'r_daily',
        inputs: ['obs'],
        output: 'daily',
        sql: "SELECT day, band, sum(v) AS total FROM obs WHERE CAST(day AS VARCHAR) = '{{partition.day}}' AND band = '{{partition.band}}' GROUP BY ALL",
      },
      byDayBand,
    );
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('declares a partitioning, lists the partitions found in source data, refuses bad declarations', async () => {
    const flag = async () => [
      (await call<{ partitioned: boolean }>('GET', '/datasets/obs')).body.partitioned,
      (await call<{ name: string; partitioned: boolean }[]>('GET', '/datasets')).body.find((d) => d.name === 'obs')
        ?.partitioned,
    ];
    expect(await flag()).toEqual([false, false]);
    expect((await call('PUT', '/datasets/obs/partitioning', byDayBand)).body).toEqual(byDayBand);
    expect(await flag()).toEqual([true, true]);
    expect((await call('GET', '/datasets/obs/partitioning')).body).toEqual(byDayBand);
    const found = await partitions('obs');
    expect(found).toHaveLength(10);
    expect(found[0]).toEqual({ id: '2024-10-01|b3', rows: 1, state: 'ready' });

    const badColumn = await call<{ error: { message: string } }>('PUT', '/datasets/obs/partitioning', {
      dimensions: [{ name: 'day', type: 'time', period: 'day', column: 'nope' }],
    });
    expect(badColumn.status).toBe(400);
    expect(badColumn.body.error.message).toContain('nope');
    const badPeriod = await call('PUT', '/datasets/obs/partitioning', {
      dimensions: [{ name: 'day', type: 'time', period: 'week', column: 'day' }],
    });
    expect(badPeriod.status).toBe(400);
    expect((await call('GET', '/datasets/daily/partitioning')).status).toBe(200);
    expect(Object.values(await states('daily'))).toEqual(Array(10).fill('missing'));
  });

  it('builds named partitions, a range, the missing ones, then nothing when all are up to date', async () => {
    const one = await build([{ dataset: 'daily', partitions: ['2024-10-01|b3'] }]);
    expect(one.status).toBe('succeeded');
    expect(built(one)).toEqual(['daily:2024-10-01|b3']);
    expect((await rows('daily', 'band')).rows).toEqual([['2024-10-01', 'b3', 13]].map(([d, b, t]) => [d, b, t]));

    const range = await build([{ dataset: 'daily', partitions: '2024-10-02..2024-10-03' }]);
    expect(built(range)).toEqual([
      'daily:2024-10-02|b3',
      'daily:2024-10-02|b6',
      'daily:2024-10-03|b3',
      'daily:2024-10-03|b6',
    ]);

    const missing = await build([{ dataset: 'daily', partitions: 'missing' }]);
    expect(built(missing)).toHaveLength(5);
    expect(Object.values(await states('daily'))).toEqual(Array(10).fill('ready'));
    expect((await rows('daily', 'day,band')).total).toBe(10);

    const again = await build([{ dataset: 'daily', partitions: 'all' }]);
    expect(again.status).toBe('succeeded');
    expect(built(again)).toEqual([]);
    // Mode only forces the named partitions; a bad selector is a 400 naming it.
    expect(built(await build([{ dataset: 'daily', partitions: ['2024-10-05|b6'] }], 'only'))).toEqual([
      'daily:2024-10-05|b6',
    ]);
    const bad = await call<{ error: { message: string } }>('POST', '/builds', {
      targets: [{ dataset: 'daily', partitions: ['2024-13-01|b3'] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('2024-13-01');
    const notPartitioned = await call('POST', '/builds', { targets: [{ dataset: 'obs', partitions: 'all' }] });
    expect(notPartitioned.status).toBe(400);
  });

  it('reads input partitions per dependency: equals, time range, latest, all, explicit values', async () => {
    const count = (name: string, output: string, dep: unknown) =>
      recipe(
        {
          name,
          inputs: ['daily'],
          output,
          partitionDependencies: { daily: dep },
          sql: "SELECT '{{partition.id}}' AS k, count(*) AS n, sum(total) AS total FROM daily",
        },
        byK,
      );
    await count('r_all', 'c_all', { kind: 'all' });
    await count('r_latest', 'c_latest', { kind: 'latest' });
    await count('r_values', 'c_values', { kind: 'values', partitions: ['2024-10-01|b3', '2024-10-02|b3'] });
    await recipe(
      {
        name: 'r_by_day',
        inputs: ['daily'],
        output: 'by_day',
        sql: "SELECT '{{partition.day}}' AS day, count(*) AS n, sum(total) AS total FROM daily",
      },
      byDay,
    );
    await recipe(
      {
        name: 'r_last3',
        inputs: ['daily'],
        output: 'last3',
        partitionDependencies: { daily: { kind: 'time-range', from: -2, to: 0 } },
        sql: "SELECT '{{partition.day}}' AS day, count(*) AS n, sum(total) AS total FROM daily",
      },
      byDay,
    );
    const job = await build([
      { dataset: 'c_all', partitions: ['x'] },
      { dataset: 'c_latest', partitions: ['x'] },
      { dataset: 'c_values', partitions: ['x'] },
      { dataset: 'by_day', partitions: ['2024-10-02'] },
      { dataset: 'last3', partitions: ['2024-10-03'] },
    ]);
    expect(job.status).toBe('succeeded');
    expect((await rows('c_all', 'k')).rows).toEqual([['x', 10, 10 * 30 + 5 * 9]]);
    expect((await rows('c_latest', 'k')).rows).toEqual([['x', 1, 56]]);
    expect((await rows('c_values', 'k')).rows).toEqual([['x', 2, 13 + 23]]);
    expect((await rows('by_day', 'day')).rows).toEqual([['2024-10-02', 2, 23 + 26]]);
    expect((await rows('last3', 'day')).rows).toEqual([['2024-10-03', 6, 13 + 16 + 23 + 26 + 33 + 36]]);
    // The days by_day can make are those of its input; a partition whose input is missing fails clearly.
    expect((await partitions('by_day')).map((p) => p.id)).toEqual(DAYS);
    const early = await build([{ dataset: 'last3', partitions: ['2024-09-01'] }]);
    expect(early.status).toBe('failed');
    expect(early.activities?.find((a) => a.partition === '2024-09-01')?.error).toContain('no partition');
  });

  it('rebuilds only stale partitions: unchanged input partitions stop the cascade', async () => {
    await build([{ dataset: 'by_day', partitions: 'all' }]);
    expect(Object.values(await states('by_day'))).toEqual(Array(5).fill('ready'));
    // New source data where only the last day changed: every daily partition reads the whole source, so all rebuild,
    // but only the last day's content changes, so only by_day's last day is stale.
    expect((await s.upload(`${P}/datasets/obs/upload`, obsCsv(100), 'obs.csv')).status).toBe(201);
    expect(Object.values(await states('daily'))).toEqual(Array(10).fill('stale'));
    const daily = await build([{ dataset: 'daily', partitions: 'all' }]);
    expect(built(daily)).toHaveLength(10);
    expect(await states('by_day')).toMatchObject({ '2024-10-01': 'ready', '2024-10-05': 'stale' });
    const byDayJob = await build([{ dataset: 'by_day', partitions: 'all' }]);
    expect(built(byDayJob)).toEqual(['by_day:2024-10-05']);
  });

  it('builds partitions in parallel; a failed partition rolls back nothing; failed-since retries it', async () => {
    await recipe(
      {
        name: 'r_fragile',
        inputs: ['daily'],
        output: 'fragile',
        sql: "SELECT day, band, CASE WHEN '{{partition.day}}' = '2024-10-03' AND band = 'b3' THEN error('boom') ELSE total END AS total FROM daily",
      },
      byDayBand,
    );
    const job = await build([{ dataset: 'fragile', partitions: 'all' }]);
    expect(job.status).toBe('failed');
    const acts = (job.activities ?? []).filter((a) => a.partition !== undefined);
    expect(acts).toHaveLength(10);
    expect(acts.filter((a) => a.status === 'failed').map((a) => a.partition)).toEqual(['2024-10-03|b3']);
    // Partitions ran side by side (parallelism 3): some started before others ended.
    const overlap = acts.some((a) =>
      acts.some((b) => a !== b && a.startedAt! < b.endedAt! && b.startedAt! < a.endedAt!),
    );
    expect(overlap).toBe(true);
    const st = await states('fragile');
    expect(st['2024-10-03|b3']).toBe('failed');
    expect(Object.values(st).filter((x) => x === 'ready')).toHaveLength(9);
    expect((await rows('fragile', 'day')).total).toBe(9);

    const fixed = {
      name: 'r_fragile',
      type: 'sql',
      inputs: ['daily'],
      output: 'fragile',
      sql: 'SELECT day, band, total FROM daily',
    };
    expect((await call('PUT', '/recipes/r_fragile', fixed)).status).toBe(200);
    const retry = await build([{ dataset: 'fragile', partitions: 'failed-since:2020-01-01' }]);
    expect(built(retry)).toEqual(['fragile:2024-10-03|b3']);
    expect((await rows('fragile', 'day')).total).toBe(10);
  });

  it('checks each built partition: results name it, an ERROR fails that partition only; the partitioning can go', async () => {
    await recipe(
      { name: 'r_checked', inputs: ['daily'], output: 'checked', sql: 'SELECT day, band, total FROM daily' },
      byDayBand,
    );
    const checks = [{ type: 'metric-bounds', metric: 'max.total', error: { max: 100 } }];
    expect((await call('PUT', '/datasets/checked/checks', { checks })).status).toBe(200);
    // The last day's totals (bumped by 100 above) break the bound: those two partitions fail, the other eight commit.
    const job = await build([{ dataset: 'checked', partitions: 'all' }]);
    expect(job.status).toBe('failed');
    type Checked = Partition & { checks?: { outcome: string; failed: { check: string; outcome: string }[] } };
    const list = (await call<Checked[]>('GET', '/datasets/checked/partitions')).body;
    expect(list.filter((p) => p.state === 'failed').map((p) => p.id)).toEqual(['2024-10-05|b3', '2024-10-05|b6']);
    expect(list.find((p) => p.id === '2024-10-05|b3')).toMatchObject({
      error: expect.stringContaining('Quality check failed on partition 2024-10-05|b3 of checked') as unknown,
      checks: { outcome: 'ERROR', failed: [{ check: 'metric-bounds:max.total', outcome: 'ERROR' }] },
    });
    expect(list.find((p) => p.id === '2024-10-01|b3')).toMatchObject({
      state: 'ready',
      checks: { outcome: 'OK', failed: [] },
    });
    expect((await rows('checked', 'day')).total).toBe(8);
    const history = await call<{ results: { partition: string | null; outcome: string }[] }>(
      'GET',
      '/datasets/checked/checks',
    );
    expect(history.body.results).toHaveLength(10);
    expect(
      history.body.results
        .filter((r) => r.outcome === 'ERROR')
        .map((r) => r.partition)
        .sort(),
    ).toEqual(['2024-10-05|b3', '2024-10-05|b6']);
    // Asked for, the checks judge the whole dataset as before: no partition on those results.
    const whole = await call<{ outcome: string; results: { partition: string | null }[] }>(
      'POST',
      '/datasets/checked/checks/run',
    );
    expect(whole.body).toMatchObject({ outcome: 'OK', results: [{ partition: null }] });

    // Unpartitioned again: the partitioning goes, the data stays readable.
    expect((await call('DELETE', '/datasets/checked/partitioning')).status).toBe(204);
    expect((await call('GET', '/datasets/checked/partitioning')).status).toBe(404);
    expect((await call('DELETE', '/datasets/checked/partitioning')).status).toBe(404);
    expect((await rows('checked', 'day')).total).toBe(8);
  });
});
