import { rmSync } from 'node:fs';
import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { materializeToParquet } from '../engine/postgres.js';
import { describeSelect, executeSelectInPostgres, executeSelectToParquet } from '../engine/sql-exec.js';
import type { TableSource } from '../engine/table-source.js';
import { RecipeBaseSchema, type RecipeContext, type RecipeTarget, type RecipeType } from './recipe-type.js';

export const SqlRecipeSchema = RecipeBaseSchema.extend({
  type: z.literal('sql'),
  sql: z.string().min(1, 'The SQL must not be empty').max(1_000_000),
}).strict();
export type SqlRecipe = z.infer<typeof SqlRecipeSchema>;

/**
 * Pushdown applies when every input and the output are tables/queries on the same
 * PostgreSQL connection: the query then runs inside PostgreSQL, no data moves.
 */
function pushdownInputs(ctx: RecipeContext, target: RecipeTarget): Record<string, { schema?: string; name: string }> | null {
  if (target.kind !== 'postgres') return null;
  const out: Record<string, { schema?: string; name: string }> = {};
  for (const input of ctx.inputs) {
    const s = input.definition.storage;
    if (s.type !== 'postgres' || s.connection !== target.connectionName || !s.table) return null;
    out[input.name] = s.table;
  }
  return out;
}

/** DuckDB reads Parquet and files directly; PostgreSQL inputs are first copied to temporary Parquet. */
async function duckInputs(ctx: RecipeContext): Promise<{ inputs: Record<string, TableSource>; cleanup: () => void }> {
  const temps: string[] = [];
  const inputs: Record<string, TableSource> = {};
  for (const input of ctx.inputs) {
    if (input.source.kind === 'postgres') {
      const file = ctx.tempPath('.parquet');
      temps.push(file);
      ctx.log(`Copying PostgreSQL dataset ${input.name} to a temporary Parquet file`);
      await materializeToParquet(ctx.duck, input.source, file);
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
    if (pushdown && target.kind === 'postgres') return { columns: [] };
    const { inputs, cleanup } = await duckInputs(ctx);
    try {
      return await describeSelect(ctx.duck, { inputs, sql: recipe.sql, scope: ctx.scope });
    } finally {
      cleanup();
    }
  },

  async run(ctx, recipe, target) {
    const pushdown = pushdownInputs(ctx, target);
    if (pushdown && target.kind === 'postgres') {
      ctx.log(`Running inside PostgreSQL (pushdown) into ${target.table.schema ? target.table.schema + '.' : ''}${target.table.name}`);
      const r = await executeSelectInPostgres(ctx.duck, target.connection, { inputs: pushdown, sql: recipe.sql, output: target.table });
      return { rowCount: r.rowCount, columns: r.columns, contentHash: null };
    }
    if (target.kind !== 'parquet') throw badRequest('A PostgreSQL output needs every input on the same PostgreSQL connection');
    const { inputs, cleanup } = await duckInputs(ctx);
    try {
      ctx.log('Running in DuckDB');
      return await executeSelectToParquet(ctx.duck, { inputs, sql: recipe.sql, scope: ctx.scope, outputPath: target.path, onProgress: ctx.onProgress ? (p) => ctx.onProgress?.(p.rows ?? 0) : undefined });
    } finally {
      cleanup();
    }
  },
};
