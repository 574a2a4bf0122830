import type { Principal } from '../catalog/access.js';
import { badRequest, notFound } from '../common/errors.js';
import { nowIso } from '../common/ids.js';
import { resolveSource } from '../datasets/datasets.js';
import { DATASET_KIND } from '../datasets/definitions.js';
import type { Workspace } from '../workspace/workspace.js';
import { activeVersionOf, type DeploymentDefinition } from './active-deployment.js';
import { lookupIndex } from './lookup-index.js';
import { DEFAULT_REQUESTS_PER_SECOND } from './schema.js';
import { API_SERVICE_KIND } from './services.js';
import { compiledSql, datasetsNamed, resolveInputs, runSqlEndpoint } from './sql-endpoint.js';
import { apiRuntime } from './runtime.js';
import type { ApiDeployment, ApiService, DeployedEndpoint } from './types.js';

/** Freezes each endpoint: the datasets a SQL endpoint reads, the data version a lookup serves; checks both work. */
async function freeze(ws: Workspace, projectKey: string, service: ApiService): Promise<DeployedEndpoint[]> {
  const datasets = (await ws.catalog.objects.list(projectKey, DATASET_KIND)).map((d) => d.name);
  const frozen: DeployedEndpoint[] = [];
  for (const e of service.endpoints) {
    if (e.type === 'sql-query') {
      const inputs = datasetsNamed(compiledSql(e).words, datasets);
      const sources = await resolveInputs(ws, projectKey, inputs);
      for (const [name, s] of Object.entries(sources))
        if (s.kind === 'parquet' && s.paths.length === 0)
          throw badRequest(`endpoint ${e.id}: dataset ${name} has no data yet; build or import it first`);
      await runSqlEndpoint(ws, projectKey, e, sources, undefined);
      frozen.push({ ...e, inputs });
    } else if (e.type === 'lookup') {
      const { version, definition } = await resolveSource(ws, projectKey, e.dataset);
      if (definition.storage.type !== 'managed' || !version)
        throw badRequest(
          `endpoint ${e.id}: a lookup serves a managed dataset with data; ${e.dataset} ${version ? 'is not managed' : 'has no data yet'}`,
        );
      // Builds the index now: a bad key (missing column, duplicates, too many rows) fails the deploy, not the callers.
      await lookupIndex(ws, projectKey, e, version.id);
      frozen.push({ ...e, datasetVersion: version.id });
    } else frozen.push(e);
  }
  return frozen;
}

function toDeployment(
  row: { version: number; definition: string; created_at: string; created_by: string },
  active: number | null,
): ApiDeployment {
  const d = JSON.parse(row.definition) as DeploymentDefinition;
  return {
    version: row.version,
    revision: d.revision,
    createdAt: row.created_at,
    createdBy: row.created_by,
    active: row.version === active,
    endpoints: d.endpoints,
    rateLimit: d.rateLimit,
  };
}

async function setActive(ws: Workspace, projectKey: string, service: string, version: number, by: string) {
  const db = ws.catalog.db;
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('api_active').where('project_key', '=', projectKey).where('service', '=', service).execute();
    await trx
      .insertInto('api_active')
      .values({ project_key: projectKey, service, version, updated_at: nowIso(), updated_by: by })
      .execute();
  });
  apiRuntime(ws).forget(projectKey, service);
}

/**
 * Deploys the service as saved now: a new version number with its endpoints frozen. It takes
 * the traffic unless `activate` is false (then `activateVersion` switches later).
 */
export async function deployApiService(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  options: { activate?: boolean } = {},
): Promise<{ version: number; active: boolean }> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const stored = await ws.catalog.objects.require<ApiService>(projectKey, API_SERVICE_KIND, id);
  const definition: DeploymentDefinition = {
    revision: stored.revision,
    endpoints: await freeze(ws, projectKey, stored.body),
    rateLimit: stored.body.rateLimit ?? { requestsPerSecond: DEFAULT_REQUESTS_PER_SECOND },
  };
  const version = await ws.catalog.db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('api_deployments')
      .select((eb) => eb.fn.max('version').as('max'))
      .where('project_key', '=', projectKey)
      .where('service', '=', id)
      .executeTakeFirst();
    const next = Number(last?.max ?? 0) + 1;
    await trx
      .insertInto('api_deployments')
      .values({
        project_key: projectKey,
        service: id,
        version: next,
        definition: JSON.stringify(definition),
        created_at: nowIso(),
        created_by: principal.username,
      })
      .execute();
    return next;
  });
  const activate = options.activate !== false;
  if (activate) await setActive(ws, projectKey, id, version, principal.username);
  return { version, active: activate };
}

export async function listDeployments(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<ApiDeployment[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  await ws.catalog.objects.require(projectKey, API_SERVICE_KIND, id);
  const active = await activeVersionOf(ws, projectKey, id);
  const rows = await ws.catalog.db
    .selectFrom('api_deployments')
    .selectAll()
    .where('project_key', '=', projectKey)
    .where('service', '=', id)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => toDeployment(r, active));
}

/** Switches a service's traffic to a deployed version (a rollback is a switch to an older one). */
export async function activateVersion(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  version: number,
): Promise<{ version: number }> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await ws.catalog.objects.require(projectKey, API_SERVICE_KIND, id);
  const row = await ws.catalog.db
    .selectFrom('api_deployments')
    .select('version')
    .where('project_key', '=', projectKey)
    .where('service', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw notFound(`API service ${id} has no deployed version ${version}`);
  await setActive(ws, projectKey, id, version, principal.username);
  return { version };
}
