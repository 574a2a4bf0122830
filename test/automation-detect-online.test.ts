import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../src/analytics/common/random.js';
import { Automation } from '../src/automation/automation.js';
import { quoteLiteral } from '../src/common/names.js';
import { currentVersion } from '../src/datasets/versions.js';
import type { RunStarted, ScenarioRun } from './support/api-types.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/OPS';
const N = 1200;
const SWAP = 1000;
const minute = (i: number) => new Date(Date.UTC(2030, 0, 1) + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Two antennas, one row a minute: DA41 has a spike at minute 900; DV01 steps up at minute 1000,
 * when its cartridge is swapped. `late` adds rows (antenna, minute) at the end of the file.
 */
function readings(upTo: number, late: [string, number][] = [], scale = 1): string {
  const random = createRandom(7);
  const lines = ['ts,antenna,trec'];
  for (let i = 0; i < N; i++) {
    const a = scale * (40 + random.normal() + (i === 900 ? 15 : 0));
    const b = scale * (55 + random.normal() + (i >= SWAP ? 6 : 0));
    if (i < upTo) lines.push(`${minute(i)},DA41,${a.toFixed(4)}`, `${minute(i)},DV01,${b.toFixed(4)}`);
  }
  for (const [antenna, i] of late) lines.push(`${minute(i)},${antenna},40.5`);
  return lines.join('\n') + '\n';
}

describe('scenario step detect-online', () => {
  let s: TestServer;
  const call = <T>(method: string, url: string, body?: unknown) =>
    s.call<T>(method, url, { token: s.adminToken, body });

  const step = (dataset: string, output: string, extra: Record<string, unknown> = {}) => ({
    type: 'detect-online',
    dataset,
    groupBy: ['antenna'],
    orderBy: 'ts',
    column: 'trec',
    output,
    ...extra,
  });

  const run = async (scenario: string): Promise<ScenarioRun> => {
    const started = await call<RunStarted>('POST', `${P}/scenarios/${scenario}/run`);
    expect(started.status).toBe(202);
    return Automation.of(s.ws).waitForRun('OPS', started.body.runId);
  };

  /** The alarms written to a dataset, without the run that raised them. */
  const alarms = async (dataset: string) => {
    const version = await currentVersion(s.ws, 'OPS', dataset);
    const file = quoteLiteral(s.ws.resolve(version!.location));
    const r = await s.ws.duck.query(
      `SELECT antenna, CAST(ts AS VARCHAR), round(trec, 4), round(anomaly_score, 12) FROM read_parquet(${file}) ORDER BY antenna, ts`,
    );
    return r.rows;
  };

  /** Per alarm: antenna, the time it was raised, the time and value of the row that caused it. */
  const alarmCauses = async (dataset: string) => {
    const version = await currentVersion(s.ws, 'OPS', dataset);
    const file = quoteLiteral(s.ws.resolve(version!.location));
    const r = await s.ws.duck.query(
      `SELECT antenna, CAST(ts AS VARCHAR), CAST(cause_ts AS VARCHAR), round(cause_trec, 4) FROM read_parquet(${file}) ORDER BY antenna, ts`,
    );
    return r.rows as [string, string, string, number][];
  };

  beforeAll(async () => {
    s = await startTestServer();
    await call('POST', '/api/projects', { key: 'OPS' });
    expect((await s.upload(`${P}/datasets/readings/upload`, readings(N), 'readings.csv')).status).toBe(201);
    const swaps = `antenna,swapped_at\nDV01,${minute(SWAP)}\n`;
    expect((await s.upload(`${P}/datasets/swaps/upload`, swaps, 'swaps.csv')).status).toBe(201);
  });
  afterAll(async () => s?.stop());

  it('run twice over appended data, it writes the alarms of one run over all of it; resets clear a series', async () => {
    const scenario = async (id: string, dataset: string, output: string, extra = {}) => {
      const r = await call('POST', `${P}/scenarios`, {
        id,
        steps: [step(dataset, output, { onAlarm: 'ignore', ...extra })],
      });
      if (r.status !== 201) console.log(JSON.stringify(r.body));
      return r;
    };
    expect(
      (await scenario('once', 'readings', 'alarms_once', { resetDataset: 'swaps', resetTime: 'swapped_at' })).status,
    ).toBe(201);
    expect(
      (await scenario('feed', 'growing', 'alarms_feed', { resetDataset: 'swaps', resetTime: 'swapped_at' })).status,
    ).toBe(400);
    expect((await s.upload(`${P}/datasets/growing/upload`, readings(700), 'growing.csv')).status).toBe(201);
    expect(
      (await scenario('feed', 'growing', 'alarms_feed', { resetDataset: 'swaps', resetTime: 'swapped_at' })).status,
    ).toBe(201);
    expect((await scenario('no_reset', 'readings', 'alarms_no_reset')).status).toBe(201);

    expect((await run('once')).outcome).toBe('SUCCESS');
    expect((await run('feed')).outcome).toBe('SUCCESS');
    expect((await run('no_reset')).outcome).toBe('SUCCESS');
    // The first part has no alarm: the output exists, empty, with its columns.
    expect(await alarms('alarms_feed')).toEqual([]);
    expect((await s.upload(`${P}/datasets/growing/upload`, readings(N), 'growing.csv')).status).toBe(201);
    expect((await run('feed')).outcome).toBe('SUCCESS');
    // Nothing new: no rows fed, no new version.
    const before = await currentVersion(s.ws, 'OPS', 'alarms_feed');
    expect((await run('feed')).outcome).toBe('SUCCESS');
    expect((await currentVersion(s.ws, 'OPS', 'alarms_feed'))!.id).toBe(before!.id);

    const once = await alarms('alarms_once');
    expect(once.map((r) => [r[0], r[1]])).toEqual([['DA41', minute(900)]]);
    expect(await alarms('alarms_feed')).toEqual(once);
    // Without the swap, DV01's step is an alarm.
    const noReset = await alarms('alarms_no_reset');
    expect(noReset.map((r) => r[0])).toEqual(['DA41', 'DV01']);
    expect(noReset[0][1]).toBe(minute(900));
    // A 6 SD step is found within a few minutes.
    const stepFound = noReset[1][1] as string;
    expect(stepFound >= minute(SWAP) && stepFound <= minute(SWAP + 5)).toBe(true);
    // Each alarm names the row that caused it: the spike its own row, the step a row at or after the swap.
    const causes = await alarmCauses('alarms_no_reset');
    expect(causes[0]).toEqual(['DA41', minute(900), minute(900), noReset[0][2]]);
    expect(causes[1][0]).toBe('DV01');
    expect(causes[1][2] >= minute(SWAP) && causes[1][2] <= stepFound).toBe(true);
    const states = await s.ws.catalog.db
      .selectFrom('detector_state')
      .select(['scenario', 'series'])
      .where('project_key', '=', 'OPS')
      // Not the row naming each detector's file of rows seen.
      .where('series', '!=', '')
      .orderBy('scenario')
      .orderBy('series')
      .execute();
    expect(states.map((r) => `${r.scenario} ${r.series}`)).toEqual([
      'feed ["DA41"]',
      'feed ["DV01"]',
      'no_reset ["DA41"]',
      'no_reset ["DV01"]',
      'once ["DA41"]',
      'once ["DV01"]',
    ]);
  });

  it('an alarm warns or fails the run as asked, with the count in the message', async () => {
    for (const [id, onAlarm, outcome] of [
      ['warns', 'warn', 'WARNING'],
      ['fails', 'fail', 'FAILED'],
    ] as const) {
      expect(
        (await call('POST', `${P}/scenarios`, { id, steps: [step('readings', `alarms_${id}`, { onAlarm })] })).status,
      ).toBe(201);
      const first = await run(id);
      expect(first.outcome).toBe(outcome);
      const detail = await call<ScenarioRun>('GET', `${P}/scenario-runs/${first.id}`);
      const stepRun = detail.body.steps![0];
      expect(stepRun.outcome).toBe(outcome);
      if (onAlarm === 'warn') expect(stepRun.detail).toMatchObject({ alarms: 2, series: 2, rows: 2 * N });
      else expect(stepRun.error).toBe(`2 alarms in readings.trec (see alarms_${id})`);
      // The alarms were recorded and the state saved before the run failed: the next run has nothing new.
      expect((await run(id)).outcome).toBe('SUCCESS');
    }
  });

  it('refuses bad settings when the scenario is saved', async () => {
    const bad = async (extra: Record<string, unknown>, message: RegExp) => {
      const r = await call<{ error: { message: string } }>('POST', `${P}/scenarios`, {
        id: 'bad',
        steps: [{ ...step('readings', 'alarms_bad'), ...extra }],
      });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(message);
    };
    await bad({ output: 'readings' }, /output readings must differ/);
    await bad({ resetDataset: 'nope' }, /dataset nope does not exist/);
    await bad({ resetKeys: ['a', 'b'] }, /resetKeys names 2 columns, groupBy 1/);
    await bad({ groupBy: ['late'] }, /groupBy column late has the name of a column the alarms dataset adds/);
    await bad({ onAlarm: 'explode' }, /On alarm: Invalid option/);
  });
});

/** Per late row written: antenna, time, value, score (4 decimals), alarm, time of the cause. */
type LateRow = [string, string, number, number | null, boolean, string | null];

describe.each([
  ['SQLite', false],
  ['PostgreSQL', true],
])('detect-online late rows, %s catalog', (_name, postgres) => {
  let s: TestServer;
  let pg: RunningPostgres | undefined;
  const call = <T>(method: string, url: string, body?: unknown) =>
    s.call<T>(method, url, { token: s.adminToken, body });
  const upload = async (name: string, text: string) =>
    expect((await s.upload(`${P}/datasets/${name}/upload`, text, `${name}.csv`)).status).toBe(201);
  const run = async () => {
    const started = await call<RunStarted>('POST', `${P}/scenarios/late/run`);
    const done = await Automation.of(s.ws).waitForRun('OPS', started.body.runId);
    return (await call<ScenarioRun>('GET', `${P}/scenario-runs/${done.id}`)).body;
  };
  /** The late rows written by a run. */
  const lateRows = async (runId: string): Promise<LateRow[]> => {
    const version = await currentVersion(s.ws, 'OPS', 'alarms_late');
    const file = quoteLiteral(s.ws.resolve(version!.location));
    const r = await s.ws.duck.query(
      `SELECT antenna, CAST(ts AS VARCHAR), trec, round(anomaly_score, 4), alarm, CAST(cause_ts AS VARCHAR)
       FROM read_parquet(${file}) WHERE late AND scenario_run = ${quoteLiteral(runId)} ORDER BY antenna, ts`,
    );
    return r.rows as LateRow[];
  };

  beforeAll(async () => {
    pg = postgres ? await startPostgres() : undefined;
    s = await startTestServer(pg ? { catalogUrl: pg.url } : {});
    await call('POST', '/api/projects', { key: 'OPS' });
    await upload('late_in', readings(800));
    // DA41's detector starts over at minute 500: a late row before it has no model to be judged by.
    await upload('late_swaps', `antenna,swapped_at\nDA41,${minute(500)}\n`);
    const step = {
      type: 'detect-online',
      dataset: 'late_in',
      groupBy: ['antenna'],
      orderBy: 'ts',
      column: 'trec',
      output: 'alarms_late',
      resetDataset: 'late_swaps',
      resetTime: 'swapped_at',
      onAlarm: 'warn',
    };
    expect((await call('POST', `${P}/scenarios`, { id: 'late', steps: [step] })).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
    await pg?.stop();
  });

  it('scores late rows once against the model as it stands, writes them with late = true, counts them', async () => {
    expect((await run()).outcome).toBe('SUCCESS');
    // Re-imported with 100 new minutes and three rows older than the last minute fed (799), all
    // 40.5: normal for DA41 (level 40), 14 SD low for DV01 (level 55).
    const late: [string, number][] = [
      ['DA41', 10],
      ['DA41', 799],
      ['DV01', 600],
    ];
    await upload('late_in', readings(900, late));
    const second = await run();
    // The late alarm is an alarm: onAlarm applies.
    expect(second.outcome).toBe('WARNING');
    expect(second.steps![0].detail).toMatchObject({ rows: 200, series: 2, lateRows: 3, alarms: 1, lateAlarms: 1 });
    const messages = second.logs!.map((l) => l.message);
    expect(messages).toContain(
      '1 detect-online: 1 alarm in late_in.trec, 1 on late rows (see alarms_late); 3 late rows scored (see alarms_late)',
    );
    expect(messages).toContain(
      '1 detect-online: late row alarm: DV01 2030-01-01 10:00:00 trec = 40.5 (score 1.000000)',
    );
    expect(messages).toContainEqual(
      expect.stringMatching(
        /: 3 late rows in 2 series scored against their detector as it stands .* 1 alarms → alarms_late/,
      ),
    );
    const written = await lateRows(second.id);
    // Minute 10 is before DA41's swap: unscored. Minute 799 is in DA41's probation after the swap: 0.5.
    expect(written.map(([a, t, v, score, alarm]) => [a, t, v, score, alarm])).toEqual([
      ['DA41', minute(10), 40.5, null, false],
      ['DA41', minute(799), 40.5, 0.5, false],
      ['DV01', minute(600), 40.5, 1, true],
    ]);
    // A 14 SD value alarms on its own: its own cause.
    expect(written[2][5]).toBe(minute(600));

    // Not learned from: DV01's detector has seen its 900 minutes in order, not the late row.
    const states = await s.ws.catalog.db
      .selectFrom('detector_state')
      .select(['series', 'state'])
      .where('scenario', '=', 'late')
      .where('series', '=', '["DV01"]')
      .executeTakeFirstOrThrow();
    const detector = (JSON.parse(states.state) as { detector: { count: number } }).detector;
    expect(detector.count).toBe(900);

    // Counted once: the next run has nothing new and nothing late, and writes no version.
    const before = await currentVersion(s.ws, 'OPS', 'alarms_late');
    const third = await run();
    expect(third.outcome).toBe('SUCCESS');
    expect(third.steps![0].detail).toMatchObject({ rows: 0, lateRows: 0 });
    expect((await currentVersion(s.ws, 'OPS', 'alarms_late'))!.id).toBe(before!.id);
    // One file of rows seen is kept: the last run's that had rows to look at (a run with nothing new writes none).
    expect(readdirSync(s.ws.resolve('data/OPS/.detectors'))).toEqual([
      expect.stringMatching(new RegExp(`-${second.id}\\.parquet$`)),
    ]);

    // A second copy of a row seen is a new (late) row; a row removed and not back is nothing.
    await upload('late_in', readings(950, [...late.slice(1), ['DA41', 799], ['DV01', 650]]));
    const fourth = await run();
    expect(fourth.steps![0].detail).toMatchObject({ rows: 100, lateRows: 2 });
    expect((await lateRows(fourth.id)).map(([a, t]) => [a, t])).toEqual([
      ['DA41', minute(799)],
      ['DV01', minute(650)],
    ]);

    // The same rows with recomputed values (as a normalised input after a load): a row is its
    // series and time, so none is late.
    await upload('late_in', readings(950, [...late.slice(1), ['DA41', 799], ['DV01', 650]], 1.01));
    expect((await run()).steps![0].detail).toMatchObject({ rows: 0, lateRows: 0 });
  });

  it('states saved before the rows seen were kept count none late on their first run, then count from there', async () => {
    // Such a state has no file of rows seen, no recent rows and a version 1 detector (or 2).
    await s.ws.catalog.db
      .deleteFrom('detector_state')
      .where('scenario', '=', 'late')
      .where('series', '=', '')
      .execute();
    const states = await s.ws.catalog.db
      .selectFrom('detector_state')
      .select(['series', 'state'])
      .where('scenario', '=', 'late')
      .execute();
    for (const { series, state } of states) {
      const old = JSON.parse(state) as Record<string, unknown>;
      for (const field of ['recent', 'highWaterAt']) delete old[field];
      const detector = old.detector as Record<string, unknown>;
      for (const field of ['tailRate', 'tailLogExcess', 'tailCount']) delete detector[field];
      // The count of rows at or before the high-water mark that late rows were told by, then.
      old.detector = { ...detector, version: 1 };
      old.rowsSeen = 951;
      await s.ws.catalog.db
        .updateTable('detector_state')
        .set({ state: JSON.stringify(old) })
        .where('scenario', '=', 'late')
        .where('series', '=', series)
        .execute();
    }
    const rows: [string, number][] = [['DV01', 5]];
    await upload('late_in', readings(1000, rows));
    const upgraded = await run();
    expect(upgraded.steps![0].detail).toMatchObject({ rows: 100, lateRows: 0 });
    await upload('late_in', readings(1000, [...rows, ['DV01', 6]]));
    expect((await run()).steps![0].detail).toMatchObject({ rows: 0, lateRows: 1 });
  });
});
