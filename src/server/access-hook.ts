import type { FastifyRequest } from 'fastify';
import type { Principal, ProjectRole } from '../catalog/access.js';
import { forbidden, LlanoError } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { unauthenticated, type Access } from './route.js';
import { allowSharedRead } from './shared-read.js';

const PROJECT_ROLE: Partial<Record<Access, ProjectRole>> = {
  reader: 'reader',
  writer: 'writer',
  projectAdmin: 'admin',
};

/**
 * Refuses the request unless its principal has the route's declared `access` (see route.ts):
 * 401 without a principal, 403 for `admin` routes, and for project routes what the services
 * answer (404 to non-members, 403 to members without the role or the route's fine right). It runs
 * before the body is read, so a refused caller never gets it parsed. Routes outside `route` (the
 * web UI) are public. API keys are narrowed here too (`keyAllows`); project roles by `grantOf`.
 */
export async function enforceAccess(ws: Workspace, request: FastifyRequest): Promise<void> {
  const access = request.routeOptions.config?.access ?? 'public';
  if (access === 'public') return;
  const principal = request.principal;
  if (!principal) throw unauthenticated(request);
  if (access === 'admin' && !principal.isAdmin) throw forbidden('This needs a global admin');
  const needed = PROJECT_ROLE[access];
  if (!needed) {
    keyAllows(principal, request);
    return;
  }
  const key = (request.params as Record<string, string | undefined>).key;
  const right = request.routeOptions.config?.right;
  if (key === undefined) throw new Error(`Route ${request.routeOptions.url} declares ${access} but has no {key}`);
  try {
    await ws.catalog.projects.authorize(principal, key, needed);
  } catch (error) {
    // A non-member may still read a dashboard or webapp shared with them (src/catalog/sharing.ts).
    const shared = request.routeOptions.config?.shared;
    const nonMember = error instanceof LlanoError && error.status === 404;
    if (nonMember && shared && (await allowSharedRead(ws, request, principal, key, shared))) {
      // Such a viewer only views: a fine right (exporting…) is a member's, and saying so beats a 404.
      if (right)
        throw forbidden(
          `This is shared with you to view; it needs the ${right} right as a member of ${key} (ask a project admin)`,
        );
      return;
    }
    throw error;
  }
  if (right) await ws.catalog.projects.authorizeRight(principal, key, right);
}

/**
 * Outside project routes: a project API key reaches only `GET /api/auth/me`, and a personal key
 * without the `write` scope only reads.
 */
function keyAllows(principal: Principal, request: FastifyRequest): void {
  const key = principal.apiKey;
  if (!key) return;
  const reads = request.method === 'GET' || request.method === 'HEAD';
  if (key.project !== null && !(reads && request.routeOptions.url === '/api/auth/me'))
    throw forbidden(`This is a project API key of ${key.project}: it reaches that project's routes only`);
  if (!reads && !key.scopes.includes('write') && !key.scopes.includes('admin'))
    throw forbidden('This API key has no write scope: it may only read');
}
