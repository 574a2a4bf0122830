import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import type { StoredObject } from '../catalog/objects.js';
import { isSearchableKind } from '../catalog/search-index.js';
import { parseOr400 } from '../common/parse.js';
import type { Workspace } from '../workspace/workspace.js';
import { assertPageName, KIND_ALIASES_FOR_LINKS, objectPath, WIKI_KIND } from './object-refs.js';
import { renderWiki, wikiLinkRefs, type WikiLink } from './wiki-render.js';
import type { WikiPlace } from './wiki-targets.js';

/** What a wiki page stores: its Markdown. Its name is the object's name. */
export const WikiBodySchema = z
  .object({
    name: z.string().optional(),
    content: z.string().max(1_000_000, 'content: at most 1,000,000 characters'),
  })
  .strict();
type WikiBody = { name: string; content: string };

export interface WikiPageSummary {
  name: string;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

export interface WikiPage extends WikiPageSummary {
  projectKey: string;
  content: string;
  /** The content rendered (safe HTML: see wiki-render.ts). */
  html: string;
  links: WikiLink[];
}

const summary = (o: StoredObject<WikiBody>): WikiPageSummary => ({
  name: o.name,
  revision: o.revision,
  updatedAt: o.updatedAt,
  updatedBy: o.updatedBy,
});

/** Resolves a page's `[[kind:name]]` links: where each points and whether the object exists. */
async function resolveLinks(ws: Workspace, projectKey: string, content: string): Promise<WikiLink[]> {
  const links: WikiLink[] = [];
  for (const ref of wikiLinkRefs(content)) {
    const kind = KIND_ALIASES_FOR_LINKS[ref.kind] ?? ref.kind;
    if (!isSearchableKind(kind)) continue;
    const exists = (await ws.catalog.objects.get(projectKey, kind, ref.name)) !== null;
    links.push({
      ref: `${ref.kind}:${ref.name}`,
      kind,
      name: ref.name,
      href: objectPath(projectKey, { kind, name: ref.name }),
      exists,
    });
  }
  return links;
}

/** What a page's Markdown links and images may point to: the project's pages and the page's attachments. */
async function wikiPlace(ws: Workspace, projectKey: string, page?: string): Promise<WikiPlace> {
  const [pages, attachments] = await Promise.all([
    // Names only: a page's render must not read every page's text.
    ws.catalog.db
      .selectFrom('objects')
      .select('name')
      .where('project_key', '=', projectKey)
      .where('kind', '=', WIKI_KIND)
      .execute(),
    page
      ? ws.catalog.db
          .selectFrom('wiki_attachments')
          .select('file_name')
          .where('project_key', '=', projectKey)
          .where('page', '=', page)
          .execute()
      : [],
  ]);
  return {
    projectKey,
    page,
    pages: new Set(pages.map((p) => p.name)),
    attachments: new Set(attachments.map((a) => a.file_name)),
  };
}

/** A page's Markdown as HTML with its links resolved. */
async function render(ws: Workspace, projectKey: string, content: string, page?: string) {
  const links = await resolveLinks(ws, projectKey, content);
  const byRef = new Map(links.map((l) => [l.ref, l]));
  const place = await wikiPlace(ws, projectKey, page);
  return { html: renderWiki(content, (ref) => byRef.get(`${ref.kind}:${ref.name}`) ?? null, place), links };
}

async function withHtml(ws: Workspace, stored: StoredObject<WikiBody>): Promise<WikiPage> {
  return {
    projectKey: stored.projectKey,
    ...summary(stored),
    content: stored.body.content,
    ...(await render(ws, stored.projectKey, stored.body.content, stored.name)),
  };
}

export async function listWikiPages(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
): Promise<WikiPageSummary[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return (await ws.catalog.objects.list<WikiBody>(projectKey, WIKI_KIND)).map(summary);
}

export async function getWikiPage(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  page: string,
): Promise<WikiPage> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  assertPageName(page);
  return withHtml(ws, await ws.catalog.objects.require<WikiBody>(projectKey, WIKI_KIND, page));
}

/** Renders Markdown as page `page` (when named) would show it, without saving (the editor's preview). */
export async function previewWiki(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  content: string,
  page?: string,
) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  if (page !== undefined) assertPageName(page);
  return render(ws, projectKey, content, page);
}

/** Creates or replaces a page (writer); `body.name` names the page (the history's revert passes it). */
export async function saveWikiPage(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
): Promise<WikiPage> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const parsed = parseOr400(WikiBodySchema, input, 'wiki page');
  const name = assertPageName(parsed.name ?? '');
  const stored = await ws.catalog.objects.put<WikiBody>({
    projectKey,
    kind: WIKI_KIND,
    name,
    body: { name, content: parsed.content },
    author: principal.username,
    ...options,
  });
  await ws.catalog.projects.touch(projectKey);
  return withHtml(ws, stored);
}

export async function deleteWikiPage(ws: Workspace, principal: Principal, projectKey: string, page: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  assertPageName(page);
  await ws.catalog.objects.delete({ projectKey, kind: WIKI_KIND, name: page, author: principal.username });
}
