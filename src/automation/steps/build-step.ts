import { z } from 'zod';
import { abortJob, startBuild } from '../../flow/build.js';
import { BUILD_MODES } from '../../flow/planner.js';
import { assertDatasetsExist } from './common.js';
import { defineStep } from './define-step.js';

/** Builds datasets through the flow's job runner; a failed job fails the step, an aborted run aborts the job. */
export const buildStep = defineStep('build', {
  label: 'Build datasets',
  params: z.object({
    targets: z.array(z.string()).min(1, 'name at least one dataset to build').describe('Datasets to build'),
    mode: z
      .enum(BUILD_MODES)
      .default('required')
      .describe('only | required (stale upstream too) | recursive (all upstream, forced)'),
  }),
  examples: [
    { title: 'Rebuild the shift metrics when stale', params: { targets: ['shift_metrics'], mode: 'required' } },
    {
      title: 'Force a rebuild of the Trec medians and everything upstream',
      params: { name: 'Rebuild Trec medians', targets: ['eb_trec_median'], mode: 'recursive', timeoutSeconds: 3600 },
    },
  ],
  validate: (ctx, p) => assertDatasetsExist(ctx, p.targets),
  async run(ctx, p) {
    const { jobId, plan, done } = await startBuild(ctx.ws, ctx.principal, ctx.projectKey, {
      targets: p.targets,
      mode: p.mode,
    });
    ctx.log('info', `Build job ${jobId} (${p.mode}) of ${p.targets.join(', ')}: ${plan.length} recipe(s) to run`);
    const onAbort = () => void abortJob(ctx.ws, ctx.principal, ctx.projectKey, jobId).catch(() => undefined);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const job = await done;
      if (job.status !== 'succeeded')
        throw new Error(`Build job ${jobId} ${job.status}${job.error ? `: ${job.error}` : ''}`);
      return { message: `job ${jobId} built ${plan.length} recipe(s)`, detail: { jobId } };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  },
});
