import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/browser-suite.js';
import { apiClient, receiverCsv } from './support/seed.js';

/**
 * An analysis recipe created from the recipe editor's generated form: the columns of the input
 * to pick from, a preview on the first series, then save and run.
 */
describe('web UI: a trend recipe from its form', () => {
  const KEY = 'TRENDS';
  const suite = browserSuite({
    seed: async (_server, admin) => {
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Trends' });
      await admin.upload(`/api/projects/${KEY}/datasets/trec/upload`, receiverCsv(600), 'trec.csv');
    },
  });

  it('fills the form, previews, saves and builds', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/recipes`);
    await page.getByRole('link', { name: 'New trend' }).first().click();
    await page.getByLabel('Recipe name').fill('fit_drift');
    await page.getByLabel('Input dataset').selectOption('trec');
    await page.getByLabel('Output dataset').fill('drift');
    await page.getByRole('button', { name: 'antenna', exact: true }).click();
    await page.getByLabel(/^Order by/i).selectOption('observed_at');
    await page.getByLabel(/^Column/i).selectOption('trec_k');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByText('slope_lower').waitFor();
    await preview.getByText('DA47').waitFor();
    await page.getByRole('button', { name: 'Save and run' }).click();
    await page.getByText(/Saved revision 1/).waitFor();
    // The run started by the button: its output appears once the build is done.
    const api = apiClient(suite.server.url, suite.server.adminToken);
    let rows: { columns: string[]; rows: unknown[][] } | null = null;
    for (let tries = 0; tries < 600 && !rows; tries++) {
      rows = await api
        .call<{ columns: string[]; rows: unknown[][] }>('GET', `/api/projects/${KEY}/datasets/drift/data`)
        .catch(() => null);
      if (!rows) await new Promise((r) => setTimeout(r, 200));
    }
    if (!rows) throw new Error('drift was not built');
    const antenna = rows.columns.indexOf('antenna');
    const trend = rows.columns.indexOf('trend');
    expect(rows.rows).toHaveLength(12);
    expect(rows.rows.find((r) => r[antenna] === 'DA47')?.[trend]).toBe('increasing');
  }, 240_000);

  it('takes a change-point penalty by name or as a number, and shows no fields the type does not use', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/recipes/new?type=changepoints`);
    await page.getByLabel('Recipe name').fill('steps');
    await page.getByLabel('Input dataset').selectOption('trec');
    await page.getByLabel('Output dataset').fill('trec_steps');
    await page.getByRole('button', { name: 'antenna', exact: true }).click();
    await page.getByLabel(/^Order by/i).selectOption('observed_at');
    await page.getByLabel(/^Column/i).selectOption('trec_k');
    const settings = page.getByRole('region', { name: /settings/ });
    await settings.getByLabel(/^Min size/).waitFor();
    expect(await settings.getByText('Outputs', { exact: true }).count()).toBe(0);
    expect(await settings.getByText(/Partition dependencies/).count()).toBe(0);
    const penalty = page.getByLabel(/^Penalty/);
    await penalty.selectOption('mbic');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved revision 1/).waitFor();
    const api = apiClient(suite.server.url, suite.server.adminToken);
    const named = await api.call<{ penalty: unknown }>('GET', `/api/projects/${KEY}/recipes/steps`);
    expect(named.penalty).toBe('mbic');
    await penalty.selectOption({ label: 'a number…' });
    await page.getByRole('spinbutton', { name: 'Number' }).fill('12.5');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved revision 2/).waitFor();
    const numbered = await api.call<{ penalty: unknown }>('GET', `/api/projects/${KEY}/recipes/steps`);
    expect(numbered.penalty).toBe(12.5);
  }, 240_000);
});
