import { describe, expect, it } from 'vitest';
import { launchBrowser, logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import { expectText } from './support/expect-text.js';

/**
 * API services in the browser: an admin creates a service, writes a SQL endpoint with a
 * parameter, runs its saved test, deploys, creates a key (shown once) that then answers a real
 * call, and revokes it after confirming; a reader sees the service without edit controls.
 */
describe('web UI: API services', () => {
  const KEY = 'APIUI';
  const CSV = 'antenna,band,trec\nDA41,3,35.5\nDA42,3,36.5\nDV01,6,55.0\n';
  const suite = browserSuite({
    seed: async (_server, admin) => {
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Receivers' });
      await admin.upload(`/api/projects/${KEY}/datasets/obs/upload`, CSV, 'obs.csv');
      await admin.call('POST', '/api/users', { username: 'viewer', password: 'viewer-password-1' });
      await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader' });
    },
  });

  it('creates, edits, tests, deploys a service and manages its keys', async () => {
    const { page, server } = suite;
    await page.goto(`/projects/${KEY}`);
    await page.getByRole('link', { name: 'API services' }).click();
    await page.getByText('No API services').waitFor();
    await page.getByRole('button', { name: 'New API service' }).click();
    await page.getByLabel('ID (in the URL)').fill('rx');
    await page.getByLabel('Name').fill('Receivers');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('No endpoints').waitFor();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint ID (in the URL)').fill('band');
    const editor = page.getByRole('textbox', { name: 'Endpoint SQL' });
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('SELECT antenna FROM obs WHERE band = :band ORDER BY antenna');
    await page.getByRole('button', { name: 'Add parameter' }).click();
    await page.getByLabel('Name of parameter 1').fill('band');
    await page.getByLabel('Type of parameter band').selectOption('integer');
    await page.getByLabel(/Saved tests/).fill('[{"name":"band 3","body":{"band":3}}]');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByRole('button', { name: 'Run saved tests' }).click();
    const results = page.getByRole('table', { name: 'Test results' });
    await results.getByText('DA42').waitFor();
    await page.getByRole('button', { name: 'Deploy saved version' }).click();
    await page.getByText('Deployed version 1').waitFor();
    await page.getByText('answers callers', { exact: true }).waitFor();

    await page.getByLabel('Who uses the new key').fill('ops');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-service-key').textContent())!.trim();
    expect(key).toMatch(/^llsk_/);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    const call = () =>
      fetch(`${server.url}/services/${KEY}/rx/band`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: '{"band":3}',
      });
    const answer = await call();
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ rows: [{ antenna: 'DA41' }, { antenna: 'DA42' }] });
    // The key is not on the page any more, only its prefix.
    expect(await page.content()).not.toContain(key);

    await page.getByRole('button', { name: 'Revoke ops' }).click();
    await page.getByRole('dialog', { name: 'Revoke key ops?' }).getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('Revoked key ops.').waitFor();
    expect((await call()).status).toBe(401);
  }, 180_000);

  it('shows a reader the service without edit or key controls', async () => {
    const viewer = await launchBrowser(suite.server.url);
    try {
      await logIn(viewer.page, 'viewer', 'viewer-password-1');
      await viewer.page.goto(`/projects/${KEY}/api-services/rx`);
      await viewer.page.getByText('You can read this API service.').waitFor();
      await viewer.page.getByText('Keys of this service are managed by project admins.').waitFor();
      expect(await viewer.page.getByRole('button', { name: 'Add endpoint' }).count()).toBe(0);
      expect(
        await viewer.page.getByRole('button', { name: 'Deploy saved version' }).getAttribute('aria-disabled'),
      ).toBe('true');
      expect(await viewer.page.getByRole('button', { name: 'Delete' }).getAttribute('aria-disabled')).toBe('true');
      expect(viewer.pageErrors).toEqual([]);
    } finally {
      await viewer.close();
    }
  }, 120_000);

  it('deletes a service after a confirmation that says its deployed versions go with it', async () => {
    const { page, admin, server } = suite;
    await admin.call('POST', `/api/projects/${KEY}/api-services`, {
      id: 'old',
      endpoints: [{ id: 'one', type: 'sql-query', sql: 'SELECT 1 AS one', parameters: [] }],
    });
    await admin.call('POST', `/api/projects/${KEY}/api-services/old/deploy`, {});
    await page.goto(`/projects/${KEY}/api-services/old`);
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the API service old?' });
    await expectText(dialog, /get 404 at once: its 1 deployed version/);
    await dialog.getByRole('button', { name: 'Delete service' }).click();
    await page.getByRole('heading', { name: 'API services' }).waitFor();
    expect(
      (await server.call('GET', `/api/projects/${KEY}/api-services/old`, { token: server.adminToken })).status,
    ).toBe(404);
  }, 120_000);
});
