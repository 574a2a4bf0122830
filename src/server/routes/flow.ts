import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { abortJob, BuildRequestSchema, startBuild } from '../../flow/build.js';
import { getFlow } from '../../flow/flow-view.js';
import { followJob, getJob, jobLogText, listJobs } from '../../flow/jobs-service.js';
import { deleteRecipe, getRecipe, listRecipes, saveRecipe } from '../../flow/recipes-service.js';
import { listRecipeTypes } from '../../recipes/registry.js';
import type { Workspace } from '../../workspace/workspace.js';
import { objectRoutes } from '../object-routes.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';
import { RecipeBody } from './recipe-body.js';
import { openEventStream } from '../sse.js';

const P = '/api/projects/{key}';

export function flowRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/recipe-types',
      summary: 'Recipe types',
      tag: 'recipes',
      access: 'user',
      response: { 200: z.array(R.RecipeType) },
    },
    () => Promise.resolve(listRecipeTypes()),
  );
  objectRoutes(
    app,
    ws,
    {
      kind: 'recipe',
      plural: 'recipes',
      tag: 'recipes',
      nameField: 'name',
      body: RecipeBody,
      item: R.Recipe,
      summaries: {
        list: 'Recipes of the project',
        create: 'Create a recipe (checked: inputs exist, no cycle, SQL compiles); creates its output dataset',
        get: 'One recipe',
        replace: 'Replace a recipe',
        remove: 'Delete a recipe (its output dataset stays)',
      },
    },
    { list: listRecipes, get: getRecipe, save: saveRecipe, remove: deleteRecipe },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/flow`,
      summary: 'The graph of datasets and recipes, with build state',
      tag: 'flow',
      access: 'reader',
      response: { 200: R.Flow },
    },
    async ({ principal, params }) => getFlow(ws, principal, params.key),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/builds`,
      summary: 'Build datasets: mode only | required (stale upstream too) | recursive (all upstream, forced)',
      tag: 'flow',
      body: BuildRequestSchema,
      access: 'writer',
      response: { 202: R.BuildStarted },
    },
    async ({ principal, params, body, reply }) => {
      const { jobId, plan, waitsFor } = await startBuild(ws, principal, params.key, body);
      void reply.code(202);
      return { jobId, plan, waitsFor };
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/jobs`,
      summary: 'Recent jobs, newest first',
      tag: 'jobs',
      access: 'reader',
      response: { 200: z.array(R.Job) },
    },
    async ({ principal, params }) => listJobs(ws, principal, params.key),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/jobs/{id}`,
      summary: 'A job with its activities',
      tag: 'jobs',
      access: 'reader',
      response: { 200: R.Job },
    },
    async ({ principal, params }) => getJob(ws, principal, params.key, params.id),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/jobs/{id}/abort`,
      summary: 'Abort a running job',
      tag: 'jobs',
      access: 'writer',
      response: { 200: R.Job },
    },
    async ({ principal, params }) => abortJob(ws, principal, params.key, params.id),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/jobs/{id}/log`,
      summary: 'The job log as text',
      tag: 'jobs',
      raw: true,
      access: 'reader',
      response: { 200: { content: { 'text/plain': null } } },
    },
    async ({ principal, params, reply }) => {
      const text = await jobLogText(ws, principal, params.key, params.id);
      void reply.header('content-type', 'text/plain; charset=utf-8');
      return reply.send(text);
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/jobs/{id}/events`,
      summary: 'Live job progress as server-sent events (snapshot first, then changes)',
      tag: 'jobs',
      raw: true,
      access: 'reader',
      response: {
        200: {
          description:
            'Server-sent events: `snapshot` (the job) first, then `job-status`, `activity` and `log` events; the stream ends with the job',
          content: { 'text/event-stream': null },
        },
      },
    },
    async ({ principal, params, reply, request }) => {
      const job = await followJob(ws, principal, params.key, params.id);
      const stream = openEventStream(request, reply);
      stream.send('snapshot', job.snapshot);
      if (job.ended) return stream.close();
      stream.onClose(
        job.subscribe(
          (e) => stream.send(e.type, e),
          () => stream.close(),
        ),
      );
    },
  );
}
