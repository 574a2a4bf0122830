import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderWiki } from '../src/collab/wiki-render.js';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

/**
 * The project wiki over a real server: pages in a tree, Markdown rendered without letting markup
 * through, [[kind:name]] links (broken ones marked), attachments (limit, safe headers), history,
 * revert and permissions; and the CLI.
 */

let s: TestServer;
let reader: string;
let writer: string;
let outsider: string;
const P = '/api/projects/WIKI';
const page = (name: string) => `${P}/wiki/${encodeURIComponent(name)}`;

async function ok<T>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

type Page = {
  name: string;
  content: string;
  html: string;
  revision: number;
  links: { ref: string; exists: boolean; href: string }[];
};

beforeAll(async () => {
  s = await startTestServer({ maxAttachmentMb: 0.01 });
  const admin = s.adminToken;
  for (const u of ['wreader', 'wwriter', 'woutsider'])
    await ok(s.call('POST', '/api/users', { token: admin, body: { username: u, password: `password-${u}` } }), 201);
  await ok(s.call('POST', '/api/projects', { token: admin, body: { key: 'WIKI' } }), 201);
  await ok(s.call('PUT', `${P}/members/wreader`, { token: admin, body: { role: 'reader' } }));
  await ok(s.call('PUT', `${P}/members/wwriter`, { token: admin, body: { role: 'writer' } }));
  reader = await s.login('wreader', 'password-wreader');
  writer = await s.login('wwriter', 'password-wwriter');
  outsider = await s.login('woutsider', 'password-woutsider');
  await ok(s.upload(`${P}/datasets/trec/upload`, 'antenna,trec\nDA41,35\n', 'trec.csv'), 201);
}, 120_000);
afterAll(async () => s?.stop());

describe('wiki', () => {
  it('saves pages in a tree and lists them; readers read, only writers write, outsiders see nothing', async () => {
    await ok(
      s.call('PUT', page('ops'), { token: writer, body: { content: '# Operations\n\nSee [[wiki:ops/shifts]].' } }),
    );
    const shifts = await ok<Page>(
      s.call('PUT', page('ops/shifts'), { token: writer, body: { content: 'Night shift reads [[dataset:trec]].' } }),
    );
    expect(shifts.name).toBe('ops/shifts');
    expect(shifts.revision).toBe(1);
    const list = await ok<{ name: string }[]>(s.call('GET', `${P}/wiki`, { token: reader }));
    expect(list.map((p) => p.name)).toEqual(['ops', 'ops/shifts']);
    expect((await s.call('PUT', page('ops'), { token: reader, body: { content: 'x' } })).status).toBe(403);
    expect((await s.call('GET', page('ops'), { token: outsider })).status).toBe(404);
    expect((await s.call('GET', page('nope'), { token: reader })).status).toBe(404);
  });

  it('refuses hostile page names', async () => {
    for (const name of ['../etc/passwd', 'a//b', '/abs', 'a/../b', '.hidden', 'a b', '<script>', 'a/b/c/d/e/f/g/h/i']) {
      const r = await s.call<{ error: { message: string } }>('PUT', page(name), {
        token: writer,
        body: { content: 'x' },
      });
      expect(r.status, name).toBe(400);
      expect(JSON.stringify(r.body)).toContain('Invalid wiki page name');
    }
  });

  it('renders links to project objects and marks broken ones', async () => {
    const p = await ok<Page>(
      s.call('PUT', page('links'), {
        token: writer,
        body: { content: 'Data: [[dataset:trec]], gone: [[recipe:missing]], page: [[wiki:ops/shifts|the shifts]].' },
      }),
    );
    expect(p.html).toContain('<a class="wiki-link" href="/projects/WIKI/datasets/trec">dataset:trec</a>');
    expect(p.html).toContain('class="wiki-link broken" href="/projects/WIKI/recipes/missing"');
    expect(p.html).toContain('<a class="wiki-link" href="/projects/WIKI/wiki/ops/shifts">the shifts</a>');
    expect(p.links.map((l) => [l.ref, l.exists])).toEqual([
      ['dataset:trec', true],
      ['recipe:missing', false],
      ['wiki:ops/shifts', true],
    ]);
  });

  it('lets no HTML or script through the Markdown', async () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[click](javascript:alert(1))',
      '[x](https://a.org/" onmouseover="alert(1))',
      '[[dataset:<b>x</b>]]',
      '[[dataset:x" onclick="alert(1)]]',
      '```\n<script>alert(2)</script>\n```',
    ].join('\n\n');
    const p = await ok<Page>(s.call('PUT', page('hostile'), { token: writer, body: { content: hostile } }));
    // No element but the renderer's own, no event handler attribute, no script URL (escaped text may say anything).
    expect(p.html).not.toMatch(/<script|<img|<svg|href="javascript/i);
    expect(p.html).not.toMatch(/<[^>]*\son\w+=/i);
    expect([...p.html.matchAll(/<(\w+)/g)].map((m) => m[1]).every((t) => ['p', 'a', 'pre', 'code'].includes(t))).toBe(
      true,
    );
    expect(p.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(p.html).toContain('<pre><code>&lt;script&gt;alert(2)&lt;/script&gt;');
    // The renderer alone, with a resolver that would echo anything: still escaped.
    const html = renderWiki('[[dataset:"><svg onload=alert(1)>]]', (ref) => ({
      ref: `${ref.kind}:${ref.name}`,
      kind: ref.kind,
      name: ref.name,
      href: `/x/${ref.name}`,
      exists: true,
    }));
    expect(html).not.toMatch(/<svg|"><svg/);
  });

  it('keeps history, shows a diff-able revision and reverts', async () => {
    await ok(s.call('PUT', page('ops/shifts'), { token: writer, body: { content: 'Day shift.', revision: 1 } }));
    const stale = await s.call('PUT', page('ops/shifts'), { token: writer, body: { content: 'late', revision: 1 } });
    expect(stale.status).toBe(409);
    const history = await ok<{ revision: number; body: { content: string } }[]>(
      s.call('GET', `${P}/history/wiki-page/${encodeURIComponent('ops/shifts')}`, { token: reader }),
    );
    expect(history.map((h) => h.body.content)).toEqual(['Day shift.', 'Night shift reads [[dataset:trec]].']);
    await ok(
      s.call('POST', `${P}/history/wiki-page/${encodeURIComponent('ops/shifts')}/revert`, {
        token: writer,
        body: { revision: 1 },
      }),
    );
    const back = await ok<Page>(s.call('GET', page('ops/shifts'), { token: reader }));
    expect(back.content).toBe('Night shift reads [[dataset:trec]].');
    expect(back.revision).toBe(3);
  });

  it('stores attachments, refuses one over the limit with 413 and serves them with safe headers', async () => {
    const a = await ok<{ fileName: string; size: number }>(
      s.upload(`${page('ops/shifts')}/attachments`, 'shift,who\nnight,alice\n', 'roster.csv', writer),
      201,
    );
    expect(a).toMatchObject({ fileName: 'roster.csv', size: 22 });
    const big = await s.upload(`${page('ops/shifts')}/attachments`, 'x'.repeat(20_000), 'big.bin', writer);
    expect(big.status).toBe(413);
    expect(JSON.stringify(big.body)).toContain('LLANO_MAX_ATTACHMENT_MB');
    for (const name of ['a"b.txt', '.htaccess', 'x;y.txt'])
      expect((await s.upload(`${page('ops/shifts')}/attachments`, 'x', name, writer)).status, name).toBe(400);
    expect((await s.upload(`${page('ops/shifts')}/attachments`, 'x', 'r.txt', reader)).status).toBe(403);
    const res = await fetch(`${s.url}${page('ops/shifts')}/attachments/roster.csv`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="roster.csv"; filename*=UTF-8''roster.csv`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('shift,who\nnight,alice\n');
    const list = await ok<{ fileName: string }[]>(
      s.call('GET', `${page('ops/shifts')}/attachments`, { token: reader }),
    );
    expect(list.map((f) => f.fileName)).toEqual(['roster.csv']);
    await ok(s.call('DELETE', `${page('ops/shifts')}/attachments/roster.csv`, { token: writer }), 204);
    expect((await s.call('GET', `${page('ops/shifts')}/attachments/roster.csv`, { token: reader })).status).toBe(404);
  });

  it('renders relative links and attached images of the page, in a saved page and in a preview of it', async () => {
    expect((await s.upload(`${page('ops/shifts')}/attachments`, 'png bytes', 'plot.png', writer)).status).toBe(201);
    const content = '![Plot](plot.png) [Back](../ops) [Sibling](shifts)\n\n| a |\n|---|\n| 1 |';
    const saved = await ok<Page>(s.call('PUT', page('ops/shifts'), { token: writer, body: { content } }));
    const preview = await ok<{ html: string }>(
      s.call('POST', `${P}/wiki-preview`, { token: reader, body: { content, page: 'ops/shifts' } }),
    );
    for (const html of [saved.html, preview.html]) {
      expect(html).toContain('<img src="/api/projects/WIKI/wiki/ops%2Fshifts/attachments/plot.png" alt="Plot"');
      expect(html).toContain('<a class="wiki-link" href="/projects/WIKI/wiki/ops">Back</a>');
      expect(html).toContain('<a class="wiki-link" href="/projects/WIKI/wiki/ops/shifts">Sibling</a>');
      expect(html).toContain('<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>');
    }
    // Previewed without a page: nothing to attach to, so the image stays text.
    const loose = await ok<{ html: string }>(s.call('POST', `${P}/wiki-preview`, { token: reader, body: { content } }));
    expect(loose.html).toContain('<span class="missing-image"');
    const bad = await s.call('POST', `${P}/wiki-preview`, { token: reader, body: { content, page: '../x' } });
    expect(bad.status).toBe(400);
  });

  it('deletes a page (history stays)', async () => {
    expect((await s.call('DELETE', page('links'), { token: reader })).status).toBe(403);
    await ok(s.call('DELETE', page('links'), { token: writer }), 204);
    expect((await s.call('GET', page('links'), { token: reader })).status).toBe(404);
    const history = await ok<{ action: string }[]>(s.call('GET', `${P}/history/wiki-page/links`, { token: reader }));
    expect(history[0].action).toBe('delete');
  });

  it('llano wiki put, get and list', async () => {
    const base = ['--url', s.url, '--token', writer, '-p', 'WIKI'];
    const put = await llano([...base, 'wiki', 'put', 'ops/cli', '--content', 'From the [[dataset:trec|CLI]].']);
    expect(put.code, put.err).toBe(0);
    const get = await llano([...base, 'wiki', 'get', 'ops/cli']);
    expect(get.out).toContain('From the [[dataset:trec|CLI]].');
    // `-` reads the page from standard input, like --file -; two sources are refused.
    const piped = await llano([...base, 'wiki', 'put', 'ops/piped', '-'], {}, process.cwd(), '# Piped\nfrom stdin\n');
    expect(piped.out, piped.err).toMatch(/^Saved wiki page ops\/piped \(revision 1\)/);
    expect((await llano([...base, 'wiki', 'get', 'ops/piped'])).out).toBe('# Piped\nfrom stdin\n');
    const twice = await llano([...base, 'wiki', 'put', 'ops/piped', '-', '--content', 'x']);
    expect(twice.err).toBe('error: Give the page once: a FILE (- for stdin), --file or --content\n');
    expect((await llano([...base, 'wiki', 'put', 'ops/none'])).err).toMatch(/llano wiki put PAGE FILE \(- for stdin\)/);
    const list = await llano([...base, 'wiki', 'list']);
    expect(list.out).toContain('ops/cli');
    expect(list.out).toContain('ops/shifts');
  });
});
