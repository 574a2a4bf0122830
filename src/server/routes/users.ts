import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deleteUser, updateUser } from '../../workspace/users-service.js';
import type { Workspace } from '../../workspace/workspace.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

const UserPatch = z.object({
  disabled: z.boolean().optional(),
  isAdmin: z.boolean().optional(),
  displayName: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
});

/** Disabling and deleting users (the other user routes, with login and API keys, are in auth.ts). */
export function userRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'PATCH',
      url: '/api/users/{username}',
      summary:
        'Disable or enable a user, or change their admin right, name or email (global admin); disabling ends their sessions and revokes their API keys',
      tag: 'users',
      access: 'admin',
      response: { 200: R.User },
      body: UserPatch,
    },
    async ({ principal, params, body, request }) => {
      const { user, changes } = await updateUser(ws, principal, params.username, body);
      // Which fields changed, from → to: a patch that sets a field to its value changes nothing.
      request.auditNote.detail = {
        changed: changes,
        ...(user.sessionsEnded || user.apiKeysRevoked
          ? { sessionsEnded: user.sessionsEnded, apiKeysRevoked: user.apiKeysRevoked }
          : {}),
      };
      return user;
    },
  );
  route(
    app,
    {
      method: 'DELETE',
      url: '/api/users/{username}',
      summary: 'Delete a user with their sessions, API keys and project memberships (global admin)',
      tag: 'users',
      access: 'admin',
      response: { 204: null },
    },
    async ({ principal, params }) => {
      await deleteUser(ws, principal, params.username);
      return undefined;
    },
  );
}
