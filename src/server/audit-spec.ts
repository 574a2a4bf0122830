import type { FastifyRequest } from 'fastify';
import type { Principal } from '../catalog/access.js';
import type { AuditCategory, AuditVia } from '../catalog/audit-types.js';

/**
 * What a route's success means for the audit log (src/server/audit-hook.ts). Every POST, PUT,
 * PATCH and DELETE that succeeds is recorded with a default derived from its method and path;
 * a GET is recorded only when it declares `audit` (a data access: rows, exports, queries).
 */
export interface AuditSpec {
  /** `<kind>.<verb>`; default: the path's object kind and the method's verb (`recipe.update`). */
  action?: string | ((request: FastifyRequest) => string);
  /** Default: `change` for POST/PUT/PATCH/DELETE, `access` for a GET. `auth` is recorded whatever the status. */
  category?: AuditCategory;
  /** The object touched; default: the kind and name the path gives (or the body's `name`/`id`/`key`). */
  object?: (request: FastifyRequest) => { kind: string | null; name: string | null } | null;
  /** Small safe facts to keep (format, revision…): never the body. */
  detail?: (request: FastifyRequest) => Record<string, unknown> | undefined;
}

/** A data read: recorded under `action`, with the query's format (never its filters' values beyond that). */
export const dataAccess = (action: string): AuditSpec => ({
  action,
  category: 'access',
  detail: (request) => {
    const q = (request.query ?? {}) as Record<string, unknown>;
    const p = (request.params ?? {}) as Record<string, string>;
    return {
      ...(typeof q.format === 'string' ? { format: q.format } : {}),
      ...(p.id && action.startsWith('dataset') ? { version: p.id } : {}),
    };
  },
});

/** What the hook writes, before the request facts (who, where from) are added. */
export interface AuditClassification {
  action: string;
  category: AuditCategory;
  project: string | null;
  objectKind: string | null;
  objectName: string | null;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** URL parameters that carry secrets: their values never reach the log. */
const SECRET_PARAM = /token|secret|password/i;
/** The body fields that name what a create made; nothing else of a body is ever read. */
const NAME_FIELDS = ['name', 'id', 'key', 'username'] as const;

const singular = (segment: string) => (segment.endsWith('s') && segment !== 'status' ? segment.slice(0, -1) : segment);
const isParam = (segment: string) => segment.startsWith('{');
const paramName = (segment: string) => segment.slice(1, -1);

function bodyName(request: FastifyRequest): string | null {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  for (const field of NAME_FIELDS) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.length <= 200) return value;
  }
  return null;
}

/**
 * The default reading of a route template: its first collection after the project is the
 * object kind, the parameter after it the name, the literal segments after that the verb
 * (`POST …/scenarios/{id}/run` → `scenario.run`), else the method's (`PUT …/recipes/{name}` →
 * `recipe.update`; a POST to a collection → `recipe.create`, named by the body).
 */
export function defaultClassification(method: string, template: string, request: FastifyRequest): AuditClassification {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  let segments = template.split('?')[0].split('/').filter(Boolean);
  if (segments[0] === 'api') segments = segments.slice(1);
  let project: string | null = null;
  if (segments[0] === 'projects' && segments[1] === '{key}') {
    project = params.key ?? null;
    if (segments.length > 2) segments = segments.slice(2);
  }
  const kind = singular(segments[0] ?? 'api');
  let name: string | null = null;
  let rest = segments.slice(1);
  if (rest[0] && isParam(rest[0])) {
    const p = paramName(rest[0]);
    name = SECRET_PARAM.test(p) ? null : (params[p] ?? null);
    rest = rest.slice(1);
  }
  const verbs = rest.filter((s) => !isParam(s));
  const methodVerb =
    method === 'DELETE'
      ? 'delete'
      : method === 'POST' && name === null && verbs.length === 0
        ? 'create'
        : method === 'GET'
          ? 'read'
          : 'update';
  if (methodVerb === 'create' && kind === 'project') project = bodyName(request);
  const verb = verbs.length && method === 'POST' ? verbs.join('.') : [...verbs, methodVerb].join('.');
  if (name === null && methodVerb === 'create') name = bodyName(request);
  if (kind === 'project' && name === null) name = project;
  return {
    action: `${kind}.${verb}`,
    category: method === 'GET' ? 'access' : 'change',
    project,
    objectKind: kind,
    objectName: name,
  };
}

/** Whether a finished request is recorded: every mutating success, declared GETs that succeed, every auth attempt. */
export function isAudited(method: string, status: number, spec: AuditSpec | undefined): boolean {
  if (spec?.category === 'auth') return true;
  // Refusals are audited whatever was asked (see `refusal`): someone probing shows in the log.
  if (status === 403 || status === 404) return true;
  if (status < 200 || status >= 300) return false;
  return MUTATING.has(method) || spec !== undefined;
}

/** How the caller came, as the log says it. */
export function viaOf(principal: Principal | null, userAgent: string | undefined): AuditVia {
  if (principal?.via === 'local' || userAgent?.startsWith('llano-cli')) return 'cli';
  if (principal?.via === 'apikey') return 'apikey';
  if (principal?.via === 'session') return 'ui';
  return 'api';
}
