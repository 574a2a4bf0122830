import { z } from 'zod';
import { computeMetrics } from '../../quality/quality-service.js';
import { assertDatasetsExist } from './common.js';
import { defineStep } from './define-step.js';

/** Computes and records the metrics of datasets. */
export const computeMetricsStep = defineStep('compute-metrics', {
  label: 'Compute metrics',
  params: z.object({
    datasets: z.array(z.string()).min(1, 'name at least one dataset').describe('Datasets whose metrics to compute'),
  }),
  examples: [{ title: 'Record the metrics of the shift tables', params: { datasets: ['shift', 'shift_metrics'] } }],
  validate: (ctx, p) => assertDatasetsExist(ctx, p.datasets),
  async run(ctx, p) {
    const ids: Record<string, number> = {};
    for (const d of p.datasets) {
      const m = await computeMetrics(ctx.ws, ctx.principal, ctx.projectKey, d, 'scenario');
      ids[d] = m.id;
      ctx.log('info', `Metrics of ${d}: ${m.metrics.records} records`);
    }
    return { detail: { metrics: ids } };
  },
});
