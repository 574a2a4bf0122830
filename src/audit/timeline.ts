import { sql } from 'kysely';
import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { parseOr400 } from '../common/parse.js';
import type { Workspace } from '../workspace/workspace.js';
import { auditItem, jobItem, revisionItem, runItem } from './timeline-text.js';
import type { TimelineItem, TimelinePage } from './timeline-types.js';

export type { TimelineItem, TimelinePage } from './timeline-types.js';

export const TimelineQuery = z.object({
  before: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO time: the nextBefore of a previous page')
    .transform((s) => new Date(s).toISOString())
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Audit rows that another source tells better: builds (jobs), scenario runs (runs). */
const TOLD_ELSEWHERE = new Set(['build.create', 'scenario.run', 'scenario.run.end', 'scenario.webhook']);
/** An audit row and a revision this close, by the same person on the same name, are one change. */
const SAME_CHANGE_MS = 10_000;

interface Scope {
  project?: string;
  user?: string;
}

/**
 * One page of what happened, newest first: changes and exports from the audit log, object
 * revisions (with their numbers), builds and scenario runs, merged. An audit row of a save is
 * dropped when the revision it made is listed (the revision says more: its number).
 */
async function timeline(ws: Workspace, scope: Scope, query: unknown): Promise<TimelinePage> {
  const { before, limit } = parseOr400(TimelineQuery, query ?? {}, 'query');
  const db = ws.catalog.db;
  const cutoff = before ?? '9999-12-31T23:59:59.999Z';

  let audit = db
    .selectFrom('audit_log')
    .selectAll()
    .where('at', '<', cutoff)
    .where((eb) =>
      eb.or([
        eb('category', '=', 'change'),
        eb.and([eb('category', '=', 'access'), eb('detail', 'like', '%"format"%')]),
      ]),
    );
  if (scope.project !== undefined) audit = audit.where('project', '=', scope.project);
  if (scope.user !== undefined) audit = audit.where('actor', '=', scope.user);
  let revisions = db.selectFrom('revisions').selectAll().where('created_at', '<', cutoff);
  if (scope.project !== undefined) revisions = revisions.where('project_key', '=', scope.project);
  if (scope.user !== undefined) revisions = revisions.where('author', '=', scope.user);
  const jobAt = sql<string>`coalesce(ended_at, created_at)`;
  let jobs = db.selectFrom('jobs').selectAll().select(jobAt.as('at')).where(jobAt, '<', cutoff);
  if (scope.project !== undefined) jobs = jobs.where('project_key', '=', scope.project);
  if (scope.user !== undefined) jobs = jobs.where('created_by', '=', scope.user);

  const [auditRows, revisionRows, jobRows, runRows] = await Promise.all([
    audit
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit * 2)
      .execute(),
    revisions.orderBy('created_at', 'desc').limit(limit).execute(),
    jobs.orderBy(jobAt, 'desc').limit(limit).execute(),
    // A user's timeline has no runs: scenarios act on their own.
    scope.project === undefined
      ? Promise.resolve([])
      : db
          .selectFrom('scenario_runs')
          .selectAll()
          .select(jobAt.as('at'))
          .where('project_key', '=', scope.project)
          .where(jobAt, '<', cutoff)
          .orderBy(jobAt, 'desc')
          .limit(limit)
          .execute(),
  ]);
  const revisionItems = revisionRows.map(revisionItem);
  const madeRevision = (a: (typeof auditRows)[number]) =>
    revisionRows.some(
      (r) =>
        r.author === a.actor &&
        r.name === a.object_name &&
        r.project_key === a.project &&
        Math.abs(Date.parse(r.created_at) - Date.parse(a.at)) <= SAME_CHANGE_MS,
    );
  const items: TimelineItem[] = [
    ...auditRows.filter((a) => !TOLD_ELSEWHERE.has(a.action) && !madeRevision(a)).map(auditItem),
    ...revisionItems,
    ...jobRows.map((j) => jobItem(j, j.at)),
    ...runRows.map((r) => runItem(r, r.at)),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const page = items.slice(0, limit);
  // More may be older when the merge overflowed or any source filled its limit.
  const more =
    items.length > limit ||
    auditRows.length === limit * 2 ||
    [revisionRows, jobRows, runRows].some((rows) => rows.length === limit);
  return { items: page, nextBefore: more && page.length ? page[page.length - 1].at : null };
}

/** A project's timeline: its readers see it. */
export async function projectTimeline(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  query: unknown,
): Promise<TimelinePage> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return timeline(ws, { project: projectKey }, query);
}

/** What one user did, across projects: that user or a global admin sees it. */
export async function userTimeline(
  ws: Workspace,
  principal: Principal,
  username: string,
  query: unknown,
): Promise<TimelinePage> {
  // Another user's doings are theirs and global admins' to read: anyone else sees an empty page.
  if (!principal.isAdmin && principal.username !== username) return { items: [], nextBefore: null };
  return timeline(ws, { user: username }, query);
}
