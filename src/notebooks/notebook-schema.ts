import { z } from 'zod';
import { OBJECT_NAME, OBJECT_NAME_RULE } from '../common/names.js';
import { CELL_TYPES, type CellOutput, type Notebook } from './notebook-types.js';
import { displayName } from '../common/display-text.js';

const Column = z.object({ name: z.string(), type: z.string() });

/** One output as stored and as the API answers it; the notebook service bounds their size. */
export const CellOutputSchema: z.ZodType<CellOutput> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string(), stream: z.enum(['stdout', 'stderr']).optional() }),
  z.object({
    type: z.literal('table'),
    columns: z.array(Column),
    rows: z.array(z.array(z.unknown())),
    total: z.number().int().min(0),
  }),
  z.object({ type: z.literal('chart'), option: z.record(z.string(), z.unknown()) }),
  z.object({
    type: z.literal('image'),
    mime: z.enum(['image/png', 'image/jpeg', 'image/svg+xml']),
    data: z.string(),
  }),
  z.object({ type: z.literal('error'), name: z.string(), message: z.string(), traceback: z.string() }),
]);

export const CellSchema = z.object({
  type: z.enum(CELL_TYPES),
  source: z.string().max(1_000_000, 'A cell holds at most 1,000,000 characters'),
  outputs: z.array(CellOutputSchema).max(1000).optional(),
  executionCount: z.number().int().min(0).nullable().optional(),
});

export const NotebookSchema: z.ZodType<Notebook> = z.object({
  id: z.string().regex(OBJECT_NAME, OBJECT_NAME_RULE),
  name: displayName(),
  description: z.string().max(10_000).optional(),
  limits: z
    .object({
      memoryMb: z.number().int().min(64).optional(),
      cpuSeconds: z.number().int().min(1).optional(),
      wallSeconds: z.number().int().min(1).optional(),
    })
    .optional(),
  environment: z.string().max(128).optional(),
  cells: z.array(CellSchema).max(2000, 'A notebook holds at most 2,000 cells'),
});
