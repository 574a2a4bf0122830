import { z } from 'zod';

/** Fields every trigger has: its type and an optional stable id (its fire history follows the id). */
export function triggerParams<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z
    .object({
      type: z.literal(type),
      id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use letters, digits, - and _').optional().describe('Stable id; without it the trigger is identified by its settings'),
      ...shape,
    })
    .strict();
}

export const pollSeconds = z.number().int().min(1).max(86_400).default(60).describe('How often to poll, in seconds');
