import { omit } from '../src/common/omit.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Automation } from '../src/automation/automation.js';
import { ManualClock } from '../src/automation/clock.js';
import type { ScenarioProblem } from '../src/automation/scenario-problems.js';
import { Scheduler } from '../src/automation/scheduler.js';
import type {
  ApiError,
  DataPage,
  Monitoring,
  MonitoringSteps,
  Project,
  RunStarted,
  SavedScenario,
  ScenarioRun,
  ScenarioTypes,
} from './support/api-types.js';
import { startTestServer, type TestServer } from './support/llano-server.js';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver } from './support/receivers.js';

const P = '/api/projects/AUTO';
const CSV = 'ts,antenna,band\n2030-01-01 00:00:00,DA41,3\n2030-01-01 00:10:00,DA42,6\n';
const FINAL = ['SUCCESS', 'WARNING', 'FAILED', 'ABORTED'];
/** A mail reporter whose only recipient is not an address. */
const MAIL_TO_NOBODY = {
  channel: 'mail',
  on: 'failure',
  smtp: { host: 'localhost' },
  from: 'llano@example.org',
  to: ['not an address'],
};

describe('scenarios: definitions, runs, triggers, reporters', () => {
  let s: TestServer;
  let http: HttpReceiver;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let reader: string;
  let clock: ManualClock;
  let scheduler: Scheduler;
  let automation: Automation;

  /** `T`: the saved scenario, or `ApiError` where the test expects a refusal. */
  const save = <T = SavedScenario>(body: unknown, token = s.adminToken) =>
    s.call<T>('POST', `${P}/scenarios`, { token, body });
  const put = (body: { id: string }) =>
    s.call<SavedScenario & Partial<ApiError>>('PUT', `${P}/scenarios/${body.id}`, { token: s.adminToken, body });
  const run = async (id: string) => {
    const r = await s.call<RunStarted>('POST', `${P}/scenarios/${id}/run`, { token: s.adminToken });
    expect(r.status).toBe(202);
    return r.body.runId;
  };
  /** Waits for a run through the service (an event, not a timer). */
  const ended = async (runId: string) => {
    await automation.waitForRun('AUTO', runId);
    const r = await s.call<ScenarioRun>('GET', `${P}/scenario-runs/${runId}`, { token: s.adminToken });
    expect(FINAL).toContain(r.body.outcome);
    return r.body;
  };

  beforeAll(async () => {
    [s, http, smtp] = await Promise.all([
      startTestServer({ publicUrl: 'https://llano.example.org', outboundAllow: ['127.0.0.1'] }),
      startHttpReceiver(),
      startSmtpReceiver(),
    ]);
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'AUTO' } })).status).toBe(201);
    await s.call('POST', '/api/users', {
      token: s.adminToken,
      body: { username: 'reader1', password: 'password-reader1' },
    });
    await s.call('PUT', `${P}/members/reader1`, { token: s.adminToken, body: { role: 'reader' } });
    reader = await s.login('reader1', 'password-reader1');
    expect((await s.upload(`${P}/datasets/trec/upload`, CSV, 'trec.csv')).status).toBe(201);
    const recipe = {
      name: 'r_by_band',
      type: 'sql',
      inputs: ['trec'],
      output: 'by_band',
      sql: 'SELECT band, count(*) AS n FROM trec GROUP BY band',
    };
    expect((await s.call('POST', `${P}/recipes`, { token: s.adminToken, body: recipe })).status).toBe(201);
    clock = new ManualClock(Date.UTC(2030, 0, 1, 0, 0, 30));
    scheduler = new Scheduler(s.ws, { clock });
    automation = scheduler.automation;
    await scheduler.start({ loop: false });
  });
  afterAll(async () => {
    await scheduler?.stop();
    await automation?.shutdown();
    await Promise.all([s?.stop(), http?.stop(), smtp?.stop()]);
  });

  it('rejects bad definitions at save time with a clear message', async () => {
    const base = { id: 'bad', triggers: [{ type: 'manual' }], steps: [{ type: 'noop' }] };
    const cases: [unknown, RegExp][] = [
      [{ ...base, steps: [{ type: 'teleport' }] }, /Step 1: unknown step type "teleport"; known: build, .*noop/],
      [
        { ...base, triggers: [{ type: 'time', cron: '61 * * * *' }] },
        /Trigger 1 \(time\): Invalid cron expression "61 \* \* \* \*"/,
      ],
      [
        { ...base, triggers: [{ type: 'time', dailyAt: '06:00', timezone: 'Mars/Olympus' }] },
        /Unknown time zone "Mars\/Olympus"/,
      ],
      [
        { ...base, triggers: [{ type: 'time', cron: '0 6 * * *', everyMinutes: 5 }] },
        /exactly one of cron, everyMinutes, everyHours and dailyAt/,
      ],
      [
        { ...base, steps: [{ type: 'build', targets: ['no_such_dataset'] }] },
        /Step 1 \(build\): dataset no_such_dataset does not exist in project AUTO/,
      ],
      [
        {
          ...base,
          reporters: [MAIL_TO_NOBODY],
        },
        /Reporter 1 \(mail\): To: item 1: not a valid e-mail address/,
      ],
      [{ ...base, reporters: [{ channel: 'pigeon' }] }, /Reporter 1: unknown reporter channel "pigeon"/],
      [{ ...base, steps: [{ type: 'noop', runIf: 'sometimes' }] }, /Step 1 \(noop\): Run if: /],
      [{ ...base, id: '../etc' }, /Invalid scenario id/],
      // A name forging lines of a report's mail, or written backwards in lists.
      [{ ...base, name: 'evil\r\nBcc: evil@attacker.org' }, /name is one line of plain text/],
      [{ ...base, name: 'invoice\u202Efdp.exe' }, /name is one line of plain text/],
      [{ ...base, steps: [{ type: 'noop', name: 'a\tb' }] }, /Step 1 \(noop\): .*name is one line of plain text/],
    ];
    for (const [body, message] of cases) {
      const r = await save<ApiError>(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
    expect((await s.call('GET', `${P}/scenarios`, { token: s.adminToken })).body).toEqual([]);
  });

  it('names every problem of a scenario at once, each with where it is, and saves nothing', async () => {
    const r = await save<ApiError>({
      id: 'many_problems',
      concurrency: 'sometimes',
      triggers: [
        { type: 'time', cron: '61 * * * *' },
        { type: 'manual', id: 'by_hand' },
        { type: 'manual', id: 'by_hand' },
      ],
      steps: [
        { type: 'build', targets: ['no_such_dataset'] },
        { type: 'teleport' },
        { name: 'no type' },
        { type: 'noop', runIf: 'sometimes', timeoutSeconds: -1 },
      ],
      reporters: [MAIL_TO_NOBODY],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    // Problems of fields and types, of the catalog (in items that could be read), and of the lists, in the form's order.
    const problems = (r.body.error.details as { problems: ScenarioProblem[] }).problems;
    expect(problems.map((p) => [p.where, p.section ?? null, p.number ?? null, p.field ?? null])).toEqual([
      ['Scenario', null, null, 'concurrency'],
      ['Triggers', 'triggers', null, null],
      ['Trigger 1 (time)', 'triggers', 1, null],
      ['Step 1 (build)', 'steps', 1, null],
      ['Step 2', 'steps', 2, 'type'],
      ['Step 3', 'steps', 3, 'type'],
      ['Step 4 (noop)', 'steps', 4, 'runIf'],
      ['Step 4 (noop)', 'steps', 4, 'timeoutSeconds'],
      ['Reporter 1 (mail)', 'reporters', 1, 'to.0'],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^concurrency: Invalid option/),
      'two triggers have the same id',
      expect.stringMatching(/^Invalid cron expression "61 \* \* \* \*"/),
      'dataset no_such_dataset does not exist in project AUTO',
      expect.stringMatching(/^unknown step type "teleport"/),
      expect.stringMatching(/^type: Invalid input/),
      expect.stringMatching(/^Run if: Invalid option/),
      expect.stringMatching(/^Timeout seconds: Too small/),
      'To: item 1: not a valid e-mail address',
    ]);
    expect(r.body.error.message).toMatch(
      /^9 problems in the scenario: Scenario: concurrency: .*; Triggers: two triggers/,
    );
    // One problem alone reads as it always did.
    const one = await save<ApiError>({ id: 'one_problem', steps: [{ type: 'build', targets: ['nope'] }] });
    expect(one.body.error.message).toBe('Step 1 (build): dataset nope does not exist in project AUTO');
    expect((one.body.error.details as { problems: ScenarioProblem[] }).problems).toHaveLength(1);
    expect((await s.call('GET', `${P}/scenarios/many_problems`, { token: s.adminToken })).status).toBe(404);
  });

  it('describes every type with a JSON schema for generated forms', async () => {
    const r = await s.call<ScenarioTypes>('GET', '/api/scenario-types', { token: reader });
    expect(r.status).toBe(200);
    expect(r.body.triggers.map((t) => t.type)).toEqual([
      'time',
      'dataset-changed',
      'file-changed',
      'sql-changed',
      'scenario-ended',
      'webhook',
      'manual',
    ]);
    expect(r.body.steps.map((t) => t.type)).toEqual(
      expect.arrayContaining([
        'build',
        'compute-metrics',
        'run-checks',
        'sql',
        'run-scenario',
        'set-variable',
        'http',
        'report',
        'noop',
      ]),
    );
    const build = r.body.steps.find((t) => t.type === 'build');
    expect(build?.schema.properties?.mode.enum).toEqual(['only', 'required', 'recursive']);
    expect(build?.schema.properties?.runIf.enum).toEqual(['previous-succeeded', 'always', 'previous-failed']);
    const mail = r.body.reporters.find((t) => t.channel === 'mail');
    expect(mail?.schema.properties?.to.items?.format).toBe('email');
  });

  it('runs by hand: returns the run id at once, records steps, logs and outcome; readers see but cannot run', async () => {
    const created = await save({
      id: 'daily_refresh',
      name: 'Daily refresh',
      triggers: [{ type: 'time', cron: '0 6 * * *', timezone: 'UTC' }, { type: 'manual' }],
      steps: [
        { type: 'build', targets: ['by_band'], mode: 'required' },
        { type: 'set-variable', variable: 'last_refresh', value: '{{now}}' },
        { type: 'http', url: `${http.url}/ping`, method: 'POST', body: { hello: 1 } },
        { type: 'noop', name: 'only if failed', runIf: 'previous-failed' },
      ],
      reporters: [{ on: 'failure', channel: 'webhook', url: `${http.url}/never` }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'daily_refresh',
      active: true,
      concurrency: 'queue',
      missedRuns: 'skip',
      runAs: 'admin',
      revision: 1,
    });
    expect((await s.call('POST', `${P}/scenarios/daily_refresh/run`, { token: reader })).status).toBe(403);
    expect((await s.call('PUT', `${P}/scenarios/daily_refresh`, { token: reader, body: created.body })).status).toBe(
      403,
    );

    const runId = await run('daily_refresh');
    const done = await ended(runId);
    expect(done).toMatchObject({
      id: runId,
      scenario: 'daily_refresh',
      outcome: 'SUCCESS',
      triggerType: 'manual',
      cause: 'manual, by admin',
    });
    expect(done.steps?.map((st) => [st.name, st.outcome])).toEqual([
      ['1 build', 'SUCCESS'],
      ['2 set-variable', 'SUCCESS'],
      ['3 http', 'SUCCESS'],
      ['only if failed', 'SKIPPED'],
    ]);
    expect(done.logs?.map((l) => l.message).join('\n')).toMatch(/Run ended SUCCESS/);
    expect(http.of('/ping')[0].json).toEqual({ hello: 1 });
    expect((await s.call<Record<string, string>>('GET', `${P}/variables`, { token: reader })).body.last_refresh).toBe(
      '2030-01-01T00:00:30.000Z',
    );
    const runs = await s.call<ScenarioRun[]>('GET', `${P}/scenarios/daily_refresh/runs`, { token: reader });
    expect(runs.body.map((r) => r.id)).toEqual([runId]);
    expect(http.of('/never')).toHaveLength(0);
  });

  it('fires a time trigger once per due instant with the injected clock', async () => {
    expect(
      (await save({ id: 'every_minute', triggers: [{ type: 'time', everyMinutes: 1 }], steps: [{ type: 'noop' }] }))
        .status,
    ).toBe(201);
    await scheduler.tick(); // first sight: armed at 00:00:30, nothing due yet
    expect((await automation.runs.list('AUTO', 'every_minute')).length).toBe(0);
    clock.set(Date.UTC(2030, 0, 1, 0, 1, 0));
    await scheduler.tick();
    await scheduler.tick();
    clock.set(Date.UTC(2030, 0, 1, 0, 3, 10));
    await scheduler.tick();
    await automation.idle();
    const runs = await automation.runs.list('AUTO', 'every_minute');
    expect(runs.map((r) => r.cause).sort()).toEqual([
      'every 1 min: 2030-01-01T00:01:00.000Z',
      'every 1 min: 2030-01-01T00:02:00.000Z',
      'every 1 min: 2030-01-01T00:03:00.000Z',
    ]);
    expect(runs.every((r) => r.outcome === 'SUCCESS')).toBe(true);
    const mon = await s.call<Monitoring>(
      'GET',
      `/api/automation/monitoring?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z`,
      { token: reader },
    );
    const m = mon.body.scenarios.find((x) => x.id === 'every_minute');
    expect(m?.runs).toHaveLength(3);
    expect(m?.nextFires[0]).toBe('2030-01-01T00:04:00.000Z');
    expect(mon.body.daily).toEqual([{ day: '2030-01-01', outcomes: { SUCCESS: 4 } }]);
    expect(mon.body).toMatchObject({ truncated: false, totalRuns: 4, listedRuns: 4 });
    // The steps endpoint answers a page at a time, with the cursor of the next one.
    const window = 'from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z&includeDeleted=false';
    const stepsUrl = `/api/automation/monitoring/steps?${window}&limit=3`;
    const first = await s.call<MonitoringSteps>('GET', stepsUrl, { token: reader });
    expect(first.status).toBe(200);
    expect(first.body.steps).toHaveLength(3);
    expect(first.body.truncated).toBe(true);
    expect(first.body.nextCursor).toMatch(/^[\w-]+$/);
    const all = await s.call<MonitoringSteps>('GET', `/api/automation/monitoring/steps?${window}`, { token: reader });
    expect(all.body).toMatchObject({ truncated: false, nextCursor: null });
    const second = await s.call<MonitoringSteps>(
      'GET',
      `${stepsUrl}&cursor=${encodeURIComponent(first.body.nextCursor!)}`,
      { token: reader },
    );
    const key = (x: MonitoringSteps['steps'][number]) => `${x.run}#${x.index}`;
    expect([...second.body.steps, ...first.body.steps].map(key)).toEqual(all.body.steps.slice(-6).map(key));
    for (const bad of ['limit=0', 'limit=100001', 'cursor=x', 'includeDeleted=yes'])
      expect((await s.call('GET', `/api/automation/monitoring/steps?${bad}`, { token: reader })).status).toBe(400);
    await put({
      id: 'every_minute',
      active: false,
      triggers: [{ type: 'time', everyMinutes: 1 }],
      steps: [{ type: 'noop' }],
    } as never);
  });

  it('deals with instants missed while stopped: skip or run once, and persists the last fire across restarts', async () => {
    const def = (id: string, missedRuns: string) => ({
      id,
      missedRuns,
      triggers: [{ type: 'time', cron: '0 * * * *' }],
      steps: [{ type: 'noop' }],
    });
    expect((await save(def('hourly_skip', 'skip'))).status).toBe(201);
    expect((await save(def('hourly_once', 'run-once'))).status).toBe(201);
    await scheduler.tick(); // armed
    await scheduler.stop();
    clock.set(Date.UTC(2030, 0, 1, 5, 30)); // down for five hourly instants
    scheduler = new Scheduler(s.ws, { clock });
    await scheduler.start({ loop: false });
    await scheduler.tick();
    await scheduler.tick();
    await automation.idle();
    expect(await automation.runs.list('AUTO', 'hourly_skip')).toHaveLength(0);
    const once = await automation.runs.list('AUTO', 'hourly_once');
    expect(once.map((r) => r.cause)).toEqual([
      'cron 0 * * * * (UTC): 2030-01-01T05:00:00.000Z, missed while stopped (run once)',
    ]);
    clock.set(Date.UTC(2030, 0, 1, 6, 0));
    await scheduler.tick();
    await automation.idle();
    expect((await automation.runs.list('AUTO', 'hourly_skip')).map((r) => r.cause)).toEqual([
      'cron 0 * * * * (UTC): 2030-01-01T06:00:00.000Z',
    ]);
    expect(await automation.runs.list('AUTO', 'hourly_once')).toHaveLength(2);
    // Another restart at the same time fires nothing again: the last fire is persisted.
    await scheduler.stop();
    scheduler = new Scheduler(s.ws, { clock });
    await scheduler.start({ loop: false });
    await scheduler.tick();
    await automation.idle();
    expect(await automation.runs.list('AUTO', 'hourly_once')).toHaveLength(2);
    for (const id of ['hourly_skip', 'hourly_once'])
      await s.call('DELETE', `${P}/scenarios/${id}`, { token: s.adminToken });
  });

  it('reports failures by webhook, Slack-compatible webhook and e-mail; the SMTP password is never returned', async () => {
    const body = {
      id: 'failing',
      name: 'Failing scenario',
      steps: [
        { type: 'noop' },
        { type: 'http', name: 'call broken service', url: `${http.url}/fail` },
        { type: 'noop', name: 'cleanup', runIf: 'always' },
      ],
      reporters: [
        {
          on: 'failure',
          channel: 'webhook',
          url: `${http.url}/hook`,
          headers: { authorization: 'Bearer hook-secret' },
        },
        {
          on: 'always',
          channel: 'slack',
          url: `${http.url}/slack`,
          template: '{{scenario}} → {{outcome}} ({{trigger}})',
        },
        { on: 'success', channel: 'webhook', url: `${http.url}/success-only` },
        {
          on: 'failure',
          channel: 'mail',
          smtp: { host: '127.0.0.1', port: smtp.port, user: 'bot', password: 'smtp-secret' },
          from: 'llano@example.org',
          to: ['ops@example.org'],
        },
      ],
    };
    const created = await save(body);
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('smtp-secret');
    expect(JSON.stringify(created.body)).not.toContain('hook-secret');
    expect(created.body.reporters[3].smtp?.password).toBe('********');
    // Saving back the redacted body keeps the stored secret.
    const back = await put(created.body);
    expect(back.body.error?.message ?? null).toBe(null);
    expect(back.status).toBe(200);

    const runId = await run('failing');
    const done = await ended(runId);
    expect(done.outcome).toBe('FAILED');
    expect(done.steps?.map((st) => st.outcome)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS']);
    expect(done.steps?.[1].error).toMatch(/answered 500/);

    const hook = http.of('/hook')[0];
    expect(hook.headers.authorization).toBe('Bearer hook-secret');
    expect(hook.json).toMatchObject({
      scenarioId: 'failing',
      scenarioName: 'Failing scenario',
      runId,
      outcome: 'FAILED',
      trigger: 'manual, by admin',
      failedSteps: [{ name: 'call broken service' }],
    });
    const report = hook.json as { link: string; message: string };
    expect(report.link).toBe(`https://llano.example.org/projects/AUTO/scenarios/failing/runs/${runId}`);
    expect(report.message).toMatch(/Failed steps:\n- call broken service: .*answered 500/);
    expect(http.of('/slack')[0].json).toEqual({ text: 'Failing scenario → FAILED (manual, by admin)' });
    expect(http.of('/success-only')).toHaveLength(0);
    const mail = await smtp.next();
    expect(mail).toMatchObject({
      from: 'llano@example.org',
      to: ['ops@example.org'],
      user: 'bot',
      password: 'smtp-secret',
    });
    expect(mail.data).toMatch(/Subject: \[Llano\] Failing scenario: FAILED/);
    // Quoted-printable wraps long lines with a soft break "=\r\n".
    expect(mail.data.replace(/=\r\n/g, '')).toContain(
      `https://llano.example.org/projects/AUTO/scenarios/failing/runs/${runId}`,
    );
    expect(JSON.stringify(done.logs)).not.toContain('smtp-secret');
  });

  it('retries with back-off, times out through the clock, and runs always-steps after a failure', async () => {
    await save({
      id: 'retrying',
      steps: [{ type: 'http', url: `${http.url}/fail-retry`, retries: { count: 2, delaySeconds: 1, factor: 3 } }],
    });
    const before = clock.sleeps.length;
    const done = await ended(await run('retrying'));
    expect(done.outcome).toBe('FAILED');
    expect(done.steps?.[0].attempts).toBe(3);
    expect(http.of('/fail-retry')).toHaveLength(3);
    expect(clock.sleeps.slice(before)).toEqual([1000, 3000]);

    await save({
      id: 'slow',
      steps: [
        { type: 'http', url: `${http.url}/hang-timeout`, timeoutSeconds: 30 },
        { type: 'noop', name: 'after', runIf: 'always' },
      ],
    });
    const runId = await run('slow');
    await http.next('/hang-timeout');
    clock.advance(30_000);
    const slow = await ended(runId);
    expect(slow.outcome).toBe('FAILED');
    expect(slow.steps?.map((st) => [st.outcome, st.error])).toEqual([
      ['FAILED', 'Timed out after 30 s'],
      ['SUCCESS', null],
    ]);
  });

  it('one run at a time: a second fire queues (or is dropped), parallel is opt-in, and runs can be aborted', async () => {
    await save({ id: 'exclusive', concurrency: 'queue', steps: [{ type: 'http', url: `${http.url}/hang-exclusive` }] });
    const first = await run('exclusive');
    await http.next('/hang-exclusive');
    const second = await s.call<RunStarted>('POST', `${P}/scenarios/exclusive/run`, { token: s.adminToken });
    expect(second.body.status).toBe('QUEUED');
    expect(
      (await s.call<ScenarioRun>('GET', `${P}/scenario-runs/${second.body.runId}`, { token: s.adminToken })).body
        .outcome,
    ).toBe('QUEUED');
    expect((await s.call('POST', `${P}/scenario-runs/${first}/abort`, { token: reader })).status).toBe(403);
    const aborted = await s.call<ScenarioRun>('POST', `${P}/scenario-runs/${first}/abort`, { token: s.adminToken });
    expect(aborted.body).toMatchObject({ outcome: 'ABORTED', error: 'Aborted by admin' });
    expect(aborted.body.steps?.[0].outcome).toBe('ABORTED');
    // The queued run starts when the first ends; abort it too.
    await http.next('/hang-exclusive', 1);
    expect(
      (await s.call<ScenarioRun>('POST', `${P}/scenario-runs/${second.body.runId}/abort`, { token: s.adminToken })).body
        .outcome,
    ).toBe('ABORTED');

    await save({ id: 'dropping', concurrency: 'drop', steps: [{ type: 'http', url: `${http.url}/hang-drop` }] });
    const d1 = await run('dropping');
    await http.next('/hang-drop');
    const d2 = await s.call<ApiError>('POST', `${P}/scenarios/dropping/run`, { token: s.adminToken });
    expect(d2.status).toBe(409);
    expect(d2.body.error.message).toMatch(/already running and drops new runs/);
    await s.call('POST', `${P}/scenario-runs/${d1}/abort`, { token: s.adminToken });

    await save({
      id: 'parallel',
      concurrency: 'parallel',
      steps: [{ type: 'http', url: `${http.url}/hang-parallel` }],
    });
    const p1 = await run('parallel');
    const p2 = await run('parallel');
    await http.next('/hang-parallel', 1);
    for (const id of [p1, p2])
      expect(
        (await s.call<ScenarioRun>('POST', `${P}/scenario-runs/${id}/abort`, { token: s.adminToken })).body.outcome,
      ).toBe('ABORTED');
  });

  it('fires on a new dataset version, after another scenario, and on a webhook with its secret token', async () => {
    await save({
      id: 'on_upload',
      triggers: [{ type: 'dataset-changed', datasets: ['trec'] }],
      steps: [{ type: 'noop' }],
    });
    await save({
      id: 'after_upload',
      triggers: [{ type: 'scenario-ended', scenario: 'on_upload', on: 'success' }],
      steps: [{ type: 'noop' }],
    });
    await scheduler.tick();
    expect((await s.upload(`${P}/datasets/trec/upload`, CSV, 'trec.csv')).status).toBe(201);
    await scheduler.idle();
    await automation.idle();
    await scheduler.idle();
    await automation.idle();
    const upload = await automation.runs.list('AUTO', 'on_upload');
    expect(upload).toHaveLength(1);
    expect(upload[0].cause).toMatch(/^dataset trec changed/);
    const chained = await automation.runs.list('AUTO', 'after_upload');
    expect(chained.map((r) => r.cause)).toEqual([`scenario on_upload ended SUCCESS (run ${upload[0].id})`]);

    const hooked = await save({ id: 'hooked', triggers: [{ type: 'webhook' }], steps: [{ type: 'noop' }] });
    const token = hooked.body.triggers[0].token;
    expect(token).toMatch(/^lwh_/);
    expect(
      (await s.call<SavedScenario>('GET', `${P}/scenarios/hooked`, { token: reader })).body.triggers[0].token,
    ).toBe('********');
    expect((await s.call('POST', `/api/webhooks/scenarios/${token}x`)).status).toBe(404);
    const fired = await s.call<RunStarted>('POST', `/api/webhooks/scenarios/${token}`);
    expect(fired.status).toBe(202);
    expect(fired.body).toMatchObject({ projectKey: 'AUTO', scenario: 'hooked', status: 'RUNNING' });
    expect((await ended(fired.body.runId)).outcome).toBe('SUCCESS');
  });

  it("hides an HTTP step's headers and passwords in URLs from the API and history, and keeps them when saved back", async () => {
    const withUser = (user: string, path: string) => `${http.url.replace('://', `://${user}@`)}${path}`;
    const url = withUser('svc:url-secret', '/x');
    const created = await save({
      id: 'with_creds',
      steps: [{ type: 'http', url, headers: { 'x-api-key': 'header-secret' } }],
      reporters: [{ on: 'failure', channel: 'webhook', url: withUser('hook:hook-url-secret', '/h') }],
    });
    expect(created.status).toBe(201);
    const steps = created.body.steps as { url: string; headers: Record<string, string> }[];
    expect(steps[0].url).toBe(withUser('svc:********', '/x'));
    expect(steps[0].headers).toEqual({ 'x-api-key': '********' });
    const shown = [
      created.body,
      (await s.call('GET', `${P}/scenarios/with_creds`, { token: reader })).body,
      (await s.call('GET', `${P}/history/scenario/with_creds`, { token: reader })).body,
    ].map((b) => JSON.stringify(b));
    for (const text of shown)
      for (const secret of ['url-secret', 'header-secret', 'hook-url-secret']) expect(text).not.toContain(secret);
    expect(shown[2]).toContain('svc:********@');

    expect((await put(created.body)).status).toBe(200);
    const stored = await s.ws.catalog.objects.require<{ steps: unknown[]; reporters: { url: string }[] }>(
      'AUTO',
      'scenario',
      'with_creds',
    );
    expect(stored.body.steps[0]).toMatchObject({ url, headers: { 'x-api-key': 'header-secret' } });
    expect(stored.body.reporters[0].url).toBe(withUser('hook:hook-url-secret', '/h'));
    // A redacted password with nothing stored behind it is refused, not saved as eight stars.
    const fresh = await save<ApiError>({ id: 'no_creds', steps: [{ type: 'http', url: steps[0].url }] });
    expect(fresh.status).toBe(400);
    expect(fresh.body.error.message).toMatch(/step http: the URL's password is "\*{8}" but no stored value exists/);

    // Kept secrets go only where they went: a new host with the headers or URL password saved back redacted is
    // refused (else an editor could send them to a listener of theirs); with the secret given again it saves.
    const elsewhere = (u: string) => u.replace('127.0.0.1', 'localhost');
    // Without the revision the answer came with: each save below is a new revision.
    const current = {
      ...omit(created.body as typeof created.body & { revision?: number }, 'revision'),
      id: 'with_creds',
    };
    const moveStep = (step: Record<string, unknown>) => ({ ...current, steps: [{ ...steps[0], ...step }] });
    for (const body of [
      moveStep({ url: elsewhere(steps[0].url) }),
      moveStep({ url: elsewhere(http.url) + '/x' }),
      {
        ...current,
        reporters: [{ ...(created.body.reporters[0] as object), url: elsewhere(withUser('hook:********', '/h')) }],
      },
    ]) {
      const moved = await put(body);
      expect(moved.status).toBe(400);
      expect(moved.body.error?.message).toMatch(/url changed while .* is kept as "\*{8}": enter the password again/);
    }
    // A new path on the same host is no new destination.
    expect(
      (await put(moveStep({ url: withUser('svc:********', '/y'), headers: { 'x-api-key': '********' } }))).status,
    ).toBe(200);
    expect(
      (await put(moveStep({ url: elsewhere(http.url) + '/x', headers: { 'x-api-key': 'header-secret' } }))).status,
    ).toBe(200);
  });

  it('refuses scenarios that would start each other without end, and stops a cycle saved past the check', async () => {
    await save({ id: 'loop_a', steps: [{ type: 'noop' }] });
    expect(
      (
        await save({
          id: 'loop_b',
          triggers: [{ type: 'scenario-ended', scenario: 'loop_a', on: 'any' }],
          steps: [{ type: 'noop' }],
        })
      ).status,
    ).toBe(201);
    // Closing the cycle from either side, by a trigger or by a step, is refused with the cycle named.
    const byTrigger = await put({
      id: 'loop_a',
      triggers: [{ type: 'scenario-ended', scenario: 'loop_b', on: 'any' }],
      steps: [{ type: 'noop' }],
    } as { id: string });
    expect(byTrigger.status).toBe(400);
    expect(byTrigger.body.error?.message).toContain('loop_a → (its end starts) loop_b → (its end starts) loop_a');
    // Steps link too: b runs c, c runs a, a's end starts b.
    expect((await save({ id: 'loop_c', steps: [{ type: 'run-scenario', scenario: 'loop_a' }] })).status).toBe(201);
    const byStep = await put({
      id: 'loop_b',
      triggers: [{ type: 'scenario-ended', scenario: 'loop_a', on: 'any' }],
      steps: [{ type: 'run-scenario', scenario: 'loop_c' }],
    } as { id: string });
    expect(byStep.status).toBe(400);
    expect(byStep.body.error?.message).toContain(
      'loop_b → (runs, as a step) loop_c → (runs, as a step) loop_a → (its end starts) loop_b',
    );

    // Two servers saving at once could still close it: the scheduler then fires each scenario once per chain.
    const stored = await s.ws.catalog.objects.require<{ triggers: unknown[] }>('AUTO', 'scenario', 'loop_a');
    await s.ws.catalog.objects.put({
      projectKey: 'AUTO',
      kind: 'scenario',
      name: 'loop_a',
      body: { ...stored.body, triggers: [{ type: 'scenario-ended', scenario: 'loop_b', on: 'any', id: 'back' }] },
      author: 'admin',
    });
    await scheduler.tick();
    await ended(await run('loop_a'));
    for (let i = 0; i < 3; i++) {
      await scheduler.idle();
      await automation.idle();
    }
    expect(await automation.runs.list('AUTO', 'loop_b')).toHaveLength(1);
    expect(await automation.runs.list('AUTO', 'loop_a')).toHaveLength(1);
    expect([...scheduler.errors.values()].join('\n')).toMatch(
      /Not fired: loop_a already ran in this chain \(loop_a → loop_b\)/,
    );
  });

  it('runs another scenario as a step and exposes runs and steps as system datasets', async () => {
    await save({ id: 'child', steps: [{ type: 'noop' }] });
    await save({ id: 'parent', steps: [{ type: 'run-scenario', scenario: 'child' }] });
    const done = await ended(await run('parent'));
    expect(done.outcome).toBe('SUCCESS');
    expect(done.steps?.[0].detail).toMatchObject({ outcome: 'SUCCESS' });
    expect(
      (await save<ApiError>({ id: 'selfish', steps: [{ type: 'run-scenario', scenario: 'selfish' }] })).body.error
        .message,
    ).toMatch(/cannot run itself/);

    expect(
      (
        await s.call('POST', `${P}/datasets`, {
          token: s.adminToken,
          body: { name: 'runs', storage: { type: 'system', table: 'scenario_runs' } },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await s.call('POST', `${P}/datasets`, {
          token: s.adminToken,
          body: { name: 'steps', storage: { type: 'system', table: 'step_runs' } },
        })
      ).status,
    ).toBe(201);
    // A system dataset is read-only: no recipe may write it.
    const writer = await s.call<ApiError>('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: { name: 'r_overwrite_runs', type: 'sql', inputs: ['trec'], output: 'runs', sql: 'SELECT * FROM trec' },
    });
    expect(writer.status).toBe(400);
    expect(writer.body.error.message).toBe('Dataset runs is a system dataset (read-only)');
    const page = await s.call<DataPage>('GET', `${P}/datasets/runs/data?limit=1000&filter=scenario:eq:parent`, {
      token: reader,
    });
    expect(page.status).toBe(200);
    expect(page.body.rows).toHaveLength(1);
    const outcomeAt = page.body.columns.indexOf('outcome');
    expect(page.body.rows[0][outcomeAt]).toBe('SUCCESS');
    const steps = await s.call<DataPage & Partial<ApiError>>(
      'GET',
      `${P}/datasets/steps/data?limit=1000&filter=scenario:eq:failing`,
      { token: reader },
    );
    expect(steps.body.error ?? null).toBe(null);
    expect(steps.body.rows.map((r) => r[steps.body.columns.indexOf('outcome')])).toEqual([
      'SUCCESS',
      'FAILED',
      'SUCCESS',
    ]);
  });

  it('counts a scenario run as activity in its project: the projects list shows it', async () => {
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'IDLE' } })).status).toBe(201);
    expect((await save({ id: 'activity', steps: [{ type: 'noop' }] })).status).toBe(201);
    // Saving touched AUTO: set both back to known instants, AUTO the older.
    const setActivity = (key: string, at: string) =>
      s.ws.catalog.db.updateTable('projects').set({ updated_at: at }).where('key', '=', key).execute();
    await setActivity('AUTO', '2020-01-01T00:00:00.000Z');
    await setActivity('IDLE', '2025-01-01T00:00:00.000Z');
    const projects = async () =>
      (await s.call<Project[]>('GET', '/api/projects', { token: s.adminToken })).body.map((p) => [p.key, p.updatedAt]);
    expect(await projects()).toEqual([
      ['IDLE', '2025-01-01T00:00:00.000Z'],
      ['AUTO', '2020-01-01T00:00:00.000Z'],
    ]);
    expect((await ended(await run('activity'))).outcome).toBe('SUCCESS');
    const [first, second] = await projects();
    expect(first[0]).toBe('AUTO');
    expect(first[1] > '2025-01-01T00:00:00.000Z').toBe(true);
    expect(second).toEqual(['IDLE', '2025-01-01T00:00:00.000Z']);
    expect((await s.call('DELETE', '/api/projects/IDLE', { token: s.adminToken })).status).toBe(204);
  });
});
