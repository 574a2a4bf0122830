import type { Workspace } from '../workspace/workspace.js';
import type { DeployedEndpoint } from './types.js';

/** What a deployment row keeps: everything a caller's request needs, frozen. */
export interface DeploymentDefinition {
  revision: number;
  endpoints: DeployedEndpoint[];
  rateLimit: { requestsPerSecond: number };
}

/** The version taking a service's traffic: one primary-key read, cheap enough to poll. */
export async function activeVersionOf(ws: Workspace, projectKey: string, service: string): Promise<number | null> {
  const row = await ws.catalog.db
    .selectFrom('api_active')
    .select('version')
    .where('project_key', '=', projectKey)
    .where('service', '=', service)
    .executeTakeFirst();
  return row?.version ?? null;
}

export async function loadDeployment(
  ws: Workspace,
  projectKey: string,
  service: string,
  version: number,
): Promise<DeploymentDefinition | null> {
  const row = await ws.catalog.db
    .selectFrom('api_deployments')
    .select('definition')
    .where('project_key', '=', projectKey)
    .where('service', '=', service)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? (JSON.parse(row.definition) as DeploymentDefinition) : null;
}
