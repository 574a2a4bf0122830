import type { Principal } from '../catalog/access.js';
import { storedInfo, withoutStoredFields } from '../catalog/object-stamp.js';
import type { StoredObject } from '../catalog/objects.js';
import { badRequest } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { DATASET_KIND } from '../datasets/definitions.js';
import type { Workspace } from '../workspace/workspace.js';
import { ApiServiceSchema } from './schema.js';
import { checkDeclaredParameters, parameterise } from './sql-params.js';
import type { ApiService, ApiServiceInfo } from './types.js';

/** The object kind of API services in the versioned object store (history and revert like insights). */
export const API_SERVICE_KIND = 'api-service';

async function activeVersions(ws: Workspace, projectKey: string): Promise<Map<string, number>> {
  const rows = await ws.catalog.db
    .selectFrom('api_active')
    .select(['service', 'version'])
    .where('project_key', '=', projectKey)
    .execute();
  return new Map(rows.map((r) => [r.service, r.version]));
}

const info = (stored: StoredObject<ApiService>, active: Map<string, number>): ApiServiceInfo => ({
  ...storedInfo(stored),
  activeVersion: active.get(stored.body.id) ?? null,
});

export async function listApiServices(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
): Promise<ApiServiceInfo[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const active = await activeVersions(ws, projectKey);
  return (await ws.catalog.objects.list<ApiService>(projectKey, API_SERVICE_KIND)).map((s) => info(s, active));
}

export async function getApiService(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<ApiServiceInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return info(
    await ws.catalog.objects.require<ApiService>(projectKey, API_SERVICE_KIND, id),
    await activeVersions(ws, projectKey),
  );
}

/** Checks a service body: its schema, unique endpoint ids, SQL parameters declared and used, lookup datasets present. */
export async function validateApiService(ws: Workspace, projectKey: string, input: unknown): Promise<ApiService> {
  const service: ApiService = parseOr400(
    ApiServiceSchema,
    withoutStoredFields(input, ['activeVersion']),
    'api service',
  );
  const ids = new Set<string>();
  for (const e of service.endpoints) {
    if (ids.has(e.id)) throw badRequest(`endpoints: two endpoints are named ${e.id}`);
    ids.add(e.id);
    if (e.type === 'sql-query') {
      const types = Object.fromEntries(e.parameters.map((p) => [p.name, p.type]));
      checkDeclaredParameters(e.id, parameterise(e.sql, types).order, e.parameters);
    }
    if (e.type === 'lookup') {
      if (!(await ws.catalog.objects.get(projectKey, DATASET_KIND, e.dataset)))
        throw badRequest(`endpoint ${e.id}: no dataset ${e.dataset} in project ${projectKey}`);
      if (new Set(e.key).size !== e.key.length) throw badRequest(`endpoint ${e.id}: a key column is listed twice`);
    }
  }
  return service;
}

/** Creates or replaces a service (writer); every save appends a revision. Deployed versions are unaffected. */
export async function saveApiService(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
): Promise<ApiServiceInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const service = await validateApiService(ws, projectKey, input);
  const stored = await ws.catalog.saveObject({
    projectKey,
    kind: API_SERVICE_KIND,
    name: service.id,
    body: service,
    author: principal.username,
    ...options,
  });
  return info(stored, await activeVersions(ws, projectKey));
}

/** Deletes a service with its deployments and keys (its history and request log stay). */
export async function deleteApiService(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await ws.catalog.db.transaction().execute(async (trx) => {
    await ws.catalog.objects.delete({ projectKey, kind: API_SERVICE_KIND, name: id, author: principal.username }, trx);
    for (const table of ['api_active', 'api_deployments', 'api_service_keys'] as const)
      await trx.deleteFrom(table).where('project_key', '=', projectKey).where('service', '=', id).execute();
  });
}
