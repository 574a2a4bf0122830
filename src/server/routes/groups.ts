import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createGroup, deleteGroup, getGroup, listGroups, updateGroup } from '../../workspace/groups-service.js';
import type { Workspace } from '../../workspace/workspace.js';
import { route } from '../route.js';

const NewGroup = z.object({
  name: z.string(),
  description: z.string().optional(),
  members: z.array(z.string()).optional().describe('Usernames'),
});
const GroupPatch = z.object({
  description: z.string().optional(),
  members: z.array(z.string()).optional().describe('Usernames: the whole new list'),
});
export const GroupAnswer = z.looseObject({
  name: z.string(),
  description: z.string(),
  createdAt: z.string(),
  members: z.array(z.string()),
});

/** Groups of users (global admins manage them; a group is given project roles like a user). */
export function groupRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/groups',
      summary: 'Groups and their members (any signed-in user: project admins grant roles to groups)',
      tag: 'groups',
      access: 'user',
      response: { 200: z.array(GroupAnswer) },
    },
    async () => listGroups(ws),
  );
  route(
    app,
    {
      method: 'POST',
      url: '/api/groups',
      summary: 'Create a group with members (global admin)',
      tag: 'groups',
      body: NewGroup,
      access: 'admin',
      response: { 201: GroupAnswer },
    },
    async ({ principal, body, reply }) => {
      const g = await createGroup(ws, principal, body);
      void reply.code(201);
      return g;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/groups/{name}',
      summary: 'One group',
      tag: 'groups',
      access: 'user',
      response: { 200: GroupAnswer },
    },
    async ({ params }) => getGroup(ws, params.name),
  );
  route(
    app,
    {
      method: 'PUT',
      url: '/api/groups/{name}',
      summary: 'Change a group’s description or replace its member list (global admin)',
      tag: 'groups',
      body: GroupPatch,
      access: 'admin',
      response: { 200: GroupAnswer },
    },
    async ({ principal, params, body }) => updateGroup(ws, principal, params.name, body),
  );
  route(
    app,
    {
      method: 'DELETE',
      url: '/api/groups/{name}',
      summary: 'Delete a group, its memberships and its project roles (global admin)',
      tag: 'groups',
      access: 'admin',
      response: { 204: null },
    },
    async ({ principal, params }) => {
      await deleteGroup(ws, principal, params.name);
      return undefined;
    },
  );
}
