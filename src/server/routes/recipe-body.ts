import { z } from 'zod';

/**
 * A recipe as a request body: the fields every type has, the rest passed through to the type's
 * own schema (checked with the recipe). One of `output` and `outputs`: `outputs` for a type that
 * writes several datasets (split).
 */
export const RecipeBody = z
  .object({
    name: z.string(),
    type: z.string(),
    inputs: z.array(z.string()),
    output: z.string().optional(),
    outputs: z.array(z.string()).optional(),
  })
  .passthrough();
