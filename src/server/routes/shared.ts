import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sharedWithMe } from '../../catalog/shared-with-me.js';
import type { Workspace } from '../../workspace/workspace.js';
import { route } from '../route.js';

const SharedItem = z.looseObject({
  project: z.string(),
  projectName: z.string(),
  kind: z.enum(['dashboard', 'webapp']),
  id: z.string(),
  name: z.string(),
  sharedBy: z.string().optional(),
  updatedAt: z.string(),
});

/** What others shared with the caller beyond the projects they belong to. */
export function sharedRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/shared',
      summary:
        'Dashboards and webapps shared with the caller (directly or through a group) in projects they are not a member of',
      tag: 'sharing',
      access: 'user',
      response: { 200: z.array(SharedItem) },
    },
    async ({ principal }) => sharedWithMe(ws.catalog.db, principal),
  );
}
