/** The audit log as the API returns it. Types only, so the web UI imports them too. */

/** How the actor came: a bearer token or session over the API, an API key, the browser UI, the local CLI, a scenario on its own, the server itself. */
export type AuditVia = 'api' | 'apikey' | 'ui' | 'cli' | 'scenario' | 'system';
/**
 * A change (a write of any kind), a data access (rows, exports, queries) or a sign-in/out.
 * `denied`: a request the caller's role refused (403), a project a non-member asked for (404), or a
 * file the engine's sandbox refused to read (a 400: `read_csv('/etc/passwd')` in a preview).
 */
export type AuditCategory = 'change' | 'access' | 'auth' | 'denied';

export interface AuditEntry {
  id: number;
  at: string;
  /** A user name, `scenario:<id>` for a scenario's own work, null for an anonymous call. */
  actor: string | null;
  via: AuditVia;
  /** `<object kind>.<verb>`, e.g. `recipe.update`, `dataset.read`, `project.export`. */
  action: string;
  category: AuditCategory;
  project: string | null;
  objectKind: string | null;
  objectName: string | null;
  /** The route template, e.g. `PUT /api/projects/{key}/recipes/{name}`. */
  route: string | null;
  status: number | null;
  ip: string | null;
  userAgent: string | null;
  /** Small safe facts (revision, format, rows); never a request body. */
  detail: Record<string, unknown> | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
