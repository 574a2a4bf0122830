import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SchemaImpactRequestSchema, schemaImpact } from '../../flow/schema-impact.js';
import { compileRecipe, convertToSqlRecipe, savedRecipeSql } from '../../flow/visual-recipes-service.js';
import type { Workspace } from '../../workspace/workspace.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';
import { RecipeBody } from './recipe-body.js';

const P = '/api/projects/{key}';
const Compiled = z.looseObject({ type: z.string(), sql: z.string() });
const Impact = z.looseObject({
  dataset: z.string(),
  columns: z.array(z.looseObject({ name: z.string(), type: z.string() })),
  recipes: z.array(
    z.looseObject({
      recipe: z.string(),
      type: z.string(),
      output: z.string(),
      status: z.enum(['ok', 'broken', 'blocked', 'unchecked']),
    }),
  ),
  breaks: z.boolean(),
});

/** The compiled SQL of visual recipes, their conversion to SQL recipes, and schema-change propagation. */
export function visualRecipeRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'POST',
      url: `${P}/recipes/compile`,
      summary: 'The SQL a recipe being edited compiles to (visual recipes), without saving it',
      tag: 'recipes',
      body: RecipeBody,
      access: 'reader',
      response: { 200: Compiled },
    },
    async ({ principal, params, body }) => compileRecipe(ws, principal, params.key, body),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/recipes/{name}/sql`,
      summary: 'The SQL a saved recipe runs',
      tag: 'recipes',
      access: 'reader',
      response: { 200: Compiled },
    },
    async ({ principal, params }) => savedRecipeSql(ws, principal, params.key, params.name),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/recipes/{name}/convert-to-sql`,
      summary: 'Replace a visual recipe by a SQL recipe of its compiled SQL (the old version stays in its history)',
      tag: 'recipes',
      body: z.object({ expectRevision: z.number().int().min(0).optional() }).optional(),
      access: 'writer',
      response: { 200: R.Recipe },
    },
    async ({ principal, params, body }) =>
      convertToSqlRecipe(ws, principal, params.key, params.name, { expectRevision: body?.expectRevision }),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/schema-impact`,
      summary:
        "Which downstream recipes a schema change would break (a dataset's new columns, or a changed recipe), checked before anything is built",
      tag: 'flow',
      body: SchemaImpactRequestSchema,
      access: 'reader',
      response: { 200: Impact },
    },
    async ({ principal, params, body }) => schemaImpact(ws, principal, params.key, body),
  );
}
