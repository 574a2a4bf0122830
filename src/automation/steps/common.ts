import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { DATASET_KIND } from '../../datasets/datasets.js';
import type { SaveContext } from '../types.js';
import { displayName } from '../../common/display-text.js';

export const RUN_IF = ['previous-succeeded', 'always', 'previous-failed'] as const;
export type RunIf = (typeof RUN_IF)[number];

/** Fields every step has, whatever its type: when it runs, how long it may take, how it retries. */
export const stepCommonShape = {
  name: displayName().optional().describe('Shown in run history; defaults to "<n> <type>"'),
  runIf: z
    .enum(RUN_IF)
    .default('previous-succeeded')
    .describe('previous-succeeded: only if no earlier step failed; always; previous-failed: only if one did'),
  timeoutSeconds: z
    .number()
    .positive()
    .max(7 * 86_400)
    .optional()
    .describe('Fail the step (and abort its work) after this long'),
  retries: z
    .object({
      count: z.number().int().min(0).max(20).default(0),
      delaySeconds: z.number().min(0).max(86_400).default(10),
      factor: z.number().min(1).max(10).default(2).describe('Back-off: each wait is the previous one times this'),
    })
    .optional()
    .describe('Retry a failed step with back-off'),
};

export async function assertDatasetsExist(ctx: SaveContext, datasets: string[]): Promise<void> {
  for (const d of datasets) {
    if (!(await ctx.ws.catalog.objects.get(ctx.projectKey, DATASET_KIND, d)))
      throw badRequest(`dataset ${d} does not exist in project ${ctx.projectKey}`);
  }
}
