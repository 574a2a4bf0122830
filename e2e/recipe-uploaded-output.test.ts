import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/browser-suite.js';
import { expectText } from './support/expect-text.js';

/**
 * A SQL recipe whose output is a dataset of uploaded data: saving asks first (the app's own
 * dialog); Cancel leaves the recipe unsaved with the server's reason shown, confirming saves it.
 */
describe('web UI: a recipe writing a dataset of uploaded data', () => {
  const KEY = 'UPLOADED';
  const csv = 'antenna,band\nDA41,3\nDA42,6\n';
  const suite = browserSuite({
    seed: async (server, admin) => {
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Uploaded' });
      await admin.upload(`/api/projects/${KEY}/datasets/obs/upload`, csv, 'obs.csv');
      await admin.upload(`/api/projects/${KEY}/datasets/targets/upload`, csv, 'targets.csv');
    },
  });

  it('asks before taking the dataset over; Cancel does not save, confirming does', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/datasets/obs`);
    await page.getByRole('link', { name: 'New SQL recipe' }).click();
    await page.getByLabel('SQL query').waitFor();
    await page.getByLabel('Recipe name').fill('take_targets');
    await page.getByLabel('Output dataset').fill('targets');

    const dialog = page.getByRole('dialog', { name: 'Replace the data of targets?' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(dialog, /would replace the uploaded data of targets \(uploaded from targets\.csv, 2 rows\)/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expectText(page.getByRole('alert'), /would replace the uploaded data of targets/);
    const missing = await suite.admin.call('GET', `/api/projects/${KEY}/recipes/take_targets`).then(
      () => 'saved',
      () => 'missing',
    );
    expect(missing).toBe('missing');

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.getByRole('button', { name: 'Replace data' }).click();
    await page.waitForURL(/\/recipes\/take_targets$/);
    const saved = await suite.admin.call<{ output: string }>('GET', `/api/projects/${KEY}/recipes/take_targets`);
    expect(saved.output).toBe('targets');
  }, 240_000);
});
