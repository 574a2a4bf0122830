import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../test/support/llano-server.js';
import { launchBrowser, logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import { receiverCsv } from './support/seed.js';
import { READER, seedSmallProject, type SmallProject } from './support/small-project.js';

/** The dataset's Versions tab: an old version's rows previewed, and restored after the app's own question. */
describe('web UI: previewing and restoring old dataset versions', () => {
  let p: SmallProject;
  const suite = browserSuite({
    seed: async (server, admin) => {
      p = await seedSmallProject(server);
      // A second upload: version 1 (500 rows) is now the previous one, its data still kept.
      await admin.upload(`/api/projects/${p.key}/datasets/${p.dataset}/upload`, receiverCsv(40), 'receiver_temps.csv');
    },
    logIn: false,
  });

  it('a writer previews version 1, is told which recipes become stale, and restores it as version 3', async () => {
    const { page } = suite.browser;
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`/projects/${p.key}/datasets/${p.dataset}/versions`);
    await page.getByRole('button', { name: 'Preview version 1' }).click();
    const preview = page.getByRole('region', { name: 'Rows of version 1' });
    const grid = preview.getByRole('grid', { name: 'Dataset rows' });
    await grid.waitFor();
    await expect.poll(() => grid.getAttribute('aria-rowcount')).toBe('501');

    await page.getByRole('button', { name: 'Restore version 1' }).click();
    const dialog = page.getByRole('dialog', { name: `Restore version 1 of ${p.dataset}?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`Recipes that become stale: ${p.recipe}.`);
    await dialog.getByRole('button', { name: 'Restore version' }).click();
    await page.getByRole('status').filter({ hasText: 'Restored version 1 as version 3.' }).waitFor();
    await page.getByText('restore of version 1').waitFor();
    const dataset = await suite.server.call<{ rowCount: number; currentVersion: { seq: number } }>(
      'GET',
      `/api/projects/${p.key}/datasets/${p.dataset}`,
      { token: suite.server.adminToken },
    );
    expect(dataset.body).toMatchObject({ rowCount: 500, currentVersion: { seq: 3 } });
  });

  it('a reader may preview but sees Restore disabled with the reason', async () => {
    const reader = await launchBrowser(suite.server.url);
    try {
      const { page } = reader;
      await logIn(page, READER.username, READER.password);
      await page.goto(`/projects/${p.key}/datasets/${p.dataset}/versions`);
      const restore = page.getByRole('button', { name: 'Restore version 2' });
      await restore.waitFor();
      expect(await restore.getAttribute('aria-disabled')).toBe('true');
      expect(await restore.getAttribute('title')).toMatch(/Needs the writer role in this project; you are a reader/);
      await restore.click({ force: true });
      expect(await page.getByRole('dialog').count()).toBe(0);
      await page.getByRole('button', { name: 'Preview version 2' }).click();
      await page.getByRole('region', { name: 'Rows of version 2' }).getByRole('grid').waitFor();
      expect(reader.pageErrors).toEqual([]);
    } finally {
      await reader.close();
    }
  });
});
