/**
 * Takes the screenshots of docs/screenshots/ (shown in README.md): a real server on a
 * temporary workspace with the ALMA demo project (90 simulated days, as `npm start` makes it), a
 * receiver-QA project and a few scenarios run several times, seen by Chromium at a laptop size and
 * on a phone.
 *
 *   npm run screenshots
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemo } from '../src/alma/demo.js';
import { buildWebIfStale } from '../bin/build-web-if-needed.js';
import type { BuildStarted } from '../test/support/api-types.js';
import { ADMIN_PASSWORD, startTestServer, waitForJobEnd } from '../test/support/llano-server.js';
import { launchBrowser, logIn } from './support/browser.js';
import { apiClient, receiverCsv, TREC_BY_ANTENNA_SQL } from './support/seed.js';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/screenshots');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

await buildWebIfStale();
const server = await startTestServer();
try {
  console.log('Seeding…');
  // The demo as `npm start` makes it (90 days): fewer days leave receiver QA without unexplained changes.
  await ensureDemo(server.ws, console.log);
  const api = apiClient(server.url, server.adminToken);
  await api.call('POST', '/api/projects', {
    key: 'RECEIVER_QA',
    name: 'Receiver QA',
    description: 'Antenna receiver temperatures from calibration scans: outliers and change points',
    tags: ['qa', 'science'],
  });
  await api.call('POST', '/api/projects', {
    key: 'SHIFT_EFFICIENCY',
    name: 'Shift efficiency',
    description: 'Observing time efficiency per shift, for the short-term plans',
    tags: ['operations'],
  });
  await api.call('POST', '/api/projects', {
    key: 'GRID_MONITORING',
    name: 'Grid monitoring',
    description: 'Power grid and generator telemetry',
    tags: ['engineering'],
  });
  await api.upload(
    '/api/projects/RECEIVER_QA/datasets/receiver_temps/upload',
    receiverCsv(200_000),
    'receiver_temps.csv',
  );
  await api.call('POST', '/api/projects/RECEIVER_QA/recipes', {
    name: 'compute_trec_by_antenna',
    type: 'sql',
    inputs: ['receiver_temps'],
    output: 'trec_by_antenna',
    sql: TREC_BY_ANTENNA_SQL,
  });
  const build = await api.call<BuildStarted>('POST', '/api/projects/RECEIVER_QA/builds', {
    targets: ['trec_by_antenna'],
    mode: 'required',
  });
  await waitForJobEnd(server, 'RECEIVER_QA', build.jobId);
  await api.call('PUT', '/api/projects/RECEIVER_QA/datasets/receiver_temps/checks', {
    metrics: { afterBuild: true, sql: [] },
    checks: [
      { type: 'not-null', column: 'antenna' },
      { type: 'range', column: 'trec_k', max: 70, severity: 'warning' },
      { type: 'in-set', column: 'band', values: ['3', '6', '7'] },
      { type: 'metric-bounds', metric: 'records', error: { min: 1000 } },
    ],
  });
  await api.call('POST', '/api/projects/RECEIVER_QA/datasets/receiver_temps/checks/run');

  const P = '/api/projects/ALMA_OPS';
  const scenarios = [
    {
      id: 'daily_refresh',
      name: 'Daily refresh',
      triggers: [{ type: 'time', dailyAt: '06:00', timezone: 'America/Santiago' }],
      steps: [{ type: 'build', targets: ['shift_metrics', 'eb_trec_median'], mode: 'recursive' }],
      reporters: [{ channel: 'webhook', url: 'http://127.0.0.1:9/hooks/ops', on: 'failure' }],
    },
    {
      id: 'receiver_checks',
      name: 'Receiver checks',
      triggers: [{ type: 'dataset-changed', datasets: ['trec_measurement'] }],
      steps: [
        { type: 'compute-metrics', datasets: ['trec_measurement', 'eb_trec_median'] },
        { type: 'run-checks', datasets: ['eb_trec_median'] },
      ],
      reporters: [],
    },
    {
      id: 'upload_monitoring',
      name: 'Upload monitoring to S3',
      triggers: [{ type: 'time', everyHours: 1 }],
      steps: [{ type: 'http', method: 'POST', url: 'http://127.0.0.1:9/upload', timeoutSeconds: 5 }],
      reporters: [{ channel: 'slack', url: 'http://127.0.0.1:9/slack', on: 'always' }],
    },
  ];
  for (const s of scenarios) await api.call('POST', `${P}/scenarios`, s);
  const first = Date.now();
  for (let round = 0; round < 4; round++) {
    for (const s of scenarios) await api.call('POST', `${P}/scenarios/${s.id}/run`);
    await sleep(4000);
  }
  await sleep(3000);
  const from = new Date(first - 20_000).toISOString();
  const to = new Date(Date.now() + 10_000).toISOString();
  const jobs = await api.call<{ id: string }[]>('GET', `${P}/jobs`);

  const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

  console.log('Screenshots…');
  mkdirSync(OUT, { recursive: true });
  const b = await launchBrowser(server.url);
  try {
    const { page } = b;
    /** Scrolls the page's main column so that the element `selector` is at its top. */
    const scrollMainTo = (selector: string) =>
      page.locator('main').evaluate((main, sel) => {
        const target = main.querySelector(sel) as HTMLElement;
        main.scrollTop += target.getBoundingClientRect().top - main.getBoundingClientRect().top - 16;
      }, selector);
    /** Scrolls the main column just enough that the element `selector` ends at its bottom. */
    const scrollMainToShow = (selector: string) =>
      page.locator('main').evaluate((main, sel) => {
        const target = main.querySelector(sel) as HTMLElement;
        main.scrollTop += target.getBoundingClientRect().bottom - main.getBoundingClientRect().bottom + 16;
      }, selector);
    const shot = async (name: string, url: string | null, ready: string, before?: () => Promise<void>) => {
      if (url) await page.goto(url);
      await page.locator(ready).first().waitFor({ timeout: 30_000 });
      await before?.();
      await sleep(900); // charts animate in
      await page.screenshot({ path: path.join(OUT, `${name}.png`) });
      console.log(`  ${name}.png`);
    };
    await shot('login', '/login', 'form');
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await shot('projects', '/', 'table');
    await shot('project-overview', '/projects/ALMA_OPS', '.stat-tile');
    // The whole flow fits the view too small to read: zoomed in on receiver QA's analysis recipes.
    await shot('flow', '/projects/ALMA_OPS/flow', '.react-flow__node', async () => {
      await sleep(1000); // after the view's own fit, which would undo the zoom
      const box = await page.locator('.react-flow__node[data-id="recipe:detect_trec_changes"]').boundingBox();
      if (!box) throw new Error('the flow has no node detect_trec_changes');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      for (let i = 0; i < 3; i++) {
        await page.mouse.wheel(0, -250);
        await sleep(150);
      }
    });
    await shot(
      'dataset-grid',
      '/projects/RECEIVER_QA/datasets/receiver_temps?sort=-trec_k',
      '[role=gridcell]:not(:empty)',
    );
    await shot('dataset-stats', '/projects/ALMA_OPS/datasets/trec_measurement/stats', '.card canvas');
    await shot('recipe-editor', '/projects/RECEIVER_QA/recipes/compute_trec_by_antenna', '.cm-editor', async () => {
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByRole('region', { name: 'Preview' }).waitFor();
    });
    await shot('job', `/projects/ALMA_OPS/jobs/${jobs[0].id}`, '[aria-label="Activity timings"] canvas');
    await shot('scenario-editor', '/projects/ALMA_OPS/scenarios/daily_refresh', '.list-item', async () => {
      await scrollMainTo('[aria-label="Triggers"]');
    });
    await shot('chart-builder', '/projects/ALMA_OPS/insights/trec_per_day', '.insight-chart canvas');
    await shot('dashboard', '/projects/ALMA_OPS/dashboards/operations', '.dashboard-tile canvas');
    await shot('monitoring-timeline', `/monitoring?${range}`, '[aria-label^="Runs of each scenario"] canvas');
    await shot('monitoring-steps', `/monitoring?${range}&expand=step`, 'tr.step-row');
    await shot('monitoring-triggers', `/monitoring/triggers?${range}`, 'table');
    await shot(
      'dataset-checks',
      '/projects/RECEIVER_QA/datasets/receiver_temps/quality?edit',
      'form[aria-label="Quality settings"] .list-item',
      async () => {
        await scrollMainTo('[aria-label="Quality settings"]');
      },
    );
    // The observatory's applications (issue 21): dashboards and webapps of the demo project.
    await shot('app-pipeline-monitoring', '/projects/ALMA_OPS/dashboards/pipeline_monitoring', '.dashboard-tile');
    await shot('app-shift-report', '/projects/ALMA_OPS/dashboards/shift_report', '.dashboard-tile');
    await shot('app-trec-qa', '/projects/ALMA_OPS/dashboards/trec_qa', '.dashboard-tile');
    await shot('app-shift-webapp', '/webapps/ALMA_OPS/shift_report/', 'tbody tr td');
    await shot('app-trec-explorer', '/webapps/ALMA_OPS/trec_qa_explorer/', 'svg');
    // Code (issue 18): the demo's notebook run, its Python cell's table and TypeScript cell's chart in view.
    await shot('notebook', '/projects/ALMA_OPS/notebooks/receiver_first_look', '.cm-editor', async () => {
      await page.getByRole('button', { name: 'Run all' }).click();
      await page.locator('[aria-label="Output of cell 4"] canvas').waitFor({ timeout: 60_000 });
      await scrollMainToShow('[aria-label="Output of cell 4"]');
    });
    await shot('code-recipe-editor', '/projects/ALMA_OPS/recipes/summarise_band_usage', '.cm-editor', async () => {
      await page.getByRole('button', { name: 'Run on a sample' }).click();
      await page.getByRole('region', { name: 'Preview' }).waitFor({ timeout: 60_000 });
      await scrollMainToShow('[aria-label="Preview"]');
    });
  } finally {
    await b.close();
  }

  // The same UI on a phone (390 × 844): the sidebar becomes a drawer, tables scroll in their box.
  const phone = await launchBrowser(server.url, { width: 390, height: 844 });
  try {
    const { page } = phone;
    const shot = async (name: string, url: string, ready: string, before?: () => Promise<void>) => {
      await page.goto(url);
      await page.locator(ready).first().waitFor({ timeout: 30_000 });
      await before?.();
      await sleep(900);
      await page.screenshot({ path: path.join(OUT, `${name}.png`) });
      console.log(`  ${name}.png`);
    };
    await logIn(page, 'admin', ADMIN_PASSWORD);
    // The project menu opened: on a phone it is a drawer over the page, opened from the bar.
    await shot('phone-project', '/projects/ALMA_OPS', '.stat-tile', async () => {
      await page.getByRole('button', { name: 'Project menu' }).click();
      await page.locator('#project-sidebar').getByRole('link', { name: 'Notebooks' }).waitFor();
    });
    await shot('phone-dashboard', '/projects/ALMA_OPS/dashboards/shift_report', '.dashboard-tile');
    await shot('phone-monitoring', `/monitoring?${range}`, '[aria-label^="Runs of each scenario"] canvas');
  } finally {
    await phone.close();
  }
} finally {
  await server.stop();
}
