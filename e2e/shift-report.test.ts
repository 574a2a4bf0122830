import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebIfStale } from '../bin/build-web-if-needed.js';
import { installShiftReport } from '../src/alma/apps/shift-report/install.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/support/llano-server.js';
import { loadShiftFixture } from '../test/support/shift-report-fixture.js';
import { a11yViolations, bypassContentPolicy, seriousOnes } from './support/a11y.js';
import { launchBrowser, logIn, type TestBrowser } from './support/browser.js';

/**
 * The shift report in the browser, on the hand-made shift log of test/support/shift-report-fixture:
 * the dashboard shows the 12 m week's pooled observation efficiency (5.5 h useful of 14 h with the
 * sky open: 39.286 %), and the webapp shows it next to the mean of the two shifts (41.67 %), drills
 * into a shift's timeline and filters the gap table to the consistency findings.
 */
describe('web UI: the shift report', () => {
  let server: TestServer;
  let b: TestBrowser;
  const KEY = 'SHIFTS';

  beforeAll(async () => {
    await buildWebIfStale({ quiet: true });
    server = await startTestServer();
    await server.ws.catalog.projects.create(LOCAL_ADMIN, { key: KEY, name: 'Shift fixture' });
    await loadShiftFixture(server.ws, KEY);
    await installShiftReport(server.ws, KEY);
    b = await launchBrowser(server.url);
    await logIn(b.page, 'admin', ADMIN_PASSWORD);
  }, 300_000);

  afterAll(async () => {
    expect(b?.pageErrors ?? []).toEqual([]);
    await b?.close();
    await server?.stop();
  });

  it('shows the pooled week efficiency on the dashboard', async () => {
    const { page } = b;
    await page.goto(`/projects/${KEY}/dashboards/shift_report`);
    await page.getByRole('heading', { name: 'Shift report' }).first().waitFor();
    const latest = page.getByRole('region', { name: 'Last shift, week, month and cycle' });
    const week = latest.getByRole('row', { name: /^12m week 2025-W02 Observation efficiency with calibration/ });
    await week.waitFor();
    // Pooled over the week, then the mean of its two shifts.
    expect((await week.getByRole('cell').allTextContents()).slice(-2)).toEqual(['39.286', '41.667']);
    await page.getByRole('button', { name: 'Consistency' }).click();
    await page
      .getByRole('region', { name: 'Gap table: shift-log gaps and consistency findings' })
      .getByText('Overlapping shift')
      .first()
      .waitFor();
  }, 120_000);

  it('drills from the week to a shift’s timeline and filters the gap table in the webapp', async () => {
    const { page } = b;
    const restorePolicy = await bypassContentPolicy(page);
    await page.goto(`/webapps/${KEY}/shift_report/`);
    await page.getByRole('heading', { name: 'Shift and observing-time efficiency' }).waitFor();
    await page.getByText('2025-W02: 2 shift(s) of the 12m array').waitFor();
    const row = page.getByRole('row', { name: /Observation efficiency with calibration/ });
    expect(await row.getByRole('cell').allTextContents()).toEqual(['39.29', '41.67']);
    await page.getByRole('button', { name: 'Timeline of 12m-2025-01-06-night' }).click();
    await page.getByText('Shift 12m-2025-01-06-night: 8 EBs and gaps').waitFor();
    expect(await page.locator('#timeline rect').count()).toBe(8);
    await page.getByLabel('Class').selectOption('CHECK');
    await page.getByText('7 rows').waitFor();
    await page.getByLabel('Type').selectOption('Overlapping shift');
    await page.getByText('1 rows').waitFor();
    await page.getByRole('cell', { name: /Overlaps shift 7m-2025-01-06-night by 2(\.0+)? h/ }).waitFor();
    expect(seriousOnes(await a11yViolations(page, { preload: false }))).toEqual([]);
    await restorePolicy();
  }, 120_000);
});
