import type { Principal } from '../catalog/access.js';
import { producersByOutput } from '../common/recipe-outputs.js';
import { DATASET_KIND } from '../datasets/datasets.js';
import type { DatasetDefinition } from '../datasets/definitions.js';
import { currentVersions } from '../datasets/versions.js';
import type { FingerprintMemo, RecipeBase } from '../recipes/recipe-type.js';
import type { Workspace } from '../workspace/workspace.js';
import { datasetResolver, recipeStaleness } from './build.js';
import { datasetNodeId, flowEdges, recipeNodeId, type FlowEdge, type FlowNode } from './graph.js';
import { RECIPE_KIND, storedRecipe } from './recipes-service.js';

export interface FlowView {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/**
 * The project's flow for display: datasets with their state (`built`, `stale`, `empty`,
 * `failed`, `building`, `external`) and recipes with why they are stale.
 */
export async function getFlow(ws: Workspace, principal: Principal, projectKey: string): Promise<FlowView> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const [datasets, recipes, versions] = await Promise.all([
    ws.catalog.objects.list<DatasetDefinition>(projectKey, DATASET_KIND),
    ws.catalog.objects.list<RecipeBase>(projectKey, RECIPE_KIND),
    currentVersions(ws, projectKey),
  ]);
  // The latest version attempt of each dataset tells whether a build is running or failed.
  const latest = await ws.catalog.db
    .selectFrom('dataset_versions')
    .select(['dataset', 'status', 'seq'])
    .where('project_key', '=', projectKey)
    .orderBy('seq', 'desc')
    .execute();
  const lastAttempt = new Map<string, string>();
  for (const v of latest) if (!lastAttempt.has(v.dataset)) lastAttempt.set(v.dataset, v.status);

  const staleness = new Map<string, string | null>();
  const resolve = datasetResolver(ws, projectKey);
  const memo: FingerprintMemo = new Map();
  for (const r of recipes)
    staleness.set(r.name, await recipeStaleness(ws, projectKey, storedRecipe(r.body), resolve, memo));
  const producer = new Map([...producersByOutput(recipes.map((r) => r.body))].map(([d, r]) => [d, r.name]));

  const nodes: FlowNode[] = [];
  for (const d of datasets) {
    const v = versions.get(d.name);
    const attempt = lastAttempt.get(d.name);
    const recipe = producer.get(d.name);
    let state: string;
    if (attempt === 'building') state = 'building';
    else if (attempt === 'failed') state = 'failed';
    else if (d.body.storage.type !== 'managed' && !recipe) state = 'external';
    else if (!v) state = 'empty';
    else if (recipe && staleness.get(recipe)) state = 'stale';
    else state = 'built';
    nodes.push({
      id: datasetNodeId(d.name),
      kind: 'dataset',
      name: d.name,
      storage: d.body.storage.type,
      state,
      rowCount: v?.rowCount ?? null,
      builtAt: v?.createdAt ?? null,
    });
  }
  for (const r of recipes) {
    nodes.push({
      id: recipeNodeId(r.name),
      kind: 'recipe',
      name: r.name,
      type: r.body.type,
      stale: staleness.get(r.name) ?? null,
    });
  }
  return { nodes, edges: flowEdges(recipes.map((r) => r.body)) };
}
