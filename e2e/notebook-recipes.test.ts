import { describe, expect, it } from 'vitest';
import { a11yViolations, overflowX, seriousOnes } from './support/a11y.js';
import { launchBrowser, logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import type { ApiClient } from './support/seed.js';
import type { Page } from 'playwright-core';

async function noSeriousViolations(page: Page): Promise<void> {
  const serious = seriousOnes(await a11yViolations(page));
  expect(serious, JSON.stringify(serious)).toEqual([]);
}

/**
 * Notebook cells into recipes from the UI (the dialog: cells of one language, the cells they
 * depend on, inputs pre-filled, the output), the notebook's Python environment, raw cells and
 * Jupyter cell ids kept through a save; the code recipe editor's environment, limits and output
 * schema, its inputs listed ticked first, and at 390 px the code before the list. Readers see
 * the settings disabled and no "To recipe".
 */
describe('web UI: notebooks into recipes, code recipe settings', () => {
  const KEY = 'NBREC';
  const CSV = 'antenna,band,trec\nDA41,3,35.5\nDA42,3,36.5\nDV01,6,55.0\n';
  let admin: ApiClient;
  const suite = browserSuite({
    seed: async (_server, api) => {
      admin = api;
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Notebook recipes' });
      for (const name of ['obs', 'a_first', 'b_second', 'zz_last'])
        await admin.upload(`/api/projects/${KEY}/datasets/${name}/upload`, CSV, `${name}.csv`);
      await admin.call('POST', '/api/users', { username: 'nbreader', password: 'nbreader-password-1' });
      await admin.call('PUT', `/api/projects/${KEY}/members/nbreader`, { role: 'reader' });
      await admin.call('POST', `/api/projects/${KEY}/code-environments`, { name: 'pyenv', language: 'python' });
      await admin.call('POST', `/api/projects/${KEY}/notebooks/import`, {
        id: 'mixed',
        ipynb: {
          nbformat: 4,
          nbformat_minor: 5,
          metadata: { kernelspec: { name: 'python3', language: 'python' } },
          cells: [
            { cell_type: 'markdown', id: 'intro', metadata: {}, source: '# Hot receivers' },
            {
              cell_type: 'code',
              id: 'load',
              metadata: { tags: ['parameters'], collapsed: true },
              execution_count: null,
              source: 'df = dataset("obs")',
              outputs: [],
            },
            {
              cell_type: 'code',
              id: 'hot',
              metadata: {},
              execution_count: null,
              source: 'hot = df[df["trec"] > 36]\nhot[["antenna", "trec"]]',
              outputs: [],
            },
            {
              cell_type: 'code',
              id: 'ts',
              metadata: { llano: { language: 'typescript' } },
              execution_count: null,
              source: 'const n = 1;\nn',
              outputs: [],
            },
            { cell_type: 'raw', id: 'note', metadata: { format: 'text/plain' }, source: 'Not code: never run.' },
          ],
        },
      });
      await admin.call('POST', `/api/projects/${KEY}/recipes`, {
        name: 'copy_py',
        type: 'python',
        inputs: ['zz_last'],
        output: 'copied',
        code: 'def run(inputs, output, variables, log):\n    for row in inputs["zz_last"]:\n        output.write(row)\n',
      });
    },
  });

  it('turns a cell into a recipe with the cells it depends on, inputs pre-filled, one language at a time', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/notebooks/mixed`);
    await page.getByRole('heading', { name: 'mixed', level: 1 }).waitFor();
    // The raw cell is text: no Run button for it.
    await page.getByRole('textbox', { name: 'Cell 5 (Raw text) source' }).waitFor();
    expect(await page.getByRole('button', { name: 'Run cell 5' }).count()).toBe(0);

    await page.getByRole('button', { name: 'To recipe (cell 3)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Turn cells into a recipe' });
    await dialog.waitFor();
    await dialog.getByText('This notebook mixes Python and TypeScript cells').waitFor();
    await dialog.getByText(/The code uses df of cell 2/).waitFor();
    expect(await dialog.getByRole('checkbox', { name: /Include the cells it depends on \(2\)/ }).isChecked()).toBe(
      true,
    );
    // `dataset("obs")` is in cell 2, which the recipe takes: obs is pre-ticked.
    expect(await dialog.getByRole('checkbox', { name: 'obs', exact: true }).isChecked()).toBe(true);
    await noSeriousViolations(page);

    await dialog.getByLabel('Output dataset').fill('hot_receivers');
    await dialog.getByRole('button', { name: 'Make recipe' }).click();
    await page.getByRole('status').getByText('Created python recipe mixed_cell_3 writing hot_receivers.').waitFor();
    const recipe = await admin.call<{ inputs: string[]; description: string; code: string }>(
      'GET',
      `/api/projects/${KEY}/recipes/mixed_cell_3`,
    );
    expect(recipe.inputs).toEqual(['obs']);
    expect(recipe.description).toBe('Made from notebook mixed, cells 2, 3');

    // The whole notebook: the TypeScript cells, offered on their own.
    await page.getByRole('button', { name: 'To recipe…' }).click();
    await dialog.waitFor();
    await dialog.getByLabel('Language').selectOption('typescript');
    await dialog.getByRole('checkbox', { name: /Cell 4/ }).waitFor();
    expect(await dialog.getByRole('checkbox', { name: /Cell 2/ }).count()).toBe(0);
    // No dataset read: the recipe cannot be made until an input is chosen, and the dialog says so.
    await dialog.getByText('Choose the datasets the recipe reads.').waitFor();
    expect(await dialog.getByRole('button', { name: 'Make recipe' }).isDisabled()).toBe(true);
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await noSeriousViolations(page);
      expect((await overflowX(page)).extra).toBeLessThanOrEqual(0);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  }, 180_000);

  it('picks the notebook’s Python environment and keeps Jupyter ids and metadata through a save', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/notebooks/mixed`);
    // Cell editors grow with their text: a two-line cell is short, a long one stops at about 30 lines.
    const heightOf = async (n: number) =>
      (await page.locator(`li[aria-label^="Cell ${n} "] .cm-editor`).boundingBox())?.height ?? 0;
    const short = await heightOf(4);
    expect(short).toBeGreaterThan(40);
    expect(short).toBeLessThan(120);
    await page
      .getByRole('textbox', { name: 'Cell 5 (Raw text) source' })
      .fill(Array.from({ length: 80 }, (_, i) => `line ${i + 1}`).join('\n'));
    await expect.poll(() => heightOf(5)).toBeGreaterThan(400);
    expect(await heightOf(5)).toBeLessThan(700);
    await page.getByLabel('Python environment').selectOption('pyenv');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved as revision/).waitFor();
    const saved = await admin.call<{
      environment?: string;
      cells: { id?: string; type: string; source: string; metadata?: Record<string, unknown> }[];
    }>('GET', `/api/projects/${KEY}/notebooks/mixed`);
    expect(saved.environment).toBe('pyenv');
    expect(saved.cells.map((c) => c.id)).toEqual(['intro', 'load', 'hot', 'ts', 'note']);
    expect(saved.cells[1].metadata).toEqual({ tags: ['parameters'], collapsed: true });
    expect(saved.cells[4]).toMatchObject({ type: 'raw', metadata: { format: 'text/plain' } });
    expect(saved.cells[4].source).toContain('line 80');
  }, 120_000);

  it('sets a code recipe’s environment, limits and output schema; lists its inputs first; code first at 390 px', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/recipes/copy_py`);
    const inputs = page.getByRole('complementary', { name: 'Inputs' });
    await inputs.getByRole('checkbox').first().waitFor();
    // The ticked input comes first, before a_first and b_second.
    expect((await inputs.locator('.schema-tree-choice').first().textContent())?.trim()).toBe('zz_last');

    await page.getByText('Environment, limits and output schema').click();
    await page.getByLabel('Code environment').selectOption('pyenv');
    const memory = page.getByLabel('Memory (MB)');
    expect(await memory.getAttribute('placeholder')).toMatch(/^default \d+$/);
    await memory.fill('256');
    await page.getByLabel('Wall time (seconds)').fill('120');
    await page.getByRole('button', { name: 'Add column' }).click();
    await page.getByLabel('Column 1 name').fill('antenna');
    await page.getByLabel('Column 1 type').fill('VARCHAR');
    await page.getByRole('button', { name: 'Add column' }).click();
    await page.getByLabel('Column 2 name').fill('band');
    await page.getByLabel('Column 2 type').fill('BIGINT');
    await page.getByRole('button', { name: 'Add column' }).click();
    await page.getByLabel('Column 3 name').fill('trec');
    await page.getByLabel('Column 3 type').fill('DOUBLE');
    await noSeriousViolations(page);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved revision 2/).waitFor();
    const saved = await admin.call<Record<string, unknown>>('GET', `/api/projects/${KEY}/recipes/copy_py`);
    expect(saved).toMatchObject({
      environment: 'pyenv',
      limits: { memoryMb: 256, wallSeconds: 120 },
      outputSchema: [
        { name: 'antenna', type: 'VARCHAR' },
        { name: 'band', type: 'BIGINT' },
        { name: 'trec', type: 'DOUBLE' },
      ],
    });

    // Cleared in the editor, cleared in the recipe.
    await page.getByLabel('Wall time (seconds)').fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved revision 3/).waitFor();
    const cleared = await admin.call<{ limits?: unknown }>('GET', `/api/projects/${KEY}/recipes/copy_py`);
    expect(cleared.limits).toEqual({ memoryMb: 256 });
    // The sample run goes with the settings (the environment, the declared columns).
    await page.getByRole('button', { name: 'Run on a sample' }).click();
    await page.getByRole('region', { name: 'Preview' }).getByText('DA42').waitFor({ timeout: 60_000 });

    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const code = await page.getByRole('textbox', { name: 'Python code' }).boundingBox();
      const list = await inputs.boundingBox();
      expect(code && list && code.y < list.y, `code at ${code?.y}, inputs at ${list?.y}`).toBe(true);
      await noSeriousViolations(page);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  }, 180_000);

  it('shows a reader the settings disabled and no "To recipe"', async () => {
    const r = await launchBrowser(suite.server.url);
    try {
      await logIn(r.page, 'nbreader', 'nbreader-password-1');
      await r.page.goto(`/projects/${KEY}/recipes/copy_py`);
      await r.page.getByText('Environment, limits and output schema').click();
      expect(await r.page.getByLabel('Code environment').isDisabled()).toBe(true);
      expect(await r.page.getByLabel('Memory (MB)').isDisabled()).toBe(true);
      expect(await r.page.getByRole('button', { name: 'Add column' }).isDisabled()).toBe(true);
      await r.page.goto(`/projects/${KEY}/notebooks/mixed`);
      await r.page.getByRole('heading', { name: 'mixed', level: 1 }).waitFor();
      expect(await r.page.getByLabel('Python environment').isDisabled()).toBe(true);
      expect(await r.page.getByRole('button', { name: /To recipe/ }).count()).toBe(0);
      expect(r.pageErrors).toEqual([]);
    } finally {
      await r.close();
    }
  }, 120_000);
});
