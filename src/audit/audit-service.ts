import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { listAudit, type AuditFilter, type AuditPage } from '../catalog/audit-log.js';
import { parseOr400 } from '../common/parse.js';
import type { Workspace } from '../workspace/workspace.js';

const Instant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date or time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z')
  .transform((s) => new Date(s).toISOString());

export const AuditQuery = z.object({
  project: z.string().max(100).optional(),
  user: z.string().max(200).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  /** An exact action (`recipe.update`) or a prefix ending in a dot (`recipe.`). */
  action: z.string().max(100).optional(),
  category: z.enum(['change', 'access', 'auth', 'denied']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().regex(/^\d+$/, 'the nextCursor of a previous page').optional(),
});
export type AuditQuery = z.input<typeof AuditQuery>;

/**
 * The audit log, newest first. Global admins read all of it; a project admin reads the rows of
 * the projects they administer, from the project's creation on (rows of an earlier project
 * deleted under the same key are not theirs); anyone else gets 403.
 */
export async function queryAudit(ws: Workspace, principal: Principal, query: unknown): Promise<AuditPage> {
  const q = parseOr400(AuditQuery, query ?? {}, 'query');
  const filter: AuditFilter = {
    project: q.project,
    actor: q.user,
    from: q.from,
    to: q.to,
    action: q.action,
    category: q.category,
    limit: q.limit,
    before: q.cursor === undefined ? undefined : Number(q.cursor),
  };
  if (!principal.isAdmin) filter.scopes = await adminScopes(ws, principal, q.project);
  return listAudit(ws.catalog.db, filter);
}

/** The projects a non-admin may read the audit of, each from its creation. */
async function adminScopes(
  ws: Workspace,
  principal: Principal,
  project: string | undefined,
): Promise<{ project: string; since: string }[]> {
  if (project !== undefined) {
    const p = await ws.catalog.projects.authorize(principal, project, 'admin');
    return [{ project: p.key, since: p.createdAt }];
  }
  const mine = (await ws.catalog.projects.list(principal)).filter((p) => p.role === 'admin');
  // No project to administer: nothing to read (an empty page, as for any filter that matches nothing).
  return mine.map((p) => ({ project: p.key, since: p.createdAt }));
}
