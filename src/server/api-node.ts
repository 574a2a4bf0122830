import Fastify, { type FastifyInstance } from 'fastify';
import { apiRuntime } from '../api-services/runtime.js';
import { VERSION } from '../common/version.js';
import type { Workspace } from '../workspace/workspace.js';
import { registerJsonBodyParser, registerJsonReplies } from './json-body.js';
import { registerServiceCalls } from './service-calls.js';

/**
 * The server of `llano api-node`: only the API services' callers (`/services/*`) and a health
 * check, over the same catalog as `llano serve`, so API traffic runs in its own process and does
 * not compete with the UI. It polls the catalog for deployments and switches.
 */
export async function buildApiNode(ws: Workspace): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerJsonBodyParser(app, ws.config.maxJsonDepth);
  registerJsonReplies(app);
  app.get('/api/health', () => Promise.resolve({ status: 'ok', version: VERSION, role: 'api-node' }));
  await registerServiceCalls(app, ws);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]} on an API node` },
    });
  });
  const stopPolling = apiRuntime(ws).pollDeployments();
  app.addHook('onClose', () => Promise.resolve(stopPolling()));
  return app;
}
