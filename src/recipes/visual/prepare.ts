import { z } from 'zod';
import { defineVisualRecipeType } from './define-visual-recipe-type.js';
import { compileStep, PrepareStepSchema, PROCESSORS, type PrepareStep } from './processors/index.js';
import { ident } from './sql.js';

export const PrepareParamsSchema = z.object({
  steps: z.array(PrepareStepSchema).max(500).describe('Applied in order; a disabled step is skipped'),
});

/** Step relations are named with a space, which dataset names cannot contain: no clash with an input. */
const stepName = (i: number) => ident(`step ${i + 1}`);

/** One CTE per enabled step, each reading the one before; DuckDB inlines them into one plan. */
export function compilePrepare(params: { steps: readonly PrepareStep[] }, inputs: readonly string[]): string {
  const enabled = params.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.enabled !== false);
  if (enabled.length === 0) return `SELECT * FROM ${ident(inputs[0])}`;
  const labels = new Map(PROCESSORS.map((p) => [p.processor, p.label]));
  let from = ident(inputs[0]);
  const ctes = enabled.map(({ s, i }) => {
    const sql = compileStep(s, from, i);
    from = stepName(i);
    return `-- ${i + 1}. ${labels.get(s.processor) ?? s.processor}\n${from} AS (\n  ${sql}\n)`;
  });
  return `WITH\n${ctes.join(',\n')}\nSELECT * FROM ${from}`;
}

export const prepareRecipeType = defineVisualRecipeType('prepare', {
  label: 'Prepare',
  params: PrepareParamsSchema,
  inputs: { max: 1 },
  compile: (params, inputs) => compilePrepare(params as { steps: PrepareStep[] }, inputs),
  examples: [
    {
      title: 'Clean receiver temperatures: drop empty readings, round, flag hot ones',
      params: {
        name: 'prepare_trec',
        inputs: ['trec_raw'],
        output: 'trec_clean',
        params: {
          steps: [
            { processor: 'filter-empty', columns: ['trec'], action: 'remove' },
            { processor: 'round', columns: ['trec'], decimals: 1 },
            { processor: 'formula', formula: "if trec > 100 then 'hot' else 'ok' end", output: 'state' },
          ],
        },
      },
    },
  ],
});
