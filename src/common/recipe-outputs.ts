/**
 * The datasets a recipe writes. A recipe names one (`output`) or, for types that write several
 * at once (split), a list (`outputs`); code that follows the flow asks here instead of reading
 * either field, so single- and multi-output recipes go through the same paths. Pure and
 * node-free: the dataset layer and the flow both use it.
 */
export interface RecipeOutputsLike {
  output?: string;
  outputs?: readonly string[];
}

/** Every dataset the recipe writes, in its order (one for most recipes). */
export function recipeOutputs(recipe: RecipeOutputsLike): string[] {
  if (recipe.outputs) return [...recipe.outputs];
  return recipe.output === undefined ? [] : [recipe.output];
}

/** The first dataset a recipe writes: what a one-line view (job activity, log) names it by. */
export const firstOutput = (recipe: RecipeOutputsLike): string => recipeOutputs(recipe)[0] ?? '';

/** Whether the recipe writes `dataset`. */
export const writesDataset = (recipe: RecipeOutputsLike, dataset: string): boolean =>
  recipeOutputs(recipe).includes(dataset);

/** Each dataset written by a recipe, mapped to that recipe. */
export function producersByOutput<R extends RecipeOutputsLike>(recipes: readonly R[]): Map<string, R> {
  return new Map(recipes.flatMap((r) => recipeOutputs(r).map((o) => [o, r] as const)));
}
