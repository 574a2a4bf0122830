import type { FastifyRequest } from 'fastify';
import type { ProjectRole } from '../catalog/access.js';
import { forbidden } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { unauthenticated, type Access } from './route.js';

const PROJECT_ROLE: Partial<Record<Access, ProjectRole>> = {
  reader: 'reader',
  writer: 'writer',
  projectAdmin: 'admin',
};

/**
 * Refuses the request unless its principal has the route's declared `access` (see route.ts):
 * 401 without a principal, 403 for `admin` routes, and for project routes what the services
 * answer (404 to non-members, 403 to members without the role). It runs before the body is
 * read, so a refused caller never gets it parsed. Routes outside `route` (the web UI) are public.
 */
export async function enforceAccess(ws: Workspace, request: FastifyRequest): Promise<void> {
  const access = request.routeOptions.config?.access ?? 'public';
  if (access === 'public') return;
  const principal = request.principal;
  if (!principal) throw unauthenticated(request);
  if (access === 'admin' && !principal.isAdmin) throw forbidden('This needs a global admin');
  const needed = PROJECT_ROLE[access];
  if (!needed) return;
  const key = (request.params as Record<string, string | undefined>).key;
  if (key === undefined) throw new Error(`Route ${request.routeOptions.url} declares ${access} but has no {key}`);
  await ws.catalog.projects.authorize(principal, key, needed);
}
