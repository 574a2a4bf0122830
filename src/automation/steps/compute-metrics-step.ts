import { z } from 'zod';
import { computeMetrics } from '../../quality/quality-service.js';
import type { StepType } from '../types.js';
import { assertDatasetsExist, stepParams } from './common.js';

const params = stepParams('compute-metrics', {
  datasets: z.array(z.string()).min(1, 'name at least one dataset').describe('Datasets whose metrics to compute'),
});

/** Computes and records the metrics of datasets. */
export const computeMetricsStep: StepType<z.infer<typeof params>> = {
  type: 'compute-metrics',
  label: 'Compute metrics',
  params,
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
};
