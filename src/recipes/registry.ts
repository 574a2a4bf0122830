import { badRequest } from '../common/errors.js';
import type { RecipeBase, RecipeType } from './recipe-type.js';
import { sqlRecipeType } from './sql-recipe.js';

/** Every recipe type. Adding a type = adding a file and one line here. */
const recipeTypes: RecipeType<any>[] = [sqlRecipeType];

export function recipeType(type: string): RecipeType<RecipeBase> {
  const t = recipeTypes.find((r) => r.type === type);
  if (!t) throw badRequest(`Unknown recipe type ${JSON.stringify(type)}; known types: ${recipeTypes.map((r) => r.type).join(', ')}`);
  return t;
}

export const listRecipeTypes = () => recipeTypes.map((t) => ({ type: t.type, label: t.label }));
