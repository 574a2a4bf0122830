import { markdownToHtml, type MarkdownOptions } from '../insights/markdown.js';
import { wikiTargets, type WikiPlace } from './wiki-targets.js';

/** A `[[kind:name]]` link found in a wiki page, resolved against the project. */
export interface WikiLink {
  /** As written: `dataset:trec`. */
  ref: string;
  kind: string;
  name: string;
  /** The web UI page it points to. */
  href: string;
  exists: boolean;
}

/** A wiki page's text is the page's body, under its title (h1): its `#` headings are h2. */
const WIKI_TOP_HEADING = 2;
const LINK = /\[\[([A-Za-z-]+):([^\]\n|]{1,200})(?:\|([^\]\n]{1,200}))?\]\]/g;
const FENCE = /^```[^\n]*\n([\s\S]*?)^```\s*$/gm;
const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The `[[kind:name]]` and `[[kind:name|label]]` links of a page's Markdown, once each. */
export function wikiLinkRefs(content: string): { kind: string; name: string }[] {
  const seen = new Map<string, { kind: string; name: string }>();
  for (const m of content.matchAll(LINK)) seen.set(`${m[1]}:${m[2].trim()}`, { kind: m[1], name: m[2].trim() });
  return [...seen.values()];
}

/**
 * A wiki page as HTML: the Markdown of text tiles (escaped first, so no markup or script gets
 * through) with tables, fenced code blocks, and `[[kind:name]]` links to project objects (a broken
 * one is marked, not dropped). Links are swapped for placeholders the Markdown leaves alone, then
 * for anchors built here from escaped text. With `place`, images and `[text](target)` links to the
 * project's pages and the page's attachments too (wiki-targets.ts).
 */
export function renderWiki(
  content: string,
  resolve: (ref: { kind: string; name: string }) => WikiLink | null,
  place?: WikiPlace,
): string {
  const options: MarkdownOptions = { tables: true, ...(place ? wikiTargets(place) : {}) };
  const anchors: string[] = [];
  const placeholder = (html: string) => `\uE000${anchors.push(html) - 1}\uE000`;
  const withLinks = content.replace(/\uE000/g, '').replace(LINK, (_all, kind: string, name: string, label?: string) => {
    const link = resolve({ kind, name: name.trim() });
    const text = escape(label?.trim() || `${kind}:${name.trim()}`);
    if (!link) return placeholder(`<span class="wiki-link broken" title="Unknown kind">${text}</span>`);
    return placeholder(
      link.exists
        ? `<a class="wiki-link" href="${escape(link.href)}">${text}</a>`
        : `<a class="wiki-link broken" href="${escape(link.href)}" title="Not found in this project">${text}</a>`,
    );
  });
  const blocks: string[] = [];
  let last = 0;
  for (const m of withLinks.matchAll(FENCE)) {
    blocks.push(markdownToHtml(withLinks.slice(last, m.index), WIKI_TOP_HEADING, options));
    blocks.push(`<pre><code>${escape(m[1])}</code></pre>`);
    last = m.index + m[0].length;
  }
  blocks.push(markdownToHtml(withLinks.slice(last), WIKI_TOP_HEADING, options));
  return blocks
    .filter(Boolean)
    .join('\n')
    .replace(/\uE000(\d+)\uE000/g, (_all, i: string) => anchors[Number(i)]);
}
