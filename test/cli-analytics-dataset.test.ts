import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

// `llano analytics … --dataset D --project P` is computed by the server (POST
// /api/projects/P/analytics/…); on the same rows it must print exactly what the command prints
// for the file itself.
describe('llano analytics over a dataset, through the server', () => {
  let s: TestServer;
  let dir: string;
  let server: string[];
  beforeAll(async () => {
    s = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-analytics-dataset-'));
    // Rows out of time order (--time must sort them), two antennas, a step at t = 120 and a spike.
    const rows = Array.from({ length: 240 }, (_, t) => {
      const v = (t < 120 ? 40 : 46) + Math.sin(t * 7.1) + (t === 60 ? 30 : 0);
      return `${2000 + t},DA${41 + (t % 2)},${v.toFixed(4)}`;
    }).reverse();
    writeFileSync(path.join(dir, 'trec.csv'), ['t,antenna,trec', ...rows].join('\n') + '\n');
    server = ['--url', s.url, '--token', s.adminToken];
    expect((await llano([...server, 'project', 'create', 'AN'])).code).toBe(0);
    const imported = await llano([...server, '-p', 'AN', 'dataset', 'import', 'trec', path.join(dir, 'trec.csv')]);
    expect(imported.code, imported.err).toBe(0);
  });
  afterAll(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const both = async (args: string[]) => {
    const local = await llano(['analytics', ...args.slice(0, 1), path.join(dir, 'trec.csv'), ...args.slice(1)]);
    const remote = await llano([...server, '-p', 'AN', 'analytics', ...args, '--dataset', 'trec']);
    expect(local.code, local.err).toBe(0);
    expect(remote.code, remote.err).toBe(0);
    return { local: local.out, remote: remote.out };
  };

  it('change points, outliers, trend and anomaly scores equal the CLI on the file', async () => {
    for (const args of [
      ['changepoints', '--column', 'trec', '--time', 't'],
      ['changepoints', '--column', 'trec', '--method', 'binseg', '--max-changes', '2', '--penalty', '20'],
      ['outliers', '--column', 'trec', '--group', 'antenna', '--format', 'csv'],
      ['outliers', '--columns', 'trec,t', '--method', 'iqr'],
      ['outliers', '--column', 'trec', '--time', 't', '--group', 'antenna'],
      ['trend', '--column', 'trec', '--time', 't'],
      ['anomalies', '--column', 'trec', '--time', 't', '--format', 'json', '--false-alarm-rate', '0.01'],
      ['anomalies', '--column', 'trec', '--time', 't', '--format', 'json', '--period', '0', '--probation', '50'],
    ]) {
      const { local, remote } = await both(args);
      expect(remote, args.join(' ')).toBe(local);
    }
    const { remote } = await both(['changepoints', '--column', 'trec', '--time', 't']);
    expect((JSON.parse(remote) as { times: number[] }).times).toContain(2120);
  });

  it('answers bad input with a 400 naming the field, and refuses a missing dataset or both inputs', async () => {
    const call = (kind: string, body: unknown) =>
      s.call('POST', `/api/projects/AN/analytics/${kind}`, { body, token: s.adminToken });
    const missing = await call('changepoints', { dataset: 'trec', column: 'nope' });
    expect(missing.status).toBe(400);
    expect((missing.body as { error: { message: string } }).error.message).toMatch(
      /column "nope" not found in dataset trec/,
    );
    // Outliers in time order, answered in the dataset's row order (t = 239 − row): the spike at t = 60.
    const inTime = await call('outliers', { dataset: 'trec', columns: ['trec'], time: 't', group: ['antenna'] });
    expect(inTime.status).toBe(200);
    const rows = (inTime.body as { rows: { row: number; flag: boolean }[] }).rows;
    expect(rows.map((r) => r.row)).toEqual(rows.map((_, i) => i));
    // (Each antenna's wiggle sin(7.1·t) over every other t is a noise-free cycle of ~3.85 points:
    // DA42's is fitted by a profile of 19 points, 5 cycles, which drifts off it by the end of the
    // series, where t = 233 (row 6) scores 3.7 against the tiny scale of a noise-free series.)
    expect(rows.filter((r) => r.flag).map((r) => r.row)).toContain(179);
    const textTime = await call('outliers', { dataset: 'trec', columns: ['trec'], time: 'antenna' });
    expect(textTime.status).toBe(400);
    expect((textTime.body as { error: { message: string } }).error.message).toMatch(
      /time column "antenna" is VARCHAR, not a date, timestamp or number/,
    );
    const bad = await call('anomalies', { dataset: 'trec', column: 'trec', falseAlarmRate: 2 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/falseAlarmRate/);
    const badPeriod = await call('anomalies', { dataset: 'trec', column: 'trec', period: 1 });
    expect(badPeriod.status).toBe(400);
    expect(JSON.stringify(badPeriod.body)).toMatch(/period/);
    expect((await call('trend', { dataset: 'none', column: 'trec' })).status).toBe(404);
    const twice = await llano([
      ...server,
      '-p',
      'AN',
      'analytics',
      'trend',
      'x.csv',
      '--column',
      'trec',
      '--dataset',
      'trec',
    ]);
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/either a FILE or --dataset/);
    expect(s.ws.config.analyticsMaxPoints).toBe(1_000_000);
  });

  it('refuses a dataset with more values than LLANO_ANALYTICS_MAX_POINTS before reading it', async () => {
    s.ws.config.analyticsMaxPoints = 300;
    try {
      const call = (kind: string, body: unknown) =>
        s.call('POST', `/api/projects/AN/analytics/${kind}`, { body, token: s.adminToken });
      expect((await call('changepoints', { dataset: 'trec', column: 'trec' })).status).toBe(200);
      // Two columns of 240 rows are 480 values.
      const large = await call('outliers', { dataset: 'trec', columns: ['trec', 't'] });
      expect(large.status).toBe(400);
      expect((large.body as { error: { message: string } }).error.message).toMatch(
        /240 rows × 2 columns = 480 values, more than the 300 .*LLANO_ANALYTICS_MAX_POINTS/,
      );
    } finally {
      s.ws.config.analyticsMaxPoints = 1_000_000;
    }
  });
});
