import { describe, expect, it } from 'vitest';
import { a11yViolations, bypassContentPolicy, seriousOnes } from './support/a11y.js';
import { launchBrowser, logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import { apiClient, type ApiClient } from './support/seed.js';
import { trecExplorerWebapp } from '../src/alma/apps/trec-qa/explorer.js';
import { TREC_EB, TREC_QA_FIXTURE } from './support/trec-qa-fixture.js';

/**
 * Webapps in the browser: a page that filters a dataset with the client and calls its backend
 * (sandboxed, authorised by its view token, not the cookie); a writer starts one from a template
 * in the UI, edits a file and sees the preview reload on save; a reader sees it read-only.
 */
describe('web UI: webapps', () => {
  let admin: ApiClient;
  const KEY = 'WEBAPPS';
  const CSV = 'antenna,band,trec\nDA41,3,35.5\nDA42,3,36.5\nDV01,6,55.0\nDV02,7,61.0\nDA43,7,58.5\n';

  const FILES = {
    'index.html': `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bands</title>
<script src="/webapps/_client.js"></script><script src="app.js" defer></script></head>
<body><main><h1>Bands</h1>
<label>Band <input id="band" value="7"></label>
<button id="filter" type="button">Filter</button>
<button id="ask" type="button">Ask backend</button>
<p id="rows"></p><p id="answer"></p><p id="cookie"></p></main></body></html>`,
    'app.js': `document.getElementById('filter').addEventListener('click', async () => {
  const band = document.getElementById('band').value;
  const t = await llano.dataset('obs').rows({ filters: [{ column: 'band', op: 'eq', value: band }], columns: ['antenna'] });
  document.getElementById('rows').textContent = 'antennas: ' + t.rows.map((r) => r.antenna).join(',');
});
document.getElementById('ask').addEventListener('click', async () => {
  const a = await llano.backend('hottest', { band: Number(document.getElementById('band').value) });
  document.getElementById('answer').textContent = 'hottest: ' + a.antenna + ' for ' + a.user;
});
let cookie = 'none';
try { cookie = document.cookie || 'none'; } catch (e) { cookie = 'blocked'; }
document.getElementById('cookie').textContent = 'cookie: ' + cookie;
`,
    'backend.ts': `export async function hottest(request, llano) {
  const t = await llano.sql('SELECT antenna FROM obs WHERE band = $1 ORDER BY trec DESC LIMIT 1', [request.body.band]);
  return { antenna: t.rows[0].antenna, user: request.user.username };
}
`,
  };
  const suite = browserSuite({
    seed: async (server) => {
      admin = apiClient(server.url, server.adminToken);
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Webapps' });
      await admin.upload(`/api/projects/${KEY}/datasets/obs/upload`, CSV, 'obs.csv');
      await admin.call('POST', '/api/users', { username: 'viewer', password: 'viewer-password-1' });
      await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader' });
      await admin.call('POST', `/api/projects/${KEY}/webapps`, { id: 'bands', name: 'Bands', files: FILES });
    },
  });

  it('opens a webapp that filters a dataset with the client and calls its backend', async () => {
    const { page } = suite.browser;
    await page.goto(`/webapps/${KEY}/bands/`);
    expect(page.url()).toMatch(new RegExp(`/webapps/${KEY}/bands/~[^/]+/$`));
    await page.getByRole('heading', { name: 'Bands' }).waitFor();
    // Sandboxed: the page has no access to Llano's cookie, whatever it tries.
    await page.getByText('cookie: blocked').waitFor();
    await page.getByLabel('Band').fill('7');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('antennas: DV02,DA43').waitFor();
    await page.getByLabel('Band').fill('3');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('antennas: DA41,DA42').waitFor();
    await page.getByRole('button', { name: 'Ask backend' }).click();
    await page.getByText('hottest: DA42 for admin').waitFor({ timeout: 30_000 });
  }, 120_000);

  it('opens a react webapp created through the API: Llano bundled it, its component reads rows with the client', async () => {
    const app = `import { useEffect, useState } from 'react';
import { llano } from 'llano';
export default function App() {
  const [antennas, setAntennas] = useState<string[] | null>(null);
  useEffect(() => {
    llano.dataset('obs').rows({ filters: [{ column: 'band', op: 'eq', value: '3' }], columns: ['antenna'] })
      .then((t: { rows: { antenna: string }[] }) => setAntennas(t.rows.map((r) => r.antenna)));
  }, []);
  return <main><h1>React bands</h1><p>{antennas ? 'react antennas: ' + antennas.join(',') : 'Loading…'}</p></main>;
}
`;
    await admin.call('POST', `/api/projects/${KEY}/webapps`, {
      id: 'reactbands',
      name: 'React bands',
      kind: 'react',
      files: { 'app.tsx': app },
    });
    const { page } = suite.browser;
    await page.goto(`/webapps/${KEY}/reactbands/`);
    await page.getByRole('heading', { name: 'React bands' }).waitFor();
    await page.getByText('react antennas: DA41,DA42').waitFor();
  }, 120_000);

  it('embeds a webapp as a dashboard tile (picked in the tile picker) that shows the app, sandboxed', async () => {
    await admin.call('POST', `/api/projects/${KEY}/dashboards`, {
      id: 'ops',
      name: 'Operations',
      pages: [{ title: 'Main', tiles: [] }],
    });
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/dashboards/ops`);
    await page.getByRole('button', { name: 'Edit layout' }).click();
    await page.getByLabel('Add tile').selectOption('webapp:bands');
    const tile = page.frameLocator('iframe[title="Webapp Bands"]');
    await tile.getByRole('heading', { name: 'Bands' }).waitFor();
    await tile.getByRole('button', { name: 'Filter' }).click();
    await tile.getByText('antennas: DV02,DA43').waitFor();
    await tile.getByText('cookie: blocked').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 2.').waitFor();
    const insight = await admin.call<{ type: string; webapp: string }>(
      'GET',
      `/api/projects/${KEY}/insights/webapp_bands`,
    );
    expect(insight).toMatchObject({ type: 'webapp', webapp: 'bands' });
    // The export cannot run the app: its tile is a placeholder naming it (the rest of the page renders).
    const pdf = await fetch(`${suite.server.url}/api/projects/${KEY}/dashboards/ops/export?format=pdf`, {
      headers: { authorization: `Bearer ${suite.server.adminToken}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toContain('application/pdf');
  }, 120_000);

  it('starts a webapp from a template, edits a file and sees the preview reload on save', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/webapps`);
    await page.getByRole('button', { name: 'New webapp' }).click();
    await page.getByLabel('ID').fill('explorer');
    await page.getByLabel('Name').fill('Explorer');
    await page.getByLabel('Start from').selectOption('dataset-explorer');
    await page.getByRole('combobox', { name: /^Dataset/ }).selectOption('obs');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Explorer' }).waitFor();
    const preview = page.frameLocator('iframe[title="Preview of Explorer"]');
    await preview.getByText('5 rows match').waitFor({ timeout: 30_000 });
    await preview.getByLabel('Column').fill('band');
    await preview.getByLabel('equals').fill('6');
    await preview.getByRole('button', { name: 'Filter' }).click();
    await preview.getByText('1 rows match').waitFor();

    await page.getByRole('button', { name: 'index.html' }).click();
    const editor = page.getByLabel('Contents of index.html');
    await editor.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('<!-- edited -->');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Saved' }).waitFor();
    const saved = await admin.call<{ revision: number; files: Record<string, string> }>(
      'GET',
      `/api/projects/${KEY}/webapps/explorer`,
    );
    expect(saved.revision).toBe(2);
    expect(saved.files['index.html'].startsWith('<!-- edited -->')).toBe(true);
    await page.waitForFunction(
      () => document.querySelector('iframe')?.getAttribute('src')?.endsWith('revision=2') === true,
    );
    await preview.getByText('5 rows match').waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { name: 'Backend log' }).waitFor();

    // The file tree: add a file, rename it into a folder, save; delete it (after the app's confirmation), save.
    await page.getByLabel('New file').fill('notes.txt');
    await page.getByRole('button', { name: 'Add file' }).click();
    await page.getByRole('button', { name: 'Rename notes.txt' }).click();
    await page.getByLabel('New name for notes.txt').fill('docs/notes.txt');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.getByText('docs/', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Saved' }).waitFor();
    const files = async () =>
      Object.keys(
        (await admin.call<{ files: Record<string, string> }>('GET', `/api/projects/${KEY}/webapps/explorer`)).files,
      ).sort();
    expect(await files()).toEqual(['app.js', 'docs/notes.txt', 'index.html', 'style.css']);
    await page.getByRole('button', { name: 'Delete docs/notes.txt' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete file' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Saved' }).waitFor();
    expect(await files()).toEqual(['app.js', 'index.html', 'style.css']);

    // What its shared viewers (non-members) may read: ticked, saved at once.
    const obs = page.getByRole('group', { name: 'Datasets shared viewers read' }).getByLabel('obs');
    const declared = async () =>
      (await admin.call<{ datasets?: string[] }>('GET', `/api/projects/${KEY}/webapps/explorer`)).datasets;
    /** Waits until the box shows `checked` again and can be clicked (the save answered). */
    const settled = (checked: boolean) =>
      expect.poll(async () => (await obs.isChecked()) === checked && (await obs.isEnabled())).toBe(true);
    expect(await obs.isChecked()).toBe(false);
    await obs.check();
    await settled(true);
    expect(await declared()).toEqual(['obs']);
    await obs.uncheck();
    await settled(false);
    expect(await declared()).toEqual([]);
  }, 120_000);

  it('shows a reader the webapp read-only and deletes it after confirmation', async () => {
    const reader = await launchBrowser(suite.server.url);
    try {
      await logIn(reader.page, 'viewer', 'viewer-password-1');
      await reader.page.goto(`/projects/${KEY}/webapps/bands`);
      await reader.page.getByText('You can view this webapp').waitFor();
      expect(await reader.page.getByRole('button', { name: 'Save' }).count()).toBe(0);
      expect(await reader.page.getByRole('heading', { name: 'Backend log' }).count()).toBe(0);
      const declared = reader.page.getByRole('group', { name: 'Datasets shared viewers read' }).getByRole('checkbox');
      expect(await declared.first().isDisabled()).toBe(true);
      expect(reader.pageErrors).toEqual([]);
    } finally {
      await reader.close();
    }
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/webapps/explorer`);
    // Exactly: each file of the tree has its own "Delete app.js" button.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete webapp' }).click();
    await page.getByRole('heading', { name: 'Webapps', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Explorer' }).count()).toBe(0);
  }, 120_000);
  it('opens the receiver-temperature QA explorer: one EB’s numbers match a hand computation', async () => {
    await admin.call('POST', '/api/projects', { key: 'TRECX', name: 'Trec QA fixture' });
    for (const [name, csv] of Object.entries(TREC_QA_FIXTURE))
      await admin.upload(`/api/projects/TRECX/datasets/${name}/upload`, csv, `${name}.csv`);
    await admin.call('POST', '/api/projects/TRECX/webapps', trecExplorerWebapp());
    const { page } = suite.browser;
    const restorePolicy = await bypassContentPolicy(page);
    await page.goto(`/webapps/TRECX/trec_qa_explorer/#eb=${encodeURIComponent(TREC_EB)}`);
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 30_000 })
      .toMatch(/2 of 2 antennas shown/);
    // See e2e/support/trec-qa-fixture.ts for the hand computation.
    const cells = async (antenna: string) =>
      (await page.locator('#dist-table tr', { hasText: antenna }).locator('td').allTextContents()).join(' | ');
    expect(await cells('DA41')).toBe('DA41 | 12 | 42.0 | 39.0 | 80.0 | 2 | 1 | no');
    expect(await cells('DA42')).toBe('DA42 | 12 | 52.5 | 50.0 | 55.0 | 0 | 0 | no');
    expect(await page.locator('#dist circle[fill="#c62828"]').count()).toBe(1);
    await page.getByText('non-physical: -48.0 K').waitFor();
    // Histories: one change point each, DA42's explained by its cartridge swap, one outlying EB.
    await page.getByRole('img', { name: 'DA41: per-EB Trec history, 1 change points, 0 device changes' }).waitFor();
    await page.getByRole('img', { name: 'DA42: per-EB Trec history, 1 change points, 1 device changes' }).waitFor();
    const candidates = page.locator('#candidates');
    await candidates.getByText('1 unexplained change points').waitFor();
    expect(await candidates.locator('td').allTextContents()).toContain('+10.0 %');
    await page.locator('#scores').getByText('0.98').waitFor();
    await page.getByText(/5 false, 0\.31 false alarms per antenna-year/).waitFor();
    expect(seriousOnes(await a11yViolations(page, { preload: false }))).toEqual([]);
    await restorePolicy();
  }, 120_000);
});
