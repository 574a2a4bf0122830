import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { activateVersion, deployApiService, listDeployments } from '../../api-services/deployments.js';
import { createServiceKey, listServiceKeys, revokeServiceKey } from '../../api-services/keys.js';
import { openApiForMember, serviceMetrics, serviceRequestLog, testEndpoint } from '../../api-services/monitoring.js';
import { deleteApiService, getApiService, listApiServices, saveApiService } from '../../api-services/services.js';
import type { Workspace } from '../../workspace/workspace.js';
import { objectRoutes } from '../object-routes.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

const S = '/api/projects/{key}/api-services/{id}';
const loose = z.looseObject;
const str = z.string();
const Body = z.object({ id: z.string() }).passthrough();
const Service = loose({
  id: str,
  endpoints: z.array(R.AnyObject),
  projectKey: str,
  revision: z.number(),
  updatedAt: str,
  updatedBy: str,
  activeVersion: z.number().nullable(),
});
const Deployment = loose({
  version: z.number(),
  revision: z.number(),
  createdAt: str,
  createdBy: str,
  active: z.boolean(),
  endpoints: z.array(R.AnyObject),
});
const Key = loose({ id: str, name: str, prefix: str, createdAt: str, createdBy: str, revokedAt: str.nullable() });
const Metrics = loose({
  since: str,
  endpoints: z.array(
    loose({
      endpoint: str,
      requests: z.number(),
      errors: z.number(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
    }),
  ),
});
const LogEntry = loose({ id: z.number(), endpoint: str, status: z.number(), durationMs: z.number(), at: str });
const TestResult = loose({ name: str, status: z.number(), durationMs: z.number(), body: z.unknown() });

/** API services: the service objects, deployments and traffic switch, caller keys, metrics, request log, tests. */
export function apiServiceRoutes(app: FastifyInstance, ws: Workspace): void {
  objectRoutes(
    app,
    ws,
    {
      kind: 'API service',
      plural: 'api-services',
      tag: 'api-services',
      nameField: 'id',
      body: Body,
      item: Service,
      readOnly: ['activeVersion'],
      summaries: {
        list: 'API services of the project',
        create: 'Create an API service: endpoints of type sql-query, lookup, analytics or typescript-function',
        get: 'One API service as saved (deployed versions are under /deployments)',
        replace: 'Replace an API service (a new revision; callers keep the deployed version)',
        remove: 'Delete an API service with its deployments and keys (its history stays)',
      },
    },
    { list: listApiServices, get: getApiService, save: saveApiService, remove: deleteApiService },
  );
  route(
    app,
    {
      method: 'POST',
      url: `${S}/deploy`,
      summary:
        'Deploy the service as saved: a new version with its endpoints frozen (lookups on the current data version); it takes the traffic unless `activate` is false',
      tag: 'api-services',
      body: z.strictObject({ activate: z.boolean().optional() }).optional(),
      access: 'writer',
      response: { 201: loose({ version: z.number(), active: z.boolean() }) },
    },
    async ({ principal, params, body, reply }) => {
      const deployed = await deployApiService(ws, principal, params.key, params.id, body ?? {});
      void reply.code(201);
      return deployed;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${S}/deployments`,
      summary: 'Deployed versions of the service, newest first; `active` marks the one answering callers',
      tag: 'api-services',
      access: 'reader',
      response: { 200: z.array(Deployment) },
    },
    async ({ principal, params }) => listDeployments(ws, principal, params.key, params.id),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${S}/active`,
      summary: 'Switch the traffic to a deployed version (a rollback is a switch to an older one)',
      tag: 'api-services',
      body: z.strictObject({ version: z.number().int().min(1) }),
      access: 'writer',
      response: { 200: loose({ version: z.number() }) },
    },
    async ({ principal, params, body }) => activateVersion(ws, principal, params.key, params.id, body.version),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${S}/keys`,
      summary: 'Caller keys of the service (never the keys themselves)',
      tag: 'api-services',
      access: 'projectAdmin',
      response: { 200: z.array(Key) },
    },
    async ({ principal, params }) => listServiceKeys(ws, principal, params.key, params.id),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${S}/keys`,
      summary: 'Create a caller key of this service: the key is in this answer only',
      tag: 'api-services',
      body: z.strictObject({ name: z.string().min(1).max(100) }),
      access: 'projectAdmin',
      response: { 201: Key.extend({ key: str.describe('The secret: shown this once') }) },
    },
    async ({ principal, params, body, reply }) => {
      const created = await createServiceKey(ws, principal, params.key, params.id, body.name);
      void reply.code(201);
      return created;
    },
  );
  route(
    app,
    {
      method: 'DELETE',
      url: `${S}/keys/{keyId}`,
      summary: 'Revoke a caller key',
      tag: 'api-services',
      access: 'projectAdmin',
      response: { 204: null },
    },
    async ({ principal, params }) => {
      await revokeServiceKey(ws, principal, params.key, params.id, params.keyId);
      return undefined;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${S}/metrics`,
      summary: 'Requests, errors and p50/p95/p99 latency per endpoint over the last `minutes` (default 60)',
      tag: 'api-services',
      query: z.object({ minutes: z.coerce.number().int().min(1).max(43_200).optional() }),
      access: 'reader',
      response: { 200: Metrics },
    },
    async ({ principal, params, query }) => serviceMetrics(ws, principal, params.key, params.id, query.minutes),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${S}/requests`,
      summary: 'The newest calls of the service: endpoint, status, latency, a bounded body excerpt',
      tag: 'api-services',
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }),
      access: 'reader',
      response: { 200: z.array(LogEntry) },
    },
    async ({ principal, params, query }) => serviceRequestLog(ws, principal, params.key, params.id, query.limit),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${S}/openapi.json`,
      summary: 'The OpenAPI document callers of the deployed version see',
      tag: 'api-services',
      access: 'reader',
      response: { 200: R.AnyObject },
    },
    async ({ principal, params }) => openApiForMember(ws, principal, params.key, params.id),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${S}/endpoints/{endpointId}/test`,
      summary:
        'Run the saved tests of an endpoint (or `test`: one of them, or `body`: a request now) against the saved definition',
      tag: 'api-services',
      body: z
        .strictObject({ body: z.record(z.string(), z.unknown()).optional(), test: z.string().optional() })
        .optional(),
      access: 'writer',
      response: { 200: z.array(TestResult) },
    },
    async ({ principal, params, body, signal }) =>
      testEndpoint(ws, principal, params.key, params.id, params.endpointId, body ?? {}, signal),
  );
}
