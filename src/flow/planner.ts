import { badRequest } from '../common/errors.js';
import { producersByOutput, recipeOutputs } from '../common/recipe-outputs.js';
import { topologicalOrder, upstreamRecipes, type RecipeEdgesLike } from './graph.js';
import type { BuildMode } from './job-types.js';
import type { StaleReason } from './staleness.js';

export { BUILD_MODES, type BuildMode } from './job-types.js';

export interface PlannedActivity {
  recipe: string;
  /** The first dataset the recipe writes (what a job's activity row names). */
  output: string;
  /** Every dataset the run writes (several for a split): all are written, and committed together. */
  outputs: string[];
  /** Recipes of this plan that must finish first. */
  dependsOn: string[];
  /** Why it is in the plan. In `required` mode an activity planned only because an upstream one runs is re-checked just before it runs. */
  reason: 'target' | 'forced' | Exclude<StaleReason, null> | 'upstream rebuilt';
}

/**
 * Decides which recipes a build runs, in dependency order.
 * - `only`: the recipes writing the targets.
 * - `required`: every upstream recipe whose output is stale, plus those downstream of one.
 * - `recursive`: every upstream recipe, forced.
 */
export function planBuild(
  targets: string[],
  mode: BuildMode,
  recipes: RecipeEdgesLike[],
  staleOf: (recipe: string) => StaleReason,
): PlannedActivity[] {
  if (targets.length === 0) throw badRequest('Name at least one dataset to build');
  const byOutput = producersByOutput(recipes);
  const notBuildable = targets.filter((t) => !byOutput.has(t));
  if (notBuildable.length)
    throw badRequest(
      `Dataset${notBuildable.length > 1 ? 's' : ''} ${notBuildable.join(', ')} ${notBuildable.length > 1 ? 'are' : 'is'} not written by any recipe: nothing to build`,
    );

  if (mode === 'only') {
    // Two targets written by one recipe (outputs of a split) are one run.
    const chosen = new Map(targets.map((t) => [byOutput.get(t)!.name, byOutput.get(t)!]));
    return [...chosen.values()].map((r) => ({ ...activityOutputs(r), dependsOn: [], reason: 'target' as const }));
  }
  const upstream = [...upstreamRecipes(targets, recipes).values()];
  const ordered = topologicalOrder(upstream);
  const chosen = new Map<string, PlannedActivity>();
  for (const r of ordered) {
    const deps = r.inputs
      .map((i) => byOutput.get(i)?.name)
      .filter((n): n is string => n !== undefined && upstream.some((u) => u.name === n));
    let reason: PlannedActivity['reason'] | null;
    if (mode === 'recursive') reason = 'forced';
    else {
      const own = staleOf(r.name);
      reason = own ?? (deps.some((d) => chosen.has(d)) ? 'upstream rebuilt' : null);
    }
    if (reason)
      chosen.set(r.name, { ...activityOutputs(r), dependsOn: [...new Set(deps.filter((d) => chosen.has(d)))], reason });
  }
  return [...chosen.values()];
}

function activityOutputs(r: RecipeEdgesLike): Pick<PlannedActivity, 'recipe' | 'output' | 'outputs'> {
  const outputs = recipeOutputs(r);
  return { recipe: r.name, output: outputs[0], outputs };
}
