import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import { expectText } from './support/expect-text.js';

/**
 * Connections in the UI: a project admin adds a SQLite database with a form built from the
 * type's settings, tests it, reads a table of it as a dataset, and cannot delete the
 * connection while that dataset reads it; a reader sees the list without the actions.
 */
describe('web UI: connections and datasets read through them', () => {
  let dir: string;
  let file: string;
  const KEY = 'ARCHIVE';

  const suite = browserSuite({
    seed: async (_server, admin) => {
      dir = mkdtempSync(path.join(tmpdir(), 'llano-e2e-conn-'));
      file = path.join(dir, 'shifts.db');
      const db = new Database(file);
      db.exec(`CREATE TABLE shifts (id INTEGER PRIMARY KEY, astronomer TEXT, hours REAL);
        INSERT INTO shifts VALUES (1, 'ana', 8.5), (2, 'ben', 7.0), (3, 'cho', 9.25);`);
      db.close();
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Archive' });
      await admin.call('POST', '/api/users', { username: 'looker', password: 'looker-password-1' });
      await admin.call('PUT', `/api/projects/${KEY}/members/looker`, { role: 'reader' });
    },
    cleanUp: () => rmSync(dir, { recursive: true, force: true }),
  });

  it('creates and tests a SQLite connection from a form built from its type', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}`);
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByText(/No connections yet/).waitFor();
    await page.getByRole('button', { name: 'New connection' }).click();
    const dialog = page.getByRole('dialog', { name: 'New connection' });
    await dialog.getByLabel('Name', { exact: true }).fill('shift_db');
    await dialog.getByLabel('Type').selectOption('sqlite');
    await dialog.getByLabel(/^Path/).fill(file);
    await dialog.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('cell', { name: 'shift_db' }).waitFor();
    await page.getByRole('button', { name: 'Test' }).click();
    await expectText(page.getByRole('status'), /Reached shift_db: SQLite 3/);
  });

  it('reads a table of the connection as a dataset, then refuses to delete the connection it reads', async () => {
    const { page } = suite.browser;
    await page.getByRole('link', { name: 'Datasets', exact: true }).click();
    await page.getByRole('button', { name: 'From a connection' }).click();
    const dialog = page.getByRole('dialog', { name: 'New dataset from a connection' });
    await dialog.getByLabel('Dataset name').fill('shifts');
    await dialog.getByLabel(/^Connection/).selectOption('shift_db');
    await dialog.getByLabel(/^Table/).fill('shifts');
    await dialog.getByRole('button', { name: 'Create dataset' }).click();
    await page.getByRole('heading', { name: 'shifts' }).waitFor();
    await expectText(page.getByRole('gridcell').nth(1), /^ana$/);

    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete connection shift_db?' })
      .getByRole('button', { name: 'Delete connection' })
      .click();
    await expectText(page.getByRole('alert'), /used by dataset shifts/);
  });

  it('shows a reader the connections without New, Edit or Delete', async () => {
    const { page } = suite.browser;
    await page.context().clearCookies();
    await logIn(page, 'looker', 'looker-password-1');
    await page.goto(`/projects/${KEY}/connections`);
    await page.getByRole('cell', { name: 'shift_db' }).waitFor();
    for (const name of ['New connection', 'Edit', 'Delete', 'Test'])
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    await page.goto(`/projects/${KEY}/datasets`);
    await page.getByRole('link', { name: 'shifts' }).waitFor();
    expect(await page.getByRole('button', { name: 'From a connection' }).count()).toBe(0);
  });
});
