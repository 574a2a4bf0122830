import { recipeOutputs } from '../common/recipe-outputs.js';
import { DATASET_KIND } from '../datasets/datasets.js';
import { tableStorage, type DatasetDefinition } from '../datasets/definitions.js';
import {
  beginVersion,
  commitVersions,
  failVersion,
  type CommittedVersion,
  type PendingVersion,
} from '../datasets/versions.js';
import type { TableSource } from '../engine/table-source.js';
import { recipeTypes } from '../recipes/registry.js';
import type { FingerprintMemo, RecipeBase, RecipeTarget } from '../recipes/recipe-type.js';
import type { Workspace } from '../workspace/workspace.js';
import { runPostBuildValidators } from './post-build.js';
import { recipeContext } from './recipes-service.js';
import { recipeTarget } from './recipe-target.js';
import { currentSignature } from './current-signature.js';

/**
 * One build run of a recipe type that writes several outputs (split): a new version of every
 * output is begun, the type writes them all in one run, each passes the post-build validators,
 * and all are committed in one transaction. Any failure (the run, a validator, the commit) fails
 * every new version: no output gets a new version unless all do.
 */
export async function runRecipeOutputs(
  ws: Workspace,
  run: {
    projectKey: string;
    jobId: string;
    recipe: RecipeBase;
    log: (message: string) => void;
    signal?: AbortSignal;
    /** The build activity's fingerprint look-ups (see RecipeContext.fingerprintMemo). */
    fingerprints?: FingerprintMemo;
  },
): Promise<{ dataset: string; version: CommittedVersion }[]> {
  const { projectKey, jobId, recipe, log } = run;
  const type = recipeTypes.get(recipe.type);
  const outputs = recipeOutputs(recipe);
  const pending: PendingVersion[] = [];
  let committed = false;
  try {
    const targets: Record<string, RecipeTarget> = {};
    for (const output of outputs) {
      const def = (await ws.catalog.objects.get<DatasetDefinition>(projectKey, DATASET_KIND, output))?.body;
      const version = await beginVersion(ws, projectKey, output, {
        jobId,
        inDatabase: def !== undefined && tableStorage(def.storage) !== null,
      });
      pending.push(version);
      targets[output] = await recipeTarget(ws, projectKey, { output, definition: def, parquetPath: version.path });
    }
    const ctx = await recipeContext(ws, projectKey, recipe, log, run.signal);
    ctx.fingerprintMemo = run.fingerprints;
    const signature = await currentSignature(ws, projectKey, recipe, run.fingerprints);
    const tokens = Object.fromEntries(ctx.inputs.map((i) => [i.name, i.versionToken ?? 'none']));
    const results = await type.runOutputs!(ctx, recipe, targets);
    for (const [i, output] of outputs.entries()) {
      const target = targets[output];
      const source: TableSource = target.kind === 'parquet' ? { kind: 'parquet', paths: [target.path] } : target.source;
      await runPostBuildValidators(ws, { projectKey, dataset: output, versionId: pending[i].id, jobId, source, log });
    }
    // Aborted while it ran but not interrupted (no query at that moment): nothing is committed.
    run.signal?.throwIfAborted();
    const lineage = {
      source: 'build' as const,
      recipe: recipe.name,
      recipeSignature: signature.value,
      ...(signature.parts ? { signatureParts: signature.parts } : {}),
      inputs: tokens,
    };
    const versions = await commitVersions(
      ws,
      outputs.map((output, i) => {
        const r = results[output];
        if (!r) throw new Error(`The ${type.label} recipe wrote no result for its output ${output}`);
        return { pending: pending[i], result: { ...r, lineage } };
      }),
    );
    committed = true;
    return outputs.map((dataset, i) => ({ dataset, version: versions[i] }));
  } catch (err) {
    // Once the transaction committed, the versions are current: only a failure before it discards them.
    if (!committed) for (const p of pending) await failVersion(ws, p);
    throw err;
  }
}
