import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordAudit } from '../catalog/audit-log.js';
import type { Workspace } from '../workspace/workspace.js';
import { defaultClassification, isAudited, viaOf, type AuditClassification } from './audit-spec.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What a handler knows better than the route's declaration (an import's new key): merged into its audit row. */
    auditNote: Partial<AuditClassification> & { detail?: Record<string, unknown> };
  }
}

/** `/api/projects/:key/recipes/:name` back to the documented `{key}` form. */
const templateOf = (request: FastifyRequest) => (request.routeOptions.url ?? '').replace(/:(\w+)/g, '{$1}');

/**
 * Whether an answer refused the caller: any 403, and a 404 on a project that exists to a signed-in
 * caller who is not its member (non-members are told it does not exist, the log says what happened).
 * (A file read the engine's sandbox refused, a 400, is marked by the error handler instead.)
 * A sign-in's own refusals stay `auth`.
 */
async function refusal(
  ws: Workspace,
  request: FastifyRequest,
  status: number,
  project: string | null,
): Promise<boolean> {
  if (request.routeOptions.config?.audit?.category === 'auth') return false;
  if (status === 403) return true;
  const principal = request.principal;
  if (status !== 404 || !project || !principal || principal.isAdmin) return false;
  const exists = await ws.catalog.db.selectFrom('projects').select('key').where('key', '=', project).executeTakeFirst();
  return exists !== undefined && (await ws.catalog.projects.roleOf(principal, project)) === null;
}

/**
 * The one place HTTP requests enter the audit log: when a response is sent, a mutating success
 * (or a declared data read, any sign-in, or a refusal: `denied`) is classified from its route's `audit` declaration
 * and written with who, via what, from where. Bodies are never stored: only the route template,
 * URL parameters that are not secrets and the created object's name.
 */
export function registerAuditHook(app: FastifyInstance, ws: Workspace): void {
  app.decorateRequest('auditNote', null as unknown as FastifyRequest['auditNote']);
  app.addHook('onRequest', (request, _reply, done) => {
    request.auditNote = {};
    done();
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.config?.serviceCaller) return;
    const spec = request.routeOptions.config?.audit;
    const method = request.method;
    // The error handler marks a refused file read (a 400) as `denied`: recorded like a 403.
    const refusedRead = request.auditNote?.category === 'denied';
    if (!request.routeOptions.url || !(refusedRead || isAudited(method, reply.statusCode, spec))) return;
    try {
      const template = templateOf(request);
      const base = defaultClassification(method, template, request);
      const denied = refusedRead || (await refusal(ws, request, reply.statusCode, base.project));
      if (reply.statusCode === 404 && !denied) return;
      const object = spec?.object?.(request);
      const { detail: noteDetail, ...note } = request.auditNote ?? {};
      const detail = { ...(spec?.detail?.(request) ?? {}), ...(noteDetail ?? {}) };
      const userAgent = request.headers['user-agent'];
      await recordAudit(ws.catalog.db, {
        actor: request.principal?.username ?? null,
        via: viaOf(request.principal, userAgent),
        action: (typeof spec?.action === 'function' ? spec.action(request) : spec?.action) ?? base.action,
        category: denied ? 'denied' : (spec?.category ?? base.category),
        project: base.project,
        objectKind: object ? object.kind : base.objectKind,
        objectName: object ? object.name : base.objectName,
        ...note,
        route: `${method} ${template}`,
        status: reply.statusCode,
        ip: request.ip,
        userAgent: userAgent ?? null,
        detail: Object.keys(detail).length ? detail : null,
      });
    } catch (e) {
      // The answer is already sent; a catalog that cannot take the row is logged, never silent.
      request.log.error(e, 'audit log write failed');
    }
  });
}
