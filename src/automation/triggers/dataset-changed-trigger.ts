import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { DATASET_KIND } from '../../datasets/datasets.js';
import { defineTrigger } from './define-trigger.js';

/** Fires when a new version of a watched dataset is committed (build or import), by this process or another sharing the catalog. */
export const datasetChangedTrigger = defineTrigger('dataset-changed', {
  label: 'Dataset changed',
  kind: 'event',
  params: z.object({
    datasets: z
      .array(z.string())
      .min(1, 'name at least one dataset')
      .describe('Fire when a new version of one of these is built or imported'),
  }),
  examples: [
    {
      title: 'Run when new shifts, gaps or execution blocks arrive',
      params: { datasets: ['shift', 'gap', 'execution'] },
    },
  ],
  async validate(ctx, p) {
    for (const d of p.datasets) {
      if (!(await ctx.ws.catalog.objects.get(ctx.projectKey, DATASET_KIND, d)))
        throw badRequest(`dataset ${d} does not exist in project ${ctx.projectKey}`);
    }
  },
  describe: (p) => `dataset changed: ${p.datasets.join(', ')}`,
  watchedDatasets: (p) => p.datasets,
  match(p, event, scenario) {
    if (
      event.kind !== 'dataset-version' ||
      event.projectKey !== scenario.projectKey ||
      !p.datasets.includes(event.dataset)
    )
      return null;
    return {
      key: `version:${event.versionId}`,
      cause: `dataset ${event.dataset} changed (version ${event.versionId.slice(0, 8)})`,
    };
  },
});
