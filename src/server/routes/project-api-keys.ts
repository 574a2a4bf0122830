import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createProjectApiKey, listProjectApiKeys, revokeProjectApiKey } from '../../workspace/api-keys-service.js';
import type { Workspace } from '../../workspace/workspace.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

const NewProjectKey = z.object({
  name: z.string(),
  role: z.string().describe('reader, writer or admin: what the key may do in this project'),
  scopes: z.array(z.string()).optional().describe('read, write, run, admin (default: those of the role)'),
  expiresInDays: z.number().optional().describe('1 to 3650; none: the key does not expire'),
});

/** API keys of one project: they act with their role in that project only (project admins manage them). */
export function projectApiKeyRoutes(app: FastifyInstance, ws: Workspace): void {
  const P = '/api/projects/{key}';
  route(
    app,
    {
      method: 'GET',
      url: `${P}/api-keys`,
      summary: 'The project’s API keys (never the secret) (project admin)',
      tag: 'projects',
      access: 'projectAdmin',
      response: { 200: z.array(R.ApiKey) },
    },
    async ({ principal, params }) => listProjectApiKeys(ws, principal, params.key),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/api-keys`,
      summary: 'Create a project API key with a role, scopes and an expiry; the secret is shown once (project admin)',
      tag: 'projects',
      body: NewProjectKey,
      access: 'projectAdmin',
      response: { 201: R.ApiKeyCreated },
    },
    async ({ principal, params, body, reply }) => {
      const created = await createProjectApiKey(ws, principal, params.key, body);
      void reply.code(201);
      return created;
    },
  );
  route(
    app,
    {
      method: 'DELETE',
      url: `${P}/api-keys/{id}`,
      summary: 'Revoke a project API key (project admin)',
      tag: 'projects',
      access: 'projectAdmin',
      response: { 204: null },
    },
    async ({ principal, params }) => {
      await revokeProjectApiKey(ws, principal, params.key, params.id);
      return undefined;
    },
  );
}
