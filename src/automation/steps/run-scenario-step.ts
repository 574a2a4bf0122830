import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { SCENARIO_KIND } from '../kinds.js';
import { defineStep } from './define-step.js';

/** Runs another scenario and takes its outcome: FAILED/ABORTED fail the step, WARNING warns. */
export const runScenarioStep = defineStep('run-scenario', {
  label: 'Run another scenario',
  params: z.object({
    scenario: z.string().min(1).describe('Another scenario of the project; this step waits for its run'),
  }),
  examples: [{ title: 'Refresh the Trec medians first, and wait for them', params: { scenario: 'trec_refresh' } }],
  async validate(ctx, p) {
    if (p.scenario === ctx.scenarioId) throw badRequest('a scenario cannot run itself');
    if (!(await ctx.ws.catalog.objects.get(ctx.projectKey, SCENARIO_KIND, p.scenario)))
      throw badRequest(`scenario ${p.scenario} does not exist in project ${ctx.projectKey}`);
  },
  async run(ctx, p) {
    const { runId, outcome } = await ctx.runScenario(
      p.scenario,
      `step of scenario ${ctx.scenarioId} (run ${ctx.runId})`,
    );
    if (outcome === 'FAILED' || outcome === 'ABORTED')
      throw new Error(`Scenario ${p.scenario} run ${runId} ended ${outcome}`);
    return {
      outcome: outcome === 'WARNING' ? 'WARNING' : 'SUCCESS',
      message: `scenario ${p.scenario} run ${runId}: ${outcome}`,
      detail: { runId, outcome },
    };
  },
});
