import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Principal } from '../catalog/access.js';
import { badRequest, notFound } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { assertObjectName } from '../common/names.js';
import { firstOutput, recipeOutputs } from '../common/recipe-outputs.js';
import { upgradeParams } from '../common/type-definition.js';
import { DATASET_KIND, resolveSource } from '../datasets/datasets.js';
import type { DatasetDefinition } from '../datasets/definitions.js';
import { recipeTypes } from '../recipes/registry.js';
import { RecipeBaseSchema, type RecipeBase, type RecipeContext, type RecipeInput } from '../recipes/recipe-type.js';
import type { Workspace } from '../workspace/workspace.js';
import { validateRecipeEdges } from './graph.js';
import { guardUploadedOutputs, takeReplaceUploaded } from './uploaded-output-guard.js';
import { recipeTarget } from './recipe-target.js';
import { revisionStamp } from '../catalog/object-stamp.js';

export const RECIPE_KIND = 'recipe';

export interface RecipeInfo extends RecipeBase {
  revision: number;
  updatedAt: string;
  updatedBy: string;
  [param: string]: unknown;
}

/** Parses a recipe body with its type's schema; names are checked too. */
export function parseRecipe(input: unknown): RecipeBase {
  const base = parseOr400(RecipeBaseSchema, input, 'recipe');
  const type = recipeTypes.get(base.type);
  checkOutputFields(base, type);
  const r = parseOr400(type.schema, upgradeRecipe(type, input as Record<string, unknown>), 'recipe', {
    prefix: `Invalid ${base.type} recipe`,
  });
  assertObjectName(r.name, 'recipe name');
  recipeOutputs(r).forEach((o) => assertObjectName(o, 'output dataset name'));
  r.inputs.forEach((i) => assertObjectName(i, 'input dataset name'));
  const notInputs = Object.keys(r.partitionDependencies ?? {}).filter((i) => !r.inputs.includes(i));
  if (notInputs.length)
    throw badRequest(`partitionDependencies: ${notInputs.join(', ')} is not an input of the recipe`);
  return r;
}

/** One of `output` and `outputs`; `outputs` only for types that write several datasets in one run. */
function checkOutputFields(base: RecipeBase, type: { label: string; runOutputs?: unknown }): void {
  if (base.output !== undefined && base.outputs !== undefined)
    throw badRequest(
      'output, outputs: give one of the two (outputs lists the datasets of a recipe that writes several)',
    );
  if (base.output === undefined && base.outputs === undefined)
    throw badRequest('output: a recipe needs the dataset it writes (output, or outputs for several)');
  if (base.outputs !== undefined && !type.runOutputs)
    throw badRequest(`outputs: a ${type.label} recipe writes one dataset: give it as output`);
  if (base.outputs && new Set(base.outputs).size !== base.outputs.length)
    throw badRequest('outputs: a dataset is listed twice');
}

function upgradeRecipe(
  type: Parameters<typeof upgradeParams>[0],
  stored: Record<string, unknown>,
): Record<string, unknown> {
  try {
    return upgradeParams(type, stored);
  } catch (e) {
    throw badRequest(`Recipe ${String(stored.name)}: ${(e as Error).message}`);
  }
}

/**
 * A stored recipe brought up to its type's version (stored recipes are not validated again on
 * read; an unknown type is left to the build to report).
 */
export function storedRecipe<R extends RecipeBase>(body: R): R {
  const type = recipeTypes.find(body.type);
  return type ? (upgradeRecipe(type, body) as R) : body;
}

/** The context a recipe type needs to describe or run against the current inputs. */
export async function recipeContext(
  ws: Workspace,
  projectKey: string,
  recipe: RecipeBase,
  log: (m: string, level?: 'info' | 'warn') => void = () => undefined,
  /** A build's abort: its queries are interrupted and its code stopped (see abortJob). */
  signal?: AbortSignal,
): Promise<RecipeContext> {
  const inputs: RecipeInput[] = [];
  for (const name of recipe.inputs) {
    const r = await resolveSource(ws, projectKey, name);
    inputs.push({ name, source: r.source, definition: r.definition, versionToken: await r.versionToken() });
  }
  const root = path.join(ws.config.home, 'data', projectKey);
  const scratchDir = path.join(root, '.scratch');
  mkdirSync(scratchDir, { recursive: true });
  const tempPath = (suffix: string) =>
    path.join(scratchDir, `${Date.now()}-${Math.random().toString(36).slice(2)}${suffix}`);
  const timeout = ws.config.buildTimeoutSeconds;
  const limits =
    timeout || signal
      ? { ...(timeout ? { timeoutMs: timeout * 1000, setting: 'LLANO_BUILD_TIMEOUT_SECONDS' } : {}), signal }
      : undefined;
  return {
    duck: ws.duck,
    inputs,
    tempPath,
    scope: { roots: [root], scratchDir },
    log,
    limits,
    project: { ws, key: projectKey },
  };
}

/**
 * Creates or replaces a recipe after checking the flow stays valid (inputs exist, no second
 * writer, no cycle) and that the code compiles against the inputs. A missing output dataset is
 * created as a managed dataset; one holding uploaded data is taken over only when the body
 * confirms it (`replaceUploaded: true`, else 409).
 */
export async function saveRecipe(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
): Promise<RecipeInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const { body, confirmed } = takeReplaceUploaded(input);
  const recipe = parseRecipe(body);
  const [datasets, recipes] = await Promise.all([
    ws.catalog.objects.list<DatasetDefinition>(projectKey, DATASET_KIND),
    ws.catalog.objects.list<RecipeBase>(projectKey, RECIPE_KIND),
  ]);
  const names = new Set(datasets.map((d) => d.name));
  const problem = validateRecipeEdges(
    recipe,
    recipes.map((r) => r.body),
    names,
  );
  if (problem) throw badRequest(problem);
  const outputs = recipeOutputs(recipe);
  for (const output of outputs) {
    const def = datasets.find((d) => d.name === output)?.body;
    if (def?.storage.type === 'file')
      throw badRequest(`Dataset ${output} is a file read in place; a recipe cannot write it`);
    if (def?.storage.type === 'system') throw badRequest(`Dataset ${output} is a system dataset (read-only)`);
  }
  const previous = recipes.find((r) => r.name === recipe.name)?.body;
  await guardUploadedOutputs(ws, projectKey, recipe, previous, confirmed);
  const outputDef = datasets.find((d) => d.name === firstOutput(recipe))?.body;

  // Check the code against the inputs when they all have data (an unbuilt input is checked at build time).
  const ctx = await recipeContext(ws, projectKey, recipe);
  const ready = ctx.inputs.every((i) => !(i.source.kind === 'parquet' && i.source.paths.length === 0));
  if (ready) {
    const target = await recipeTarget(ws, projectKey, {
      output: firstOutput(recipe),
      definition: outputDef,
      parquetPath: '',
    });
    await recipeTypes.get(recipe.type).describe(ctx, recipe, target);
  }

  const stored = await ws.catalog.db.transaction().execute(async (trx) => {
    for (const output of outputs.filter((o) => !names.has(o))) {
      await ws.catalog.objects.putIn(trx, {
        projectKey,
        kind: DATASET_KIND,
        name: output,
        body: { name: output, storage: { type: 'managed' } },
        author: principal.username,
      });
    }
    return ws.catalog.objects.putIn(trx, {
      projectKey,
      kind: RECIPE_KIND,
      name: recipe.name,
      body: recipe,
      author: principal.username,
      ...options,
    });
  });
  await ws.catalog.projects.touch(projectKey);
  return {
    ...stored.body,
    ...revisionStamp(stored),
  };
}

export async function listRecipes(ws: Workspace, principal: Principal, projectKey: string): Promise<RecipeInfo[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const rows = await ws.catalog.objects.list<RecipeBase>(projectKey, RECIPE_KIND);
  return rows.map((o) => ({
    ...storedRecipe(o.body),
    revision: o.revision,
    updatedAt: o.updatedAt,
    updatedBy: o.updatedBy,
  }));
}

export async function getRecipe(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<RecipeInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const o = await ws.catalog.objects.get<RecipeBase>(projectKey, RECIPE_KIND, name);
  if (!o) throw notFound(`Recipe ${name} not found in project ${projectKey}`);
  return { ...storedRecipe(o.body), revision: o.revision, updatedAt: o.updatedAt, updatedBy: o.updatedBy };
}

/** Deletes a recipe; its output datasets and data stay. */
export async function deleteRecipe(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await ws.catalog.objects.delete({ projectKey, kind: RECIPE_KIND, name, author: principal.username });
}
