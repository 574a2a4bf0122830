import { z } from 'zod';
import { tableStorage } from '../datasets/definitions.js';
import type { TableRef } from '../engine/table-source.js';
import { defineRecipeType } from './define-recipe-type.js';
import type { RecipeContext, RecipeTarget } from './recipe-type.js';
import { describeDuckSql, runDuckSql } from './run-sql.js';

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

  toSql: (recipe) => recipe.sql,

  async describe(ctx, recipe, target) {
    const pushdown = pushdownInputs(ctx, target);
    if (pushdown && target.kind === 'in-place') return { columns: [] };
    return describeDuckSql(ctx, recipe.sql);
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
    return runDuckSql(ctx, recipe.sql, target);
  },
});
