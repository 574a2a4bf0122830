import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildStarted, DataPage, Job } from './support/api-types.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

const P = '/api/projects/PCHK';
/** Source rows at hours of three days (not partitioned: every partition's run reads them all). */
const obsCsv =
  'ts,band,v\n2026-12-01 13:00:00,b3,1\n2026-12-01 23:30:00,b6,2\n2026-12-02 01:00:00,b3,3\n2026-12-03 10:00:00,b6,4\n';
const byDay = { dimensions: [{ name: 'day', type: 'time', period: 'day', column: 'day' }] };
const byMonth = { dimensions: [{ name: 'month', type: 'time', period: 'month', column: 'month' }] };
const byBand = { dimensions: [{ name: 'band', type: 'discrete', column: 'band' }] };

describe('a built partition holds only its own rows', () => {
  let s: TestServer;
  const call = <T = unknown>(method: string, url: string, body?: unknown) =>
    s.call<T>(method, `${P}${url}`, { token: s.adminToken, body });
  const build = async (dataset: string, partitions: string[], mode = 'required') => {
    const r = await call<BuildStarted>('POST', '/builds', { targets: [{ dataset, partitions }], mode });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    return waitForJobEnd(s, 'PCHK', r.body.jobId);
  };
  const errorOf = (job: Job, partition: string) => job.activities?.find((a) => a.partition === partition)?.error;
  const rows = async (dataset: string) =>
    (await call<DataPage>('GET', `/datasets/${dataset}/data?limit=100&sort=v`)).body.rows;
  const recipe = async (name: string, output: string, sql: string, partitioning: unknown) => {
    const r = await call('POST', '/recipes', { name, type: 'sql', inputs: ['obs'], output, sql });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await call('PUT', `/datasets/${output}/partitioning`, partitioning)).status).toBe(200);
  };

  beforeAll(async () => {
    s = await startTestServer();
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'PCHK' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/obs/upload`, obsCsv, 'obs.csv')).status).toBe(201);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('accepts TIMESTAMP rows within the day partition, and text months written like the partition', async () => {
    await recipe(
      'r_day',
      'by_day',
      "SELECT CAST(ts AS TIMESTAMP) AS day, v FROM obs WHERE CAST(ts AS DATE) = DATE '{{partition.day}}'",
      byDay,
    );
    const job = await build('by_day', ['2026-12-01']);
    expect(job.status, JSON.stringify(job.activities)).toBe('succeeded');
    expect((await rows('by_day')).map((r) => r[1])).toEqual([1, 2]);

    await recipe('r_month', 'by_month', "SELECT '{{partition.month}}' AS month, sum(v) AS v FROM obs", byMonth);
    const month = await build('by_month', ['2026-12']);
    expect(month.status, JSON.stringify(month.activities)).toBe('succeeded');
    expect(await rows('by_month')).toEqual([['2026-12', 10]]);
  });

  it('fails a time partition whose rows belong to other days, keeping its previous data', async () => {
    const lying = {
      name: 'r_day',
      type: 'sql',
      inputs: ['obs'],
      output: 'by_day',
      sql: 'SELECT CAST(ts AS TIMESTAMP) AS day, v FROM obs',
    };
    expect((await call('PUT', '/recipes/r_day', lying)).status).toBe(200);
    const job = await build('by_day', ['2026-12-01'], 'only');
    expect(job.status).toBe('failed');
    const error = errorOf(job, '2026-12-01');
    expect(error).toContain('Partition 2026-12-01: 2 rows belong to another partition');
    expect(error).toMatch(/e\.g\. day=2026-12-0[23]/);
    expect(error).toContain("WHERE day = '{{partition.day}}'");
    // The partition's previous version stays the data.
    expect((await rows('by_day')).map((r) => r[1])).toEqual([1, 2]);
  });

  it('fails a discrete partition holding other values; an output without the column is built as before', async () => {
    await recipe('r_band', 'by_band', 'SELECT band, v FROM obs', byBand);
    const job = await build('by_band', ['b3']);
    expect(job.status).toBe('failed');
    expect(errorOf(job, 'b3')).toContain('Partition b3: 2 rows belong to another partition (e.g. band=b6)');
    expect((await call<{ id: string; state: string }[]>('GET', '/datasets/by_band/partitions')).body).toContainEqual(
      expect.objectContaining({ id: 'b3', state: 'failed' }),
    );

    await recipe('r_whole', 'whole', 'SELECT v FROM obs', byBand);
    const whole = await build('whole', ['b3']);
    expect(whole.status, JSON.stringify(whole.activities)).toBe('succeeded');
    expect((await rows('whole')).map((r) => r[0])).toEqual([1, 2, 3, 4]);
  });
});
