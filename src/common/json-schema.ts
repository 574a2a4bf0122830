import { z } from 'zod';

/**
 * The JSON Schema of what a zod schema accepts as input: the web UI builds its forms from it and
 * the API documents bodies with it. Parts JSON Schema cannot say (transforms) become "any".
 */
export function jsonSchemaOf(schema: z.ZodType) {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}
