import { badRequest } from '../../common/errors.js';
import type { RecipeBase } from '../../recipes/recipe-type.js';

/** The values a partition's run sees: `id` and one per dimension (`{{partition.day}}`). */
export function partitionVariables(id: string, values: Record<string, string>): Record<string, string> {
  return { ...values, id };
}

const PLACEHOLDER = /\{\{\s*partition\.([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * The recipe with `{{partition.NAME}}` replaced in its settings (SQL text, visual recipe
 * formulas, code), so every recipe type sees its partition the same way. Names, inputs and
 * output are left alone; an unknown name is a 400 listing the known ones.
 */
export function withPartitionVariables<R extends RecipeBase>(recipe: R, variables: Record<string, string>): R {
  const fill = (text: string) =>
    text.replace(PLACEHOLDER, (_m, name: string) => {
      const v = variables[name];
      if (v === undefined)
        throw badRequest(
          `Unknown variable {{partition.${name}}}; this partition has ${Object.keys(variables)
            .map((k) => `partition.${k}`)
            .join(', ')}`,
        );
      return v;
    });
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes('{{') ? fill(v) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const { name, inputs, output, ...settings } = recipe;
  return { ...(walk(settings) as object), name, inputs, output } as R;
}
