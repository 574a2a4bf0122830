import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../src/automation/scenarios-service.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import type { ApiError, RunStarted, SavedScenario, ScenarioRun } from './support/api-types.js';
import { startTestServer, type TestServer } from './support/llano-server.js';
import { startManualScheduler, type ManualScheduler } from './support/manual-scheduler.js';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver } from './support/receivers.js';

const P = '/api/projects/TYPES';

/**
 * The polled triggers (file checksum, SQL result) and the SQL and report steps, against real
 * parts: a folder behind a filesystem connection, an embedded PostgreSQL, a real SMTP server.
 * Time moves only through the injected clock; polls are awaited, never slept on.
 */
describe('scenario types: file-changed and sql-changed triggers, sql and report steps', () => {
  let s: TestServer;
  let postgres: RunningPostgres;
  let db: pg.Client;
  let http: HttpReceiver;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let scheduler: ManualScheduler;
  const files = mkdtempSync(path.join(tmpdir(), 'llano-auto-files-'));

  // Only for definitions the server refuses (`create` for the accepted ones).
  const save = (body: unknown) => s.call<ApiError>('POST', `${P}/scenarios`, { token: s.adminToken, body });
  const create = async (body: unknown) => {
    const r = await s.call<SavedScenario>('POST', `${P}/scenarios`, { token: s.adminToken, body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const runsOf = (id: string) => scheduler.automation.runs.list('TYPES', id);
  const tickAfter = (seconds: number) => scheduler.tickAfter(seconds * 1000);
  const runNow = async (id: string) => {
    const r = await s.call<RunStarted>('POST', `${P}/scenarios/${id}/run`, { token: s.adminToken });
    expect(r.status).toBe(202);
    await scheduler.automation.waitForRun('TYPES', r.body.runId);
    return (await s.call<ScenarioRun>('GET', `${P}/scenario-runs/${r.body.runId}`, { token: s.adminToken })).body;
  };

  beforeAll(async () => {
    [s, postgres, http, smtp] = await Promise.all([
      startTestServer({ outboundAllow: ['127.0.0.1'] }), // the receivers listen on 127.0.0.1
      startPostgres(),
      startHttpReceiver(),
      startSmtpReceiver(),
    ]);
    db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    await db.query('CREATE TABLE observations (id integer PRIMARY KEY, band integer NOT NULL)');
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'TYPES' } })).status).toBe(201);
    expect(
      (
        await s.call('POST', `${P}/connections`, {
          token: s.adminToken,
          body: { name: 'files', type: 'filesystem', root: files },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await s.call('POST', `${P}/connections`, {
          token: s.adminToken,
          body: { name: 'ops_db', type: 'postgres', url: postgres.url },
        })
      ).status,
    ).toBe(201);
    scheduler = await startManualScheduler(s.ws, Date.UTC(2030, 0, 1));
  });
  afterAll(async () => {
    await scheduler?.stop();
    await db?.end();
    await Promise.all([s?.stop(), postgres?.stop(), http?.stop(), smtp?.stop()]);
    rmSync(files, { recursive: true, force: true });
  });

  it('file-changed: a changed checksum fires once; an unchanged file does not', async () => {
    mkdirSync(path.join(files, 'feed'));
    const file = path.join(files, 'feed', 'status.txt');
    writeFileSync(file, 'antenna DA41 online\n');
    const bad = await save({
      id: 'outside',
      triggers: [{ type: 'file-changed', connection: 'ops_db', path: 'x' }],
      steps: [{ type: 'noop' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /Trigger 1 \(file-changed\): connection ops_db \(postgres\) cannot read files/,
    );
    await create({
      id: 'on_file',
      triggers: [{ type: 'file-changed', connection: 'files', path: 'feed/status.txt', everySeconds: 60 }],
      steps: [{ type: 'noop' }],
    });

    await tickAfter(0); // the first poll records the checksum
    await tickAfter(60); // same content
    await tickAfter(60);
    expect(await runsOf('on_file')).toHaveLength(0);

    writeFileSync(file, 'antenna DA41 offline\n');
    await tickAfter(30); // not yet due: the trigger polls every 60 s
    expect(await runsOf('on_file')).toHaveLength(0);
    await tickAfter(30);
    const runs = await runsOf('on_file');
    expect(runs.map((r) => [r.triggerType, r.cause, r.outcome])).toEqual([
      ['file-changed', 'file files:feed/status.txt changed', 'SUCCESS'],
    ]);

    // The new checksum is now the reference: further polls of the same content do not fire.
    await tickAfter(60);
    await tickAfter(60);
    expect(await runsOf('on_file')).toHaveLength(1);
    // Writing the same bytes again is no change either.
    writeFileSync(file, 'antenna DA41 offline\n');
    await tickAfter(60);
    expect(await runsOf('on_file')).toHaveLength(1);
    await s.call('DELETE', `${P}/scenarios/on_file`, { token: s.adminToken });
  });

  it('sql-changed: a changed query result fires once; the same result does not', async () => {
    const bad = await save({
      id: 'wrong_conn',
      triggers: [{ type: 'sql-changed', connection: 'files', query: 'SELECT 1' }],
      steps: [{ type: 'noop' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /Trigger 1 \(sql-changed\): connection files \(filesystem\) cannot run SQL statements/,
    );
    const query = 'SELECT count(*), max(id) FROM observations';
    await create({
      id: 'on_rows',
      triggers: [{ type: 'sql-changed', connection: 'ops_db', query, everySeconds: 120 }],
      steps: [{ type: 'noop' }],
    });

    await tickAfter(0); // the first poll records the result
    await tickAfter(120);
    expect(await runsOf('on_rows')).toHaveLength(0);

    await db.query('INSERT INTO observations VALUES (1, 3), (2, 6)');
    await tickAfter(120);
    const runs = await runsOf('on_rows');
    expect(runs.map((r) => [r.triggerType, r.cause, r.outcome])).toEqual([
      ['sql-changed', 'result of a query on ops_db changed', 'SUCCESS'],
    ]);
    await tickAfter(120);
    await tickAfter(120);
    expect(await runsOf('on_rows')).toHaveLength(1);

    // Rows that change nothing the query sees (an update of another column) do not fire.
    await db.query('UPDATE observations SET band = 7 WHERE id = 2');
    await tickAfter(120);
    expect(await runsOf('on_rows')).toHaveLength(1);
    await db.query('DELETE FROM observations WHERE id = 2');
    await tickAfter(120);
    expect(await runsOf('on_rows')).toHaveLength(2);
    await s.call('DELETE', `${P}/scenarios/on_rows`, { token: s.adminToken });
  });

  it("sql step: executes statements on the connection; an SQL error fails the step with PostgreSQL's message", async () => {
    await create({
      id: 'load_rows',
      steps: [
        {
          type: 'sql',
          name: 'insert',
          connection: 'ops_db',
          sql: 'INSERT INTO observations VALUES (10, 3), (11, 3), (12, 9)',
        },
        { type: 'sql', name: 'update', connection: 'ops_db', sql: 'UPDATE observations SET band = 4 WHERE band = 3' },
      ],
    });
    const ok = await runNow('load_rows');
    expect(ok.outcome).toBe('SUCCESS');
    expect(ok.steps?.map((st) => [st.outcome, st.detail])).toEqual([
      ['SUCCESS', { command: 'INSERT', rowCount: 3 }],
      ['SUCCESS', { command: 'UPDATE', rowCount: 3 }],
    ]);
    expect((await db.query('SELECT id, band FROM observations WHERE id >= 10 ORDER BY id')).rows).toEqual([
      { id: 10, band: 4 },
      { id: 11, band: 4 },
      { id: 12, band: 9 },
    ]);
    expect(ok.logs?.map((l) => l.message)).toContain('insert: SQL on ops_db: INSERT (3 rows)');

    await create({
      id: 'broken_sql',
      steps: [
        { type: 'sql', name: 'duplicate key', connection: 'ops_db', sql: 'INSERT INTO observations VALUES (10, 1)' },
        {
          type: 'sql',
          name: 'missing table',
          connection: 'ops_db',
          sql: 'SELECT * FROM no_such_table',
          runIf: 'always',
        },
        { type: 'sql', name: 'not reached', connection: 'ops_db', sql: 'DELETE FROM observations' },
      ],
    });
    const failed = await runNow('broken_sql');
    expect(failed.outcome).toBe('FAILED');
    expect(failed.steps?.map((st) => [st.outcome, st.error])).toEqual([
      ['FAILED', 'duplicate key value violates unique constraint "observations_pkey"'],
      ['FAILED', 'relation "no_such_table" does not exist'],
      ['SKIPPED', 'An earlier step failed'],
    ]);
    expect(failed.error).toBe('2 step(s) failed: duplicate key, missing table');
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM observations')).rows[0].n).toBe(4);
  });

  it('report step: sends the run so far through a reporter in the middle of the run', async () => {
    const created = await create({
      id: 'progress_report',
      name: 'Progress report',
      steps: [
        { type: 'noop', name: 'prepare' },
        {
          type: 'report',
          name: 'tell ops',
          template: '{{scenario}} is {{outcome}}; {{failedSteps}}',
          reporter: {
            channel: 'mail',
            smtp: { host: '127.0.0.1', port: smtp.port, user: 'bot', password: 'smtp-secret' },
            from: 'llano@example.org',
            to: ['ops@example.org'],
            subject: 'Progress of {{scenario}}',
          },
        },
        { type: 'http', name: 'after the report', url: `${http.url}/after-report` },
      ],
    });
    expect(JSON.stringify(created)).not.toContain('smtp-secret');
    const mailsBefore = smtp.mails.length;

    const run = await runNow('progress_report');
    expect(run.outcome).toBe('SUCCESS');
    expect(run.steps?.map((st) => [st.name, st.outcome])).toEqual([
      ['prepare', 'SUCCESS'],
      ['tell ops', 'SUCCESS'],
      ['after the report', 'SUCCESS'],
    ]);
    const mail = await smtp.next(mailsBefore);
    expect(mail).toMatchObject({
      from: 'llano@example.org',
      to: ['ops@example.org'],
      user: 'bot',
      password: 'smtp-secret',
    });
    expect(mail.data).toMatch(/Subject: Progress of Progress report/);
    // Sent mid-run: the run was still RUNNING, and the step after it had not run yet.
    expect(mail.data).toContain('Progress report is RUNNING; No step failed.');
    expect(http.of('/after-report')).toHaveLength(1);
    expect(run.logs?.map((l) => l.message)).toContain('tell ops: Report sent by mail');
    expect(JSON.stringify(run.logs)).not.toContain('smtp-secret');

    // A reporter that cannot deliver fails the step like any other step.
    await create({
      id: 'unreachable_report',
      steps: [{ type: 'report', reporter: { channel: 'webhook', url: `${http.url}/fail-report` } }],
    });
    const failed = await runNow('unreachable_report');
    expect(failed.outcome).toBe('FAILED');
    expect(failed.steps?.[0].error).toMatch(/answered 500/);
  });

  it('parsed scenarios are cached per revision: an edit is run at the next fire', async () => {
    const v1 = await create({ id: 'cached', steps: [{ type: 'http', url: `${http.url}/cached-v1` }] });
    const first = await loadScenario(s.ws, 'TYPES', 'cached');
    expect(await loadScenario(s.ws, 'TYPES', 'cached')).toBe(first); // same revision: not parsed again
    expect((await runNow('cached')).outcome).toBe('SUCCESS');
    const edited = await s.call<SavedScenario>('PUT', `${P}/scenarios/cached`, {
      token: s.adminToken,
      body: { ...v1, steps: [{ type: 'http', url: `${http.url}/cached-v2` }] },
    });
    expect(edited.body.revision).toBe(v1.revision + 1);
    expect((await runNow('cached')).outcome).toBe('SUCCESS');
    expect([http.of('/cached-v1').length, http.of('/cached-v2').length]).toEqual([1, 1]);
    expect(await loadScenario(s.ws, 'TYPES', 'cached')).not.toBe(first);
  });
});
