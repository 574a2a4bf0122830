import { describe, expect, it } from 'vitest';
import { monitoringInsights, saveRunHistoryDatasets, scenarioOf } from '../src/alma/apps/monitoring/install.js';
import { OBSERVATORY_JOBS } from '../src/alma/apps/monitoring/jobs.js';
import { monitoringRecipes } from '../src/alma/apps/monitoring/recipes.js';
import { installShiftReport } from '../src/alma/apps/shift-report/install.js';
import { importScenarioHistory } from '../src/automation/history-import.js';
import { saveScenario } from '../src/automation/scenarios-service.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { saveDashboard } from '../src/insights/dashboards-service.js';
import { saveInsight } from '../src/insights/insights-service.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import type { BuildStarted } from '../test/support/api-types.js';
import { waitForJobEnd } from '../test/support/llano-server.js';
import { loadShiftFixture } from '../test/support/shift-report-fixture.js';
import { a11yViolations, bypassContentPolicy, seriousOnes } from './support/a11y.js';
import { browserSuite } from './support/browser-suite.js';

/**
 * The shift report in the browser, on the hand-made shift log of test/support/shift-report-fixture:
 * the dashboard shows the 12 m week's pooled observation efficiency (5.5 h useful of 14 h with the
 * sky open: 39.286 %), and the webapp shows it next to the mean of the two shifts (41.67 %), drills
 * into a shift's timeline and filters the gap table to the consistency findings.
 */
describe('web UI: the shift report', () => {
  const KEY = 'SHIFTS';
  const suite = browserSuite({
    seed: async (server) => {
      await server.ws.catalog.projects.create(LOCAL_ADMIN, { key: KEY, name: 'Shift fixture' });
      await loadShiftFixture(server.ws, KEY);
      await installShiftReport(server.ws, KEY);
    },
  });

  it('shows the pooled week efficiency on the dashboard', async () => {
    const { page } = suite.browser;
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
    const { page } = suite.browser;
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

  // The pipeline-monitoring application on three hand-made past runs of one job (the same
  // history import the demo uses for the simulator's job_run table): avg (60+30+120)/3 = 70 s,
  // last 120 s, one failure in 24 h, and late, since its last success is an hour old for a
  // 15-minute job (late after 1.5 periods).
  it('pipeline monitoring: a job’s imported runs on the timeline and its load status on the dashboard', async () => {
    const MON = 'MONFIX';
    const { ws } = suite.server;
    await ws.catalog.projects.create(LOCAL_ADMIN, { key: MON, name: 'Monitoring fixture' });
    const job = OBSERVATORY_JOBS.find((j) => j.id === 'ql_event_etl')!;
    // No trigger (the scheduler must not add a run) and no staging tables to load from here.
    await saveScenario(ws, LOCAL_ADMIN, MON, {
      ...scenarioOf(job),
      triggers: [],
      steps: [{ type: 'http', method: 'GET', url: 'https://pipeline.observatory.invalid/' }],
    });
    const now = Date.now();
    const run = (hoursAgo: number, seconds: number, outcome: 'SUCCESS' | 'FAILED') => ({
      scenario: job.id,
      outcome,
      start: now - hoursAgo * 3_600_000,
      end: now - hoursAgo * 3_600_000 + seconds * 1000,
      steps: [],
    });
    await importScenarioHistory(ws, LOCAL_ADMIN, MON, [
      run(3, 60, 'SUCCESS'),
      run(2, 30, 'FAILED'),
      run(1, 120, 'SUCCESS'),
    ]);
    await saveRunHistoryDatasets(ws, MON);
    for (const r of monitoringRecipes().filter((x) => x.output === 'load_status'))
      await saveRecipe(ws, LOCAL_ADMIN, MON, r);
    const build = await suite.server.call<BuildStarted>('POST', `/api/projects/${MON}/builds`, {
      token: suite.server.adminToken,
      body: { targets: ['load_status'], mode: 'required' },
    });
    expect(build.status).toBe(202);
    await waitForJobEnd(suite.server, MON, build.body.jobId);
    await saveInsight(
      ws,
      LOCAL_ADMIN,
      MON,
      monitoringInsights.find((i) => i.id === 'loads_late_or_failing')!,
    );
    await saveDashboard(ws, LOCAL_ADMIN, MON, {
      id: 'loads',
      name: 'Loads',
      pages: [{ title: 'Today', tiles: [{ insight: 'loads_late_or_failing', x: 0, y: 0, w: 24, h: 8 }] }],
    });

    const { page } = suite.browser;
    const range = `from=${encodeURIComponent(new Date(now - 4 * 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(now + 600_000).toISOString())}`;
    await page.goto(`/monitoring?${range}`);
    const row = page.getByRole('row', { name: new RegExp(job.name) });
    await row.waitFor();
    expect((await row.getByRole('cell').allTextContents()).slice(-2)).toEqual(['01:10', '02:00']);

    await page.goto(`/projects/${MON}/dashboards/loads`);
    const status = page.getByRole('row', { name: new RegExp(`^late ${job.name}`) });
    await status.waitFor();
    const cells = await status.getByRole('cell').allTextContents();
    // status, name, last outcome, last run, hours since success, failed, warnings, avg and last runtime (min)
    expect([cells[0], cells[1], cells[2], ...cells.slice(5)]).toEqual([
      'late',
      job.name,
      'SUCCESS',
      '1',
      '0',
      '1.17',
      '2',
    ]);
  }, 120_000);
});
