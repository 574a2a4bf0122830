import { z } from 'zod';
import { setVariable, VariableValueSchema } from '../project-variables.js';
import { defineStep } from './define-step.js';

/** Sets a project variable (e.g. the time of the last successful refresh). */
export const setVariableStep = defineStep('set-variable', {
  label: 'Set a project variable',
  params: z.object({
    variable: z.string().min(1).max(128).describe('Project variable name'),
    value: VariableValueSchema.describe('Value; "{{now}}" and "{{runId}}" are replaced'),
  }),
  examples: [
    {
      title: 'Remember when the shift metrics were last refreshed',
      params: { variable: 'shift_metrics_refreshed_at', value: '{{now}}' },
    },
  ],
  async run(ctx, p) {
    const value =
      typeof p.value === 'string'
        ? p.value.replaceAll('{{now}}', new Date(ctx.clock.now()).toISOString()).replaceAll('{{runId}}', ctx.runId)
        : p.value;
    await setVariable(ctx.ws, ctx.principal, ctx.projectKey, p.variable, value);
    ctx.log('info', `Variable ${p.variable} = ${JSON.stringify(value)}`);
    return { detail: { variable: p.variable, value } };
  },
});
