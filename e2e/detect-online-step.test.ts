import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../test/support/llano-server.js';
import { logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import { apiClient } from './support/seed.js';

const KEY = 'WATCH';

/** The detect-online step in the scenario editor: listed with the other step types, its form generated from its schema. */
describe('web UI: detect-online step', () => {
  const suite = browserSuite({
    logIn: false,
    seed: async (server, admin) => {
      await admin.call('POST', '/api/projects', { key: KEY });
      await admin.call('POST', `/api/projects/${KEY}/scenarios`, { id: 'watch', steps: [{ type: 'noop' }] });
      expect(
        (
          await server.upload(
            `/api/projects/${KEY}/datasets/readings/upload`,
            'ts,antenna,trec\n2030-01-01,DA41,40\n',
            'r.csv',
          )
        ).status,
      ).toBe(201);
    },
  });

  it('adds a detect-online step through its generated form and saves it', async () => {
    const { page } = suite.browser;
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`/projects/${KEY}/scenarios/watch`);
    const steps = page.getByRole('region', { name: 'Steps' });
    await steps.getByLabel('New step type').selectOption({ label: 'Detect anomalies online' });
    await steps.getByRole('button', { name: 'Add step' }).click();
    const added = steps.getByRole('group', { name: 'step 2' });
    await added.getByLabel(/^Dataset/).fill('readings');
    await added.getByLabel(/^Order by/i).fill('ts');
    await added.getByLabel(/^Column/).fill('trec');
    await added.getByLabel(/^Output/).fill('trec_alarms');
    await added.getByLabel(/^On alarm/i).selectOption('fail');
    await added
      .getByRole('button', { name: 'readings' })
      .first()
      .waitFor({ state: 'attached' })
      .catch(() => undefined);
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
      orderBy: 'ts',
      column: 'trec',
      output: 'trec_alarms',
      onAlarm: 'fail',
    });
  });
});
