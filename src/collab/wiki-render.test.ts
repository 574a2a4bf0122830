import { describe, expect, it } from 'vitest';
import { renderWiki } from './wiki-render.js';
import type { WikiPlace } from './wiki-targets.js';

/** The page ops/shifts of project OPS, beside ops/night, under ops, with runbook and other-page at the top. */
const PLACE: WikiPlace = {
  projectKey: 'OPS',
  page: 'ops/shifts',
  pages: new Set(['ops', 'ops/shifts', 'ops/night', 'runbook', 'other-page']),
  attachments: new Set(['plot.png', 'roster.csv']),
};
const render = (markdown: string) => renderWiki(markdown, () => null, PLACE);
const ATTACHMENTS = '/api/projects/OPS/wiki/ops%2Fshifts/attachments';

describe('wiki Markdown', () => {
  it('renders GitHub tables with alignment and inline Markdown in cells; a pipe without a rule is text', () => {
    const html = render(
      '| Band | Trec (K) | Note |\n|:--|--:|:-:|\n| 3 | 35.5 | `ok` |\n| 7 | 61 | a \\| b |\n\nafter',
    );
    expect(html).toBe(
      '<div class="markdown-table" tabindex="0"><table><thead><tr>' +
        '<th style="text-align:left">Band</th><th style="text-align:right">Trec (K)</th><th style="text-align:center">Note</th>' +
        '</tr></thead><tbody>' +
        '<tr><td style="text-align:left">3</td><td style="text-align:right">35.5</td><td style="text-align:center"><code>ok</code></td></tr>' +
        '<tr><td style="text-align:left">7</td><td style="text-align:right">61</td><td style="text-align:center">a | b</td></tr>' +
        '</tbody></table></div>\n<p>after</p>',
    );
    expect(render('a | b\nnot a rule')).toBe('<p>a | b not a rule</p>');
    // A row with fewer cells is padded, one with more is cut to the header's columns.
    expect(render('|a|b|\n|-|-|\n|1|\n|1|2|3|')).toContain('<tr><td>1</td><td></td></tr><tr><td>1</td><td>2</td></tr>');
  });

  it('shows attached images by name and https: images, and the alt text of any other source', () => {
    expect(render('![Trec plot](plot.png)')).toBe(
      `<p><img src="${ATTACHMENTS}/plot.png" alt="Trec plot" loading="lazy" referrerpolicy="no-referrer"></p>`,
    );
    expect(render('![logo](https://www.almaobservatory.org/logo.png?x=1&y=2)')).toBe(
      '<p><img src="https://www.almaobservatory.org/logo.png?x=1&amp;y=2" alt="logo" loading="lazy" referrerpolicy="no-referrer"></p>',
    );
    for (const source of ['http://a.org/x.png', 'missing.png', '../plot.png', 'data:image/png;base64,AAAA'])
      expect(render(`![alt text](${source})`), source).toMatch(
        /^<p><span class="missing-image" title="[^"]+">alt text<\/span><\/p>$/,
      );
    // Without a place (no page to attach to), images stay Markdown text.
    expect(renderWiki('![x](plot.png)', () => null)).toBe('<p>![x](plot.png)</p>');
  });

  it('links to pages by relative name, title or path, and to attachments; a missing page is marked', () => {
    const href = (markdown: string) => /href="([^"]*)"/.exec(render(markdown))?.[1];
    expect(href('[night](night)')).toBe('/projects/OPS/wiki/ops/night');
    expect(href('[night](./night#handover)')).toBe('/projects/OPS/wiki/ops/night');
    expect(href('[runbook](runbook)')).toBe('/projects/OPS/wiki/runbook');
    expect(href('[other](Other page)')).toBe('/projects/OPS/wiki/other-page');
    expect(href('[up](../runbook)')).toBe('/projects/OPS/wiki/runbook');
    expect(href('[top](/ops)')).toBe('/projects/OPS/wiki/ops');
    expect(href('[roster](roster.csv)')).toBe(`${ATTACHMENTS}/roster.csv`);
    expect(render('[new](New Page)')).toBe(
      '<p><a class="wiki-link broken" href="/projects/OPS/wiki/ops/new-page" title="No such page yet">new</a></p>',
    );
    expect(render('[**bold** page](runbook)')).toBe(
      '<p><a class="wiki-link" href="/projects/OPS/wiki/runbook"><strong>bold</strong> page</a></p>',
    );
    // Above the top of the wiki, or no page name: left as text.
    expect(render('[x](../../../x) [y](a b/c?d)')).toBe('<p>[x](../../../x) [y](a b/c?d)</p>');
    // Web addresses as before.
    expect(render('[ALMA](https://www.almaobservatory.org/a_b*c*)')).toBe(
      '<p><a href="https://www.almaobservatory.org/a_b*c*" rel="noopener noreferrer">ALMA</a></p>',
    );
  });

  it('lets no markup, script, event handler or script address through', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](java\tscript:alert(1)) [d](data:text/html,<script>alert(1)</script>)',
      '[e](//evil.example/x) [f](vbscript:msgbox) [g](https://a.org/" onmouseover="alert(1))',
      '![h](x" onerror="alert(1)) ![i" onerror="alert(1)](https://a.org/x.png) ![j](javascript:alert(1))',
      '| <b>x</b> | [k](javascript:alert(1)) |\n|---|---|\n| <svg onload=alert(1)> | ![l](x onerror=alert(1)) |',
      '[m](plot.png" onclick="alert(1)) [n](ops/../../etc/passwd) [[dataset:"><svg onload=alert(1)>]]',
    ].join('\n\n');
    const html = render(hostile);
    const tags = [...html.matchAll(/<(\w+)([^>]*)>/g)];
    const allowed = ['p', 'a', 'img', 'span', 'div', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code'];
    expect(tags.map((t) => t[1]).filter((t) => !allowed.includes(t))).toEqual([]);
    for (const [, tag, attributes] of tags) {
      // Only name="value" pairs, none of them an event handler.
      expect(attributes.replace(/\s[\w-]+="[^"]*"/g, '').trim(), tag).toBe('');
      const names = [...attributes.matchAll(/\s([\w-]+)="/g)].map((m) => m[1]);
      expect(
        names.filter((n) => /^on/i.test(n)),
        tag,
      ).toEqual([]);
    }
    const addresses = [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
    for (const address of addresses) expect(address).toMatch(/^(\/projects\/OPS\/|\/api\/projects\/OPS\/|https:\/\/)/);
    expect(addresses).toContain('https://a.org/x.png');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('alt="i&quot; onerror=&quot;alert(1)"');
  });
});
