import type { Principal } from '../catalog/access.js';
import { sandboxPool } from '../sandbox/index.js';
import type { Workspace } from '../workspace/workspace.js';
import { backendFunctions, backendKeyPrefix } from './webapp-backend.js';
import { webappLogLines } from './webapp-logs.js';
import { pythonAppStatus } from './webapp-python.js';
import { storedWebapp } from './webapps-service.js';

/** A webapp's log, callable backend functions and running processes, for its editor (writers: logs may hold data). */
export async function webappActivity(ws: Workspace, principal: Principal, projectKey: string, id: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const { webapp } = await storedWebapp(ws, projectKey, id);
  const prefix = backendKeyPrefix(projectKey, id);
  const backends = sandboxPool(ws)
    .running()
    .filter((r) => r.key.startsWith(prefix))
    .map((r) => ({ kind: 'backend', pid: r.pid, startedAt: r.startedAt }));
  const python = await pythonAppStatus(ws, projectKey, id);
  return {
    lines: webappLogLines(ws, projectKey, id),
    functions: backendFunctions(webapp),
    running: [...backends, ...(python ? [{ kind: 'python', pid: python.pid, startedAt: python.startedAt }] : [])],
  };
}
