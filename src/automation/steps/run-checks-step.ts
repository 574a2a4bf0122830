import { z } from 'zod';
import { runChecks } from '../../quality/quality-service.js';
import { assertDatasetsExist } from './common.js';
import { defineStep } from './define-step.js';

/** Runs datasets' checks: an ERROR fails the step, a WARNING makes it (and the run) WARNING. */
export const runChecksStep = defineStep('run-checks', {
  label: 'Run checks',
  params: z.object({
    datasets: z.array(z.string()).min(1, 'name at least one dataset').describe('Datasets whose checks to run'),
  }),
  examples: [{ title: 'Check the shift metrics after their build', params: { datasets: ['shift_metrics'] } }],
  validate: (ctx, p) => assertDatasetsExist(ctx, p.datasets),
  async run(ctx, p) {
    const outcomes: Record<string, string> = {};
    const errors: string[] = [];
    let warning = false;
    for (const d of p.datasets) {
      const run = await runChecks(ctx.ws, ctx.principal, ctx.projectKey, d, {
        scenarioRunId: ctx.runId,
        now: ctx.clock.now(),
      });
      outcomes[d] = run.outcome;
      for (const r of run.results) {
        if (r.outcome !== 'OK')
          ctx.log(r.outcome === 'ERROR' ? 'error' : 'warn', `${d} ${r.check}: ${r.outcome}: ${r.message}`);
      }
      if (run.outcome === 'ERROR')
        errors.push(...run.results.filter((r) => r.outcome === 'ERROR').map((r) => `${d} ${r.check}: ${r.message}`));
      if (run.outcome === 'WARNING') warning = true;
    }
    if (errors.length) throw new Error(`Check${errors.length > 1 ? 's' : ''} failed: ${errors.join('; ')}`);
    return { outcome: warning ? 'WARNING' : 'SUCCESS', detail: { outcomes } };
  },
});
