import type { FastifyInstance } from 'fastify';
import { PreviewRequestSchema, previewRecipe } from '../../flow/preview.js';
import type { Workspace } from '../../workspace/workspace.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

export function previewRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'POST',
      url: '/api/projects/{key}/recipes/preview',
      summary:
        'The first rows of a recipe before saving it: SQL (engine errors give their position in details.position {line, column}) or an analysis type (changepoints, outliers, trend: computed on its first 20 series)',
      tag: 'recipes',
      body: PreviewRequestSchema,
      access: 'reader',
      audit: { action: 'recipe.preview', category: 'access' },
      response: { 200: R.Preview },
    },
    async ({ principal, params, body, signal }) => previewRecipe(ws, principal, params.key, body, signal),
  );
}
