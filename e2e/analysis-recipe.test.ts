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
});
