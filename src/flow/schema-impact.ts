import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import { parseOr400 } from '../common/parse.js';
import { firstOutput, recipeOutputs } from '../common/recipe-outputs.js';
import { listDatasets } from '../datasets/datasets.js';
import type { ColumnSchema } from '../datasets/definitions.js';
import { openSandbox } from '../engine/duckdb-sandbox.js';
import { recipeTypes } from '../recipes/registry.js';
import type { RecipeBase } from '../recipes/recipe-type.js';
import type { Workspace } from '../workspace/workspace.js';
import { topologicalOrder } from './graph.js';
import { listRecipes, parseRecipe, storedRecipe } from './recipes-service.js';

/**
 * Schema-change propagation: given a dataset's new columns (or a changed recipe), which
 * downstream recipes would break — found before anything is built by describing each one, in
 * flow order, against the schemas its inputs would have. Nothing runs on data: inputs are
 * empty views of the right columns in a locked-down DuckDB.
 */

/** A column type as DuckDB spells it; no quote, semicolon or comment, so it can only be a type. */
const TYPE = /^[A-Za-z][A-Za-z0-9_ ,()[\]"]*$/;
const columnSchema = z.object({
  name: z.string().min(1).max(255),
  type: z
    .string()
    .max(1000)
    .regex(TYPE, 'a DuckDB type such as INTEGER, VARCHAR, DECIMAL(18,3) or TIMESTAMP[]')
    .refine((t) => !t.includes('--'), 'a DuckDB type'),
});

export const SchemaImpactRequestSchema = z
  .object({
    dataset: z.string().optional().describe('The dataset whose columns change'),
    columns: z.array(columnSchema).max(10_000).optional().describe('Its new columns'),
    recipe: z.record(z.string(), z.unknown()).optional().describe('Or: a recipe as it would be saved'),
  })
  .refine((b) => (b.dataset !== undefined && b.columns !== undefined) !== (b.recipe !== undefined), {
    message: 'give either dataset and columns, or recipe',
  });

export type ImpactStatus = 'ok' | 'broken' | 'blocked' | 'unchecked';

export interface RecipeImpact {
  recipe: string;
  type: string;
  output: string;
  status: ImpactStatus;
  /** broken: the engine's message; blocked / unchecked: why it was not checked. */
  message?: string;
  /** ok: the output's columns after the change. */
  columns?: ColumnSchema[];
  added?: string[];
  removed?: string[];
  retyped?: string[];
}

export interface SchemaImpact {
  /** The dataset whose schema changes first. */
  dataset: string;
  columns: ColumnSchema[];
  recipes: RecipeImpact[];
  /** Some recipe downstream would fail. */
  breaks: boolean;
}

function diff(before: ColumnSchema[] | null, after: ColumnSchema[]) {
  if (!before) return {};
  const old = new Map(before.map((c) => [c.name, c.type]));
  const now = new Map(after.map((c) => [c.name, c.type]));
  return {
    added: after.filter((c) => !old.has(c.name)).map((c) => c.name),
    removed: before.filter((c) => !now.has(c.name)).map((c) => c.name),
    retyped: after.filter((c) => old.has(c.name) && old.get(c.name) !== c.type).map((c) => c.name),
  };
}

const validType = (t: string) => TYPE.test(t) && !t.includes('--');

export async function schemaImpact(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  body: unknown,
): Promise<SchemaImpact> {
  const request = parseOr400(SchemaImpactRequestSchema, body, 'schema change');
  const [datasets, saved] = await Promise.all([
    listDatasets(ws, principal, projectKey),
    listRecipes(ws, principal, projectKey),
  ]);
  const schemas = new Map<string, ColumnSchema[] | null>(datasets.map((d) => [d.name, d.columns]));
  let recipes: RecipeBase[] = saved.map((r) => storedRecipe(r));
  const sandbox = await openSandbox(ws.duck, ws.duck.sandboxes.dir, []);
  let views: string[] = [];
  /** The columns `recipe` would write to `output` over the current `schemas`, or why it cannot tell. */
  const describe = async (
    recipe: RecipeBase,
    output = firstOutput(recipe),
  ): Promise<Omit<RecipeImpact, 'recipe' | 'type' | 'output'>> => {
    const type = recipeTypes.find(recipe.type);
    // A type writing several outputs has one query per output; the others have one query.
    const sql = type?.sqlByOutput ? type.sqlByOutput(recipe)[output] : type?.toSql?.(recipe);
    if (sql === undefined)
      return { status: 'unchecked', message: `A ${type?.label ?? recipe.type} recipe is checked when it runs` };
    const missing = recipe.inputs.filter((i) => !schemas.get(i)?.length);
    if (missing.length)
      return { status: 'unchecked', message: `No known columns for ${missing.join(', ')} (never built)` };
    const odd = recipe.inputs.flatMap((i) =>
      schemas
        .get(i)!
        .filter((c) => !validType(c.type))
        .map((c) => `${i}.${c.name}`),
    );
    if (odd.length)
      return { status: 'unchecked', message: `Columns of a type this check cannot recreate: ${odd.join(', ')}` };
    try {
      views = recipe.inputs;
      const ddl = recipe.inputs.map(
        (i) =>
          `CREATE OR REPLACE TEMP VIEW ${quoteIdent(i)} AS SELECT ${schemas
            .get(i)!
            .map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`)
            .join(', ')} WHERE false`,
      );
      await sandbox.conn.run(ddl.join(';\n'));
      const prepared = await sandbox.conn.prepare(sql);
      const columns = Array.from({ length: prepared.columnCount }, (_, k) => ({
        name: prepared.columnName(k),
        type: String(prepared.columnType(k)),
      }));
      return { status: 'ok', columns };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return { status: 'broken', message };
    } finally {
      for (const v of views) await sandbox.conn.run(`DROP VIEW IF EXISTS ${quoteIdent(v)}`).catch(() => undefined);
    }
  };

  try {
    let start: string;
    let columns: ColumnSchema[];
    /** The datasets whose columns change first: the dataset, or every output of the changed recipe. */
    let starts: string[];
    if (request.recipe) {
      const changed = parseRecipe(request.recipe);
      recipes = [...recipes.filter((r) => r.name !== changed.name), changed];
      const own = await describe(changed);
      if (own.status !== 'ok')
        throw badRequest(`Recipe ${changed.name} itself cannot be described: ${own.message ?? own.status}`);
      start = firstOutput(changed);
      columns = own.columns!;
      starts = recipeOutputs(changed);
      schemas.set(start, columns);
      for (const other of starts.slice(1)) {
        const more = await describe(changed, other);
        if (more.status === 'ok') schemas.set(other, more.columns!);
      }
    } else {
      start = request.dataset!;
      if (!schemas.has(start)) throw badRequest(`Dataset ${start} not found in project ${projectKey}`);
      columns = request.columns!;
      starts = [start];
      schemas.set(start, columns);
    }

    const affected = new Set(starts);
    const broken = new Set<string>();
    const impacts: RecipeImpact[] = [];
    for (const edge of topologicalOrder(recipes)) {
      const recipe = recipes.find((r) => r.name === edge.name)!;
      const outputs = recipeOutputs(recipe);
      if (outputs.some((o) => starts.includes(o)) || !recipe.inputs.some((i) => affected.has(i))) continue;
      const upstreamBroken = recipe.inputs.filter((i) => broken.has(i));
      // One row per output (a split has several).
      for (const output of outputs) {
        affected.add(output);
        const head = { recipe: recipe.name, type: recipe.type, output };
        if (upstreamBroken.length) {
          broken.add(output);
          impacts.push({
            ...head,
            status: 'blocked',
            message: `Reads ${upstreamBroken.join(', ')}, which would break`,
          });
          continue;
        }
        const before = schemas.get(output) ?? null;
        const result = await describe(recipe, output);
        if (result.status === 'broken') broken.add(output);
        if (result.status === 'ok') {
          schemas.set(output, result.columns!);
          impacts.push({ ...head, ...result, ...diff(before, result.columns!) });
        } else {
          // Unchecked outputs keep their current columns for the recipes after them.
          impacts.push({ ...head, ...result });
        }
      }
    }
    return { dataset: start, columns, recipes: impacts, breaks: broken.size > 0 };
  } finally {
    await sandbox.close();
  }
}
