/**
 * The small Markdown of text tiles as HTML: headings, lists, paragraphs, **bold**, *italic*,
 * `code` and [links](https://…). Everything is escaped first, so a text tile cannot inject markup:
 * the only tags and attributes are the ones written here, with values escaped again.
 * Node-free: the web UI renders text tiles with it too. The wiki adds tables, images and links
 * to its own pages through {@link MarkdownOptions}.
 */
const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&');

/** Where a link that is not a web address goes. */
export interface LinkTarget {
  href: string;
  /** Points to nothing yet (a wiki page to write): shown marked. */
  broken?: boolean;
}

export interface MarkdownOptions {
  /** GitHub-style tables: a header row, a `---|---` line, then rows, cells between `|`. */
  tables?: boolean;
  /** Where `[text](target)` goes when the target is no web address, or null to leave it as text. */
  link?: (target: string) => LinkTarget | null;
  /** The address of `![alt](source)`, or null to show its alt text; without it images stay text. */
  image?: (source: string) => string | null;
}

/** Web addresses, the only links written as given: no space, quote or angle bracket in them. */
const WEB_ADDRESS = /^https?:\/\/[^\s"<>]+$/i;
const TOKEN = /\uE001(\d+)\uE001/g;

const emphasis = (html: string) =>
  html
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\*([^*]+)\*/g, '<em>$1</em>');

/**
 * One line's inline Markdown. Images and links become tokens first, so that emphasis never
 * reaches inside an address; their targets are read unescaped, decided on, and escaped again.
 */
function inline(s: string, options: MarkdownOptions): string {
  const tokens: string[] = [];
  const keep = (html: string) => `\uE001${tokens.push(html) - 1}\uE001`;
  let html = escape(s.replace(/\uE001/g, ''));
  if (options.image)
    html = html.replace(/!\[([^\]\n]*)\]\(([^)\n]+)\)/g, (_all, alt: string, source: string) => {
      const src = options.image!(unescape(source.trim()));
      return keep(
        src
          ? `<img src="${escape(src)}" alt="${alt}" loading="lazy" referrerpolicy="no-referrer">`
          : `<span class="missing-image" title="Not shown: an image is an attachment of this page or an https: address">${alt}</span>`,
      );
    });
  html = html.replace(/\[([^\]\n]+)\]\(([^)\n]+)\)/g, (all, text: string, target: string) => {
    const to = unescape(target.trim());
    if (WEB_ADDRESS.test(to)) return keep(`<a href="${escape(to)}" rel="noopener noreferrer">${emphasis(text)}</a>`);
    const page = options.link?.(to);
    if (!page) return all;
    return keep(
      page.broken
        ? `<a class="wiki-link broken" href="${escape(page.href)}" title="No such page yet">${emphasis(text)}</a>`
        : `<a class="wiki-link" href="${escape(page.href)}">${emphasis(text)}</a>`,
    );
  });
  return emphasis(html).replace(TOKEN, (_all, i: string) => tokens[Number(i)]);
}

/** `| a | b |` → ['a', 'b']: the outer pipes are optional, `\|` is a pipe inside a cell. */
function tableCells(line: string): string[] {
  const cells = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/);
  return cells.map((c) => c.replace(/\\\|/g, '|').trim());
}
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** The table starting at `lines[at]` (a header and its rule), and the index after its last row; null if none starts there. */
function table(lines: string[], at: number, options: MarkdownOptions): { html: string; next: number } | null {
  if (!lines[at].includes('|') || at + 1 >= lines.length || !TABLE_RULE.test(lines[at + 1])) return null;
  const header = tableCells(lines[at]);
  const rule = tableCells(lines[at + 1]);
  if (rule.length !== header.length) return null;
  const align = rule.map((r) =>
    r.startsWith(':') && r.endsWith(':') ? 'center' : r.endsWith(':') ? 'right' : r.startsWith(':') ? 'left' : null,
  );
  const cell = (tag: 'th' | 'td', text: string, i: number) =>
    `<${tag}${align[i] ? ` style="text-align:${align[i]}"` : ''}>${inline(text, options)}</${tag}>`;
  let next = at + 2;
  const rows: string[] = [];
  for (; next < lines.length && lines[next].includes('|') && lines[next].trim() !== ''; next++) {
    const cells = tableCells(lines[next]);
    rows.push(`<tr>${header.map((_h, i) => cell('td', cells[i] ?? '', i)).join('')}</tr>`);
  }
  // A wide table scrolls in its own box (reachable by keyboard) rather than widening the page.
  const html =
    `<div class="markdown-table" tabindex="0"><table><thead><tr>${header.map((h, i) => cell('th', h, i)).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`;
  return { html, next };
}

/**
 * `topLevel`: the HTML level of a `#` heading, so headings follow the page's own (`##` one
 * below): 3 under a tile's or a panel's h2, 2 where the text is the page's body under its h1.
 */
export function markdownToHtml(text: string, topLevel = 3, options: MarkdownOptions = {}): string {
  const out: string[] = [];
  let list = false;
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(`<p>${paragraph.map((l) => inline(l, options)).join(' ')}</p>`);
    paragraph = [];
  };
  const lines = text.split('\n');
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at];
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    const found = options.tables && !heading && !item ? table(lines, at, options) : null;
    if (!item && list) {
      out.push('</ul>');
      list = false;
    }
    if (found) {
      flush();
      out.push(found.html);
      at = found.next - 1;
    } else if (heading) {
      flush();
      const level = heading[1].length + topLevel - 1;
      out.push(`<h${level}>${inline(heading[2], options)}</h${level}>`);
    } else if (item) {
      flush();
      if (!list) {
        out.push('<ul>');
        list = true;
      }
      out.push(`<li>${inline(item[1], options)}</li>`);
    } else if (line.trim() === '') flush();
    else paragraph.push(line);
  }
  flush();
  if (list) out.push('</ul>');
  return out.join('\n');
}
