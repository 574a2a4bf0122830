import { z } from 'zod';
import { defineRecipeType } from '../define-recipe-type.js';
import type { RecipeBase, RecipeType } from '../recipe-type.js';
import { describeDuckSql, runDuckSql } from '../run-sql.js';

/** A visual recipe as stored: the common recipe fields and its type's settings under `params`. */
export type VisualRecipe<P> = RecipeBase & { params: P };

export interface VisualRecipeDefinition<S extends z.ZodObject> {
  label: string;
  /** The type's settings, stored under `params`. */
  params: S;
  /** Pure: the DuckDB SQL over the inputs (each a view named after its dataset). */
  compile(params: z.output<S>, inputs: readonly string[]): string;
  /** Checks of the inputs list (e.g. a join reads two). */
  inputs?: { min?: number; max?: number };
  examples?: {
    title: string;
    params: { name: string; inputs: string[]; output: string; params: z.input<S>; description?: string };
  }[];
}

/**
 * A visual recipe type: settings in `params` compiled to one DuckDB query, which is what runs
 * (through the SQL recipe's DuckDB path), what the user is shown, and what "convert to SQL" keeps.
 */
export function defineVisualRecipeType<T extends string, S extends z.ZodObject>(
  type: T,
  definition: VisualRecipeDefinition<S>,
): RecipeType {
  const { min = 1, max = Infinity } = definition.inputs ?? {};
  const paramsField = definition.params.describe(`Settings of the ${definition.label.toLowerCase()} recipe`);
  const own = z.object({ params: paramsField }).refine((r: { inputs?: unknown }) => inputCountOk(r, min, max), {
    message:
      max === Infinity
        ? `A ${type} recipe reads at least ${min} input${min > 1 ? 's' : ''}`
        : min === max
          ? `A ${type} recipe reads exactly ${min} input${min > 1 ? 's' : ''}`
          : `A ${type} recipe reads ${min} to ${max} inputs`,
    path: ['inputs'],
  });
  const toSql = (recipe: VisualRecipe<z.output<S>>) => definition.compile(recipe.params, recipe.inputs);
  const t = defineRecipeType(type, {
    label: definition.label,
    params: own,
    examples: definition.examples as never,
    toSql: toSql,
    describe: (ctx, recipe) => describeDuckSql(ctx, toSql(recipe as VisualRecipe<z.output<S>>)),
    run: (ctx, recipe, target) => runDuckSql(ctx, toSql(recipe as VisualRecipe<z.output<S>>), target),
  });
  return t;
}

function inputCountOk(r: { inputs?: unknown }, min: number, max: number): boolean {
  const n = Array.isArray(r.inputs) ? r.inputs.length : 0;
  return n >= min && n <= max;
}
