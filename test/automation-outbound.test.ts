import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Automation } from '../src/automation/automation.js';
import { VERSION } from '../src/common/version.js';
import type { RunStarted, ScenarioRun } from './support/api-types.js';
import { startTestServer, type TestServer } from './support/llano-server.js';
import { startHttpReceiver, type HttpReceiver } from './support/receivers.js';

/**
 * Outbound requests (HTTP steps, webhook and Slack reporters) against a real local receiver: a
 * server with no LLANO_OUTBOUND_ALLOW refuses every internal address before connecting; one that
 * allows 127.0.0.1 reaches the receiver, follows a few redirects (each checked again) and shows
 * only a short, cleaned excerpt of an answer.
 */
describe('outbound requests: internal addresses refused unless allowed', () => {
  let closed: TestServer; // no outbound exceptions (the default)
  let open: TestServer; // LLANO_OUTBOUND_ALLOW=127.0.0.1
  let http: HttpReceiver;
  const P = '/api/projects/OUT';

  const runScenario = async (s: TestServer, body: Record<string, unknown>): Promise<ScenarioRun> => {
    const saved = await s.call('PUT', `${P}/scenarios/${String(body.id)}`, { token: s.adminToken, body });
    expect(saved.status, JSON.stringify(saved.body)).toBeLessThan(300);
    const r = await s.call<RunStarted>('POST', `${P}/scenarios/${String(body.id)}/run`, { token: s.adminToken });
    expect(r.status).toBe(202);
    await Automation.of(s.ws).waitForRun('OUT', r.body.runId);
    return (await s.call<ScenarioRun>('GET', `${P}/scenario-runs/${r.body.runId}`, { token: s.adminToken })).body;
  };
  const httpStepError = async (s: TestServer, id: string, url: string) => {
    const run = await runScenario(s, { id, steps: [{ type: 'http', url }] });
    expect(run.outcome).toBe('FAILED');
    return run.steps?.[0].error ?? '';
  };

  beforeAll(async () => {
    [closed, open, http] = await Promise.all([
      startTestServer(),
      startTestServer({ outboundAllow: ['127.0.0.1'] }),
      startHttpReceiver(),
    ]);
    for (const s of [closed, open])
      expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'OUT' } })).status).toBe(201);
  });
  afterAll(() => Promise.all([closed?.stop(), open?.stop(), http?.stop()]));

  it('refuses loopback, a name resolving to it, [::1] and the metadata address, without connecting', async () => {
    const port = new URL(http.url).port;
    const hint = 'an administrator can allow it with LLANO_OUTBOUND_ALLOW';
    expect(await httpStepError(closed, 'to_loopback', `${http.url}/secret-a`)).toBe(
      `GET ${http.url}/secret-a: refused: 127.0.0.1 is a loopback address; ${hint}`,
    );
    expect(await httpStepError(closed, 'to_localhost', `http://localhost:${port}/secret-b`)).toBe(
      `GET http://localhost:${port}/secret-b: refused: localhost resolves to 127.0.0.1, a loopback address; ${hint}`,
    );
    expect(await httpStepError(closed, 'to_v6_loopback', `http://[::1]:${port}/secret-c`)).toMatch(
      /refused: ::1 is a loopback address/,
    );
    expect(await httpStepError(closed, 'to_mapped', `http://[::ffff:127.0.0.1]:${port}/secret-d`)).toMatch(
      /refused: ::ffff:7f00:1 is a loopback address \(IPv4-mapped\)/,
    );
    expect(await httpStepError(closed, 'to_metadata', 'http://169.254.169.254/latest/meta-data/')).toMatch(
      /refused: 169\.254\.169\.254 is the cloud metadata address/,
    );
    expect(await httpStepError(closed, 'to_private', 'http://10.1.2.3/')).toMatch(
      /refused: 10\.1\.2\.3 is a private \(RFC 1918\) address/,
    );
    expect(http.received.filter((r) => r.path.startsWith('/secret'))).toEqual([]);
  });

  it('refuses a webhook reporter to an internal address, once (no retries), and says why in the run log', async () => {
    const run = await runScenario(closed, {
      id: 'report_inside',
      steps: [{ type: 'noop' }],
      reporters: [
        { on: 'always', channel: 'webhook', url: `${http.url}/inside-hook` },
        { on: 'always', channel: 'slack', url: `${http.url}/inside-slack` },
      ],
    });
    const logs = (run.logs ?? []).map((l) => l.message);
    expect(logs).toContain(
      'Reporter webhook failed: refused: 127.0.0.1 is a loopback address; an administrator can allow it with LLANO_OUTBOUND_ALLOW',
    );
    expect(logs.some((m) => m.startsWith('Reporter slack failed: refused: 127.0.0.1'))).toBe(true);
    expect(http.of('/inside-hook')).toEqual([]);
  });

  it('reaches an allowed address with a Llano user-agent; a failure shows the status and a short cleaned excerpt only', async () => {
    const ok = await runScenario(open, { id: 'allowed', steps: [{ type: 'http', url: `${http.url}/fine` }] });
    expect(ok.outcome).toBe('SUCCESS');
    expect(http.of('/fine')[0].headers['user-agent']).toBe(`Llano/${VERSION}`);

    http.respond('/leaky', () => ({
      status: 500,
      body: 'line one\r\n\u001b[31mred\u001b[0m\tand\u0000more ' + 'x'.repeat(10_000) + ' END-OF-DOCUMENT',
    }));
    const error = await httpStepError(open, 'leaky', `${http.url}/leaky`);
    const excerpt = error.replace(`GET ${http.url}/leaky answered 500: `, '');
    expect(error.startsWith(`GET ${http.url}/leaky answered 500: line one `)).toBe(true);
    expect(excerpt.length).toBeLessThanOrEqual(201); // 200 characters and "…"
    expect(excerpt).not.toMatch(/[\u0000-\u001f]/); // eslint-disable-line no-control-regex
    expect(error).not.toContain('END-OF-DOCUMENT');
  });

  it('follows a few redirects, checking each target; a redirect to an internal address is refused', async () => {
    const port = new URL(http.url).port;
    http.respond('/moved', () => ({ status: 302, headers: { location: '/landing' } }));
    const moved = await runScenario(open, { id: 'moved', steps: [{ type: 'http', url: `${http.url}/moved` }] });
    expect(moved.outcome).toBe('SUCCESS');
    expect(http.of('/landing')).toHaveLength(1);

    http.respond('/to-metadata', () => ({ status: 307, headers: { location: 'http://169.254.169.254/latest/' } }));
    expect(await httpStepError(open, 'to_metadata', `${http.url}/to-metadata`)).toMatch(
      /refused: 169\.254\.169\.254 is the cloud metadata address/,
    );
    http.respond('/to-v6', () => ({ status: 301, headers: { location: `http://[::1]:${port}/secret-e` } }));
    expect(await httpStepError(open, 'to_v6', `${http.url}/to-v6`)).toMatch(/refused: ::1 is a loopback address/);

    http.respond('/loop', () => ({ status: 302, headers: { location: '/loop' } }));
    expect(await httpStepError(open, 'looping', `${http.url}/loop`)).toBe(
      `GET ${http.url}/loop: ${http.url}/loop: more than 3 redirects`,
    );
    expect(http.of('/loop')).toHaveLength(4); // the first request and 3 redirects
  });
});
