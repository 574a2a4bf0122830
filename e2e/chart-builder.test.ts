import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { a11yViolations, overflowX, seriousOnes } from './support/a11y.js';
import { launchBrowser, logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';

/**
 * The chart builder's measures and small multiples in the browser: a writer adds and removes
 * measures (each a series), is told why a colour column and several measures do not go together,
 * caps the facets and sees how many were left out; the saved chart's rows are checked against
 * sums worked out from the CSV here; a reader sees it read-only; the builder works 390 px wide.
 */
describe('web UI: chart builder measures and facets', () => {
  const KEY = 'BUILD';
  const ROWS = [
    ['DA41', 3, 35.5],
    ['DA42', 3, 36.5],
    ['DV01', 6, 55.0],
    ['DV02', 7, 61.0],
    ['DA43', 7, 58.5],
    ['PM01', 7, 70.0],
  ] as const;
  const CSV = `antenna,band,trec\n${ROWS.map((r) => r.join(',')).join('\n')}\n`;
  const suite = browserSuite({
    seed: async (_server, admin) => {
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Receivers' });
      await admin.upload(`/api/projects/${KEY}/datasets/obs/upload`, CSV, 'obs.csv');
      await admin.call('POST', '/api/users', { username: 'viewer', password: 'viewer-password-1' });
      await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader' });
    },
  });

  /** Opens the builder on the dataset for a new chart with this id and name. */
  const newChart = async (page: Page, id: string, name: string) => {
    await page.goto(`/projects/${KEY}/insights/new?dataset=obs`);
    await page.getByLabel('ID').fill(id);
    await page.getByLabel('Name').fill(name);
  };

  /** avg and max of trec and the count per band, worked out from the rows above (independent of the engine). */
  const byBand = [3, 6, 7].map((band) => {
    const trec = ROWS.filter((r) => r[1] === band).map((r) => r[2]);
    return [band, trec.reduce((a, b) => a + b, 0) / trec.length, Math.max(...trec), trec.length];
  });

  it('adds measures drawn as series, refuses a colour beside them with the reason, removes one and saves', async () => {
    const { page } = suite.browser;
    await newChart(page, 'trec_measures', 'Trec by band, three ways');
    await page.getByLabel('X column').selectOption('band');
    await page.getByLabel('Aggregation').selectOption('avg');
    await page.getByLabel('Measure column').selectOption('trec');
    await page.getByRole('button', { name: 'Add a measure' }).click();
    await page.getByLabel('Aggregation 2').selectOption('max');
    await page.getByLabel('Measure column 2').selectOption('trec');
    const preview = page.waitForResponse(
      async (r) => r.url().endsWith('/insights/preview') && (await r.text()).includes('"count"'),
    );
    await page.getByRole('button', { name: 'Add a measure' }).click();
    const answered = (await (await preview).json()) as { columns: string[] };
    // Each measure is a series named by its aggregation (the legend's names).
    expect(answered.columns).toEqual(['band', 'avg(trec)', 'max(trec)', 'count']);
    await page.getByRole('img', { name: 'Trec by band, three ways' }).waitFor();

    // A colour column with several measures: the API's refusal shown, and no measure can be added.
    await page.getByLabel('Colour column').selectOption('antenna');
    await page.getByText('a colour column draws one measure: remove the colour or keep one measure').waitFor();
    expect(await page.getByRole('button', { name: 'Add a measure' }).isDisabled()).toBe(true);
    await page.getByText('A colour column draws one measure: remove the colour to compare measures.').waitFor();
    await page.getByLabel('Colour column').selectOption('');

    await page.getByRole('button', { name: 'Remove measure 3' }).click();
    expect(await page.getByLabel('Aggregation 3').count()).toBe(0);
    await page.getByText('3 rows').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 1.').waitFor();
    const saved = await suite.admin.call<{ chart: { y: unknown[] } }>(
      'GET',
      `/api/projects/${KEY}/insights/trec_measures`,
    );
    expect(saved.chart.y).toEqual([
      { agg: 'avg', column: 'trec' },
      { agg: 'max', column: 'trec' },
    ]);
    const data = await suite.admin.call<{ rows: number[][] }>(
      'GET',
      `/api/projects/${KEY}/insights/trec_measures/data`,
    );
    expect(data.rows.length).toBe(3);
    data.rows.forEach((row, i) => {
      expect(row[0]).toBe(byBand[i][0]);
      expect(row[1]).toBeCloseTo(byBand[i][1], 9);
      expect(row[2]).toBe(byBand[i][2]);
    });
  }, 120_000);

  it('caps the small multiples, says how many were left out, and orders them by value', async () => {
    const { page } = suite.browser;
    await newChart(page, 'trec_facets', 'Trec per antenna');
    await page.getByLabel('X column').selectOption('band');
    await page.getByLabel('Aggregation').selectOption('max');
    await page.getByLabel('Measure column').selectOption('trec');
    await page.getByLabel('Facet column').selectOption('antenna');
    await page.getByLabel('Small multiples drawn (1–12)').fill('2');
    await page.getByLabel('Sort').selectOption('y:desc');
    await page.getByText('showing 2 of 6 antenna values').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 1.').waitFor();
    const data = await suite.admin.call<{ rows: unknown[][]; facets: unknown }>(
      'GET',
      `/api/projects/${KEY}/insights/trec_facets/data`,
    );
    expect(data.facets).toEqual({ shown: 2, total: 6 });
    // The two antennas with the largest trec, largest first.
    const top = [...ROWS].sort((a, b) => b[2] - a[2]).slice(0, 2);
    expect(data.rows).toEqual(top.map((r) => [r[1], r[0], r[2]]));
  }, 120_000);

  it('bins the colour and the facet column like x, and names a measure in the legend', async () => {
    const { page } = suite.browser;
    await newChart(page, 'trec_binned_colour', 'Count by band, trec in two bins');
    await page.getByLabel('X column').selectOption('antenna');
    await page.getByLabel('Legend label').fill('Observations');
    await page.getByLabel('Colour column').selectOption('trec');
    await page.getByLabel('Colour binning').selectOption('width');
    await page.getByLabel('Colour bin width').fill('20');
    await page.getByLabel('Facet column').selectOption('band');
    await page.getByLabel('Facet binning').selectOption('width');
    await page.getByLabel('Facet bin width').fill('5');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 1.').waitFor();
    const saved = await suite.admin.call<{ chart: Record<string, unknown> }>(
      'GET',
      `/api/projects/${KEY}/insights/trec_binned_colour`,
    );
    expect(saved.chart).toMatchObject({
      color: { column: 'trec', bin: { method: 'width', width: 20 } },
      facet: { column: 'band', bin: { method: 'width', width: 5 } },
      y: [{ agg: 'count', label: 'Observations' }],
    });
    const data = await suite.admin.call<{ columns: string[]; rows: unknown[][] }>(
      'GET',
      `/api/projects/${KEY}/insights/trec_binned_colour/data`,
    );
    expect(data.columns).toContain('Observations');
    // Trec in bins of 20 (20–40, 40–60, 60–80) and bands in bins of 5 (0–5, 5–10), worked out here.
    const bins = new Set(data.rows.map((r) => String(r[data.columns.indexOf('trec')])));
    expect(bins).toEqual(new Set(ROWS.map((r) => String(Math.floor(r[2] / 20) * 20))));
    const bands = new Set(data.rows.map((r) => String(r[data.columns.indexOf('band')])));
    expect(bands).toEqual(new Set(['0', '5']));

    // Another width saved, then the first revision restored from the history: its width is shown again.
    await page.getByLabel('Colour bin width').fill('30');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 2.').waitFor();
    await page
      .getByRole('row')
      .filter({ has: page.getByRole('button', { name: 'Show revision 1' }) })
      .getByRole('button', { name: 'Revert' })
      .click();
    await page.getByRole('button', { name: 'Revert to revision 1' }).click();
    const revision = async () =>
      (await suite.admin.call<{ revision: number }>('GET', `/api/projects/${KEY}/insights/trec_binned_colour`))
        .revision;
    await expect.poll(revision, { timeout: 15_000 }).toBe(3);
    await expect.poll(() => page.getByLabel('Colour bin width').inputValue(), { timeout: 15_000 }).toBe('20');
    expect(await page.getByLabel('Facet bin width').inputValue()).toBe('5');
  }, 120_000);

  it('bins x into a number of bins and keeps a scatter’s point budget, both saved as set', async () => {
    const { page } = suite.browser;
    await newChart(page, 'trec_bins', 'Trec in two bins');
    await page.getByLabel('Chart kind').selectOption('histogram');
    await page.getByLabel('X column').selectOption('trec');
    await page.getByLabel('X binning').selectOption('count');
    await page.getByLabel('X bin count').fill('2');
    await page.getByText('2 rows').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 1.').waitFor();
    const bins = await suite.admin.call<{ rows: number[][] }>('GET', `/api/projects/${KEY}/insights/trec_bins/data`);
    // Two bins of equal width from the least to the largest trec; the maximum falls in the last one.
    const trec = ROWS.map((r) => r[2]);
    const [lo, hi] = [Math.min(...trec), Math.max(...trec)];
    const mid = lo + (hi - lo) / 2;
    expect(bins.rows).toEqual([
      [lo, mid, trec.filter((t) => t < mid).length],
      [mid, hi, trec.filter((t) => t >= mid).length],
    ]);

    await newChart(page, 'trec_points', 'Trec against band');
    await page.getByLabel('Chart kind').selectOption('scatter');
    await page.getByLabel('X column').selectOption('band');
    await page.getByLabel('Measure column').selectOption('trec');
    await page.getByLabel('Point budget (sampled above; 10–50000)').fill('10');
    await page.getByText('6 rows').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 1.').waitFor();
    const saved = await suite.admin.call<{ chart: Record<string, unknown> }>(
      'GET',
      `/api/projects/${KEY}/insights/trec_points`,
    );
    expect(saved.chart).toMatchObject({ kind: 'scatter', pointBudget: 10 });
  }, 120_000);

  it('shows a reader the builder read-only; 390 px wide it fits and has no serious axe violations', async () => {
    const reader = await launchBrowser(suite.server.url, { width: 390, height: 844 });
    try {
      await logIn(reader.page, 'viewer', 'viewer-password-1');
      await reader.page.goto(`/projects/${KEY}/insights/trec_measures`);
      await reader.page.getByText('read only').waitFor();
      expect(await reader.page.getByLabel('Aggregation 2').isDisabled()).toBe(true);
      expect(await reader.page.getByLabel('Measure column 2').isDisabled()).toBe(true);
      expect(await reader.page.getByRole('button', { name: 'Add a measure' }).count()).toBe(0);
      expect(await reader.page.getByRole('button', { name: /Remove measure/ }).count()).toBe(0);
      await reader.page.getByRole('img', { name: 'Trec by band, three ways' }).waitFor();
      expect((await overflowX(reader.page)).extra).toBe(0);
      expect(seriousOnes(await a11yViolations(reader.page))).toEqual([]);
      expect(reader.pageErrors).toEqual([]);
    } finally {
      await reader.close();
    }
  }, 120_000);
});
