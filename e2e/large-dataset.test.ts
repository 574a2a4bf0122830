import { describe, expect, it } from 'vitest';
import type { BuildStarted } from '../test/support/api-types.js';
import { waitForJobEnd } from '../test/support/llano-server.js';
import { browserSuite } from './support/browser-suite.js';
import { expectText } from './support/expect-text.js';

const ROWS = 10_000_000;

/**
 * A 10-million-row dataset in the grid: the first rows show at once (the server pages in
 * DuckDB), the DOM holds only the rows in view, and rows anywhere are fetched as they scroll in.
 */
describe('web UI: a 10-million-row dataset', () => {
  const suite = browserSuite({
    seed: async (server) => {
      const token = server.adminToken;
      await server.call('POST', '/api/projects', { token, body: { key: 'BIG' } });
      expect((await server.upload('/api/projects/BIG/datasets/seed/upload', 'x\n1\n', 'seed.csv')).status).toBe(201);
      const note = 'n'.repeat(20_000);
      expect(
        (await server.upload('/api/projects/BIG/datasets/notes/upload', `id,note\n1,${note}\n`, 'notes.csv')).status,
      ).toBe(201);
      const sql = `SELECT i AS row_id, 'DA' || (41 + i % 12) AS antenna, (i % 3) + 3 AS band, 40 + (i % 1000) / 50.0 AS trec_k FROM range(${ROWS}) t(i) CROSS JOIN (SELECT 1 FROM seed LIMIT 1) s`;
      expect(
        (
          await server.call('POST', '/api/projects/BIG/recipes', {
            token,
            body: { name: 'make_big', type: 'sql', inputs: ['seed'], output: 'big', sql },
          })
        ).status,
      ).toBe(201);
      const build = await server.call<BuildStarted>('POST', '/api/projects/BIG/builds', {
        token,
        body: { targets: ['big'], mode: 'only' },
      });
      expect((await waitForJobEnd(server, 'BIG', build.body.jobId)).status).toBe('succeeded');
    },
  });

  const cellsOfRow = (row: number) =>
    suite.browser.page.locator(`[role=row][aria-rowindex="${row + 1}"] [role=gridcell]`).allTextContents();

  it('shows the first rows quickly and keeps only the rows in view in the page', async () => {
    const { page } = suite.browser;
    await page.goto('/projects/BIG/datasets');
    await page.getByRole('link', { name: 'big', exact: true }).waitFor();
    // What makes the first rows quick is that only a page of them is asked for: checked on the
    // requests, which a loaded machine does not change.
    const limits: number[] = [];
    const onRequest = (r: { url: () => string }) => {
      const url = new URL(r.url());
      if (url.pathname.endsWith('/datasets/big/data'))
        limits.push(Number(url.searchParams.get('limit') ?? Number.POSITIVE_INFINITY));
    };
    page.on('request', onRequest);
    // Measured in the page, from the click to the first row on screen.
    const elapsed = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const t0 = performance.now();
          const observer = new MutationObserver(() => {
            if (document.querySelector('[role=row][aria-rowindex="2"] [role=gridcell]')?.textContent === '0') {
              observer.disconnect();
              resolve(performance.now() - t0);
            }
          });
          observer.observe(document.body, { subtree: true, childList: true, characterData: true });
          [...document.querySelectorAll('a')].find((a) => a.textContent === 'big')!.click();
        }),
    );
    page.off('request', onRequest);
    expect(limits.length).toBeGreaterThan(0);
    expect(Math.max(...limits)).toBeLessThanOrEqual(200);
    // About 100 ms on a quiet machine; the bound is generous because other work may share the
    // cores, and still far below loading ten million rows.
    expect(elapsed).toBeLessThan(10_000);
    await expectText(page.locator('.grid-footer strong'), /^10,000,000$/);
    expect(await page.locator('[role=grid] [role=row]').count()).toBeLessThan(120);
  });

  it('fetches the rows in the middle and at the end as they scroll into view', async () => {
    const { page } = suite.browser;
    const grid = page.getByRole('grid', { name: 'Dataset rows' });
    // Jump the scrollbar to the middle: the rows there are fetched by offset.
    await grid.evaluate((el) => {
      el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
    });
    await expectText(page.locator('.grid-footer'), /Rows 4,99\d,\d{3}–/);
    const firstShown = Number(
      (await page.locator('.grid-footer').textContent())!.match(/Rows ([\d,]+)/)![1].replace(/,/g, ''),
    );
    const row = firstShown + 5;
    await expect.poll(async () => (await cellsOfRow(row))[0], { timeout: 20_000 }).toBe(String(row - 1));
    expect(await page.locator('[role=grid] [role=row]').count()).toBeLessThan(120);

    // Keyboard: Ctrl+End goes to the last row.
    await grid.focus();
    await page.keyboard.press('Control+End');
    await expect.poll(async () => (await cellsOfRow(ROWS))[0], { timeout: 20_000 }).toBe(String(ROWS - 1));
    await page.keyboard.press('Control+Home');
    await expect.poll(async () => (await cellsOfRow(1))[0], { timeout: 20_000 }).toBe('0');
  });

  it('sorts ten million rows in the engine', async () => {
    const { page } = suite.browser;
    await page.getByRole('button', { name: /^trec_k/ }).click();
    await page.getByRole('button', { name: /^trec_k/ }).click();
    await expect.poll(async () => (await cellsOfRow(1))[3], { timeout: 30_000 }).toBe('59.98');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('-trec_k');
  });

  it('says in the cell when the server cut a long text (the export has the whole value)', async () => {
    const { page } = suite.browser;
    await page.goto('/projects/BIG/datasets/notes');
    await expectText(
      page.locator('[role=row][aria-rowindex="2"] [role=gridcell]').nth(1),
      /^n{10000}… \(cut: 20,000 characters in all; download the dataset for the whole value\)$/,
    );
  });
});
