import { isSearchableKind, SEARCHABLE_KINDS, type SearchableKind } from '../catalog/search-index.js';
import { badRequest, invalidName, notFound } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';

/** The kind of wiki pages in the object store. */
export const WIKI_KIND = 'wiki-page';

/**
 * Wiki page names are paths: `ops/shifts`. Each segment is letters, digits, `_` and `-`
 * (starting with a letter or digit), so no `..`, no empty segment, no markup.
 */
const PAGE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const MAX_PAGE_DEPTH = 8;

export function isPageName(page: unknown): page is string {
  const segments = typeof page === 'string' ? page.split('/') : [];
  return segments.length > 0 && segments.length <= MAX_PAGE_DEPTH && segments.every((s) => PAGE_SEGMENT.test(s));
}

export function assertPageName(page: string): string {
  if (!isPageName(page))
    throw invalidName(
      `Invalid wiki page name ${JSON.stringify(page)}: use up to ${MAX_PAGE_DEPTH} segments separated by '/', each of letters, digits, '_' and '-' starting with a letter or digit (e.g. ops/shifts)`,
    );
  return page;
}

/** A project object as discussions, tags and wiki links name it: `dataset:trec`, `wiki:ops/shifts`. */
export interface ObjectRef {
  kind: SearchableKind;
  name: string;
}

/** `wiki` is accepted for `wiki-page` (shorter in links). */
export const KIND_ALIASES_FOR_LINKS: Record<string, SearchableKind> = { wiki: 'wiki-page' };

export function kindOf(text: string): SearchableKind {
  const kind = KIND_ALIASES_FOR_LINKS[text] ?? text;
  if (!isSearchableKind(kind))
    throw badRequest(`Unknown object kind ${JSON.stringify(text)}: use one of ${SEARCHABLE_KINDS.join(', ')}, wiki`);
  return kind;
}

export function parseObjectRef(text: string): ObjectRef {
  const colon = typeof text === 'string' ? text.indexOf(':') : -1;
  if (colon <= 0) throw badRequest(`object: write it as kind:name (e.g. dataset:trec), not ${JSON.stringify(text)}`);
  return { kind: kindOf(text.slice(0, colon)), name: text.slice(colon + 1) };
}

export const formatRef = (ref: { kind: string; name: string }) => `${ref.kind}:${ref.name}`;

const URL_SEGMENT: Record<SearchableKind, string> = {
  dataset: 'datasets',
  recipe: 'recipes',
  scenario: 'scenarios',
  dashboard: 'dashboards',
  insight: 'insights',
  'wiki-page': 'wiki',
};

/** The web UI page of an object (wiki pages keep their slashes: they are a path). */
export function objectPath(projectKey: string, ref: { kind: string; name: string }): string {
  const segment = URL_SEGMENT[ref.kind as SearchableKind] ?? ref.kind;
  const name =
    ref.kind === WIKI_KIND ? ref.name.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(ref.name);
  return `/projects/${encodeURIComponent(projectKey)}/${segment}/${name}`;
}

/** Throws 404 unless the object exists in the project. */
export async function requireObject(ws: Workspace, projectKey: string, ref: ObjectRef): Promise<void> {
  const found = await ws.catalog.objects.get(projectKey, ref.kind, ref.name);
  if (!found) throw notFound(`${ref.kind} ${ref.name} not found in project ${projectKey}`);
}
