import { rmSync } from 'node:fs';
import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { materializeToParquet } from '../engine/postgres.js';
import { describeSelect, executeSelectInPostgres, executeSelectToParquet } from '../engine/sql-exec.js';
import type { TableSource } from '../engine/table-source.js';
import { defineRecipeType } from './define-recipe-type.js';
import type { RecipeContext, RecipeTarget } from './recipe-type.js';

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
});
