import type { Principal } from '../catalog/access.js';
import { badRequest, notFound, toLlanoError } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { executeEndpoint } from './execute.js';
import { endpointMetrics, readRequestLog } from './request-log.js';
import { apiRuntime } from './runtime.js';
import { API_SERVICE_KIND } from './services.js';
import { datasetsNamed, compiledSql } from './sql-endpoint.js';
import { currentVersion } from '../datasets/versions.js';
import { DATASET_KIND } from '../datasets/definitions.js';
import { serviceOpenApi } from './openapi-document.js';
import type { ApiRequestLogEntry, ApiService, DeployedEndpoint, EndpointMetrics, EndpointTestResult } from './types.js';

/** p50/p95/p99 latency and error counts per endpoint over the last `minutes`. */
export async function serviceMetrics(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  minutes = 60,
): Promise<{ since: string; endpoints: EndpointMetrics[] }> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  await ws.catalog.objects.require(projectKey, API_SERVICE_KIND, id);
  await apiRuntime(ws).log.flush();
  const since = new Date(Date.now() - minutes * 60_000).toISOString();
  return { since, endpoints: await endpointMetrics(ws, projectKey, id, since) };
}

/** The newest requests of a service (bounded body excerpts; keys appear by id, never by value). */
export async function serviceRequestLog(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  limit = 100,
): Promise<ApiRequestLogEntry[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  await ws.catalog.objects.require(projectKey, API_SERVICE_KIND, id);
  await apiRuntime(ws).log.flush();
  return readRequestLog(ws, projectKey, id, limit);
}

/** The saved endpoint as a call would see it, its data read at the current versions. */
async function asDeployedNow(
  ws: Workspace,
  projectKey: string,
  e: ApiService['endpoints'][number],
): Promise<DeployedEndpoint> {
  if (e.type === 'sql-query') {
    const datasets = (await ws.catalog.objects.list(projectKey, DATASET_KIND)).map((d) => d.name);
    return { ...e, inputs: datasetsNamed(compiledSql(e).words, datasets) };
  }
  if (e.type === 'lookup') {
    const version = await currentVersion(ws, projectKey, e.dataset);
    if (!version) throw badRequest(`endpoint ${e.id}: dataset ${e.dataset} has no data yet`);
    return { ...e, datasetVersion: version.id };
  }
  return e;
}

/**
 * Runs the saved tests of an endpoint (or one `body` sent now) against the saved definition,
 * not a deployed one, so an edit can be tried before it is deployed. Failures are answers here:
 * each test reports its status and body.
 */
export async function testEndpoint(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  endpointId: string,
  input: { body?: Record<string, unknown>; test?: string },
  signal?: AbortSignal,
): Promise<EndpointTestResult[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const service = (await ws.catalog.objects.require<ApiService>(projectKey, API_SERVICE_KIND, id)).body;
  const endpoint = service.endpoints.find((e) => e.id === endpointId);
  if (!endpoint) throw notFound(`API service ${id} has no endpoint ${endpointId}`);
  const tests =
    input.body !== undefined
      ? [{ name: 'ad hoc', body: input.body }]
      : (endpoint.tests ?? []).filter((t) => input.test === undefined || t.name === input.test);
  if (input.test !== undefined && tests.length === 0)
    throw notFound(`endpoint ${endpointId} has no saved test ${input.test}`);
  const deployed = await asDeployedNow(ws, projectKey, endpoint);
  const runtime = apiRuntime(ws);
  const results: EndpointTestResult[] = [];
  for (const t of tests) {
    const started = performance.now();
    let status = 200;
    let body: unknown;
    try {
      body = await executeEndpoint(ws, deployed, t.body, {
        projectKey,
        service: id,
        version: null,
        sources: (inputs) => runtime.sources(projectKey, inputs),
        signal,
      });
    } catch (error) {
      const e = toLlanoError(error);
      if (e.status >= 500) throw e;
      status = e.status;
      body = { error: { code: e.code, message: e.message } };
    }
    results.push({ name: t.name, status, durationMs: Math.round((performance.now() - started) * 100) / 100, body });
  }
  return results;
}

/** The OpenAPI document of the version of a service answering now (what callers see). */
export async function deployedOpenApi(ws: Workspace, projectKey: string, id: string): Promise<Record<string, unknown>> {
  const stored = await ws.catalog.objects.get<ApiService>(projectKey, API_SERVICE_KIND, id);
  const deployed = stored ? await apiRuntime(ws).deployment(projectKey, id) : null;
  if (!stored || !deployed) throw notFound(`API service ${id} of project ${projectKey} has no deployed version`);
  return serviceOpenApi(projectKey, stored.body, deployed.version, [...deployed.endpoints.values()]);
}

/** The same document for project members (the UI). */
export async function openApiForMember(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<Record<string, unknown>> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return deployedOpenApi(ws, projectKey, id);
}
