import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebIfStale } from '../bin/build-web-if-needed.js';
import { Automation } from '../src/automation/automation.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/support/llano-server.js';
import { startHttpReceiver, type HttpReceiver } from '../test/support/receivers.js';
import { launchBrowser, logIn, type TestBrowser } from './support/browser.js';
import { expectText } from './support/expect-text.js';
import { apiClient } from './support/seed.js';

const KEY = 'HOOKS';

/**
 * A webhook reporter's signing secret in the scenario editor: shown once after the save that
 * made it (with Copy), then hidden; "Rotate secret" after a confirmation shows the new one once;
 * readers see neither the secret nor the button. The shown secret verifies a real delivery.
 */
describe('web UI: webhook signing secret', () => {
  let server: TestServer;
  let http: HttpReceiver;
  let b: TestBrowser;

  const deliver = async () => {
    const before = http.of('/ui-hook').length;
    const admin = apiClient(server.url, server.adminToken);
    const { runId } = await admin.call<{ runId: string }>('POST', `/api/projects/${KEY}/scenarios/hooked/run`);
    await Automation.of(server.ws).waitForRun(KEY, runId);
    await expect.poll(() => http.of('/ui-hook').length).toBe(before + 1);
    return http.of('/ui-hook')[before];
  };
  const signature = (secret: string, body: string) =>
    `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  beforeAll(async () => {
    await buildWebIfStale({ quiet: true });
    [server, http] = await Promise.all([startTestServer({ outboundAllow: ['127.0.0.1'] }), startHttpReceiver()]);
    const admin = apiClient(server.url, server.adminToken);
    await admin.call('POST', '/api/projects', { key: KEY });
    await admin.call('POST', `/api/projects/${KEY}/scenarios`, { id: 'hooked', steps: [{ type: 'noop' }] });
    await admin.call('POST', '/api/users', { username: 'viewer', password: 'viewer-password-1' });
    await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader' });
    b = await launchBrowser(server.url);
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  }, 300_000);

  afterAll(async () => {
    expect(b?.pageErrors ?? []).toEqual([]);
    await b?.close();
    await Promise.all([server?.stop(), http?.stop()]);
  });

  it('shows the secret once after saving, with Copy; rotating asks first and shows the new one once', async () => {
    const { page } = b;
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`/projects/${KEY}/scenarios/hooked`);
    await page.getByLabel('New reporter type').selectOption({ label: 'JSON webhook' });
    await page.getByRole('button', { name: 'Add reporter' }).click();
    const reporter = page.getByRole('group', { name: 'reporter 1' });
    await reporter.getByLabel(/^URL/).fill(`${http.url}/ui-hook`);
    await reporter.getByLabel(/^On/).selectOption('always');
    await reporter.getByText('A signing secret is made when the scenario is saved').waitFor();
    await page.getByRole('button', { name: 'Save scenario' }).click();

    const shown = reporter.getByLabel('Signing secret', { exact: true });
    await shown.waitFor();
    const secret = (await shown.textContent())?.trim() ?? '';
    expect(secret).toMatch(/^lws_/);
    await reporter.getByRole('button', { name: 'Copy' }).click();
    await reporter.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const first = await deliver();
    expect(first.headers['x-llano-signature']).toBe(signature(secret, first.body));

    // Gone after a reload: only that it exists, and the way to rotate it.
    await page.reload();
    await reporter.getByText('Each delivery is signed (X-Llano-Signature)').waitFor();
    expect(await page.content()).not.toContain(secret);

    await reporter.getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    await expectText(dialog, /The old one stops working at once/);
    await dialog.getByRole('button', { name: 'Rotate the secret' }).click();
    await shown.waitFor();
    const rotated = (await shown.textContent())?.trim() ?? '';
    expect(rotated).toMatch(/^lws_/);
    expect(rotated).not.toBe(secret);
    const second = await deliver();
    expect(second.headers['x-llano-signature']).toBe(signature(rotated, second.body));
  });

  it('shows a reader neither the secret nor the rotate button', async () => {
    const { page } = b;
    await page.context().clearCookies();
    await logIn(page, 'viewer', 'viewer-password-1');
    await page.goto(`/projects/${KEY}/scenarios/hooked`);
    const reporter = page.getByRole('group', { name: 'reporter 1' });
    await reporter.getByText('Each delivery is signed (X-Llano-Signature)').waitFor();
    expect(await reporter.getByRole('button', { name: 'Rotate secret' }).count()).toBe(0);
    expect(await page.content()).not.toMatch(/lws_/);
  });
});
