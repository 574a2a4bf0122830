import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import { recipeOutputs } from '../common/recipe-outputs.js';
import { recipeTypes } from '../recipes/registry.js';
import type { RecipeBase } from '../recipes/recipe-type.js';
import type { Workspace } from '../workspace/workspace.js';
import { getRecipe, parseRecipe, saveRecipe, type RecipeInfo } from './recipes-service.js';

/**
 * What a visual recipe adds to recipes in general: its compiled SQL (shown to the user, for an
 * edit not saved yet as for a saved recipe) and its conversion into a SQL recipe.
 */

export interface CompiledRecipe {
  type: string;
  sql: string;
  /** For a type writing several outputs (split): the query of each output, by output name. */
  outputs?: Record<string, string>;
}

/** The SQL shown, with each output's own query when the type writes several. */
function compiled(recipe: RecipeBase): CompiledRecipe {
  const type = recipeTypes.get(recipe.type);
  const outputs = type.sqlByOutput ? { outputs: type.sqlByOutput(recipe) } : {};
  return { type: recipe.type, sql: sqlOfRecipe(recipe), ...outputs };
}

/** The DuckDB SQL a recipe runs; a 400 for types that are not one query. */
export function sqlOfRecipe(recipe: RecipeBase): string {
  const type = recipeTypes.get(recipe.type);
  if (!type.toSql) throw badRequest(`A ${type.label} recipe is not one SQL query: it has no SQL to show or convert`);
  return type.toSql(recipe);
}

/** The SQL of a recipe being edited (not saved): checked with its type's schema first. */
export async function compileRecipe(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  body: unknown,
): Promise<CompiledRecipe> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return compiled(parseRecipe(body));
}

/** The SQL of a saved recipe. */
export async function savedRecipeSql(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<CompiledRecipe> {
  return compiled(await getRecipe(ws, principal, projectKey, name));
}

/**
 * Replaces a visual recipe by the SQL recipe of its compiled SQL (same name, inputs, output,
 * description and tags); the previous version stays in the recipe's history, so it can be reverted.
 */
export async function convertToSqlRecipe(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  options: { expectRevision?: number } = {},
): Promise<RecipeInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const recipe = await getRecipe(ws, principal, projectKey, name);
  if (recipe.type === 'sql') throw badRequest(`Recipe ${name} is already a SQL recipe`);
  const outputs = recipeOutputs(recipe);
  // A SQL recipe writes one dataset: a recipe writing several is not converted (its SQL shows one query per output).
  if (outputs.length > 1)
    throw badRequest(
      `Recipe ${name} writes ${outputs.length} datasets (${outputs.join(', ')}); a SQL recipe writes one. Its SQL shows one query per output: copy each into a SQL recipe of its own`,
    );
  const type = recipeTypes.get(recipe.type);
  const sql = type.sqlByOutput ? type.sqlByOutput(recipe)[outputs[0]] : sqlOfRecipe(recipe);
  return saveRecipe(
    ws,
    principal,
    projectKey,
    {
      name: recipe.name,
      type: 'sql',
      inputs: recipe.inputs,
      output: outputs[0],
      ...(recipe.description !== undefined ? { description: recipe.description } : {}),
      ...(recipe.tags !== undefined ? { tags: recipe.tags } : {}),
      sql,
    },
    { expectRevision: options.expectRevision ?? recipe.revision },
  );
}
