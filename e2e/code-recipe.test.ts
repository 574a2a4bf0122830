import { describe, expect, it } from 'vitest';
import { a11yViolations, overflowX, seriousOnes } from './support/a11y.js';
import { browserSuite } from './support/browser-suite.js';
import { apiClient, receiverCsv } from './support/seed.js';

const CODE = `def run(inputs, output, variables, log):
    n = 0
    for row in inputs["trec"]:
        if row["band"] == 7:
            output.write({"antenna": row["antenna"], "trec2": row["trec_k"] * 2})
            n += 1
    log("band 7 rows:", n)
`;

/** A Python recipe written in the code editor: run on a sample (rows and the code's log), then saved and built. */
describe('web UI: a Python code recipe', () => {
  const KEY = 'CODEUI';
  const suite = browserSuite({
    seed: async (_server, admin) => {
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Code' });
      await admin.upload(`/api/projects/${KEY}/datasets/trec/upload`, receiverCsv(300), 'trec.csv');
    },
  });

  it('creates a Python recipe, runs it on a sample, shows its log, saves and builds it', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/recipes`);
    await page.getByRole('link', { name: 'New Python' }).first().click();
    await page.getByRole('checkbox', { name: 'trec' }).check();
    await page.getByLabel('Recipe name').fill('double_band7');
    await page.getByLabel('Output dataset').fill('band7');
    await page.getByLabel('Python code').fill(CODE);
    await page.getByRole('button', { name: 'Run on a sample' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByText('trec2').waitFor();
    await page
      .getByRole('region', { name: 'Sample run log' })
      .getByText(/band 7 rows: \d+/)
      .waitFor();
    expect(seriousOnes(await a11yViolations(page))).toEqual([]);
    await page.getByRole('button', { name: 'Save and run' }).click();
    await page.getByText(/Saved revision 1/).waitFor();
    await page
      .getByRole('region', { name: 'Build log' })
      .getByText(/band 7 rows: \d+/)
      .waitFor({ timeout: 120_000 });
    const api = apiClient(suite.server.url, suite.server.adminToken);
    // The log line is written while the build runs; the new version is committed just after it.
    await expect
      .poll(
        () =>
          api.call('GET', `/api/projects/${KEY}/datasets/band7/data`).then(
            () => true,
            () => false,
          ),
        {
          timeout: 60_000,
        },
      )
      .toBe(true);
    const data = await api.call<{ columns: string[]; rows: unknown[][] }>(
      'GET',
      `/api/projects/${KEY}/datasets/band7/data`,
    );
    expect(data.columns).toEqual(['antenna', 'trec2']);
    expect(data.rows.length).toBeGreaterThan(50);
  }, 240_000);

  it('adds a Python code environment with a virtual environment in project settings, sees it built, and deletes it', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/settings`);
    const form = page.getByRole('form', { name: 'Code environment' });
    await form.getByLabel('Environment name', { exact: true }).fill('py_venv');
    await form.getByLabel('A virtual environment of its own').check();
    await form.getByRole('button', { name: 'Add environment' }).click();
    await page.getByText('its virtual environment is being built').waitFor();
    const item = page.getByRole('listitem').filter({ hasText: 'py_venv' });
    // No requirements: the venv is the machine's Python alone, built without a wheel folder.
    await item.getByText('ready', { exact: true }).waitFor({ timeout: 120_000 });
    expect(seriousOnes(await a11yViolations(page))).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect((await overflowX(page)).extra).toBe(0);
    await page.setViewportSize({ width: 1440, height: 900 });
    await item.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete environment' }).click();
    await item.waitFor({ state: 'detached' });

    // The interpreters of the machine, with their versions; an R environment with a library of its own.
    const interpreters = await suite.admin.call<
      { language: string; path: string; version: string; default: boolean }[]
    >('GET', '/api/code-interpreters');
    const python = interpreters.find((i) => i.language === 'python' && i.default)!;
    const select = form.getByLabel('Interpreter');
    await expect.poll(() => select.locator('option').first().textContent()).toBe(`Default (${python.version})`);
    await form.getByLabel('Environment name', { exact: true }).fill('r_lib');
    await form.getByLabel('Language').selectOption('r');
    await form.getByLabel('An R library of its own').check();
    await form.getByRole('button', { name: 'Add environment' }).click();
    await page.getByText('its R library is being built').waitFor();
    const rItem = page.getByRole('listitem').filter({ hasText: 'r_lib' });
    await rItem.getByText('ready', { exact: true }).waitFor({ timeout: 120_000 });
    const saved = await suite.admin.call<{ r?: { library: boolean }; library?: { status: string } }>(
      'GET',
      `/api/projects/${KEY}/code-environments/r_lib`,
    );
    expect(saved).toMatchObject({ r: { library: true, requirements: [] }, library: { status: 'ready' } });
    await page.setViewportSize({ width: 390, height: 844 });
    expect((await overflowX(page)).extra).toBe(0);
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 240_000);

  it('adds a library file, edits it in the code editor, and deletes it after a confirmation', async () => {
    const { page, admin } = suite;
    await page.goto(`/projects/${KEY}/libraries`);
    await page.getByText('No library files').waitFor();
    await page.getByLabel('File name').fill('bands.py');
    await page.getByRole('button', { name: 'Add file' }).click();
    const editor = page.getByLabel('Code of bands.py');
    await editor.fill('HOT_BAND = 7\n');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved bands.py.').waitFor();
    const saved = await admin.call<{ content: string; revision: number }>(
      'GET',
      `/api/projects/${KEY}/libraries/bands.py`,
    );
    expect(saved).toMatchObject({ content: 'HOT_BAND = 7\n', revision: 2 });
    await page.getByRole('table', { name: 'Library files' }).getByText('Python').waitFor();
    expect(seriousOnes(await a11yViolations(page))).toEqual([]);

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page
      .getByRole('dialog', { name: 'Delete the library file bands.py?' })
      .getByRole('button', { name: 'Delete file' })
      .click();
    await page.getByText('No library files').waitFor();
    expect((await admin.call<unknown[]>('GET', `/api/projects/${KEY}/libraries`)).length).toBe(0);
  }, 120_000);
});
