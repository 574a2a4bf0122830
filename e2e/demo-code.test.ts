import { describe, expect, it } from 'vitest';
import { ensureDemo } from '../src/alma/demo.js';
import { a11yViolations, seriousOnes } from './support/a11y.js';
import { browserSuite } from './support/browser-suite.js';

/**
 * The demo's code as a new user meets it: its notebook opens and runs a cell of each language
 * over the demo's datasets, its Python recipe (importing a project library) runs on a sample, and
 * on a phone the project menu opens as a drawer listing notebooks and library files; none of these
 * pages has a serious accessibility violation.
 */
describe('web UI: the demo project’s notebook and code recipes', () => {
  const suite = browserSuite({
    seed: async (server) => {
      await ensureDemo(server.ws, () => undefined, { days: 2 });
    },
  });

  it('opens the demo notebook and runs its SQL, Python and TypeScript cells', async () => {
    const { page } = suite.browser;
    await page.goto('/projects/ALMA_OPS/notebooks');
    await page.getByRole('link', { name: 'Receiver temperatures: a first look' }).click();
    await page.getByRole('heading', { name: 'Receiver temperatures: a first look', level: 1 }).waitFor();
    expect(seriousOnes(await a11yViolations(page))).toEqual([]);

    await page.getByRole('button', { name: 'Run cell 2' }).click();
    const bands = page.getByRole('region', { name: 'Output of cell 2' });
    await bands.getByRole('columnheader', { name: 'warming' }).waitFor();
    await page.getByRole('button', { name: 'Run cell 3' }).click();
    // The band's frequency range comes from the project library receiver_bands.py.
    await page.getByRole('region', { name: 'Output of cell 3' }).getByRole('columnheader', { name: 'ghz' }).waitFor();
    await page.getByRole('button', { name: 'Run cell 4' }).click();
    await page.getByRole('region', { name: 'Output of cell 4' }).locator('canvas').first().waitFor();
    expect(await page.locator('.cell-error').count()).toBe(0);
    expect(seriousOnes(await a11yViolations(page))).toEqual([]);
  }, 120_000);

  it('runs the Python recipe on a sample, its library imported', async () => {
    const { page } = suite.browser;
    await page.goto('/projects/ALMA_OPS/recipes/summarise_band_usage');
    await page.getByText('Python recipe').first().waitFor();
    await page.getByRole('button', { name: 'Run on a sample' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByText('band_low_ghz').waitFor();
    expect(seriousOnes(await a11yViolations(page))).toEqual([]);
  }, 60_000);

  it('on a phone, opens the project menu as a drawer that lists notebooks and library files', async () => {
    const { page } = suite.browser;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto('/projects/ALMA_OPS');
      await page.locator('.stat-tile').first().waitFor();
      const drawer = page.locator('#project-sidebar');
      await page.getByRole('button', { name: 'Project menu' }).click();
      await drawer.getByRole('link', { name: 'Notebooks' }).click();
      await page.getByRole('link', { name: 'Receiver temperatures: a first look' }).waitFor();
      expect(seriousOnes(await a11yViolations(page))).toEqual([]);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  }, 60_000);
});
