import { describe, expect, it } from 'vitest';
import { launchBrowser, logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import { apiClient, type ApiClient } from './support/seed.js';

/**
 * Notebooks in the browser: a writer runs a SQL, a Python and a TypeScript cell (real kernels)
 * and sees their outputs; a Python variable survives into the next cell; a reader sees the
 * notebook without run controls.
 */
describe('web UI: notebooks', () => {
  let admin: ApiClient;
  const KEY = 'NBUI';
  const CSV = 'antenna,band,trec\nDA41,3,35.5\nDA42,3,36.5\nDV01,6,55.0\n';
  const suite = browserSuite({
    seed: async (server) => {
      admin = apiClient(server.url, server.adminToken);
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Notebooks' });
      await admin.upload(`/api/projects/${KEY}/datasets/obs/upload`, CSV, 'obs.csv');
      await admin.call('POST', '/api/users', { username: 'viewer', password: 'viewer-password-1' });
      await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader' });
      await admin.call('POST', `/api/projects/${KEY}/notebooks`, {
        id: 'qa',
        name: 'Receiver QA',
        cells: [
          { type: 'markdown', source: '# Receiver QA' },
          { type: 'sql', source: 'SELECT antenna, trec FROM obs WHERE band = 3 ORDER BY antenna' },
          { type: 'python', source: 'hot = 50\nprint("threshold", hot)' },
          { type: 'python', source: 'hot + 1' },
          {
            type: 'typescript',
            source: "const rows = await sql('SELECT count(*) AS n FROM obs');\n`rows: ${rows[0].n}`",
          },
        ],
      });
      await admin.call('POST', `/api/projects/${KEY}/notebooks`, {
        id: 'slow',
        name: 'Slow cell',
        cells: [
          { type: 'python', source: 'kept = 5' },
          { type: 'python', source: 'import time\nprint("first line")\ntime.sleep(600)\nprint("never")' },
          { type: 'python', source: 'kept + 1' },
        ],
      });
    },
  });

  it('runs a SQL, a Python and a TypeScript cell and shows their outputs', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/notebooks`);
    await page.getByRole('link', { name: 'Receiver QA' }).click();
    await page.getByRole('heading', { name: 'Receiver QA', level: 1 }).waitFor();
    // Markdown is rendered, its headings under the page's title (h1).
    await page.locator('.cell-markdown h2', { hasText: 'Receiver QA' }).waitFor();

    await page.getByRole('button', { name: 'Run cell 2' }).click();
    const sqlOut = page.getByRole('region', { name: 'Output of cell 2' });
    await sqlOut.getByRole('grid').waitFor();
    await sqlOut.getByText('DA42').waitFor();
    await sqlOut.getByText('2 rows').waitFor();

    await page.getByRole('button', { name: 'Run cell 3' }).click();
    await page.getByRole('region', { name: 'Output of cell 3' }).getByText('threshold 50').waitFor();
    // Shift+Enter in the editor runs the cell; the variable of cell 3 is still there.
    await page.getByRole('textbox', { name: 'Cell 4 (Python) source' }).click();
    await page.keyboard.press('Shift+Enter');
    await page.getByRole('region', { name: 'Output of cell 4' }).getByText('51').waitFor();

    await page.getByRole('button', { name: 'Run cell 5' }).click();
    await page.getByRole('region', { name: 'Output of cell 5' }).getByText('rows: 3').waitFor();

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Saved as revision 2/).waitFor();
    const saved = await admin.call<{ cells: { outputs?: { type: string }[] }[] }>(
      'GET',
      `/api/projects/${KEY}/notebooks/qa`,
    );
    expect(saved.cells[1].outputs?.[0].type).toBe('table');
    expect(saved.cells[4].outputs?.[0].type).toBe('text');

    // On a phone each cell's type stays readable (the select was squeezed to 33 px, its text hidden).
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const type = page.getByLabel('Type of cell 2');
      await expect.poll(async () => (await type.boundingBox())?.width ?? 0).toBeGreaterThan(80);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  }, 180_000);

  it('shows what a cell prints while it runs; Interrupt stops it, keeping its output and the variables', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/notebooks/slow`);
    await page.getByRole('heading', { name: 'Slow cell', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Run cell 1' }).click();
    await page.locator('li[aria-label="Cell 1 (Python)"] .cell-count', { hasText: '[1]' }).waitFor();

    await page.getByRole('button', { name: 'Run cell 2' }).click();
    const output = page.getByRole('region', { name: 'Output of cell 2' });
    // Streamed: the cell sleeps for 10 minutes after printing.
    await output.getByText('first line').waitFor();
    await page.getByRole('button', { name: 'Interrupt' }).click();
    await output.getByText(/KeyboardInterrupt: Interrupted/).waitFor();
    await page.getByRole('status').getByText('the kernels keep their variables').waitFor();
    expect(await output.getByText('first line').count()).toBe(1);
    expect(await output.getByText('never').count()).toBe(0);

    await page.getByRole('button', { name: 'Run cell 3' }).click();
    await page.getByRole('region', { name: 'Output of cell 3' }).getByText('6', { exact: true }).waitFor();
    expect(suite.browser.pageErrors).toEqual([]);
  }, 180_000);

  it('shows a reader the notebook and its outputs without run controls', async () => {
    const r = await launchBrowser(suite.server.url);
    try {
      await logIn(r.page, 'viewer', 'viewer-password-1');
      await r.page.goto(`/projects/${KEY}/notebooks/qa`);
      await r.page.getByRole('region', { name: 'Output of cell 2' }).getByText('DA42').waitFor();
      expect(await r.page.getByRole('button', { name: /^Run/ }).count()).toBe(0);
      expect(await r.page.getByRole('button', { name: 'Save' }).count()).toBe(0);
      expect(r.pageErrors).toEqual([]);
    } finally {
      await r.close();
    }
  }, 120_000);

  it('runs all cells, restarts the kernels (variables gone), and imports a taken .ipynb as a copy', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/notebooks/qa`);
    await page.getByRole('heading', { name: 'Receiver QA', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Run all' }).click();
    await page.getByRole('region', { name: 'Output of cell 2' }).getByText('DA42').waitFor();
    await page.getByRole('region', { name: 'Output of cell 4' }).getByText('51', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Output of cell 5' }).getByText('rows: 3').waitFor();

    await page.getByRole('button', { name: 'Restart' }).click();
    await page.getByRole('status').getByText('Restarted: variables are gone').waitFor();
    await page.getByRole('button', { name: 'Run cell 4' }).click();
    await page
      .getByRole('region', { name: 'Output of cell 4' })
      .getByText("NameError: name 'hot' is not defined", { exact: true })
      .waitFor();

    const ipynb = await fetch(`${suite.server.url}/api/projects/${KEY}/notebooks/qa/export?format=ipynb`, {
      headers: { authorization: `Bearer ${suite.server.adminToken}` },
    });
    expect(ipynb.status).toBe(200);
    const buffer = Buffer.from(await ipynb.arrayBuffer());
    await page.goto(`/projects/${KEY}/notebooks`);
    await page
      .getByLabel('Import .ipynb')
      .setInputFiles({ name: 'qa.ipynb', mimeType: 'application/x-ipynb+json', buffer });
    const dialog = page.getByRole('dialog', { name: 'This notebook is already in the project' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Import as a copy' }).click();
    await page.waitForURL(/\/notebooks\/qa_2$/);
    await page.getByRole('heading', { name: 'Receiver QA', level: 1 }).waitFor();
    expect(suite.browser.pageErrors).toEqual([]);
  }, 180_000);
});
