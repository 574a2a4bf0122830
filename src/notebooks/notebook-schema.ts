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
    text: z.string().optional(),
  }),
  z.object({ type: z.literal('error'), name: z.string(), message: z.string(), traceback: z.string() }),
]);

/** Text as nbformat writes it: one string, or its lines. */
export const MultilineText = z.union([z.string(), z.array(z.string())], {
  error: 'must be a string or a list of strings',
});

/**
 * A Markdown or raw cell's attachments, as nbformat stores them and the notebook keeps them: by
 * file name, a MIME bundle of base64 data. One definition for the stored notebook and the .ipynb
 * files read, so that an imported notebook always passes the stored schema.
 */
export const AttachmentsSchema = z.record(z.string(), z.record(z.string(), MultilineText));

/** nbformat 4.5's rule for a cell id. */
export const CELL_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CELL_ID_RULE = 'a cell id is 1 to 64 letters, digits, - or _ (nbformat 4.5)';

export const CellSchema = z.object({
  id: z.string().regex(CELL_ID, CELL_ID_RULE).optional(),
  type: z.enum(CELL_TYPES),
  source: z.string().max(1_000_000, 'A cell holds at most 1,000,000 characters'),
  metadata: z.record(z.string(), z.unknown()).optional(),
  attachments: AttachmentsSchema.optional(),
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
  metadata: z.record(z.string(), z.unknown()).optional(),
  cells: z
    .array(CellSchema)
    .max(2000, 'A notebook holds at most 2,000 cells')
    .superRefine((cells, ctx) => {
      // Jupyter addresses cells by id: two cells with one id would be one cell to it.
      const seen = new Set<string>();
      cells.forEach((c, i) => {
        if (c.id === undefined) return;
        if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `cell id ${c.id} is used twice` });
        seen.add(c.id);
      });
    }),
});
