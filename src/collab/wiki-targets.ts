import type { MarkdownOptions } from '../insights/markdown.js';
import { isPageName, objectPath, WIKI_KIND } from './object-refs.js';

/** The page being rendered and what its links and images may point to. */
export interface WikiPlace {
  projectKey: string;
  /** Its name (`ops/shifts`); absent for a preview of a page not named yet. */
  page?: string;
  /** The names of the project's pages. */
  pages: ReadonlySet<string>;
  /** The file names attached to the page. */
  attachments: ReadonlySet<string>;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const HTTPS_IMAGE = /^https:\/\/[^\s"<>]+$/i;

/** `dir` + `./x`, `../x` or `x` as a page name's segments; null when `..` climbs above the wiki. */
function join(dir: string[], path: string): string | null {
  const segments = [...dir];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (!segments.length) return null;
      segments.pop();
    } else segments.push(s);
  }
  return segments.join('/');
}

/** How a title may be written as a page name: as is, `Other page` as `Other-page`, and `other-page`. */
const spellings = (name: string) => {
  const dashed = name.trim().replace(/\s+/g, '-');
  return [...new Set([name, dashed, dashed.toLowerCase()])].filter(isPageName);
};

/**
 * Where the wiki's Markdown links and images point:
 * - `[x](Other page)`, `[x](other-page)`: a page beside this one (`ops/other-page` from `ops/shifts`), else at
 *   the top; as written, with dashes for spaces, or in lower case. None there: the first place, marked broken
 *   (it opens the page's "create" view).
 * - `./x`, `../x` from this page's folder, `/x` from the top; a name of an attachment of this page: its file.
 * - Anything with a scheme (`javascript:`, `data:`) or that is no page name stays text; web addresses are
 *   the renderer's own (markdown.ts).
 * - Images: an attachment of this page, or an https: address. The app sends no Content-Security-Policy,
 *   so such an image loads from its host, without the page's address (referrerpolicy, in markdown.ts);
 *   any other source shows its alt text.
 */
export function wikiTargets(place: WikiPlace): Required<Pick<MarkdownOptions, 'link' | 'image'>> {
  const key = encodeURIComponent(place.projectKey);
  const attachment = (name: string) => {
    const file = name.replace(/^\.\//, '');
    return place.page && place.attachments.has(file)
      ? `/api/projects/${key}/wiki/${encodeURIComponent(place.page)}/attachments/${encodeURIComponent(file)}`
      : null;
  };
  const folder = place.page?.split('/').slice(0, -1) ?? [];
  const pagePath = (name: string) => objectPath(place.projectKey, { kind: WIKI_KIND, name });
  return {
    image: (source) => (HTTPS_IMAGE.test(source) ? source : attachment(source)),
    link: (target) => {
      const path = target.split('#')[0].trim();
      if (!path || SCHEME.test(path) || path.startsWith('//')) return null;
      const file = attachment(path);
      if (file) return { href: file };
      const places = path.startsWith('/')
        ? [join([], path)]
        : /^\.\.?\//.test(path)
          ? [join(folder, path)]
          : [join(folder, path), join([], path)];
      const candidates = places.filter((p): p is string => p !== null).map(spellings);
      const found = candidates.flat().find((name) => place.pages.has(name));
      if (found) return { href: pagePath(found) };
      const first = candidates.find((c) => c.length)?.at(-1);
      return first ? { href: pagePath(first), broken: true } : null;
    },
  };
}
