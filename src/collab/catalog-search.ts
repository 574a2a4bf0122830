import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { searchIndex, type IndexHit } from '../catalog/search-index.js';
import type { Workspace } from '../workspace/workspace.js';
import { kindOf, objectPath } from './object-refs.js';

export const SearchQuerySchema = z.object({
  q: z.string().max(200, 'q: at most 200 characters').default(''),
  kind: z.string().optional(),
  tag: z.string().max(50).optional(),
  project: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200, 'limit: at most 200').default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

export interface SearchHit extends IndexHit {
  /** The web UI page of the object. */
  url: string;
}

export interface SearchResult {
  total: number;
  offset: number;
  limit: number;
  items: SearchHit[];
}

/**
 * Searches every project the caller may read (a global admin: every project), ranked: exact
 * name, name prefix, name contains, column, tag, description, content. Objects of other
 * projects never come back, whatever `project` says.
 */
export async function searchCatalog(ws: Workspace, principal: Principal, query: SearchQuery): Promise<SearchResult> {
  const kind = query.kind ? kindOf(query.kind) : undefined;
  const projects = principal.isAdmin ? null : (await ws.catalog.projects.list(principal)).map((p) => p.key);
  const { total, hits } = await searchIndex(
    ws.catalog.db,
    {
      q: query.q,
      kind,
      tag: query.tag,
      project: query.project,
      projects,
      limit: query.limit,
      offset: query.offset,
    },
    ws.catalog.dialect,
  );
  return {
    total,
    offset: query.offset,
    limit: query.limit,
    items: hits.map((h) => ({ ...h, url: objectPath(h.projectKey, h) })),
  };
}
