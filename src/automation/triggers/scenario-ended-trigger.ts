import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { SCENARIO_KIND } from '../kinds.js';
import { defineTrigger } from './define-trigger.js';

/** Chains scenarios: fires after another scenario's run ends. */
export const scenarioEndedTrigger = defineTrigger('scenario-ended', {
  label: 'After another scenario',
  kind: 'event',
  params: z.object({
    scenario: z.string().min(1).describe('The scenario (same project) whose end fires this one'),
    on: z
      .enum(['success', 'failure', 'any'])
      .default('success')
      .describe('success (SUCCESS or WARNING), failure (FAILED or ABORTED) or any'),
  }),
  examples: [
    {
      title: 'Check the shift metrics once the nightly import succeeded',
      params: { scenario: 'nightly_import', on: 'success' },
    },
  ],
  async validate(ctx, p) {
    if (p.scenario === ctx.scenarioId) throw badRequest('a scenario cannot be triggered by its own end');
    if (!(await ctx.ws.catalog.objects.get(ctx.projectKey, SCENARIO_KIND, p.scenario)))
      throw badRequest(`scenario ${p.scenario} does not exist in project ${ctx.projectKey}`);
  },
  describe: (p) => `after ${p.scenario} (${p.on})`,
  match(p, event, scenario) {
    if (event.kind !== 'run-ended' || event.projectKey !== scenario.projectKey || event.scenario !== p.scenario)
      return null;
    const success = event.outcome === 'SUCCESS' || event.outcome === 'WARNING';
    if ((p.on === 'success' && !success) || (p.on === 'failure' && success)) return null;
    return {
      key: `run:${event.runId}`,
      cause: `scenario ${event.scenario} ended ${event.outcome} (run ${event.runId})`,
    };
  },
});
