import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Automation } from '../src/automation/automation.js';
import type {
  ApiError,
  BuildStarted,
  CheckRun,
  DataPage,
  DatasetShown,
  MetricsRecord,
  QualityShown,
  RunStarted,
  ScenarioRun,
} from './support/api-types.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

const P = '/api/projects/QA';
const GOOD =
  'ts,antenna,band,trec\n2030-01-01 00:00:00,DA41,3,35.5\n2030-01-01 06:00:00,DA42,6,40.0\n2030-01-01 12:00:00,DV01,7,52.5\n';
const BAD =
  'ts,antenna,band,trec\n2030-01-01 00:00:00,DA41,3,35.5\n2030-01-01 06:00:00,XX99,6,\n2030-01-01 06:00:00,XX99,12,900\n2030-01-01 12:00:00,DV01,7,52.5\n';

describe('data quality: metrics and checks', () => {
  let s: TestServer;
  let reader: string;

  beforeAll(async () => {
    s = await startTestServer();
    await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'QA' } });
    await s.call('POST', '/api/users', {
      token: s.adminToken,
      body: { username: 'reader1', password: 'password-reader1' },
    });
    await s.call('PUT', `${P}/members/reader1`, { token: s.adminToken, body: { role: 'reader' } });
    reader = await s.login('reader1', 'password-reader1');
    expect((await s.upload(`${P}/datasets/raw/upload`, GOOD, 'raw.csv')).status).toBe(201);
  });
  afterAll(async () => s?.stop());

  it('computes record count, per-column nulls/distinct/min/max/mean, freshness and SQL metrics in the engine, with history', async () => {
    const put = await s.call('PUT', `${P}/datasets/raw/checks`, {
      token: s.adminToken,
      body: { metrics: { sql: [{ name: 'hot', sql: 'SELECT count(*) FROM raw WHERE trec > 50' }] } },
    });
    expect(put.status).toBe(200);
    const m = await s.call<MetricsRecord>('POST', `${P}/datasets/raw/metrics/compute`, { token: s.adminToken });
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({ origin: 'manual', partition: null });
    expect(m.body.metrics).toMatchObject({
      records: 3,
      'nulls.trec': 0,
      'distinct.antenna': 3,
      'min.trec': 35.5,
      'max.trec': 52.5,
      'mean.trec': 42.666666666666664,
      'min.antenna': 'DA41',
      'freshness.ts': '2030-01-01T12:00:00.000Z',
      'sql.hot': 1,
    });
    expect((await s.call('POST', `${P}/datasets/raw/metrics/compute`, { token: reader })).status).toBe(403);
    await s.call('POST', `${P}/datasets/raw/metrics/compute`, { token: s.adminToken });
    const history = await s.call<MetricsRecord[]>('GET', `${P}/datasets/raw/metrics`, { token: reader });
    expect(history.body).toHaveLength(2);
    expect(history.body[0].id).toBeGreaterThan(history.body[1].id);
  });

  it('runs checks: bounds, change, row count, freshness and column rules, each OK/WARNING/ERROR with a message', async () => {
    const checks = [
      { type: 'metric-bounds', metric: 'records', error: { min: 1 }, warning: { min: 3 } },
      { type: 'metric-change', metric: 'mean.trec', maxChangePercent: 10, severity: 'warning' },
      { type: 'row-count-change', maxGrowthPercent: 20 },
      { type: 'freshness', column: 'ts', maxAgeHours: 48, warningAgeHours: 6 },
      { type: 'not-null', column: 'trec' },
      { type: 'unique', column: 'ts', severity: 'warning' },
      { type: 'in-set', column: 'band', values: [3, 6, 7] },
      { type: 'pattern', column: 'antenna', pattern: '(DA|DV|PM)\\d\\d' },
      { type: 'range', column: 'trec', min: 0, max: 500 },
    ];
    const bad = await s.call<ApiError>('PUT', `${P}/datasets/raw/checks`, {
      token: s.adminToken,
      body: { checks: [{ type: 'not-null', column: 'no_such_column' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /check not-null:no_such_column: column no_such_column is not in dataset raw/,
    );
    expect(
      (
        await s.call<ApiError>('PUT', `${P}/datasets/raw/checks`, {
          token: s.adminToken,
          body: { checks: [{ type: 'spell-check' }] },
        })
      ).body.error.message,
    ).toMatch(/unknown check type "spell-check"/);
    expect((await s.call('PUT', `${P}/datasets/raw/checks`, { token: reader, body: { checks } })).status).toBe(403);
    expect((await s.call('PUT', `${P}/datasets/raw/checks`, { token: s.adminToken, body: { checks } })).status).toBe(
      200,
    );

    const now = Date.UTC(2030, 0, 1, 20, 0);
    const { runChecks } = await import('../src/quality/quality-service.js');
    const { LOCAL_ADMIN } = await import('../src/catalog/access.js');
    const good = await runChecks(s.ws, LOCAL_ADMIN, 'QA', 'raw', { now });
    expect(good.results.map((r) => [r.check, r.outcome])).toEqual([
      ['metric-bounds:records', 'OK'],
      ['metric-change:mean.trec', 'OK'],
      ['row-count-change', 'OK'],
      ['freshness:ts', 'WARNING'],
      ['not-null:trec', 'OK'],
      ['unique:ts', 'OK'],
      ['in-set:band', 'OK'],
      ['pattern:antenna', 'OK'],
      ['range:trec', 'OK'],
    ]);
    expect(good.results[3].message).toBe('newest ts is 2030-01-01T12:00:00.000Z, 8.0 h old (warning after 6 h)');
    expect(good.outcome).toBe('WARNING');

    expect((await s.upload(`${P}/datasets/raw/upload`, BAD, 'raw.csv')).status).toBe(201);
    const run = await s.call<CheckRun>('POST', `${P}/datasets/raw/checks/run`, { token: s.adminToken });
    expect(run.status).toBe(200);
    const by = Object.fromEntries(run.body.results.map((r) => [r.check, r]));
    expect(by['metric-change:mean.trec']).toMatchObject({ outcome: 'WARNING' });
    expect(by['metric-change:mean.trec'].message).toMatch(/mean.trec went from 42.66\d* to 329.33/);
    expect(by['row-count-change']).toMatchObject({ outcome: 'ERROR', message: 'records went from 3 to 4 (+33.3%)' });
    expect(by['not-null:trec']).toMatchObject({ outcome: 'ERROR', message: 'trec: 1 row not null-free', value: 1 });
    expect(by['unique:ts']).toMatchObject({
      outcome: 'WARNING',
      message: 'ts: 1 row not unique (rows repeating a value; the first row of each value is not counted)',
    });
    expect(by['in-set:band']).toMatchObject({ outcome: 'ERROR', message: 'band: 1 row not in {3, 6, 7}' });
    expect(by['pattern:antenna']).toMatchObject({
      outcome: 'ERROR',
      message: 'antenna: 2 rows not matching /(DA|DV|PM)\\d\\d/',
    });
    expect(by['range:trec']).toMatchObject({ outcome: 'ERROR', value: 1 });
    expect(run.body.outcome).toBe('ERROR');

    const listed = await s.call<QualityShown>('GET', `${P}/datasets/raw/checks`, { token: reader });
    expect(listed.body.checks).toHaveLength(9);
    expect(listed.body.results).toHaveLength(18);

    expect(
      (
        await s.call('POST', `${P}/datasets`, {
          token: s.adminToken,
          body: { name: 'check_history', storage: { type: 'system', table: 'check_results' } },
        })
      ).status,
    ).toBe(201);
    const page = await s.call<DataPage>('GET', `${P}/datasets/check_history/data?limit=100&filter=outcome:eq:ERROR`, {
      token: reader,
    });
    expect(page.body.total).toBe(5);
  });

  it('refuses at save a check on a metric the dataset lacks, naming it and listing those it has', async () => {
    const csv = 'id,trec,extra\n1,35.5,a\n2,40.0,b\n';
    expect((await s.upload(`${P}/datasets/metr/upload`, csv, 'metr.csv')).status).toBe(201);
    const save = (checks: unknown[], sql: unknown[] = []) =>
      s.call<ApiError & QualityShown>('PUT', `${P}/datasets/metr/checks`, {
        token: s.adminToken,
        body: { metrics: { sql }, checks },
      });
    const typo = await save([{ type: 'metric-bounds', metric: 'mean.tre', error: { max: 100 } }]);
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toMatch(
      /^check metric-bounds:mean\.tre: metric mean\.tre reads column tre, which dataset metr does not have \(columns: id, trec, extra\)/,
    );
    const nameless = await save([{ type: 'metric-change', metric: 'trec_mean', maxChange: 1 }]);
    expect(nameless.status).toBe(400);
    expect(nameless.body.error.message).toContain('there is no metric trec_mean in dataset metr');
    expect(nameless.body.error.message).toContain('records, nulls.id, distinct.id, min.id, max.id, mean.id');
    expect(nameless.body.error.message).toContain('sql.<SQL metric name>');
    // A metric of a text column that is not computed for text (no mean), and a SQL metric not defined.
    expect((await save([{ type: 'metric-bounds', metric: 'mean.extra', error: { max: 1 } }])).status).toBe(400);
    const sql = await save([{ type: 'metric-bounds', metric: 'sql.hot', error: { max: 1 } }]);
    expect(sql.body.error.message).toContain('there is no metric sql.hot');
    // Nothing was saved by the refusals; names that exist are saved.
    const none = await s.call<QualityShown>('GET', `${P}/datasets/metr/checks`, {
      token: reader,
    });
    expect(none.body.revision).toBeNull();
    expect(none.body.availableMetrics).toEqual(
      expect.arrayContaining(['records', 'mean.trec', 'min.extra', 'nulls.extra']),
    );
    expect(none.body.availableMetrics).not.toContain('mean.extra');
    const good = await save(
      [
        { type: 'metric-bounds', metric: 'sql.hot', error: { max: 1 } },
        { type: 'metric-change', metric: 'mean.trec', maxChange: 5 },
      ],
      [{ name: 'hot', sql: 'SELECT count(*) FROM metr WHERE id > 5' }],
    );
    expect(good.status, JSON.stringify(good.body)).toBe(200);

    // The column goes away in a new version: the check says which metric is missing and why.
    expect((await s.upload(`${P}/datasets/metr/upload`, 'id,extra\n1,a\n', 'metr.csv')).status).toBe(201);
    const run = await s.call<CheckRun>('POST', `${P}/datasets/metr/checks/run`, { token: s.adminToken });
    expect(run.status).toBe(200);
    const gone = run.body.results.find((r) => r.check === 'metric-change:mean.trec');
    expect(gone?.outcome).toBe('ERROR');
    expect(gone?.message).toContain('metric mean.trec was not computed: the dataset no longer has it');
  });

  it('optionally fails a build whose output breaks an ERROR check; the previous version stays current', async () => {
    await s.upload(`${P}/datasets/raw/upload`, GOOD, 'raw.csv');
    const recipe = {
      name: 'r_clean',
      type: 'sql',
      inputs: ['raw'],
      output: 'clean',
      sql: 'SELECT antenna, band, trec FROM raw',
    };
    expect((await s.call('POST', `${P}/recipes`, { token: s.adminToken, body: recipe })).status).toBe(201);
    const first = await s.call<BuildStarted>('POST', `${P}/builds`, {
      token: s.adminToken,
      body: { targets: ['clean'] },
    });
    expect((await waitForJobEnd(s, 'QA', first.body.jobId)).status).toBe('succeeded');
    const v1 = (await s.call<DatasetShown>('GET', `${P}/datasets/clean`, { token: s.adminToken })).body.currentVersion;

    const settings = {
      failBuildOnError: true,
      checks: [
        { type: 'not-null', column: 'trec' },
        { type: 'unique', column: 'antenna', severity: 'warning' },
      ],
    };
    expect((await s.call('PUT', `${P}/datasets/clean/checks`, { token: s.adminToken, body: settings })).status).toBe(
      200,
    );
    await s.upload(`${P}/datasets/raw/upload`, BAD, 'raw.csv');
    const second = await s.call<BuildStarted>('POST', `${P}/builds`, {
      token: s.adminToken,
      body: { targets: ['clean'] },
    });
    const job = await waitForJobEnd(s, 'QA', second.body.jobId);
    expect(job.status).toBe('failed');
    expect(job.activities?.[0].error).toBe(
      'Quality check failed on clean: not-null:trec: trec: 1 row not null-free; the previous version stays current',
    );
    const after = (await s.call<DatasetShown>('GET', `${P}/datasets/clean`, { token: s.adminToken })).body;
    expect(after.currentVersion?.id).toBe(v1?.id);
    expect(after.rowCount).toBe(3);
    const metrics = await s.call<MetricsRecord[]>('GET', `${P}/datasets/clean/metrics`, { token: reader });
    // Metrics of the rejected output are kept, marked so they never serve as "previous".
    expect(metrics.body.map((m) => m.origin)).toEqual(['rejected-build']);

    // Without failBuildOnError the same build goes through; its results are recorded.
    await s.call('PUT', `${P}/datasets/clean/checks`, {
      token: s.adminToken,
      body: { ...settings, failBuildOnError: false },
    });
    const third = await s.call<BuildStarted>('POST', `${P}/builds`, {
      token: s.adminToken,
      body: { targets: ['clean'] },
    });
    expect((await waitForJobEnd(s, 'QA', third.body.jobId)).status).toBe('succeeded');
    expect((await s.call<DatasetShown>('GET', `${P}/datasets/clean`, { token: s.adminToken })).body.rowCount).toBe(4);
  });

  it('scenario steps compute metrics and run checks; a WARNING check makes the run WARNING, an ERROR fails it', async () => {
    await s.call('PUT', `${P}/datasets/clean/checks`, {
      token: s.adminToken,
      body: { checks: [{ type: 'unique', column: 'antenna', severity: 'warning' }] },
    });
    await s.call('POST', `${P}/scenarios`, {
      token: s.adminToken,
      body: {
        id: 'qa',
        steps: [
          { type: 'compute-metrics', datasets: ['clean'] },
          { type: 'run-checks', datasets: ['clean'] },
        ],
      },
    });
    const automation = Automation.of(s.ws);
    const warn = await s.call<RunStarted>('POST', `${P}/scenarios/qa/run`, { token: s.adminToken });
    const w = await automation.waitForRun('QA', warn.body.runId);
    expect(w.outcome).toBe('WARNING');
    await s.call('PUT', `${P}/datasets/clean/checks`, {
      token: s.adminToken,
      body: { checks: [{ type: 'not-null', column: 'trec' }] },
    });
    const fail = await s.call<RunStarted>('POST', `${P}/scenarios/qa/run`, { token: s.adminToken });
    const failed = await automation.waitForRun('QA', fail.body.runId);
    expect(failed.outcome).toBe('FAILED');
    const detail = await s.call<ScenarioRun>('GET', `${P}/scenario-runs/${fail.body.runId}`, { token: reader });
    expect(detail.body.steps?.[1].error).toBe('Check failed: clean not-null:trec: trec: 1 row not null-free');
  });
});
