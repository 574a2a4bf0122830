import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/browser-suite.js';
import { logIn } from './support/browser.js';
import { READER, seedSmallProject, type SmallProject } from './support/small-project.js';

/**
 * A reader opens a visual recipe (which now has its History tab, as SQL recipes had): Save, Save
 * and run, Convert to SQL recipe and Revert stay in view, disabled with the reason (a trial found
 * them enabled, failing only after the click).
 */
describe('web UI: a reader’s recipe controls', () => {
  let p: SmallProject;
  const suite = browserSuite({
    seed: async (server, admin) => {
      p = await seedSmallProject(server);
      const recipe = (aggregation: string) => ({
        name: 'by_band',
        type: 'group',
        inputs: [p.dataset],
        output: 'trec_by_band',
        params: { keys: ['band'], aggregations: [{ column: 'trec_k', agg: aggregation, as: 'trec' }] },
      });
      await admin.call('POST', `/api/projects/${p.key}/recipes`, recipe('avg'));
      // A second revision, so that the history offers a revert.
      await admin.call('PUT', `/api/projects/${p.key}/recipes/by_band`, recipe('max'));
    },
    logIn: false,
  });

  it('sees the editing buttons and Revert disabled with the reason; clicking does nothing', async () => {
    const { page } = suite.browser;
    await logIn(page, READER.username, READER.password);
    await page.goto(`/projects/${p.key}/recipes/by_band`);
    for (const name of ['Save', 'Save and run', 'Convert to SQL recipe']) {
      const button = page.getByRole('button', { name, exact: true });
      await button.waitFor();
      expect(await button.getAttribute('aria-disabled'), name).toBe('true');
      expect(await button.getAttribute('title')).toMatch(/Needs the writer role in this project; you are a reader/);
    }
    await page.getByRole('button', { name: 'Save', exact: true }).click({ force: true });
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.getByRole('tab', { name: 'History' }).click();
    const revert = page.getByRole('button', { name: 'Revert' });
    await revert.waitFor();
    expect(await revert.getAttribute('aria-disabled')).toBe('true');
    await revert.click({ force: true });
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
