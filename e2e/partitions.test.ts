import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebIfStale } from '../bin/build-web-if-needed.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/support/llano-server.js';
import { a11yViolations, overflowX, seriousOnes } from './support/a11y.js';
import { launchBrowser, logIn, type TestBrowser } from './support/browser.js';
import { apiClient, type ApiClient } from './support/seed.js';
import { READER } from './support/small-project.js';

const KEY = 'PARTS';
const DAYS = ['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05'];
const OBS_CSV = 'day,band,v\n' + DAYS.flatMap((d, i) => [`${d},b3,${i}`, `${d},b6,${i + 10}`]).join('\n') + '\n';

/**
 * The dataset's Partitions tab: a writer declares the partitioning, builds a selection, backfills
 * the rest and sees the states change in place; a reader sees no build controls; the recipe
 * editor shows and changes each input's partition dependency.
 */
describe('web UI: partitions', () => {
  let server: TestServer;
  let api: ApiClient;
  let b: TestBrowser;

  beforeAll(async () => {
    await buildWebIfStale({ quiet: true });
    server = await startTestServer();
    api = apiClient(server.url, server.adminToken);
    await api.call('POST', '/api/projects', { key: KEY });
    await api.upload(`/api/projects/${KEY}/datasets/obs/upload`, OBS_CSV, 'obs.csv');
    await api.call('PUT', `/api/projects/${KEY}/datasets/obs/partitioning`, {
      dimensions: [{ name: 'day', type: 'time', period: 'day', column: 'day' }],
    });
    await api.call('POST', `/api/projects/${KEY}/recipes`, {
      name: 'r_daily',
      type: 'sql',
      inputs: ['obs'],
      output: 'daily',
      sql: "SELECT day, sum(v) AS total FROM obs WHERE CAST(day AS VARCHAR) = '{{partition.day}}' GROUP BY ALL",
    });
    await api.call('POST', '/api/users', READER);
    await api.call('PUT', `/api/projects/${KEY}/members/${READER.username}`, { role: 'reader' });
    b = await launchBrowser(server.url);
  }, 300_000);

  afterAll(async () => {
    expect(b?.pageErrors ?? []).toEqual([]);
    await b?.close();
    await server?.stop();
  });

  it('a writer declares the partitioning, builds selected partitions, then backfills the missing ones', async () => {
    const { page } = b;
    await logIn(page, 'admin', ADMIN_PASSWORD);
    // An unpartitioned dataset's tab asks nothing that answers 404 (a console error in the browser).
    const refused: string[] = [];
    const onResponse = (r: { status(): number; url(): string }) => {
      if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`);
    };
    page.on('response', onResponse);
    await page.goto(`/projects/${KEY}/datasets/daily/partitions`);
    await page.getByText('Not partitioned. Add a dimension to partition it.').waitFor();
    page.off('response', onResponse);
    expect(refused).toEqual([]);
    await page.getByRole('button', { name: 'Add dimension' }).click();
    const dim = page.getByRole('group', { name: 'Dimension 1' });
    await dim.getByLabel('Name').fill('day');
    await dim.getByLabel('Kind').selectOption('time');
    await dim.getByLabel('Column').fill('day');
    await dim.getByLabel('Period').selectOption('day');
    await page.getByRole('button', { name: 'Save partitioning' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: daily is partitioned by day.' }).waitFor();

    const table = page.getByRole('table', { name: 'Partitions' });
    await table.getByText('2024-10-05').waitFor();
    expect(await table.getByText('missing', { exact: true }).count()).toBe(5);
    // A tick, then a shift-click: the three days from the first to the third.
    await page.getByLabel('Select partition 2024-10-01').click();
    await page.getByLabel('Select partition 2024-10-03').click({ modifiers: ['Shift'] });
    await page.getByRole('button', { name: 'Build selected (3)' }).click();
    await page.getByRole('progressbar', { name: 'Build progress' }).waitFor();
    await expect.poll(() => table.getByText('built', { exact: true }).count(), { timeout: 60_000 }).toBe(3);
    expect(page.url()).toContain('/datasets/daily/partitions');

    await page.getByRole('button', { name: 'Backfill missing (2)' }).click();
    await expect.poll(() => table.getByText('built', { exact: true }).count(), { timeout: 60_000 }).toBe(5);
    const listed = await api.call<{ id: string; state: string; rows: number }[]>(
      'GET',
      `/api/projects/${KEY}/datasets/daily/partitions`,
    );
    expect(listed.map((p) => [p.id, p.state, p.rows])).toEqual(DAYS.map((d) => [d, 'ready', 1]));

    // Rebuilding everything asks first, saying how many.
    await page.getByRole('button', { name: 'Rebuild all' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rebuild all 5 partitions of daily?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // The range selector and the filter.
    await page.getByLabel('From', { exact: true }).fill('2024-10-04');
    await page.getByLabel('To', { exact: true }).fill('2024-10-05');
    await page.getByRole('button', { name: 'Select range' }).click();
    await page.getByRole('button', { name: 'Build selected (2)' }).waitFor();
    await page.getByLabel('Filter').fill('10-02');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Filter').fill('');

    for (const size of [
      { width: 1440, height: 900 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(size);
      expect(seriousOnes(await a11yViolations(page)), `${size.width} px`).toEqual([]);
      expect((await overflowX(page)).extra, `${size.width} px`).toBe(0);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('the recipe editor shows and changes the partition dependency of each input', async () => {
    const { page } = b;
    await page.goto(`/projects/${KEY}/recipes/r_daily`);
    const panel = page.getByRole('region', { name: 'Partition dependencies' });
    const obs = panel.getByRole('group', { name: 'Dependency on obs' });
    await obs.getByLabel('Reads').selectOption('time-range');
    await obs.getByLabel('From (periods)').fill('-2');
    await panel.getByRole('button', { name: 'Save dependencies' }).click();
    await panel.getByRole('status').filter({ hasText: 'Saved revision 2.' }).waitFor();
    const recipe = await api.call<{ partitionDependencies: unknown }>('GET', `/api/projects/${KEY}/recipes/r_daily`);
    expect(recipe.partitionDependencies).toEqual({ obs: { kind: 'time-range', from: -2, to: 0 } });
  });

  it('a reader sees the partitions and their states but no build or partitioning controls', async () => {
    const reader = await launchBrowser(server.url);
    try {
      const { page } = reader;
      await logIn(page, READER.username, READER.password);
      await page.goto(`/projects/${KEY}/datasets/daily/partitions`);
      const table = page.getByRole('table', { name: 'Partitions' });
      await table.getByText('2024-10-05').waitFor();
      await page
        .getByText('You can read the partitions. Needs the writer role in this project; you are a reader.')
        .waitFor();
      expect(await page.getByRole('button', { name: /Build selected|Backfill missing|Rebuild/ }).count()).toBe(0);
      expect(await page.getByRole('checkbox').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Save partitioning' }).count()).toBe(0);
      await page.getByRole('table', { name: 'Partition dimensions' }).getByText('time, by day').waitFor();
      expect(reader.pageErrors).toEqual([]);
    } finally {
      await reader.close();
    }
  });
});
