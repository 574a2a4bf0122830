import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebIfStale } from '../bin/build-web-if-needed.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/support/llano-server.js';
import { launchBrowser, logIn, type TestBrowser } from './support/browser.js';
import { apiClient, type ApiClient } from './support/seed.js';

/**
 * Charts and dashboards in the browser: a writer builds a bar chart in the chart builder (the
 * preview comes from the server), makes a dashboard, adds the chart as a tile, drags it and
 * saves; a reader sees the dashboard without edit controls.
 */
describe('web UI: chart builder and dashboards', () => {
  let server: TestServer;
  let b: TestBrowser;
  let admin: ApiClient;
  const KEY = 'DASHUI';
  const CSV = 'antenna,band,trec\nDA41,3,35.5\nDA42,3,36.5\nDV01,6,55.0\nDV02,7,61.0\nDA43,7,58.5\n';

  beforeAll(async () => {
    await buildWebIfStale({ quiet: true });
    server = await startTestServer();
    admin = apiClient(server.url, server.adminToken);
    await admin.call('POST', '/api/projects', { key: KEY, name: 'Receivers' });
    await admin.upload(`/api/projects/${KEY}/datasets/obs/upload`, CSV, 'obs.csv');
    await admin.call('POST', '/api/users', { username: 'viewer', password: 'viewer-password-1' });
    await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader' });
    b = await launchBrowser(server.url);
    await logIn(b.page, 'admin', ADMIN_PASSWORD);
  }, 300_000);

  afterAll(async () => {
    expect(b?.pageErrors ?? []).toEqual([]);
    await b?.close();
    await server?.stop();
  });

  it('builds a bar chart with a live preview and saves it', async () => {
    const { page } = b;
    await page.goto(`/projects/${KEY}/datasets/obs/charts`);
    await page.getByText('No charts of this dataset').waitFor();
    await page.getByRole('link', { name: 'New chart' }).click();
    await page.getByLabel('ID').fill('trec_by_band');
    await page.getByLabel('Name').fill('Mean Trec by band');
    await page.getByLabel('Chart kind').selectOption('bar');
    await page.getByLabel('X column').selectOption('band');
    await page.getByLabel('Aggregation').selectOption('avg');
    await page.getByLabel('Measure column').selectOption('trec');
    await page.getByRole('img', { name: 'Mean Trec by band' }).waitFor();
    await page.getByText('3 rows').waitFor();
    await page.getByText('SQL').click();
    await page.getByText(/avg\("?__m0"?\)/).waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 1.').waitFor();
    const saved = await admin.call<{ chart: { kind: string; y: { agg: string; column: string }[] } }>(
      'GET',
      `/api/projects/${KEY}/insights/trec_by_band`,
    );
    expect(saved.chart.y).toEqual([{ agg: 'avg', column: 'trec' }]);
  }, 120_000);

  it('makes a dashboard, adds the chart, drags the tile and saves the layout', async () => {
    const { page } = b;
    await page.goto(`/projects/${KEY}`);
    await page.getByRole('link', { name: 'Dashboards' }).first().click();
    await page.getByRole('button', { name: 'New dashboard' }).click();
    const dialog = page.getByRole('dialog', { name: 'New dashboard' });
    await dialog.getByLabel('ID').fill('shift');
    await dialog.getByLabel('Name').fill('Shift report');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Shift report' }).waitFor();
    await page.getByRole('button', { name: 'Edit layout' }).click();
    await page.getByLabel('Add tile').selectOption('trec_by_band');
    const tile = page.getByRole('region', { name: 'Mean Trec by band' });
    await tile.getByRole('img', { name: 'Mean Trec by band' }).waitFor();
    const header = tile.locator('header');
    const box = (await header.boundingBox())!;
    await page.mouse.move(box.x + 40, box.y + 8);
    await page.mouse.down();
    await page.mouse.move(box.x + 40 + 300, box.y + 8, { steps: 8 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 2.').waitFor();
    const stored = await admin.call<{ pages: { tiles: { insight: string; x: number; w: number }[] }[] }>(
      'GET',
      `/api/projects/${KEY}/dashboards/shift`,
    );
    expect(stored.pages[0].tiles).toHaveLength(1);
    expect(stored.pages[0].tiles[0].x).toBeGreaterThan(0);
  }, 120_000);

  it('shows a reader the dashboard with its filter bar and no edit controls', async () => {
    await admin.call('PUT', `/api/projects/${KEY}/dashboards/shift`, {
      id: 'shift',
      name: 'Shift report',
      pages: [{ title: 'Receivers', tiles: [{ insight: 'trec_by_band', x: 0, y: 0, w: 12, h: 6 }] }],
      filters: [{ column: 'antenna', type: 'category' }],
    });
    const reader = await launchBrowser(server.url);
    try {
      await logIn(reader.page, 'viewer', 'viewer-password-1');
      await reader.page.goto(`/projects/${KEY}`);
      await reader.page.getByRole('link', { name: 'Shift report' }).click();
      await reader.page.getByRole('img', { name: 'Mean Trec by band' }).waitFor();
      await reader.page.getByLabel('antenna').fill('DV01, DV02');
      // Filtered on the server: bands 6 and 7 only.
      await reader.page.waitForResponse(
        (r) => r.url().includes('/insights/trec_by_band/data') && r.url().includes('DV01'),
      );
      expect(await reader.page.getByRole('button', { name: 'Edit layout' }).count()).toBe(0);
      expect(await reader.page.getByRole('button', { name: 'Save' }).count()).toBe(0);
      expect(reader.pageErrors).toEqual([]);
    } finally {
      await reader.close();
    }
  }, 120_000);
});
