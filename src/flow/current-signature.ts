import { recipeTypes } from '../recipes/registry.js';
import type { FingerprintMemo, RecipeBase } from '../recipes/recipe-type.js';
import type { Workspace } from '../workspace/workspace.js';
import { signatureOf, type Signature } from './staleness.js';

/**
 * A recipe's signature now: its settings, and what its type's `fingerprint` says also decides
 * its output (a code recipe's libraries and environment). The flow view, the build planner, the
 * re-check before a run and partitioned builds all judge staleness with this one. `memo`: shared
 * by recipes judged together (the libraries are read once).
 */
export async function currentSignature(
  ws: Workspace,
  projectKey: string,
  recipe: RecipeBase,
  memo: FingerprintMemo = new Map(),
): Promise<Signature> {
  const type = recipeTypes.find(recipe.type);
  const parts = type?.fingerprint ? await type.fingerprint({ ws, key: projectKey }, recipe, memo) : undefined;
  return signatureOf(recipe, parts, type?.fingerprintNames);
}
