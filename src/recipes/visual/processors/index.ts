import { z } from 'zod';
import { badRequest } from '../../../common/errors.js';
import { cleanProcessors, padProcessor } from './clean.js';
import { columnProcessors, constantProcessor, rowNumberProcessor } from './columns.js';
import { dateProcessors } from './dates.js';
import { extractProcessors, substringProcessor } from './extract.js';
import { filterProcessors } from './filter.js';
import { mathProcessors } from './math.js';
import type { Processor } from './processor.js';
import { reshapeProcessors } from './reshape.js';
import { typeProcessors } from './types.js';

/** Every processor of prepare recipes, by family, in the order the editor lists them. */
export const PROCESSORS: readonly Processor[] = [
  ...filterProcessors,
  ...cleanProcessors,
  padProcessor,
  ...columnProcessors,
  constantProcessor,
  rowNumberProcessor,
  ...extractProcessors,
  substringProcessor,
  ...dateProcessors,
  ...reshapeProcessors,
  ...mathProcessors,
  ...typeProcessors,
];

const byName = new Map(PROCESSORS.map((p) => [p.processor, p]));
if (byName.size !== PROCESSORS.length) throw new Error('Two prepare processors share a name');

/** What every step has besides its processor's fields. */
const stepCommon = {
  enabled: z.boolean().default(true).describe('A disabled step is kept but skipped'),
  group: z.string().max(100).optional().describe('Steps of one group are shown together'),
  comment: z.string().max(2000).optional(),
};

function stepSchema(p: Processor) {
  const own = p.fields;
  const full = z.object({ processor: z.literal(p.processor), ...stepCommon, ...own.shape }).strict();
  const checks = (own._zod.def.checks ?? []) as z.core.$ZodCheck<unknown>[];
  // Title and family are what the editor lists steps by.
  return (checks.length ? full.check(...checks) : full).meta({
    title: p.label,
    family: p.family,
  }) as unknown as z.ZodObject;
}

export const PrepareStepSchema = z.discriminatedUnion(
  'processor',
  PROCESSORS.map(stepSchema) as unknown as [z.ZodObject, ...z.ZodObject[]],
);
export type PrepareStep = { processor: string; enabled?: boolean; group?: string; comment?: string } & Record<
  string,
  unknown
>;

/** The SQL of one step reading `from`. */
export function compileStep(step: PrepareStep, from: string, index: number): string {
  const p = byName.get(step.processor);
  if (!p) throw badRequest(`Step ${index + 1}: unknown processor ${JSON.stringify(step.processor)}`);
  try {
    return p.compile(step, from);
  } catch (e) {
    throw badRequest(`Step ${index + 1} (${p.label}): ${(e as Error).message}`);
  }
}

/** The processors for the editor: name, family, label. */
export const listProcessors = () =>
  PROCESSORS.map((p) => ({ processor: p.processor, family: p.family, label: p.label }));
