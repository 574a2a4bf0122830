import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AuditQuery, queryAudit } from '../../audit/audit-service.js';
import { projectTimeline, TimelineQuery, userTimeline } from '../../audit/timeline.js';
import type { Workspace } from '../../workspace/workspace.js';
import { route } from '../route.js';

const nullableStr = z.string().nullable();
const AuditEntry = z.looseObject({
  id: z.number(),
  at: z.string(),
  actor: nullableStr,
  via: z.string(),
  action: z.string(),
  category: z.enum(['change', 'access', 'auth', 'denied']),
  project: nullableStr,
  objectKind: nullableStr,
  objectName: nullableStr,
  route: nullableStr,
  status: z.number().nullable(),
  ip: nullableStr,
  userAgent: nullableStr,
  detail: z.record(z.string(), z.unknown()).nullable(),
});
const AuditPage = z.looseObject({ entries: z.array(AuditEntry), nextCursor: nullableStr });
const TimelinePage = z.looseObject({
  items: z.array(
    z.looseObject({
      at: z.string(),
      actor: nullableStr,
      project: nullableStr,
      source: z.enum(['audit', 'revision', 'job', 'run']),
      text: z.string(),
      object: z.looseObject({ kind: z.string(), name: z.string() }).nullable(),
      ref: z.string().optional(),
    }),
  ),
  nextBefore: nullableStr,
});

/** The audit log and the activity timelines (src/audit/). */
export function auditRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/audit',
      summary:
        'The audit log, newest first: every change and data access (who, via what, from where). Global admins read all; project admins their projects',
      tag: 'audit',
      query: AuditQuery,
      access: 'user',
      response: { 200: AuditPage },
    },
    async ({ principal, request }) => queryAudit(ws, principal, request.query),
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/projects/{key}/timeline',
      summary: 'What happened in a project, newest first: changes (with revisions), exports, builds, scenario runs',
      tag: 'audit',
      query: TimelineQuery,
      access: 'reader',
      response: { 200: TimelinePage },
    },
    async ({ principal, params, request }) => projectTimeline(ws, principal, params.key, request.query),
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/users/{username}/timeline',
      summary: 'What a user did across projects, newest first (that user or a global admin)',
      tag: 'audit',
      query: TimelineQuery,
      access: 'user',
      response: { 200: TimelinePage },
    },
    async ({ principal, params, request }) => userTimeline(ws, principal, params.username, request.query),
  );
}
