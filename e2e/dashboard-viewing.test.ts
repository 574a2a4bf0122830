import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/browser-suite.js';

/**
 * Viewing a dashboard: auto-refresh asks the server again at the chosen interval (the page's
 * clock is driven by the test, not waited for), full screen, and the catalog search reached from
 * the home page finds dashboards.
 */
describe('web UI: viewing a dashboard', () => {
  const KEY = 'VIEW';
  const suite = browserSuite({
    seed: async (_server, admin) => {
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Viewing' });
      await admin.upload(`/api/projects/${KEY}/datasets/obs/upload`, 'band,trec\n3,35.5\n6,55\n7,61\n', 'obs.csv');
      await admin.call('POST', `/api/projects/${KEY}/insights`, {
        id: 'trec_by_band',
        name: 'Trec by band',
        type: 'chart',
        dataset: 'obs',
        chart: { kind: 'bar', x: { column: 'band' }, y: [{ agg: 'avg', column: 'trec' }] },
      });
      await admin.call('POST', `/api/projects/${KEY}/dashboards`, {
        id: 'ops_board',
        name: 'Operations board',
        pages: [{ title: 'Now', tiles: [{ insight: 'trec_by_band', x: 0, y: 0, w: 6, h: 4 }] }],
      });
    },
  });

  it('auto-refresh asks for the page’s data again every 30 s while it is on, and not after it is off', async () => {
    const { page } = suite.browser;
    await page.clock.install();
    const asked: number[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === `/api/projects/${KEY}/dashboards/ops_board/data`) asked.push(Date.now());
    });
    await page.goto(`/projects/${KEY}/dashboards/ops_board`);
    await page.getByRole('heading', { name: 'Operations board' }).waitFor();
    await expect.poll(() => asked.length, { timeout: 30_000 }).toBe(1);

    await page.getByLabel('Auto-refresh').selectOption('30');
    await page.clock.fastForward('00:31');
    await expect.poll(() => asked.length, { timeout: 30_000 }).toBe(2);
    await page.clock.fastForward('00:30');
    await expect.poll(() => asked.length, { timeout: 30_000 }).toBe(3);

    await page.getByLabel('Auto-refresh').selectOption('0');
    await page.clock.fastForward('01:05');
    // Nothing more is asked: give a request that should not come time to appear.
    await page.waitForTimeout(500);
    expect(asked).toHaveLength(3);
  }, 120_000);

  it('shows the dashboard full screen', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/dashboards/ops_board`);
    await page.getByRole('heading', { name: 'Operations board' }).waitFor();
    await page.getByRole('button', { name: 'Full screen' }).click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null), { timeout: 10_000 }).toBe(true);
    expect(await page.evaluate(() => document.fullscreenElement?.textContent ?? '')).toContain('Trec by band');
    await page.evaluate(() => document.exitFullscreen());
  }, 60_000);

  it('the search from the home page finds the dashboard and opens it', async () => {
    const { page } = suite.browser;
    await page.goto('/');
    await page.getByLabel('Search projects').fill('Operations');
    await page.getByRole('link', { name: 'Search datasets, recipes, wiki…' }).click();
    await page.getByRole('link', { name: 'Operations board' }).click();
    await page.getByRole('heading', { name: 'Operations board' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/projects/${KEY}/dashboards/ops_board`);
    expect(suite.browser.pageErrors).toEqual([]);
  }, 60_000);
});
