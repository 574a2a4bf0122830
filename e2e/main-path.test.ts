import { describe, expect, it } from 'vitest';
import type { ApiError } from '../test/support/api-types.js';
import { ADMIN_PASSWORD } from '../test/support/llano-server.js';
import { logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import { expectText } from './support/expect-text.js';
import { apiClient, receiverCsv } from './support/seed.js';

/**
 * The main path through the UI, in one browser against a real server: log in, create a
 * project, upload a CSV, write and run a SQL recipe, see and build the flow, automate it with
 * a scenario and find its run on the monitoring timeline.
 */
describe('web UI: the main path', () => {
  const KEY = 'RECEIVER_QA';
  const suite = browserSuite({
    logIn: false,
  });

  it('refuses a wrong password with the server message, then logs in', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/flow`);
    // Not logged in: sent to the login page, which remembers where we were going.
    await page.getByLabel('Username').waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/projects/${KEY}/flow`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), /password/i);
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByText('No projects yet').waitFor();
  });

  it('creates a project and uploads a CSV as a dataset, with a progress bar', async () => {
    const { page } = suite.browser;
    await page.getByRole('button', { name: 'Create your first project' }).click();
    await page.getByLabel(/^Key/).fill(KEY);
    await page.getByLabel('Name').fill('Receiver QA');
    await page.getByLabel(/^Tags/).fill('qa, science');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Receiver QA' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/projects/${KEY}`);

    await page.getByRole('link', { name: 'Datasets', exact: true }).first().click();
    await page.getByText('No datasets in this project').waitFor();
    await page.getByRole('button', { name: 'Upload a file' }).first().click();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'receiver temps.csv', mimeType: 'text/csv', buffer: Buffer.from(receiverCsv(5000)) });
    // The name comes from the file name, made a valid identifier.
    expect(await page.getByLabel('Dataset name').inputValue()).toBe('receiver_temps');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByRole('heading', { name: 'receiver_temps' }).waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe(`/projects/${KEY}/datasets/receiver_temps`);
    await expectText(page.locator('.grid-footer strong'), /^5,000$/);
    await expectText(page.getByRole('gridcell').first(), /^DA41$/);
  });

  it('sorts and filters the grid, keeping both in the URL across a reload', async () => {
    const { page } = suite.browser;
    await page.getByRole('button', { name: /^trec_k/ }).click();
    await page.getByRole('button', { name: /^trec_k/ }).click();
    await expectText(page.locator('.grid-footer'), /Sorted by trec_k ↓/);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('-trec_k');
    await page.getByLabel('Filter column').selectOption('antenna');
    await page.getByLabel('Filter operator').selectOption('eq');
    await page.getByLabel('Filter value').fill('DA47');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await expectText(page.locator('.grid-footer strong'), /^417$/);
    await page.reload();
    await expectText(page.locator('.grid-footer strong'), /^417$/);
    expect(new URL(page.url()).searchParams.getAll('filter')).toEqual(['antenna:eq:DA47']);
    // The drifting antenna's hottest measurement comes first.
    const first = await page.locator('[role=row][aria-rowindex="2"] [role=gridcell]').allTextContents();
    expect(first[0]).toBe('DA47');
    expect(Number(first[3])).toBeGreaterThan(60);

    await page.getByRole('link', { name: 'Statistics' }).click();
    await page.getByRole('region', { name: 'Column trec_k' }).waitFor();
    await page.locator('[aria-label="Distribution of trec_k"] canvas').waitFor();
  });

  it('writes a SQL recipe with completion, shows the engine error at its position, previews, saves and runs it', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/datasets/receiver_temps`);
    await page.getByRole('link', { name: 'New SQL recipe' }).click();
    await page.getByLabel('SQL query').waitFor();
    await page.getByLabel('Recipe name').fill('compute_trec_by_antenna');
    await page.getByLabel('Output dataset').fill('trec_by_antenna');

    const editor = page.getByLabel('SQL query');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('SELECT anten');
    // Column names of the inputs complete anywhere in the query.
    await page.locator('.cm-tooltip-autocomplete').getByText('antenna', { exact: true }).waitFor();
    // CodeMirror ignores Enter for 75 ms after the list opens, against accidental picks.
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    await expect.poll(() => editor.textContent()).toBe('SELECT antenna');
    // The rest is inserted as text: an Enter typed while a completion is open would accept it instead.
    await page.keyboard.insertText(
      ', avg(trec) AS mean_trec_k\nFROM receiver_temps\nGROUP BY antenna\nORDER BY antenna',
    );
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Preview' }).click();
    const error = page.getByRole('alert');
    await expectText(error, /trec/);
    await expectText(error.getByRole('button'), /Line 1, column \d+/);
    await page.locator('.cm-lintRange-error').waitFor();

    // Fix the column name where the error points.
    await error.getByRole('button').click();
    await page.keyboard.press('Shift+End');
    await page.keyboard.insertText('trec_k) AS mean_trec_k');
    await page.keyboard.press('Escape');
    expect(await editor.textContent()).toContain('avg(trec_k) AS mean_trec_k');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await expectText(preview, /12 rows/);
    await expectText(preview.locator('tbody tr').first(), /DA41/);

    // One click: the new recipe's address keeps the progress of the build it started.
    await page.getByRole('button', { name: 'Save and run' }).click();
    await page.waitForURL(/\/recipes\/compute_trec_by_antenna$/);
    await expectText(page.getByLabel('Job progress'), /succeeded/, 45_000);
  });

  it('shows the flow with build states and builds from the graph with a mode', async () => {
    const { page } = suite.browser;
    await page.getByRole('link', { name: 'Flow', exact: true }).click();
    const output = page.locator('.react-flow__node').filter({ hasText: 'trec_by_antenna' }).filter({ hasText: 'rows' });
    await expectText(output, /built · 12 rows/);
    await expectText(page.locator('.react-flow__node').filter({ hasText: 'receiver_temps' }), /built · 5,000 rows/);
    expect(await page.locator('.react-flow__edge').count()).toBe(2);

    await output.click();
    await expectText(page.getByRole('complementary', { name: 'Selection' }), /trec_by_antenna/);
    await page.getByLabel('Build mode').selectOption('recursive');
    await page.getByRole('button', { name: 'Build selected' }).click();
    await expectText(page.getByLabel('Job progress'), /succeeded/, 45_000);
    expect(new URL(page.url()).searchParams.get('job')).toMatch(/./);

    // The job page: per-activity timings and the log.
    await page.getByLabel('Job progress').getByRole('link').click();
    await page.getByRole('heading', { name: 'Build of trec_by_antenna' }).waitFor();
    await page.locator('[aria-label="Activity timings"] canvas').waitFor();
    await expectText(page.getByLabel('Log lines'), /compute_trec_by_antenna/);
  });

  it('creates a scenario with a time trigger and a build step, runs it, and shows it on the monitoring timeline', async () => {
    const { page } = suite.browser;
    await page.getByRole('link', { name: 'Scenarios', exact: true }).click();
    await page.getByText('No scenarios yet').waitFor();
    await page.getByRole('button', { name: 'New scenario' }).first().click();
    await page.getByLabel(/^Id/).fill('daily_refresh');
    await page.getByLabel('Name', { exact: true }).fill('Daily refresh');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Daily refresh' }).waitFor();

    const triggers = page.getByRole('region', { name: 'Triggers' });
    await triggers.getByLabel('New trigger type').selectOption('time');
    await triggers.getByRole('button', { name: 'Add trigger' }).click();
    await triggers.getByRole('textbox', { name: /Daily at/ }).fill('06:00');

    const steps = page.getByRole('region', { name: 'Steps' });
    await steps.getByLabel('New step type').selectOption('build');
    await steps.getByRole('button', { name: 'Add step' }).click();
    await steps.getByRole('button', { name: 'trec_by_antenna' }).click();
    await steps.getByLabel(/^Mode/).selectOption('recursive');
    await page.getByRole('button', { name: 'Save scenario' }).click();
    await expectText(page.getByRole('status'), /Saved revision 2/);

    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/scenarios\/daily_refresh\/runs\?run=/);
    await expectText(page.getByRole('region', { name: 'Run' }).locator('.card-header'), /SUCCESS/, 45_000);
    await expectText(page.getByRole('table', { name: 'Steps' }), /build/);

    await page.getByRole('link', { name: 'Automation monitoring' }).click();
    const row = page.getByRole('table', { name: 'Scenarios' }).getByRole('row').filter({ hasText: 'Daily refresh' });
    await expectText(row, new RegExp(`Daily refresh - ${KEY}`));
    await expectText(row, /00:0\d\.\d/);
    await page.locator('[aria-label^="Runs of each scenario"] canvas').waitFor();
    await page.getByRole('link', { name: 'Triggers' }).click();
    await expectText(page.getByRole('table', { name: 'Triggers' }), /06:00/);
    await page.getByRole('link', { name: 'Daily summary' }).click();
    await expectText(page.getByRole('table', { name: 'Runs per day' }), /success/i);
  });

  it('adds a step from an example of its type, with its form filled in', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/scenarios/daily_refresh`);
    const steps = page.getByRole('region', { name: 'Steps' });
    await steps.getByLabel('From example').selectOption({ label: 'Rebuild the shift metrics when stale' });
    await steps.getByRole('button', { name: 'Add example step' }).click();
    const added = steps.getByRole('group', { name: 'step 2' });
    await expectText(added, /Build datasets/);
    expect(await added.getByLabel(/^Mode/).inputValue()).toBe('required');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await expect.poll(() => steps.getByRole('group', { name: 'step 2' }).count()).toBe(0);
  });

  it('expands the monitoring timeline to steps, keeps it on reload, and opens a run from a step bar', async () => {
    const { page } = suite.browser;
    // The run of the previous test: a window around it, so its bars are wide enough to click.
    type Run = {
      id: string;
      startedAt?: string | null;
      start?: string | null;
      endedAt?: string | null;
      end?: string | null;
    };
    const [run] = await page.evaluate(
      async (key) => (await (await fetch(`/api/projects/${key}/scenarios/daily_refresh/runs`)).json()) as Run[],
      KEY,
    );
    const start = Date.parse(run.startedAt ?? run.start ?? '');
    const end = Date.parse(run.endedAt ?? run.end ?? '');
    const pad = Math.max(end - start, 1000);
    const range = `from=${encodeURIComponent(new Date(start - pad).toISOString())}&to=${encodeURIComponent(new Date(end + pad).toISOString())}`;
    await page.goto(`/monitoring?${range}`);
    const table = page.getByRole('table', { name: 'Scenarios' });
    await expectText(table, /Daily refresh/);
    expect(await table.locator('tr.step-row').count()).toBe(0);
    await page.getByRole('group', { name: 'Expand to' }).getByRole('button', { name: 'step' }).click();
    const stepRow = table.locator('tr.step-row');
    await expectText(stepRow, /1 build \(build\)/);
    // From the keyboard, the step's name opens its latest run (what a click on a bar does).
    expect(await stepRow.getByRole('link', { name: '1 build' }).getAttribute('href')).toContain(`?run=${run.id}`);
    expect(new URL(page.url()).searchParams.get('expand')).toBe('step');
    await page.reload();
    await expectText(table.locator('tr.step-row'), /1 build/);
    expect(await page.getByRole('button', { name: 'step' }).getAttribute('aria-pressed')).toBe('true');

    // The step's bar sits in the middle third of the window, on the second row.
    const chart = page.locator('[aria-label^="Runs of each scenario and of its steps"]');
    await chart.locator('canvas').waitFor();
    // The chart draws its bars a frame or more after its canvas appears (more on a loaded machine):
    // click where the bar belongs until the click opens the run, instead of after a fixed pause.
    const clickStepBar = async () => {
      // Short timeouts: if the page has just navigated, the next poll sees it.
      const box = (await chart.boundingBox({ timeout: 2000 }))!;
      const rowBox = (await table.locator('tr.step-row').boundingBox({ timeout: 2000 }))!;
      await page.mouse.click(box.x + 12 + (box.width - 36) / 2, rowBox.y + rowBox.height / 2);
    };
    const runsUrl = /\/scenarios\/daily_refresh\/runs\?run=/;
    await expect
      .poll(
        async () => {
          if (new URL(page.url()).pathname === '/monitoring') await clickStepBar();
          return page.url();
        },
        // expect.poll gives up after 1 s by default: a loaded machine draws the bars later than that.
        { interval: 250, timeout: 20_000 },
      )
      .toMatch(runsUrl);
    await page.waitForURL(runsUrl);
    expect(new URL(page.url()).searchParams.get('run')).toBe(run.id);
  });

  it('edits checks through forms generated from their types, shows the server refusal, then runs them', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/datasets/receiver_temps/quality`);
    await page.getByText('No checks', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Edit checks' }).click();
    const editor = page.getByRole('form', { name: 'Quality settings' });
    const add = async (label: string) => {
      await editor.getByLabel('New check type').selectOption({ label });
      await editor.getByRole('button', { name: 'Add check' }).click();
    };
    await add('Not null');
    // Focus moves into the added check's form.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('.list-item')?.getAttribute('aria-label')))
      .toBe('Check 1: Not null');
    // The column is picked from the dataset's schema.
    const notNull = editor.getByRole('group', { name: /^Check 1/ });
    expect(
      await notNull
        .getByLabel(/^Column/)
        .locator('option')
        .allTextContents(),
    ).toEqual(['— choose —', 'antenna', 'band', 'observed_at', 'trec_k', 'elevation_deg']);
    await notNull.getByLabel(/^Column/).selectOption('antenna');
    await editor.getByText('Unsaved changes').waitFor();
    await add('Within a range');
    const range = editor.getByRole('group', { name: /^Check 2/ });
    await range.getByLabel(/^Column/).selectOption('trec_k');
    await range.getByLabel(/^Max/).fill('60');
    await range.getByLabel(/^Severity/).selectOption('warning');
    await add('Metric within bounds');
    const bounds = editor.getByRole('group', { name: /^Check 3/ });
    await bounds.getByLabel(/^Metric/).fill('records');
    // No bounds yet: the server refuses, with its message.
    await editor.getByRole('button', { name: 'Save settings' }).click();
    await expectText(editor.getByRole('alert'), /Not saved.*error bounds, warning bounds or both/);
    await bounds.getByRole('group', { name: 'Error' }).getByLabel(/^Min/).fill('1000');
    await editor.getByRole('button', { name: 'Save settings' }).click();
    await editor.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Run checks' }).click();
    const checks = page.getByRole('table', { name: 'Latest check outcomes' });
    await expectText(checks.getByRole('row').filter({ hasText: 'not-null:antenna' }), /OK/);
    // The drifting antenna goes above 60 K: a warning.
    await expectText(
      checks.getByRole('row').filter({ hasText: 'range:trec_k' }),
      /WARNING.*trec_k: \d+ rows? not within \[-∞, 60\]/,
    );
    await expectText(checks.getByRole('row').filter({ hasText: 'metric-bounds:records' }), /OK/);

    // The saved checks come back into the form.
    await page.getByRole('button', { name: 'Edit checks' }).click();
    expect(
      await editor
        .getByRole('group', { name: /^Check 2/ })
        .getByLabel(/^Max/)
        .inputValue(),
    ).toBe('60');
    await page.reload();
    expect(
      await editor
        .getByRole('group', { name: /^Check 1/ })
        .getByLabel(/^Column/)
        .inputValue(),
    ).toBe('antenna');
  });

  it('keeps every page on reload and answers unknown API paths with JSON', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/datasets/trec_by_antenna/versions`);
    await expectText(page.getByRole('table'), /recipe compute_trec_by_antenna/);
    await page.goto(`/projects/${KEY}/history/recipe/compute_trec_by_antenna`);
    // One revision: "Save and run" on the new recipe saved it once (it used to take two clicks and two saves).
    await expectText(page.getByRole('table', { name: 'Revisions' }), /#1/);
    const res = await fetch(`${suite.server.url}/api/no/such/route`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ApiError).error.code).toBe('not_found');
    // A missing asset is a 404, but a page whose last part has a dot (a library file's) is a page.
    const html = { headers: { accept: 'text/html' } };
    expect((await fetch(`${suite.server.url}/assets/no-such-chunk.js`, html)).status).toBe(404);
    expect((await fetch(`${suite.server.url}/favicon-missing.ico`, html)).status).toBe(404);
    const libraryPage = await fetch(`${suite.server.url}/projects/${KEY}/libraries/bands.py`, html);
    expect(libraryPage.status).toBe(200);
    expect(await libraryPage.text()).toContain('<div id="root">');
  });

  it('lists many projects with search, tag filter, sort and count kept in the URL; "/" focuses the search', async () => {
    const { page } = suite.browser;
    const api = apiClient(suite.server.url, suite.server.adminToken);
    const tags = ['archive', 'weather', 'correlator', 'power'];
    for (let i = 0; i < 40; i++)
      await api.call('POST', '/api/projects', {
        key: `P${String(i).padStart(2, '0')}`,
        name: `Pipeline ${i}`,
        tags: [tags[i % 4], tags[i % 4]],
      });
    await page.goto('/');
    const table = page.getByRole('table', { name: 'Projects' });
    // Most recently active first: the last project created.
    await expectText(table.locator('tbody tr').first(), /Pipeline 39/);
    await expectText(page.getByRole('status'), /^41 projects$/);
    await page.keyboard.press('/');
    await page.keyboard.type('pipeline 1');
    await expectText(page.getByRole('status'), /^11 of 41 projects$/);
    // A tag in a row filters by it (each tag once, though the project was given it twice).
    const row = table.locator('tbody tr').filter({ hasText: 'Pipeline 13' });
    expect(await row.getByRole('button').allTextContents()).toEqual(['weather']);
    await row.getByRole('button', { name: 'weather' }).click();
    await expectText(page.getByRole('status'), /^3 of 41 projects$/);
    await page.getByLabel('Sort projects').selectOption('name');
    await page.reload();
    await expect
      .poll(() => table.locator('tbody tr td:first-child strong').allTextContents())
      .toEqual(['Pipeline 1', 'Pipeline 13', 'Pipeline 17']);
    expect(await page.getByLabel('Search projects').inputValue()).toBe('pipeline 1');
    await page.getByLabel('Search projects').fill('no such thing');
    await page.getByText('No project matches').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expectText(page.getByRole('status'), /^41 projects$/);
    expect(new URL(page.url()).search).toBe('?sort=name');
  });

  it('says what is missing, with a way back and no useless Retry', async () => {
    const { page } = suite.browser;
    for (const [url, message, back] of [
      [`/projects/${KEY}/datasets/nope`, /Dataset nope not found/, 'All datasets'],
      [`/projects/${KEY}/scenarios/nope`, /nope not found/, 'All scenarios'],
      [`/projects/${KEY}/jobs/nope`, /not found/i, 'All jobs'],
    ] as const) {
      await page.goto(url);
      const alert = page.getByRole('alert');
      await expectText(alert, message);
      expect(await alert.getByRole('button', { name: 'Retry' }).count()).toBe(0);
      await alert.getByRole('link', { name: back }).waitFor();
    }
  });

  it('shows a reader the scenario and the checks without what only writers may do', async () => {
    const { page } = suite.browser;
    const admin = apiClient(suite.server.url, suite.server.adminToken);
    await admin.call('POST', '/api/users', { username: 'viewer', password: 'viewer-password-1' });
    await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader' });
    await page.context().clearCookies(); // sign the admin out
    await logIn(page, 'viewer', 'viewer-password-1');

    await page.goto(`/projects/${KEY}/scenarios/daily_refresh`);
    await page.getByText('You can read this scenario; changing it needs the writer role.').waitFor();
    // Running needs the run-scenarios right: disabled with the reason, until an admin grants it.
    const runNow = page.getByRole('button', { name: 'Run now' });
    expect(await runNow.getAttribute('aria-disabled')).toBe('true');
    expect(await runNow.getAttribute('title')).toMatch(/run-scenarios right/);
    await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader', rights: ['run-scenarios'] });
    await page.reload();
    await page.getByText('You can read this scenario; changing it needs the writer role.').waitFor();
    expect(await page.getByRole('button', { name: 'Run now' }).getAttribute('aria-disabled')).toBeNull();
    await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader' });
    expect(await page.getByRole('button', { name: 'Save scenario' }).isDisabled()).toBe(true);
    expect(await page.getByLabel(/^Name/).first().isDisabled()).toBe(true);

    await page.goto(`/projects/${KEY}/datasets/receiver_temps/quality`);
    await page.getByRole('region', { name: 'Checks' }).waitFor();
    for (const name of ['Compute metrics', 'Run checks', 'Edit checks']) {
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    }
  });
});
