import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { automationMonitoringSteps, MAX_STEP_RUNS } from '../../automation/monitoring.js';
import type { Workspace } from '../../workspace/workspace.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

/** The time window of the monitoring endpoints; runs of deleted scenarios only when asked for. */
export const MonitoringRange = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  includeDeleted: z.enum(['true', 'false']).optional(),
});

/** The step runs of the monitoring timeline ("Expand to: step"); see `automationMonitoringSteps`. */
export function monitoringStepRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/automation/monitoring/steps',
      summary:
        'Step runs of the visible scenario runs started in [from, to) (the monitoring timeline expanded to steps), newest runs first, limit a page (default 20,000, at most 100,000): truncated, and nextCursor to pass as cursor for the next page; deleted scenarios only with includeDeleted=true',
      tag: 'automation',
      query: MonitoringRange.extend({
        limit: z.coerce.number().int().min(1).max(MAX_STEP_RUNS).optional(),
        cursor: z.string().max(1000).optional(),
      }),
      access: 'user',
      response: { 200: R.MonitoringSteps },
    },
    async ({ principal, query }) =>
      automationMonitoringSteps(ws, principal, { ...query, includeDeleted: query.includeDeleted === 'true' }),
  );
}
