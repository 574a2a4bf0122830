import type { Principal } from '../catalog/access.js';
import type { Workspace } from '../workspace/workspace.js';
import type { WebappCaller } from './webapp-types.js';

/** The caller as a webapp sees them: their effective role in the project (see `WebappCaller`). */
export async function webappCaller(ws: Workspace, principal: Principal, projectKey: string): Promise<WebappCaller> {
  const apiKey = principal.apiKey !== undefined;
  if (principal.sharedView) return { username: principal.username, role: 'viewer', apiKey };
  const role = await ws.catalog.projects.roleOf(principal, projectKey);
  return { username: principal.username, role: role ?? 'viewer', apiKey };
}
