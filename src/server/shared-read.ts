import type { FastifyRequest } from 'fastify';
import type { Principal } from '../catalog/access.js';
import { asSharedViewer, isSharedWith } from '../catalog/sharing.js';
import type { Workspace } from '../workspace/workspace.js';
import type { SharedRead } from './route.js';

interface TiledBody {
  pages?: { tiles?: { insight?: string }[] }[];
}

/**
 * Lets a non-member through a route declared `shared` when the object it reads is shared with
 * them (and, for an insight, when it is a tile of that shared dashboard): the request then goes
 * on as that object's viewer (`asSharedViewer`), a reader of this project for this request only.
 */
export async function allowSharedRead(
  ws: Workspace,
  request: FastifyRequest,
  principal: Principal,
  projectKey: string,
  shared: SharedRead,
): Promise<boolean> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const target = shared(request.params as Record<string, string>, (request.query ?? {}) as Record<string, unknown>);
  if (!target) return false;
  const db = ws.catalog.db;
  if (!(await isSharedWith(db, principal, projectKey, target.kind, target.name))) return false;
  if (target.tile !== undefined) {
    const row = await db
      .selectFrom('objects')
      .select('body')
      .where('project_key', '=', projectKey)
      .where('kind', '=', target.kind)
      .where('name', '=', target.name)
      .executeTakeFirst();
    const body = (row ? JSON.parse(row.body) : {}) as TiledBody;
    const tiles = (body.pages ?? []).flatMap((p) => p.tiles ?? []);
    if (!tiles.some((t) => t.insight === target.tile)) return false;
  }
  request.principal = asSharedViewer(principal, projectKey);
  return true;
}

/** The `dashboard` query parameter of a tile read: `…/insights/{id}/data?dashboard=ID`. */
export const tileOfSharedDashboard: SharedRead = (params, query) =>
  typeof query.dashboard === 'string' && params.id
    ? { kind: 'dashboard', name: query.dashboard, tile: params.id }
    : null;
