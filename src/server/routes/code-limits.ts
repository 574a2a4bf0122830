import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sandboxLimits } from '../../sandbox/limits.js';
import type { Workspace } from '../../workspace/workspace.js';
import { route } from '../route.js';

/**
 * The workspace's default limits for user code (LLANO_CODE_MEMORY_MB, …_WALL_SECONDS,
 * …_CPU_SECONDS): the code recipe editor shows them beside a recipe's own limits, which may
 * only be lower.
 */
export function codeLimitRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/code-limits',
      summary:
        'Default limits of user code (code recipes, notebook kernels, webapp backends): memory in MB, wall and CPU time in seconds',
      tag: 'recipes',
      access: 'user',
      response: { 200: z.object({ memoryMb: z.number(), wallSeconds: z.number(), cpuSeconds: z.number() }) },
    },
    () => {
      const { memoryMb, wallSeconds, cpuSeconds } = sandboxLimits(ws);
      return Promise.resolve({ memoryMb, wallSeconds, cpuSeconds });
    },
  );
}
