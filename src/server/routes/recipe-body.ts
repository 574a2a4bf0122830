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
    replaceUploaded: z
      .boolean()
      .optional()
      .describe(
        'Confirms that the recipe may write a dataset holding uploaded or imported data, or a dataset over an existing source table of a connection (its rows are replaced at the next build); without it such a save is refused with 409 (code replaces_uploaded). Not stored',
      ),
  })
  .passthrough();
