import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import { nowIso } from '../common/ids.js';
import type { AuditCategory, AuditEntry, AuditPage, AuditVia } from './audit-types.js';
import type { CatalogTables } from './tables.js';

export type { AuditCategory, AuditEntry, AuditPage, AuditVia } from './audit-types.js';

/** What a caller records; `at` defaults to now. */
export interface AuditRecord {
  at?: string;
  actor: string | null;
  via: AuditVia;
  action: string;
  category: AuditCategory;
  project?: string | null;
  objectKind?: string | null;
  objectName?: string | null;
  route?: string | null;
  status?: number | null;
  ip?: string | null;
  userAgent?: string | null;
  detail?: Record<string, unknown> | null;
}

/** Which rows a query reads. `scopes` (when given) limits it to those projects, each from a time on. */
export interface AuditFilter {
  project?: string;
  actor?: string;
  from?: string;
  to?: string;
  /** An exact action (`recipe.update`) or a prefix ending in a dot (`recipe.`). */
  action?: string;
  category?: AuditCategory;
  limit: number;
  /** Rows older than this id (the previous page's `nextCursor`). */
  before?: number;
  scopes?: { project: string; since: string }[];
}

const USER_AGENT_MAX = 300;

/** The catalog row of one record. */
function auditRow(r: AuditRecord) {
  return {
    at: r.at ?? nowIso(),
    actor: r.actor,
    via: r.via,
    action: r.action,
    category: r.category,
    project: r.project ?? null,
    object_kind: r.objectKind ?? null,
    object_name: r.objectName ?? null,
    route: r.route ?? null,
    status: r.status ?? null,
    ip: r.ip ?? null,
    user_agent: r.userAgent ? r.userAgent.slice(0, USER_AGENT_MAX) : null,
    detail: r.detail ? JSON.stringify(r.detail) : null,
  };
}

export async function recordAudit(db: Kysely<CatalogTables>, r: AuditRecord): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(r)).execute();
}

/** Several records in one statement (high-volume callers batch, e.g. API-service traffic). */
export async function recordAuditBatch(db: Kysely<CatalogTables>, records: AuditRecord[]): Promise<void> {
  if (records.length) await db.insertInto('audit_log').values(records.map(auditRow)).execute();
}

const toEntry = (r: Selectable<CatalogTables['audit_log']>): AuditEntry => ({
  id: Number(r.id),
  at: r.at,
  actor: r.actor,
  via: r.via as AuditVia,
  action: r.action,
  category: r.category as AuditCategory,
  project: r.project,
  objectKind: r.object_kind,
  objectName: r.object_name,
  route: r.route,
  status: r.status,
  ip: r.ip,
  userAgent: r.user_agent,
  detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
});

/** Newest first, by id (ids only grow, so a cursor never skips or repeats a row). */
export async function listAudit(db: Kysely<CatalogTables>, f: AuditFilter): Promise<AuditPage> {
  let q = db.selectFrom('audit_log').selectAll();
  if (f.project !== undefined) q = q.where('project', '=', f.project);
  if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
  if (f.from !== undefined) q = q.where('at', '>=', f.from);
  if (f.to !== undefined) q = q.where('at', '<', f.to);
  if (f.category !== undefined) q = q.where('category', '=', f.category);
  if (f.action !== undefined)
    q = f.action.endsWith('.')
      ? q.where('action', 'like', `${f.action.replace(/[%_\\]/g, '')}%`)
      : q.where('action', '=', f.action);
  if (f.before !== undefined) q = q.where('id', '<', f.before);
  const scopes = f.scopes;
  if (scopes)
    q = q.where((eb: ExpressionBuilder<CatalogTables, 'audit_log'>) =>
      scopes.length === 0
        ? sql<boolean>`1 = 0`
        : eb.or(scopes.map((s) => eb.and([eb('project', '=', s.project), eb('at', '>=', s.since)]))),
    );
  const rows = await q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const entries = rows.slice(0, f.limit).map(toEntry);
  return {
    entries,
    nextCursor: rows.length > f.limit ? String(entries[entries.length - 1].id) : null,
  };
}

/** Removes rows older than `beforeIso` (LLANO_AUDIT_RETENTION_DAYS); returns how many. */
export async function pruneAudit(db: Kysely<CatalogTables>, beforeIso: string): Promise<number> {
  const r = await db.deleteFrom('audit_log').where('at', '<', beforeIso).executeTakeFirst();
  return Number(r.numDeletedRows ?? 0);
}
