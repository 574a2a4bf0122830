import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Automation } from '../src/automation/automation.js';
import { VERSION } from '../src/common/version.js';
import type { RunStarted, ScenarioRun } from './support/api-types.js';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';
import { startHttpReceiver, type HttpReceiver, type ReceivedRequest } from './support/receivers.js';

const P = '/api/projects/SIGN';

/** What a receiver does (docs/webhooks.md): HMAC-SHA256 of the raw body, compared in constant time. */
function verifies(secret: string, r: ReceivedRequest): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`);
  const given = Buffer.from(String(r.headers['x-llano-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface Revealed {
  where: string;
  field: string;
  secret: string;
}
interface Saved {
  revision: number;
  reporters: { channel: string; secret?: string }[];
  steps: { reporter?: { secret?: string } }[];
  revealedSecrets?: Revealed[];
}

/**
 * Webhook reporters sign what they send with a secret generated when the reporter is saved
 * (shown in that answer only, rotatable), name each delivery with an id kept across retries,
 * and try again after 5xx answers. A real receiver checks the signature as docs/webhooks.md says.
 */
describe('webhook reporters: signed deliveries, retried with one delivery id, rotatable secret', () => {
  let s: TestServer;
  let http: HttpReceiver;
  let readerToken: string;
  let firstSecret = '';

  const run = async (id: string): Promise<ScenarioRun> => {
    const r = await s.call<RunStarted>('POST', `${P}/scenarios/${id}/run`, { token: s.adminToken });
    expect(r.status).toBe(202);
    await Automation.of(s.ws).waitForRun('SIGN', r.body.runId);
    return (await s.call<ScenarioRun>('GET', `${P}/scenario-runs/${r.body.runId}`, { token: s.adminToken })).body;
  };

  beforeAll(async () => {
    [s, http] = await Promise.all([startTestServer({ outboundAllow: ['127.0.0.1'] }), startHttpReceiver()]);
    await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'SIGN' } });
    await s.call('POST', '/api/users', {
      token: s.adminToken,
      body: { username: 'viewer', password: 'viewer-password' },
    });
    await s.call('PUT', `${P}/members/viewer`, { token: s.adminToken, body: { role: 'reader' } });
    readerToken = await s.login('viewer', 'viewer-password');
  });
  afterAll(() => Promise.all([s?.stop(), http?.stop()]));

  it('shows a new secret once, signs every attempt, and keeps the delivery id across retries', async () => {
    http.respond('/flaky-hook', (_r, count) => (count <= 2 ? { status: 503, body: 'restarting' } : { status: 200 }));
    const created = await s.call<Saved>('POST', `${P}/scenarios`, {
      token: s.adminToken,
      body: {
        id: 'signed',
        steps: [{ type: 'noop' }],
        reporters: [{ on: 'always', channel: 'webhook', url: `${http.url}/flaky-hook` }],
      },
    });
    expect(created.status).toBe(201);
    const [revealed] = created.body.revealedSecrets ?? [];
    expect([revealed.where, revealed.field]).toEqual(['reporters[0]', 'secret']);
    expect(revealed.secret).toMatch(/^lws_/);
    expect(created.body.reporters[0].secret).toBe('********');
    firstSecret = revealed.secret;

    // Never again: not when read, not when saved back.
    const read = await s.call<Saved>('GET', `${P}/scenarios/signed`, { token: s.adminToken });
    expect(JSON.stringify(read.body)).not.toContain(revealed.secret);
    expect(read.body.revealedSecrets).toBeUndefined();
    const back = await s.call<Saved>('PUT', `${P}/scenarios/signed`, { token: s.adminToken, body: read.body });
    expect(back.status).toBe(200);
    expect(back.body.revealedSecrets).toBeUndefined();

    const done = await run('signed');
    expect(done.outcome).toBe('SUCCESS');
    await expect.poll(() => http.of('/flaky-hook').length).toBe(3);
    const attempts = http.of('/flaky-hook');
    const ids = attempts.map((r) => r.headers['x-llano-delivery']);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(1);
    for (const a of attempts) {
      expect(verifies(revealed.secret, a)).toBe(true);
      expect(a.headers['user-agent']).toBe(`Llano/${VERSION}`);
      expect(a.json).toMatchObject({ runId: done.id, outcome: 'SUCCESS', deliveryId: ids[0] });
    }
    const logs = (await s.call<ScenarioRun>('GET', `${P}/scenario-runs/${done.id}`, { token: s.adminToken })).body.logs;
    expect(logs?.map((l) => l.message)).toContain('Report sent by webhook (always)');
  });

  it('logs each failed attempt at the time it failed; the final failure says how many attempts and when', async () => {
    const created = await s.call('POST', `${P}/scenarios`, {
      token: s.adminToken,
      body: {
        id: 'failing_hook',
        steps: [{ type: 'noop' }],
        reporters: [{ on: 'always', channel: 'webhook', url: `${http.url}/fail-hook` }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const done = await run('failing_hook');
    expect(done.outcome).toBe('SUCCESS');
    // Reports are sent after the run is recorded as ended: wait for the third failure's line.
    const reporterLines = async () =>
      (await s.call<ScenarioRun>('GET', `${P}/scenario-runs/${done.id}`, { token: s.adminToken })).body.logs!.filter(
        (l) => l.message.startsWith('Reporter webhook'),
      );
    await expect.poll(async () => (await reporterLines()).length, { timeout: 15_000 }).toBe(3);
    const lines = await reporterLines();
    const tries = http.of('/fail-hook');
    expect(tries).toHaveLength(3);
    const answered = `${http.url}/fail-hook answered 500`;
    expect(lines.map((l) => l.message)).toEqual([
      expect.stringMatching(new RegExp(`^Reporter webhook: attempt 1 of 3 failed: ${answered}`)),
      expect.stringMatching(new RegExp(`^Reporter webhook: attempt 2 of 3 failed: ${answered}`)),
      expect.stringMatching(new RegExp(`^Reporter webhook failed: ${answered}.* \\(3 attempts, started at .+\\)$`)),
    ]);
    expect(lines.every((l) => l.level === 'warn')).toBe(true);
    // Each line is written after its attempt reached the receiver, not at the first attempt's time.
    lines.forEach((line, k) => expect(line.ts >= tries[k].at, `${line.ts} >= ${tries[k].at}`).toBe(true));
    const started = /started at (.+)\)$/.exec(lines[2].message)![1].split(', ');
    expect(started).toHaveLength(3);
    started.forEach((at, k) => expect(at <= tries[k].at && (k === 0 || at > tries[k - 1].at)).toBe(true));
  });

  it('rotates the secret for writers only; readers never see it, not even in history', async () => {
    const before = await s.call<Saved>('GET', `${P}/scenarios/signed`, { token: s.adminToken });
    const refused = await s.call('POST', `${P}/scenarios/signed/rotate-secret`, { token: readerToken, body: {} });
    expect(refused.status).toBe(403);

    const rotated = await s.call<Revealed & { revision: number }>('POST', `${P}/scenarios/signed/rotate-secret`, {
      token: s.adminToken,
      body: {},
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ where: 'reporters[0]', field: 'secret', revision: before.body.revision + 1 });

    const seen = http.of('/flaky-hook').length;
    expect((await run('signed')).outcome).toBe('SUCCESS');
    await expect.poll(() => http.of('/flaky-hook').length).toBe(seen + 1);
    const delivery = http.of('/flaky-hook')[seen];
    expect(verifies(rotated.body.secret, delivery)).toBe(true);
    expect(verifies(firstSecret, delivery)).toBe(false);

    // The CLI rotates too, and prints the new secret once.
    const cli = await llano([
      '--url',
      s.url,
      '--token',
      s.adminToken,
      '-p',
      'SIGN',
      'scenario',
      'rotate-secret',
      'signed',
    ]);
    expect(cli.code, cli.err).toBe(0);
    const printed = /^(lws_\S+)$/m.exec(cli.out)?.[1] ?? '';
    expect(printed).not.toBe(rotated.body.secret);
    expect(cli.out).toContain('New signing secret of reporters[0] (shown only now');

    for (const token of [readerToken, s.adminToken]) {
      const history = await s.call('GET', `${P}/history/scenario/signed`, { token });
      expect(history.status).toBe(200);
      expect(JSON.stringify(history.body)).not.toMatch(/lws_/);
    }
    const asReader = await s.call<Saved>('GET', `${P}/scenarios/signed`, { token: readerToken });
    expect(asReader.body.reporters[0].secret).toBe('********');
  });

  it('does not retry a 4xx, names the reporter to rotate when there are several, and signs report steps', async () => {
    http.respond('/gone', () => ({ status: 410, body: 'no such hook' }));
    const created = await s.call<Saved>('POST', `${P}/scenarios`, {
      token: s.adminToken,
      body: {
        id: 'two_hooks',
        steps: [{ type: 'report', reporter: { channel: 'webhook', url: `${http.url}/gone` } }],
        reporters: [{ on: 'always', channel: 'webhook', url: `${http.url}/second` }],
      },
    });
    expect(created.body.revealedSecrets?.map((r) => r.where)).toEqual(['reporters[0]', 'steps[0].reporter']);
    expect(created.body.steps[0].reporter?.secret).toBe('********');
    const failed = await run('two_hooks');
    expect(failed.steps?.[0].error).toBe(`${http.url}/gone answered 410: no such hook`);
    expect(http.of('/gone')).toHaveLength(1);
    const stepSecret = created.body.revealedSecrets?.[1].secret ?? '';
    expect(verifies(stepSecret, http.of('/gone')[0])).toBe(true);

    const unnamed = await s.call<{ error: { message: string } }>('POST', `${P}/scenarios/two_hooks/rotate-secret`, {
      token: s.adminToken,
      body: {},
    });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.message).toBe(
      'reporter: name the reporter whose secret to rotate, one of: reporters[0], steps[0].reporter',
    );
    const named = await s.call<Revealed>('POST', `${P}/scenarios/two_hooks/rotate-secret`, {
      token: s.adminToken,
      body: { reporter: 'steps[0].reporter' },
    });
    expect(named.status).toBe(200);
    expect(named.body.where).toBe('steps[0].reporter');
  });

  it('stops retrying when the run is aborted, and names only the host of a failing Slack URL', async () => {
    http.respond('/down', () => ({ status: 502, body: 'bad gateway' }));
    await s.call('POST', `${P}/scenarios`, {
      token: s.adminToken,
      body: { id: 'aborted', steps: [{ type: 'report', reporter: { channel: 'webhook', url: `${http.url}/down` } }] },
    });
    const r = await s.call<RunStarted>('POST', `${P}/scenarios/aborted/run`, { token: s.adminToken });
    await http.next('/down'); // the first attempt failed: waiting 1 s before the second
    await s.call('POST', `${P}/scenario-runs/${r.body.runId}/abort`, { token: s.adminToken });
    await Automation.of(s.ws).waitForRun('SIGN', r.body.runId);
    const aborted = await s.call<ScenarioRun>('GET', `${P}/scenario-runs/${r.body.runId}`, { token: s.adminToken });
    expect(aborted.body.outcome).toBe('ABORTED');
    // The third attempt would come 5 s after the first: it never does.
    await new Promise((resolve) => setTimeout(resolve, 5500));
    expect(http.of('/down').length).toBeLessThanOrEqual(2);

    http.respond('/slack-gone', () => ({ status: 404, body: 'no_service' }));
    await s.call('POST', `${P}/scenarios`, {
      token: s.adminToken,
      body: {
        id: 'chatty',
        steps: [{ type: 'noop' }],
        reporters: [{ on: 'always', channel: 'slack', url: `${http.url}/slack-gone/T000/TOKENPART` }],
      },
    });
    const done = await run('chatty');
    // Reports go out after the run ended: wait for the reporter's line.
    const logsOf = async () =>
      (await s.call<ScenarioRun>('GET', `${P}/scenario-runs/${done.id}`, { token: s.adminToken })).body.logs ?? [];
    await expect
      .poll(async () => (await logsOf()).map((l) => l.message))
      .toContain(`Reporter slack failed: ${http.url} answered 404: no_service`);
    expect(JSON.stringify(await logsOf())).not.toContain('TOKENPART');
  });
});
