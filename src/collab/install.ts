import { rebuildSearchIndex } from '../catalog/search-index.js';
import { withCatalogLock } from '../catalog/catalog-lock.js';
import { registerHistoryKind } from '../flow/history.js';
import type { Workspace } from '../workspace/workspace.js';
import { WIKI_KIND } from './object-refs.js';
import { saveWikiPage } from './wiki.js';

/** Wiki pages get history and revert, through the same validation as an edit. */
export function installCollab(ws: Workspace): void {
  registerHistoryKind(ws, WIKI_KIND, saveWikiPage);
}

/** A catalog from before the search index (or one emptied) gets its index filled once, at start. */
export async function fillSearchIndexIfEmpty(ws: Workspace): Promise<number> {
  const { db, dialect } = ws.catalog;
  return withCatalogLock(db, dialect, 'llano.search-index', async () => {
    const indexed = await db.selectFrom('search_index').select('name').limit(1).executeTakeFirst();
    if (indexed) return 0;
    return rebuildSearchIndex(db);
  });
}
