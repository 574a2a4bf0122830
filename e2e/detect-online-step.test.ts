import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../test/support/llano-server.js';
import { a11yViolations, overflowX, seriousOnes } from './support/a11y.js';
import { logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import { apiClient } from './support/seed.js';

const KEY = 'WATCH';

/**
 * The detect-online step in the scenario editor: listed with the other step types, its datasets
 * picked from the project's, its columns from the chosen dataset's, like the analysis recipe forms.
 */
describe('web UI: detect-online step', () => {
  const suite = browserSuite({
    logIn: false,
    seed: async (server, admin) => {
      await admin.call('POST', '/api/projects', { key: KEY });
      await admin.call('POST', `/api/projects/${KEY}/scenarios`, { id: 'watch', steps: [{ type: 'noop' }] });
      const upload = async (name: string, csv: string) =>
        expect((await server.upload(`/api/projects/${KEY}/datasets/${name}/upload`, csv, `${name}.csv`)).status).toBe(
          201,
        );
      await upload('readings', 'ts,antenna,band,trec\n2030-01-01,DA41,ALMA_RB_07,40\n');
      await upload('swaps', 'antenna_name,swapped_at\nDA41,2030-01-02\n');
    },
  });

  it('adds a detect-online step with dataset selects, column selects and pickers, and saves it', async () => {
    const { page } = suite.browser;
    await page.setViewportSize({ width: 1440, height: 900 });
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`/projects/${KEY}/scenarios/watch`);
    const steps = page.getByRole('region', { name: 'Steps' });
    await steps.getByLabel('New step type').selectOption({ label: 'Detect anomalies online' });
    await steps.getByRole('button', { name: 'Add step' }).click();
    const added = steps.getByRole('group', { name: 'step 2' });
    const dataset = added.getByRole('combobox', { name: /^Dataset/ });
    // A select of the project's datasets, not a text box.
    await expect.poll(() => dataset.evaluate((e) => e.tagName)).toBe('SELECT');
    await dataset.selectOption('readings');
    // The columns of the chosen dataset: every one to order by, the numeric ones to score.
    const orderBy = added.getByRole('combobox', { name: /^Order by/ });
    await expect.poll(() => orderBy.evaluate((e) => e.tagName)).toBe('SELECT');
    expect(await orderBy.locator('option').allTextContents()).toEqual(['— choose —', 'ts', 'antenna', 'band', 'trec']);
    await orderBy.selectOption('ts');
    const column = added.getByRole('combobox', { name: /^Column/ });
    expect(await column.locator('option').allTextContents()).toEqual(['— choose —', 'trec']);
    await column.selectOption('trec');
    const groupBy = added.getByRole('group', { name: /^Group by/ });
    await groupBy.getByRole('button', { name: 'antenna' }).click();
    // The output may be a new dataset: a text box with the datasets it may write as suggestions.
    const output = added.getByRole('combobox', { name: /^Output/ });
    expect(await output.evaluate((e) => e.tagName)).toBe('INPUT');
    await output.fill('trec_alarms');
    await added.getByRole('combobox', { name: /^Reset dataset/ }).selectOption('swaps');
    await added.getByRole('combobox', { name: /^Reset time/ }).selectOption('swapped_at');
    const resetKeys = added.getByRole('group', { name: /^Reset keys/ });
    await resetKeys.getByRole('button', { name: 'antenna_name' }).click();
    await added.getByLabel(/^On alarm/i).selectOption('fail');

    expect(seriousOnes(await a11yViolations(page))).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect((await overflowX(page)).extra).toBe(0);
    expect(seriousOnes(await a11yViolations(page))).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByRole('button', { name: 'Save scenario' }).click();
    const admin = apiClient(suite.server.url, suite.server.adminToken);
    await expect
      .poll(
        async () =>
          (await admin.call<{ steps: { type: string }[] }>('GET', `/api/projects/${KEY}/scenarios/watch`)).steps.length,
      )
      .toBe(2);
    const saved = await admin.call<{ steps: Record<string, unknown>[] }>('GET', `/api/projects/${KEY}/scenarios/watch`);
    expect(saved.steps[1]).toMatchObject({
      type: 'detect-online',
      dataset: 'readings',
      groupBy: ['antenna'],
      orderBy: 'ts',
      column: 'trec',
      output: 'trec_alarms',
      resetDataset: 'swaps',
      resetTime: 'swapped_at',
      resetKeys: ['antenna_name'],
      onAlarm: 'fail',
    });
  });
});
