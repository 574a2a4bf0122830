import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Automation } from '../src/automation/automation.js';
import type { RunStarted, ScenarioRun } from './support/api-types.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const KEY = 'CODESTEP';
const P = `/api/projects/${KEY}`;

/**
 * The "code" scenario step: a TypeScript or Python snippet in the code sandbox, with the project's
 * variables, a reader of datasets and a setter of variables; what it prints is in the run log, an
 * exception fails the step with its traceback; the scenario's user must be a writer.
 */
describe('scenario step: run code', () => {
  let s: TestServer;
  let readerToken: string;

  const runScenario = async (id: string, token = s.adminToken): Promise<ScenarioRun> => {
    const r = await s.call<RunStarted>('POST', `${P}/scenarios/${id}/run`, { token });
    expect(r.status).toBe(202);
    await Automation.of(s.ws).waitForRun(KEY, r.body.runId);
    return (await s.call<ScenarioRun>('GET', `${P}/scenario-runs/${r.body.runId}`, { token: s.adminToken })).body;
  };
  const save = async (id: string, step: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const r = await s.call('POST', `${P}/scenarios`, {
      token: s.adminToken,
      body: { id, steps: [{ type: 'code', ...step }], ...extra },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  };

  beforeAll(async () => {
    s = await startTestServer();
    await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: KEY } });
    expect(
      (await s.upload(`${P}/datasets/trec/upload`, 'antenna,trec\nDA41,35.5\nDA42,71\nDA43,80\n', 't.csv')).status,
    ).toBe(201);
    await s.call('PUT', `${P}/variables`, { token: s.adminToken, body: { threshold: 60 } });
    await s.call('POST', '/api/users', { token: s.adminToken, body: { username: 'rdr', password: 'reader-password' } });
    await s.call('PUT', `${P}/members/rdr`, { token: s.adminToken, body: { role: 'reader' } });
    readerToken = await s.login('rdr', 'reader-password');
  });
  afterAll(() => s?.stop());

  it('runs TypeScript with the variables, reads a dataset, prints to the log and sets a variable', async () => {
    await save('ts_code', {
      language: 'typescript',
      code: [
        'export async function run(ctx: any, llano: any) {',
        "  const rows = await llano.rows('trec', 100);",
        '  const hot = rows.filter((r: any) => r.trec > ctx.variables.threshold);',
        '  console.log(`${hot.length} of ${rows.length} above ${ctx.variables.threshold} K in ${ctx.projectKey}`);',
        "  await llano.setVariable('hot_receivers', hot.map((r: any) => r.antenna).join(','));",
        '  return hot.length;',
        '}',
      ].join('\n'),
    });
    const run = await runScenario('ts_code');
    expect(run.outcome, JSON.stringify(run.logs)).toBe('SUCCESS');
    const messages = run.logs!.map((l) => l.message);
    expect(messages).toContain('1 code: 2 of 3 above 60 K in CODESTEP');
    expect(messages).toContain('1 code: Variable hot_receivers = "DA42,DA43"');
    expect(run.steps![0]).toMatchObject({ type: 'code', outcome: 'SUCCESS', detail: { result: 2 } });
    const vars = await s.call<Record<string, unknown>>('GET', `${P}/variables`, { token: s.adminToken });
    expect(vars.body).toMatchObject({ threshold: 60, hot_receivers: 'DA42,DA43' });
  });

  it('fails the step with the Python traceback; the next steps see the failure', async () => {
    await save(
      'py_fails',
      {
        language: 'python',
        code: ['def run(ctx, llano):', "    print('checking', ctx['runId'] != '')", '    return 1 / 0'].join('\n'),
      },
      { reporters: [] },
    );
    const run = await runScenario('py_fails');
    expect(run.outcome).toBe('FAILED');
    const step = run.steps![0];
    expect(step.outcome).toBe('FAILED');
    expect(step.error).toMatch(/ZeroDivisionError/);
    expect(step.error).toMatch(/step\.py", line 3/);
    const messages = run.logs!.map((l) => l.message);
    expect(messages).toContain('1 code: checking True');
    expect(messages.some((m) => /Traceback[\s\S]*ZeroDivisionError/.test(m))).toBe(true);
  });

  it('refuses bad calls of the client with a clear error', async () => {
    await save('py_bad_call', {
      language: 'python',
      code: ['def run(ctx, llano):', "    llano.setVariable('x', {'not': 'a scalar'})"].join('\n'),
    });
    const run = await runScenario('py_bad_call');
    expect(run.steps![0].outcome).toBe('FAILED');
    expect(run.steps![0].error).toMatch(/value is a text, a number, true, false or null/);
  });

  it('runs only as a writer: a scenario running as a reader fails the step', async () => {
    await save('as_reader', { language: 'python', code: 'def run(ctx, llano):\n    print("never")' }, { runAs: 'rdr' });
    // Nor may a reader save a scenario (with code or not).
    const refused = await s.call('POST', `${P}/scenarios`, {
      token: readerToken,
      body: { id: 'by_reader', steps: [{ type: 'code', code: 'def run(ctx, llano):\n    pass' }] },
    });
    expect(refused.status).toBe(403);
    const run = await runScenario('as_reader');
    expect(run.steps![0].outcome).toBe('FAILED');
    expect(run.steps![0].error).toMatch(/writer/i);
    expect(run.logs!.map((l) => l.message)).not.toContain('1 code: never');
  });
});
