import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../src/analytics/common/random.js';
import { Automation } from '../src/automation/automation.js';
import { seenRowsPrefix } from '../src/automation/detector-state.js';
import { detectorName } from '../src/automation/online-detection.js';
import { quoteLiteral } from '../src/common/names.js';
import { currentVersion } from '../src/datasets/versions.js';
import type { RunStarted, ScenarioRun } from './support/api-types.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/OPS';
const minute = (i: number) => new Date(Date.UTC(2030, 0, 1) + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * CSV text of one row a minute per antenna for minutes [0, upTo): level 40, a 15 SD spike at
 * minute `spike` (after the detector's probation of 400 rows).
 */
function readings(antennas: string[], upTo: number, spike = 450, extra: string[] = []): string {
  const random = createRandom(11);
  const quote = (a: string) => `"${a.replaceAll('"', '""')}"`;
  const lines = ['ts,antenna,trec,trec2'];
  for (let i = 0; i < upTo; i++)
    for (const a of antennas) {
      const value = 40 + random.normal() + (i === spike ? 15 : 0);
      lines.push(`${minute(i)},${quote(a)},${value.toFixed(4)},${(value / 2).toFixed(4)}`);
    }
  return [...lines, ...extra].join('\n') + '\n';
}

/**
 * The detect-online step under real use: several runs at once, steps and scenarios changed or
 * deleted, hostile input. Each PostgreSQL catalog is started once for the file's block.
 */
describe.each([
  ['SQLite', false],
  ['PostgreSQL', true],
])('detect-online under real use, %s catalog', (_name, postgres) => {
  let s: TestServer;
  /** A second server over the same home and catalog (as two servers behind one address). */
  let other: TestServer;
  let pg: RunningPostgres | undefined;
  const home = path.join(mkdtempSync(path.join(tmpdir(), 'llano-detect-')), 'home');
  const call = <T>(method: string, url: string, body?: unknown) =>
    s.call<T>(method, url, { token: s.adminToken, body });
  const upload = async (name: string, text: string) =>
    expect((await s.upload(`${P}/datasets/${name}/upload`, text, `${name}.csv`)).status).toBe(201);
  const save = async (id: string, step: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const body = { id, steps: [{ type: 'detect-online', ...step }], ...extra };
    // PUT saves whatever revision is there.
    const r = await call<unknown>('PUT', `${P}/scenarios/${id}`, body);
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  };
  const start = async (id: string, server = s) =>
    (await server.call<RunStarted>('POST', `${P}/scenarios/${id}/run`, { token: server.adminToken })).body.runId;
  const finish = async (runId: string, server = s) => {
    const done = await Automation.of(server.ws).waitForRun('OPS', runId);
    return (await call<ScenarioRun>('GET', `${P}/scenario-runs/${done.id}`)).body;
  };
  const run = async (id: string) => finish(await start(id));
  const detail = (r: ScenarioRun) => r.steps![0].detail as Record<string, number>;
  const messages = (r: ScenarioRun) => r.logs!.map((l) => l.message);
  /** The detectors kept for a scenario: detector → series. */
  const kept = async (scenario: string) => {
    const rows = await s.ws.catalog.db
      .selectFrom('detector_state')
      .select(['detector', 'series'])
      .where('project_key', '=', 'OPS')
      .where('scenario', '=', scenario)
      .where('series', '!=', '')
      .orderBy('detector')
      .orderBy('series')
      .execute();
    return rows.map((r) => `${r.detector} ${r.series}`);
  };
  /** The files of rows seen kept for a scenario's detector. */
  const seenFiles = (scenario: string, step: { dataset: string; column: string; output: string }) => {
    const prefix = seenRowsPrefix('OPS', scenario, detectorName(step));
    const folder = path.dirname(s.ws.resolve(prefix));
    return existsSync(folder) ? readdirSync(folder).filter((f) => f.startsWith(path.basename(prefix))) : [];
  };
  const outputRows = async (dataset: string, columns = 'antenna, CAST(ts AS VARCHAR)') => {
    const version = await currentVersion(s.ws, 'OPS', dataset);
    const file = quoteLiteral(s.ws.resolve(version!.location));
    return (await s.ws.duck.query(`SELECT ${columns} FROM read_parquet(${file}) ORDER BY ALL`)).rows;
  };

  beforeAll(async () => {
    pg = postgres ? await startPostgres() : undefined;
    s = await startTestServer({ home, ...(pg ? { catalogUrl: pg.url } : {}) });
    other = await startTestServer({ home, ...(pg ? { catalogUrl: pg.url } : {}) });
    await call('POST', '/api/projects', { key: 'OPS' });
  }, 120_000);
  afterAll(async () => {
    await other?.stop();
    await s?.stop();
    await pg?.stop();
    rmSync(path.dirname(home), { recursive: true, force: true });
  });

  it('two runs at once on two servers feed each row once: the second waits for the first, the alarms are written once', async () => {
    // 150 series of 500 rows: each run is long enough for the two to overlap.
    const antennas = Array.from({ length: 150 }, (_, i) => `A${String(i).padStart(3, '0')}`);
    await upload('busy', readings(antennas, 500));
    const step = { dataset: 'busy', groupBy: ['antenna'], orderBy: 'ts', column: 'trec', output: 'busy_alarms' };
    await save('busy', { ...step, onAlarm: 'ignore' }, { concurrency: 'parallel' });
    const [a, b] = await Promise.all([start('busy'), start('busy', other)]);
    const runs = await Promise.all([finish(a), finish(b, other)]);
    expect(runs.map((r) => r.outcome)).toEqual(['SUCCESS', 'SUCCESS']);
    // Every row fed once, in one of the two runs; the other found nothing new.
    expect(runs.map((r) => detail(r).rows).sort((x, y) => x - y)).toEqual([0, 150 * 500]);
    // Each alarm written once; nearly every series alarms at its spike (a few earlier, by chance, and are then suppressed).
    const alarms = await outputRows('busy_alarms');
    expect(new Set(alarms.map((r) => JSON.stringify(r))).size).toBe(alarms.length);
    expect(alarms.filter((r) => r[1] === minute(450)).length).toBeGreaterThan(140);
    const second = runs.find((r) => detail(r).rows === 0)!;
    expect(messages(second)).toContainEqual(expect.stringMatching(/Waiting for run \S+, which is writing busy_alarms/));
    expect(await s.ws.catalog.db.selectFrom('detector_claims').selectAll().execute()).toEqual([]);
  });

  it('a scenario deleted while its run goes on leaves no state or file behind once the run ends', async () => {
    const step = { dataset: 'busy', groupBy: ['antenna'], orderBy: 'ts', column: 'trec', output: 'doomed_out' };
    await save('doomed', { ...step, onAlarm: 'ignore' });
    const runId = await start('doomed');
    expect((await call('DELETE', `${P}/scenarios/doomed`)).status).toBe(204);
    await finish(runId);
    expect(await kept('doomed')).toEqual([]);
    expect(seenFiles('doomed', step)).toEqual([]);
  });

  it('a run feeding one new row in each of 1,100 series saves every state (in statements of 500)', async () => {
    const antennas = Array.from({ length: 1100 }, (_, i) => `W${String(i).padStart(4, '0')}`);
    await upload('wide', readings(antennas, 2));
    const step = { dataset: 'wide', groupBy: ['antenna'], orderBy: 'ts', column: 'trec', output: 'wide_out' };
    await save('wide', step);
    expect(detail(await run('wide'))).toMatchObject({ rows: 2200, series: 1100 });
    await upload('wide', readings(antennas, 3));
    expect(detail(await run('wide'))).toMatchObject({ rows: 1100, series: 1100, lateRows: 0 });
    const states = await s.ws.catalog.db
      .selectFrom('detector_state')
      .select(['series', 'state'])
      .where('scenario', '=', 'wide')
      .where('series', '!=', '')
      .orderBy('series')
      .execute();
    expect(states.map((r) => [r.series, (JSON.parse(r.state) as { highWaterAt: string }).highWaterAt])).toEqual(
      antennas.map((a) => [JSON.stringify([a]), minute(2)]),
    );
  });

  it('a step changed or removed, or its scenario deleted, leaves no state or file of rows seen behind', async () => {
    await upload('changing', readings(['DA41', 'DV01'], 500));
    const first = { dataset: 'changing', groupBy: ['antenna'], orderBy: 'ts', column: 'trec', output: 'changing_out' };
    await save('changing', first);
    expect((await run('changing')).outcome).toBe('WARNING');
    expect(await kept('changing')).toEqual([`${detectorName(first)} ["DA41"]`, `${detectorName(first)} ["DV01"]`]);
    expect(seenFiles('changing', first)).toHaveLength(1);

    // Another column: another detector; the old one's states and file go when the step is saved.
    const second = { ...first, column: 'trec2' };
    await save('changing', second);
    expect(await kept('changing')).toEqual([]);
    expect(seenFiles('changing', first)).toEqual([]);
    expect(detail(await run('changing'))).toMatchObject({ rows: 1000, series: 2 });

    // Same detector, other series (no groupBy: one series of both antennas): it starts over.
    await save('changing', { ...second, groupBy: [] });
    const regrouped = await run('changing');
    expect(messages(regrouped)).toContainEqual(
      expect.stringMatching(/settings changed \(groupBy \["antenna"\] → \[\]\): its detectors start over/),
    );
    expect(detail(regrouped)).toMatchObject({ rows: 1000, series: 1, lateRows: 0 });
    expect(await kept('changing')).toEqual([`${detectorName(second)} []`]);
    expect(seenFiles('changing', second)).toHaveLength(1);

    // Another false-alarm rate: not a start over (it only moves the threshold), applied from the next row.
    await upload('changing', readings(['DA41', 'DV01'], 510));
    await save('changing', { ...second, groupBy: [], falseAlarmRate: 0.01 });
    const stricter = await run('changing');
    expect(detail(stricter)).toMatchObject({ rows: 20, series: 1, lateRows: 0 });
    expect(messages(stricter)).not.toContainEqual(expect.stringMatching(/settings changed/));
    const saved = await s.ws.catalog.db
      .selectFrom('detector_state')
      .select('state')
      .where('scenario', '=', 'changing')
      .where('series', '=', '[]')
      .executeTakeFirstOrThrow();
    const detector = (JSON.parse(saved.state) as { detector: { count: number; options: { falseAlarmRate: number } } })
      .detector;
    expect([detector.count, detector.options.falseAlarmRate]).toEqual([1020, 0.01]);

    // Deleted: nothing left.
    expect((await call('DELETE', `${P}/scenarios/changing`)).status).toBe(204);
    expect(await kept('changing')).toEqual([]);
    expect(seenFiles('changing', second)).toEqual([]);
    expect(
      await s.ws.catalog.db.selectFrom('detector_state').select('series').where('scenario', '=', 'changing').execute(),
    ).toEqual([]);
  });

  it('hostile input: keys with quotes and unicode, NULL times and values, a column gone or retyped between runs', async () => {
    const antennas = [`D"A'41`, 'Ω-01 ✓', 'x\\y,z'];
    // A row with no time and one with no value: not scored, counted.
    const holes = [`,"D""A'41",41.0,20.5`, `${minute(10)},"Ω-01 ✓",,`];
    await upload('hostile', readings(antennas, 500, 450, holes));
    const step = { dataset: 'hostile', groupBy: ['antenna'], orderBy: 'ts', column: 'trec', output: 'hostile_out' };
    await save('hostile', { ...step, onAlarm: 'warn' });
    const first = await run('hostile');
    expect(first.outcome).toBe('WARNING');
    expect(detail(first)).toMatchObject({ rows: 1500, series: 3, skipped: 2 });
    expect(messages(first)).toContainEqual(
      expect.stringMatching(/2 rows of hostile have no ts or no finite trec: not scored/),
    );
    // The keys come back as they were.
    expect(await outputRows('hostile_out')).toEqual([...antennas].sort().map((a) => [a, minute(450)]));

    // A damaged state (not JSON, or not a detector): the run stops naming the series; nothing is replaced.
    const series = JSON.stringify(['Ω-01 ✓']);
    const stateOf = s.ws.catalog.db
      .selectFrom('detector_state')
      .select('state')
      .where('scenario', '=', 'hostile')
      .where('series', '=', series);
    const good = (await stateOf.executeTakeFirstOrThrow()).state;
    const damage = (state: string) =>
      s.ws.catalog.db
        .updateTable('detector_state')
        .set({ state })
        .where('scenario', '=', 'hostile')
        .where('series', '=', series)
        .execute();
    for (const [state, message] of [
      [
        '{"highWater": 1e15, "detec',
        /The saved state of series \["Ω-01 ✓"\] of detector hostile\.trec -> hostile_out is not JSON/,
      ],
      ['{"highWater": 1e15, "detector": {}}', /The saved detector of series \["Ω-01 ✓"\] is damaged/],
    ] as const) {
      await damage(state);
      const damaged = await run('hostile');
      expect(damaged.outcome).toBe('FAILED');
      expect(damaged.steps![0].error).toMatch(message);
      expect((await stateOf.executeTakeFirstOrThrow()).state).toBe(state);
    }
    await damage(good);

    // The value column gone: a clear error, the states kept.
    await upload('hostile', 'ts,antenna,other\n' + `${minute(300)},DA41,1\n`);
    const gone = await run('hostile');
    expect(gone.outcome).toBe('FAILED');
    expect(gone.steps![0].error).toMatch(/column trec is not in dataset hostile; it has: ts, antenna, other/);
    // The time retyped (text): refused, not taken as a new series order.
    await upload('hostile', readings(antennas, 510).replaceAll('2030-01-01 ', 'day '));
    const retyped = await run('hostile');
    expect(retyped.outcome).toBe('FAILED');
    expect(retyped.steps![0].error).toMatch(
      /column ts of hostile is VARCHAR \(text\) but was time when the detectors last ran/,
    );
    // Back as it was, with 10 more minutes: only those are fed, nothing was lost or fed twice.
    await upload('hostile', readings(antennas, 510, 450, holes));
    const back = await run('hostile');
    expect(back.outcome).toBe('SUCCESS');
    expect(detail(back)).toMatchObject({ rows: 30, series: 3, lateRows: 0 });
  });
});
