import { rmSync } from 'node:fs';
import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { connectionType, sourceReader } from '../connectors/registry.js';
import { tableStorage } from '../datasets/definitions.js';
import { describeSelect, executeSelectToParquet } from '../engine/sql-exec.js';
import type { TableRef, TableSource } from '../engine/table-source.js';
import { defineRecipeType } from './define-recipe-type.js';
import type { RecipeContext, RecipeTarget } from './recipe-type.js';

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
export async function duckInputs(
  ctx: RecipeContext,
): Promise<{ inputs: Record<string, TableSource>; cleanup: () => void }> {
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
      if (input.source.kind === 'parquet' && input.source.paths.length === 0)
        throw badRequest(`Input dataset ${input.name} has no data yet: build or import it first`);
      inputs[input.name] = input.source;
    }
  }
  return { inputs, cleanup: () => temps.forEach((t) => rmSync(t, { force: true })) };
}

export const sqlRecipeType = defineRecipeType('sql', {
  label: 'SQL query',
  params: z.object({
    sql: z.string().min(1, 'The SQL must not be empty').max(1_000_000),
  }),
  examples: [
    {
      title: 'Observation hours per shift and array family',
      params: {
        name: 'compute_shift_hours',
        inputs: ['shift', 'execution'],
        output: 'shift_hours',
        sql: 'SELECT s.shift_id, s.array_family, sum(epoch(e.end_ts - e.start_ts)) / 3600.0 AS observed_h\nFROM shift s JOIN execution e ON e.shift_id = s.shift_id\nGROUP BY s.shift_id, s.array_family',
      },
    },
    {
      title: 'Daily median receiver temperature per antenna and band',
      params: {
        name: 'compute_trec_daily',
        inputs: ['eb_trec_median'],
        output: 'trec_daily',
        sql: 'SELECT CAST(eb_start AS DATE) AS day, antennaname, receiverband, median(trec_median) AS trec_median\nFROM eb_trec_median\nGROUP BY ALL',
        description: 'Smooths the per-EB series for the receiver-QA dashboard',
      },
    },
  ],

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
    const inPlaceTables = target.kind === 'in-place' ? target.type.tables : undefined;
    if (pushdown && target.kind === 'in-place' && inPlaceTables?.runRecipe) {
      ctx.log(
        `Running inside ${target.type.label} (pushdown) into ${target.table.schema ? target.table.schema + '.' : ''}${target.table.name}`,
      );
      const r = await inPlaceTables.runRecipe(target.settings, ctx.duck, {
        inputs: pushdown,
        sql: recipe.sql,
        output: target.table,
      });
      return { rowCount: r.rowCount, columns: r.columns, contentHash: null };
    }
    if (target.kind !== 'parquet')
      throw badRequest(
        `An output in connection ${target.connectionName} needs every input to be a table of that connection`,
      );
    const { inputs, cleanup } = await duckInputs(ctx);
    try {
      ctx.log('Running in DuckDB');
      return await executeSelectToParquet(ctx.duck, {
        inputs,
        sql: recipe.sql,
        scope: ctx.scope,
        outputPath: target.path,
        onProgress: ctx.onProgress ? (p) => ctx.onProgress?.(p.rows ?? 0) : undefined,
        limits: ctx.limits,
      });
    } finally {
      cleanup();
    }
  },
});
