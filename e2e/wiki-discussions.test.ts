import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../test/support/llano-server.js';
import { logIn } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import { expectText } from './support/expect-text.js';
import { a11yViolations, seriousOnes } from './support/a11y.js';

/** A writer edits a wiki page with a [[dataset:…]] link, follows it, and starts a discussion mentioning a member. */
describe('web UI: wiki and discussions', () => {
  const P = '/api/projects/COLLAB';
  const suite = browserSuite({
    logIn: false,
    seed: async (server) => {
      const token = server.adminToken;
      await server.call('POST', '/api/users', { token, body: { username: 'alice', password: 'alice-password-1' } });
      await server.call('POST', '/api/projects', { token, body: { key: 'COLLAB' } });
      await server.call('PUT', `${P}/members/alice`, { token, body: { role: 'reader' } });
      await server.upload(`${P}/datasets/trec/upload`, 'antenna,trec\nDA41,35\n', 'trec.csv');
    },
  });

  it('edits a page, follows its dataset link, posts a discussion that notifies @alice', async () => {
    const { page } = suite.browser;
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/projects/COLLAB/wiki/ops/runbook');
    await page.getByRole('button', { name: 'Create page' }).click();
    const editor = page.getByRole('textbox', { name: 'Markdown of ops/runbook' });
    await editor.click();
    await page.keyboard.type('# Runbook\n\nCheck [[dataset:trec]] first.');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expectText(page.getByLabel('Preview'), /Check dataset:trec first/);
    await page.getByRole('button', { name: 'Save page' }).click();
    await expectText(page.locator('.wiki-content'), /Runbook/);
    await expect
      .poll(
        async () =>
          (await suite.server.call('GET', `${P}/wiki/ops%2Frunbook`, { token: suite.server.adminToken })).status,
      )
      .toBe(200);

    await page.locator('.wiki-content').getByRole('link', { name: 'dataset:trec' }).click();
    await page.waitForURL('**/projects/COLLAB/datasets/trec');
    await page.getByRole('link', { name: 'Tags & discussions' }).click();
    await page.getByLabel('Title').fill('Trec on DA41');
    await page.getByLabel(/^Message/).fill('Can you check this, @alice?');
    await page.getByRole('button', { name: 'Post' }).click();
    await expectText(page.locator('.discussion-thread'), /Can you check this, @alice\?/);

    const alice = await suite.server.login('alice', 'alice-password-1');
    const notes = await suite.server.call<{ unread: number; items: { title: string }[] }>('GET', '/api/notifications', {
      token: alice,
    });
    expect(notes.body.unread).toBe(1);
    expect(notes.body.items[0].title).toContain('admin mentioned you in "Trec on DA41"');
  }, 180_000);

  it('shows a page with a table, an attached image and a link to another page by its title', async () => {
    const { server } = suite;
    const { page } = suite.browser;
    const token = server.adminToken;
    await server.call('PUT', `${P}/wiki/ops%2Fnight-shift`, { token, body: { content: 'Night shift notes.' } });
    const content = [
      '| Band | Trec (K) |',
      '|------|---------:|',
      '| 3 | 35.5 |',
      '',
      '![Trec plot](plot.png)',
      '',
      'See [the night shift](Night shift) and [nothing yet](Day shift).',
    ].join('\n');
    await server.call('PUT', `${P}/wiki/ops%2Fhandover`, { token, body: { content } });
    const png = Buffer.from(ONE_PIXEL_PNG, 'base64');
    expect((await server.upload(`${P}/wiki/ops%2Fhandover/attachments`, png, 'plot.png')).status).toBe(201);

    await page.goto('/projects/COLLAB/wiki/ops/handover');
    const body = page.locator('.wiki-content');
    await body.getByRole('table').getByRole('cell', { name: '35.5' }).waitFor();
    expect(await body.getByRole('columnheader').allTextContents()).toEqual(['Band', 'Trec (K)']);
    // The image comes from the page's attachment, through the signed-in session.
    const image = body.getByRole('img', { name: 'Trec plot' });
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    expect(await body.getByRole('link', { name: 'nothing yet' }).getAttribute('class')).toBe('wiki-link broken');
    expect(seriousOnes(await a11yViolations(page))).toEqual([]);
    await body.getByRole('link', { name: 'the night shift' }).click();
    await page.waitForURL('**/projects/COLLAB/wiki/ops/night-shift');
    await expectText(page.locator('.wiki-content'), /Night shift notes/);
  }, 120_000);
});

/** A 1×1 PNG. */
const ONE_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
