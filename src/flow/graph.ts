import { producersByOutput, recipeOutputs } from '../common/recipe-outputs.js';

/**
 * The flow as a graph: datasets and recipes are nodes; an edge goes from each input dataset
 * to its recipe and from the recipe to each of its output datasets. Pure functions, no I/O.
 */
export interface RecipeEdgesLike {
  name: string;
  type: string;
  inputs: string[];
  output?: string;
  outputs?: string[];
}

export interface FlowNode {
  id: string;
  kind: 'dataset' | 'recipe';
  name: string;
  [extra: string]: unknown;
}

export interface FlowEdge {
  from: string;
  to: string;
}

export const datasetNodeId = (name: string) => `dataset:${name}`;
export const recipeNodeId = (name: string) => `recipe:${name}`;

export function flowEdges(recipes: RecipeEdgesLike[]): FlowEdge[] {
  const edges: FlowEdge[] = [];
  for (const r of recipes) {
    for (const input of r.inputs) edges.push({ from: datasetNodeId(input), to: recipeNodeId(r.name) });
    for (const output of recipeOutputs(r)) edges.push({ from: recipeNodeId(r.name), to: datasetNodeId(output) });
  }
  return edges;
}

/**
 * Finds a cycle among recipes (dataset → recipe → dataset …). Returns the dataset names along
 * the cycle, first repeated at the end (e.g. `['a','b','a']`), or null.
 */
export function findCycle(recipes: RecipeEdgesLike[]): string[] | null {
  const byOutput = producersByOutput(recipes);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (dataset: string): string[] | null => {
    const s = state.get(dataset);
    if (s === 'done') return null;
    // The walk follows inputs; reverse it so the cycle reads in data-flow order.
    if (s === 'visiting') return [...stack.slice(stack.indexOf(dataset)), dataset].reverse();
    state.set(dataset, 'visiting');
    stack.push(dataset);
    for (const input of byOutput.get(dataset)?.inputs ?? []) {
      const cycle = visit(input);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(dataset, 'done');
    return null;
  };
  for (const output of byOutput.keys()) {
    const cycle = visit(output);
    if (cycle) return cycle;
  }
  return null;
}

/** Checks that adding/replacing `candidate` keeps the flow valid; returns the problem or null. */
export function validateRecipeEdges(
  candidate: RecipeEdgesLike,
  others: RecipeEdgesLike[],
  datasets: Set<string>,
): string | null {
  const missing = candidate.inputs.filter((i) => !datasets.has(i));
  if (missing.length)
    return `Input dataset${missing.length > 1 ? 's' : ''} ${missing.join(', ')} do${missing.length > 1 ? '' : 'es'} not exist`;
  if (new Set(candidate.inputs).size !== candidate.inputs.length) return 'An input is listed twice';
  const outputs = recipeOutputs(candidate);
  const own = outputs.find((o) => candidate.inputs.includes(o));
  if (own) return `Recipe ${candidate.name} writes its own input ${own} (cycle ${own} → ${candidate.name} → ${own})`;
  const writers = producersByOutput(others.filter((r) => r.name !== candidate.name));
  const taken = outputs.find((o) => writers.has(o));
  if (taken) return `Dataset ${taken} is already written by recipe ${writers.get(taken)!.name}`;
  const cycle = findCycle([...others.filter((r) => r.name !== candidate.name), candidate]);
  if (cycle) return `Recipe ${candidate.name} would close a cycle: ${cycle.join(' → ')}`;
  return null;
}

/** Recipes needed upstream of the given datasets (transitively), keyed by recipe name. */
export function upstreamRecipes(targets: string[], recipes: RecipeEdgesLike[]): Map<string, RecipeEdgesLike> {
  const byOutput = producersByOutput(recipes);
  const found = new Map<string, RecipeEdgesLike>();
  const walk = (dataset: string) => {
    const r = byOutput.get(dataset);
    if (!r || found.has(r.name)) return;
    found.set(r.name, r);
    r.inputs.forEach(walk);
  };
  targets.forEach(walk);
  return found;
}

/** Recipes in dependency order (inputs' producers first). Assumes no cycle. */
export function topologicalOrder(recipes: RecipeEdgesLike[]): RecipeEdgesLike[] {
  const byOutput = producersByOutput(recipes);
  const done = new Set<string>();
  const out: RecipeEdgesLike[] = [];
  const visit = (r: RecipeEdgesLike) => {
    if (done.has(r.name)) return;
    done.add(r.name);
    for (const input of r.inputs) {
      const p = byOutput.get(input);
      if (p) visit(p);
    }
    out.push(r);
  };
  [...recipes].sort((a, b) => a.name.localeCompare(b.name)).forEach(visit);
  return out;
}
