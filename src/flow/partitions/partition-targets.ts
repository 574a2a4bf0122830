import { recipeOutputs, writesDataset } from '../../common/recipe-outputs.js';
import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import type { Partitioning } from '../../datasets/partitioning.js';
import type { RecipeBase } from '../../recipes/recipe-type.js';
import type { PlannedActivity } from '../planner.js';
import { selectPartitions } from './partition-plan.js';

/**
 * A build target naming partitions: `{"dataset":"x","partitions":["2024-10-01","2024-10-03..2024-10-07"]}`;
 * `partitions` also takes `all`, `missing` and `failed-since:DATE` (see `selectPartitions`).
 */
export const PartitionTargetSchema = z.object({
  dataset: z.string().min(1),
  partitions: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(10_000)]),
});
export type PartitionTarget = z.infer<typeof PartitionTargetSchema>;

/** The datasets a request names, and the partition selectors of those named with partitions. */
export function splitTargets(targets: (string | PartitionTarget)[]): {
  targets: string[];
  selectors: Map<string, string[]>;
} {
  const names: string[] = [];
  const selectors = new Map<string, string[]>();
  for (const t of targets) {
    const name = typeof t === 'string' ? t : t.dataset;
    if (!names.includes(name)) names.push(name);
    if (typeof t !== 'string')
      selectors.set(name, [
        ...(selectors.get(name) ?? []),
        ...(typeof t.partitions === 'string' ? [t.partitions] : t.partitions),
      ]);
  }
  return { targets: names, selectors };
}

/**
 * Partitions may be named for partitioned datasets only, and ids and ranges must fit the
 * dataset's dimensions: a 400 naming the problem before any job starts.
 */
export function checkPartitionTargets(
  selectors: Map<string, string[]>,
  partitionings: Map<string, Partitioning>,
): void {
  const flat = [...selectors.keys()].filter((d) => !partitionings.has(d));
  if (flat.length)
    throw badRequest(
      `Dataset${flat.length > 1 ? 's' : ''} ${flat.join(', ')} ${flat.length > 1 ? 'are' : 'is'} not partitioned: build ${flat.length > 1 ? 'them' : 'it'} without partitions`,
    );
  for (const [output, list] of selectors)
    selectPartitions(
      {
        output,
        partitioning: partitionings.get(output)!,
        signature: { value: '', settings: '' },
        dependencies: {},
        inputs: [],
        manifest: new Map(),
        attempts: new Map(),
      },
      list,
    );
}

/**
 * A dataset built by partition is always planned when its partitions are named, even when the
 * dataset as a whole looks up to date: the partition runner then judges each partition.
 */
export function withPartitionTargets(
  plan: PlannedActivity[],
  selectors: Map<string, string[]>,
  recipes: RecipeBase[],
): PlannedActivity[] {
  const out = [...plan];
  for (const dataset of selectors.keys()) {
    if (out.some((a) => a.outputs.includes(dataset))) continue;
    const recipe = recipes.find((r) => writesDataset(r, dataset));
    if (!recipe) continue;
    const dependsOn = out.filter((a) => a.outputs.some((o) => recipe.inputs.includes(o))).map((a) => a.recipe);
    out.push({ recipe: recipe.name, output: dataset, outputs: recipeOutputs(recipe), dependsOn, reason: 'target' });
  }
  return out;
}
