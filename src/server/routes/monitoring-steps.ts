import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { automationMonitoringSteps } from '../../automation/monitoring.js';
import type { Workspace } from '../../workspace/workspace.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

/** The step runs of the monitoring timeline ("Expand to: step"); see `automationMonitoringSteps`. */
export function monitoringStepRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/automation/monitoring/steps',
      summary:
        'Step runs of the visible scenario runs started in [from, to) (the monitoring timeline expanded to steps); over the cap, those of the newest runs',
      tag: 'automation',
      query: z.object({ from: z.string().optional(), to: z.string().optional() }),
      access: 'user',
      response: { 200: R.MonitoringSteps },
    },
    async ({ principal, query }) => automationMonitoringSteps(ws, principal, query),
  );
}
