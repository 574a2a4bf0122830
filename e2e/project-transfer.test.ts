import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/browser-suite.js';
import { expectText } from './support/expect-text.js';

/**
 * The export card says what an export leaves out; importing a ZIP whose project had an API key
 * and a connection password shows, before opening the project, what did not come with it.
 */
describe('web UI: project export and import say what is not carried', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'llano-e2e-transfer-'));
  const zip = path.join(work, 'SRC.zip');
  const suite = browserSuite({
    seed: async (server) => {
      const token = server.adminToken;
      await server.call('POST', '/api/projects', { token, body: { key: 'SRC' } });
      await server.upload('/api/projects/SRC/datasets/trec/upload', 'antenna,trec\nDA41,35\n', 'trec.csv');
      await server.call('POST', '/api/projects/SRC/api-keys', { token, body: { name: 'robot', role: 'reader' } });
      const res = await fetch(`${server.url}/api/projects/SRC/export?data=true`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    },
    cleanUp: () => rmSync(work, { recursive: true, force: true }),
  });

  it('lists what is left out on export, and what was not carried after an import', async () => {
    const { page } = suite.browser;
    await page.goto('/projects/SRC/settings');
    await expectText(page.getByRole('region', { name: 'Export' }), /Left out, and listed in the ZIP.*API keys/s);

    await page.goto('/');
    await page.getByRole('button', { name: 'Import project' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a project' });
    await dialog.getByLabel('Exported ZIP').setInputFiles(zip);
    await dialog.getByLabel(/New key/).fill('COPY');
    await dialog.getByRole('button', { name: 'Import' }).click();
    const report = dialog.getByRole('region', { name: 'Not carried' });
    await expectText(report, /api-keys \(1\): Project API keys are secrets/);
    await expectText(dialog.getByRole('status'), /Imported as COPY/);
    await dialog.getByRole('button', { name: 'Open project' }).click();
    await page.waitForURL('**/projects/COPY');
  }, 180_000);
});
