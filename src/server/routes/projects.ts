import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createProject, deleteProject, getProject } from '../../workspace/projects-service.js';
import type { Workspace } from '../../workspace/workspace.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

const NewProject = z.object({
  key: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
});
const Patch = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
});
const Role = z.object({
  role: z.string(),
  rights: z.array(z.string()).max(10).optional().describe('Fine rights: run-scenarios, export-data, manage-dashboards'),
});

export function projectRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/projects',
      summary: 'Projects you may see',
      tag: 'projects',
      access: 'user',
      response: { 200: z.array(R.Project) },
    },
    async ({ principal }) => ws.catalog.projects.list(principal),
  );
  route(
    app,
    {
      method: 'POST',
      url: '/api/projects',
      summary: 'Create a project (you become its admin)',
      tag: 'projects',
      body: NewProject,
      access: 'user',
      response: { 201: R.Project },
    },
    async ({ principal, body, reply }) => {
      const p = await createProject(ws, principal, body);
      void reply.code(201);
      return p;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/projects/{key}',
      summary: 'One project',
      tag: 'projects',
      access: 'reader',
      response: { 200: R.Project },
    },
    async ({ principal, params }) => getProject(ws, principal, params.key),
  );
  route(
    app,
    {
      method: 'PATCH',
      url: '/api/projects/{key}',
      summary: 'Change name, description or tags (project admin)',
      tag: 'projects',
      body: Patch,
      access: 'projectAdmin',
      response: { 200: R.Project },
    },
    async ({ principal, params, body }) => ws.catalog.projects.update(principal, params.key, body),
  );
  route(
    app,
    {
      method: 'DELETE',
      url: '/api/projects/{key}',
      summary: 'Delete a project and everything in it (project admin)',
      tag: 'projects',
      access: 'projectAdmin',
      response: { 204: null },
    },
    async ({ principal, params }) => {
      await deleteProject(ws, principal, params.key);
      return undefined;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/projects/{key}/members',
      summary: 'Members and roles',
      tag: 'projects',
      access: 'reader',
      response: { 200: z.array(R.Member) },
    },
    async ({ principal, params }) => ws.catalog.projects.members(principal, params.key),
  );
  route(
    app,
    {
      method: 'PUT',
      url: '/api/projects/{key}/members/{user}',
      summary:
        'Give a user, or a group (`group:NAME`), a role (reader, writer or admin) and fine rights (run-scenarios, export-data, manage-dashboards; writers and admins have them all) (project admin)',
      tag: 'projects',
      body: Role,
      access: 'projectAdmin',
      response: { 200: R.Member },
    },
    async ({ principal, params, body }) =>
      ws.catalog.projects.setMember(principal, params.key, params.user, body.role, body.rights),
  );
  route(
    app,
    {
      method: 'DELETE',
      url: '/api/projects/{key}/members/{user}',
      summary: 'Remove a member, user or group (`group:NAME`) (project admin)',
      tag: 'projects',
      access: 'projectAdmin',
      response: { 204: null },
    },
    async ({ principal, params }) => {
      await ws.catalog.projects.removeMember(principal, params.key, params.user);
      return undefined;
    },
  );
}
