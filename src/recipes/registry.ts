import { jsonSchemaOf } from '../common/json-schema.js';
import { createRegistry, type Registry } from '../common/registry.js';
import type { RecipeType } from './recipe-type.js';
import { changepointsRecipeType } from './changepoints-recipe.js';
import { codeRecipeTypes } from './code/code-recipes.js';
import { outliersRecipeType } from './outliers-recipe.js';
import { sqlRecipeType } from './sql-recipe.js';
import { trendRecipeType } from './trend-recipe.js';
import { visualRecipeTypes } from './visual/index.js';

/** Every recipe type. Adding a type = adding a file (`defineRecipeType`) and one line here. */
export const recipeTypes: Registry<RecipeType> = createRegistry<RecipeType>('recipe type', [
  sqlRecipeType,
  ...visualRecipeTypes,
  changepointsRecipeType,
  outliersRecipeType,
  trendRecipeType,
  ...codeRecipeTypes,
]);

/**
 * Each type with the JSON schema of a recipe of that type (settings under `params` for visual
 * types): the recipe editor builds its form from it.
 */
export const listRecipeTypes = () =>
  recipeTypes.list().map((t) => ({
    type: t.type,
    label: t.label,
    examples: t.examples,
    schema: jsonSchemaOf(t.schema),
    compilesToSql: t.toSql !== undefined,
    /** The type writes several datasets in one run (split): recipes list them in `outputs`. */
    severalOutputs: t.runOutputs !== undefined,
  }));
