import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { connectionTypes, describeConnectionTypes } from '../../connectors/registry.js';
import {
  deleteConnection,
  listConnections,
  saveConnection,
  showConnection,
  testConnection,
} from '../../datasets/connections.js';
import { objectHistory, revertObject } from '../../flow/history.js';
import type { Workspace } from '../../workspace/workspace.js';
import * as R from '../response-schemas.js';
import { assertSameName, route } from '../route.js';

const P = '/api/projects/{key}';
const Revert = z.object({ revision: z.number().int().min(1) });
const [firstType, ...otherTypes] = connectionTypes().map((t) => t.type);
const ConnectionBody = z.object({ name: z.string(), type: z.enum([firstType, ...otherTypes]) }).passthrough();
const adminOnlyTypes = connectionTypes()
  .filter((t) => t.adminOnly)
  .map((t) => t.type)
  .join(', ');

/** The audit row of a connection save names the settings that changed (names only: never a secret). */
const auditChanged = (request: FastifyRequest) => (changed: string[]) => {
  request.auditNote.detail = { ...request.auditNote.detail, changed };
};

export function catalogObjectRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: `${P}/history/{kind}/{name}`,
      summary: 'Revisions of an object, newest first (kind: dataset, recipe, connection, …)',
      tag: 'history',
      access: 'reader',
      response: { 200: z.array(R.Revision) },
    },
    async ({ principal, params }) => objectHistory(ws, principal, params.key, { kind: params.kind, name: params.name }),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/history/{kind}/{name}/revert`,
      summary: 'Restore an object to a revision (appends a new revision)',
      tag: 'history',
      body: Revert,
      access: 'writer',
      audit: {
        action: (r) => `${(r.params as { kind: string }).kind}.revert`,
        object: (r) => ({ kind: (r.params as { kind: string }).kind, name: (r.params as { name: string }).name }),
      },
      response: { 200: R.AnyObject.describe('The object as restored') },
    },
    async ({ principal, params, body }) =>
      revertObject(ws, principal, params.key, { kind: params.kind, name: params.name, revision: body.revision }),
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/connection-types',
      summary: 'Connection types with the JSON schema of their settings (the connection form is built from it)',
      tag: 'connections',
      access: 'user',
      response: { 200: z.array(R.AnyObject) },
    },
    () => Promise.resolve(describeConnectionTypes()),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/connections`,
      summary: 'Connections (secrets redacted)',
      tag: 'connections',
      access: 'reader',
      response: { 200: z.array(R.Connection) },
    },
    async ({ principal, params }) => listConnections(ws, principal, params.key),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/connections`,
      summary: `Create or replace a connection (project admin; ${adminOnlyTypes}: global admin)`,
      tag: 'connections',
      body: ConnectionBody,
      access: 'projectAdmin',
      response: { 201: R.Connection },
    },
    async ({ principal, params, body, reply, request }) => {
      const c = await saveConnection(ws, principal, params.key, body, auditChanged(request));
      void reply.code(201);
      return c;
    },
  );
  route(
    app,
    {
      method: 'PUT',
      url: `${P}/connections/{name}`,
      summary: 'Replace a connection',
      tag: 'connections',
      body: ConnectionBody,
      access: 'projectAdmin',
      response: { 200: R.Connection },
    },
    async ({ principal, params, body, request }) => {
      assertSameName('connection', body.name, params.name);
      return saveConnection(ws, principal, params.key, body, auditChanged(request));
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/connections/{name}`,
      summary: 'One connection (secrets redacted)',
      tag: 'connections',
      access: 'reader',
      response: { 200: R.Connection },
    },
    async ({ principal, params }) => showConnection(ws, principal, params.key, params.name),
  );
  route(
    app,
    {
      method: 'DELETE',
      url: `${P}/connections/{name}`,
      summary: 'Delete a connection (project admin); refused while datasets read through it',
      tag: 'connections',
      access: 'projectAdmin',
      response: { 204: null },
    },
    async ({ principal, params }) => {
      await deleteConnection(ws, principal, params.key, params.name);
      return undefined;
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/connections/{name}/test`,
      summary: 'Test a connection: reach what it points at (project writer)',
      tag: 'connections',
      access: 'writer',
      response: { 200: R.ConnectionTest },
    },
    async ({ principal, params }) => testConnection(ws, principal, params.key, params.name),
  );
}
