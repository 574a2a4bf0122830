import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { SCENARIO_KIND } from '../kinds.js';
import type { StepType } from '../types.js';
import { stepParams } from './common.js';

const params = stepParams('run-scenario', {
  scenario: z.string().min(1).describe('Another scenario of the project; this step waits for its run'),
});

/** Runs another scenario and takes its outcome: FAILED/ABORTED fail the step, WARNING warns. */
export const runScenarioStep: StepType<z.infer<typeof params>> = {
  type: 'run-scenario',
  label: 'Run another scenario',
  params,
  async validate(ctx, p) {
    if (p.scenario === ctx.scenarioId) throw badRequest('a scenario cannot run itself');
    if (!(await ctx.ws.catalog.objects.get(ctx.projectKey, SCENARIO_KIND, p.scenario))) throw badRequest(`scenario ${p.scenario} does not exist in project ${ctx.projectKey}`);
  },
  async run(ctx, p) {
    const { runId, outcome } = await ctx.runScenario(p.scenario, `step of scenario ${ctx.scenarioId} (run ${ctx.runId})`);
    if (outcome === 'FAILED' || outcome === 'ABORTED') throw new Error(`Scenario ${p.scenario} run ${runId} ended ${outcome}`);
    return { outcome: outcome === 'WARNING' ? 'WARNING' : 'SUCCESS', message: `scenario ${p.scenario} run ${runId}: ${outcome}`, detail: { runId, outcome } };
  },
};
