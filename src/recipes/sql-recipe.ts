import { rmSync } from 'node:fs';
import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { connectionType, sourceReader } from '../connectors/registry.js';
import { tableStorage } from '../datasets/definitions.js';
import { describeSelect, executeSelectToParquet } from '../engine/sql-exec.js';
import type { TableRef, TableSource } from '../engine/table-source.js';
import { RecipeBaseSchema, type RecipeContext, type RecipeTarget, type RecipeType } from './recipe-type.js';

export const SqlRecipeSchema = RecipeBaseSchema.extend({
  type: z.literal('sql'),
  sql: z.string().min(1, 'The SQL must not be empty').max(1_000_000),
}).strict();
export type SqlRecipe = z.infer<typeof SqlRecipeSchema>;

/**
 * Pushdown applies when every input and the output are tables of the same connection and its
 * type can run a recipe in place: the query then runs there, no data moves.
 */
function pushdownInputs(ctx: RecipeContext, target: RecipeTarget): Record<string, TableRef> | null {
  if (target.kind !== 'in-place' || !target.type.tables?.runRecipe) return null;
  const out: Record<string, TableRef> = {};
  for (const input of ctx.inputs) {
    const s = tableStorage(input.definition.storage);
    if (!s || s.connection !== target.connectionName || !s.table) return null;
    out[input.name] = s.table;
  }
  return out;
}

/** DuckDB reads Parquet and files directly; inputs kept in other connections are first copied to temporary Parquet. */
async function duckInputs(ctx: RecipeContext): Promise<{ inputs: Record<string, TableSource>; cleanup: () => void }> {
  const temps: string[] = [];
  const inputs: Record<string, TableSource> = {};
  for (const input of ctx.inputs) {
    if (input.source.kind === 'external') {
      const file = ctx.tempPath('.parquet');
      temps.push(file);
      ctx.log(`Copying ${connectionType(input.source.type).label} dataset ${input.name} to a temporary Parquet file`);
      await sourceReader(input.source).materialize(ctx.duck, input.source, file);
      inputs[input.name] = { kind: 'parquet', paths: [file] };
    } else {
      if (input.source.kind === 'parquet' && input.source.paths.length === 0) throw badRequest(`Input dataset ${input.name} has no data yet: build or import it first`);
      inputs[input.name] = input.source;
    }
  }
  return { inputs, cleanup: () => temps.forEach((t) => rmSync(t, { force: true })) };
}

export const sqlRecipeType: RecipeType<SqlRecipe> = {
  type: 'sql',
  label: 'SQL query',
  schema: SqlRecipeSchema,

  async describe(ctx, recipe, target) {
    const pushdown = pushdownInputs(ctx, target);
    if (pushdown && target.kind === 'in-place') return { columns: [] };
    const { inputs, cleanup } = await duckInputs(ctx);
    try {
      return await describeSelect(ctx.duck, { inputs, sql: recipe.sql, scope: ctx.scope });
    } finally {
      cleanup();
    }
  },

  async run(ctx, recipe, target) {
    const pushdown = pushdownInputs(ctx, target);
    const runInPlace = target.kind === 'in-place' ? target.type.tables?.runRecipe : undefined;
    if (pushdown && target.kind === 'in-place' && runInPlace) {
      ctx.log(`Running inside ${target.type.label} (pushdown) into ${target.table.schema ? target.table.schema + '.' : ''}${target.table.name}`);
      const r = await runInPlace(target.settings, { inputs: pushdown, sql: recipe.sql, output: target.table });
      return { rowCount: r.rowCount, columns: r.columns, contentHash: null };
    }
    if (target.kind !== 'parquet') throw badRequest(`An output in connection ${target.connectionName} needs every input to be a table of that connection`);
    const { inputs, cleanup } = await duckInputs(ctx);
    try {
      ctx.log('Running in DuckDB');
      return await executeSelectToParquet(ctx.duck, { inputs, sql: recipe.sql, scope: ctx.scope, outputPath: target.path, onProgress: ctx.onProgress ? (p) => ctx.onProgress?.(p.rows ?? 0) : undefined });
    } finally {
      cleanup();
    }
  },
};
