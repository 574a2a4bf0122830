import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../test/support/llano-server.js';
import { logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import { apiClient } from './support/seed.js';

const KEY = 'CODED';

/** The "run code" step in the scenario editor: listed with the other step types, added, saved and run. */
describe('web UI: run-code step', () => {
  const suite = browserSuite({
    logIn: false,
    seed: async (_server, admin) => {
      await admin.call('POST', '/api/projects', { key: KEY });
      await admin.call('POST', `/api/projects/${KEY}/scenarios`, { id: 'coded', steps: [{ type: 'noop' }] });
    },
  });

  it('adds a Python code step through its form, saves it, runs it and shows what it printed', async () => {
    const { page } = suite.browser;
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`/projects/${KEY}/scenarios/coded`);
    const steps = page.getByRole('region', { name: 'Steps' });
    await steps.getByLabel('New step type').selectOption({ label: 'Run code (TypeScript or Python)' });
    await steps.getByRole('button', { name: 'Add step' }).click();
    const added = steps.getByRole('group', { name: 'step 2' });
    await added.getByLabel(/^Language/).selectOption('python');
    await added
      .getByLabel(/^Code/)
      .fill("def run(ctx, llano):\n    print('hello from', ctx['scenarioId'])\n    llano.setVariable('greeted', True)");
    await page.getByRole('button', { name: 'Save scenario' }).click();
    const admin = apiClient(suite.server.url, suite.server.adminToken);
    await expect
      .poll(
        async () =>
          (await admin.call<{ steps: { type: string }[] }>('GET', `/api/projects/${KEY}/scenarios/coded`)).steps.length,
      )
      .toBe(2);
    const saved = await admin.call<{ steps: Record<string, unknown>[] }>('GET', `/api/projects/${KEY}/scenarios/coded`);
    expect(saved.steps[1]).toMatchObject({ type: 'code', language: 'python' });

    await page.getByRole('button', { name: 'Run now' }).click();
    const run = page.getByRole('region', { name: 'Run' });
    await run.getByText('hello from coded').waitFor({ timeout: 60_000 });
    await expect
      .poll(async () => (await run.getByRole('table', { name: 'Steps' }).textContent()) ?? '', { timeout: 60_000 })
      .toMatch(/2 code.*SUCCESS/);
    const vars = await admin.call<Record<string, unknown>>('GET', `/api/projects/${KEY}/variables`);
    expect(vars.greeted).toBe(true);
  });
});
