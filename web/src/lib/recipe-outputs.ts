/** The datasets a recipe writes: its `outputs` (a split writes several), else its one `output`. */
export function recipeOutputs(recipe: { output?: string; outputs?: string[] }): string[] {
  return recipe.outputs ?? (recipe.output === undefined ? [] : [recipe.output]);
}
