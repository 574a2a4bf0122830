import { z } from 'zod';

/** Fields every trigger has besides its type: an optional stable id (its fire history follows the id). */
export const triggerCommonShape = {
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'use letters, digits, - and _')
    .optional()
    .describe('Stable id; without it the trigger is identified by its settings'),
};

export const pollSeconds = z.number().int().min(1).max(86_400).default(60).describe('How often to poll, in seconds');
