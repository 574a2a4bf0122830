import { z } from 'zod';
import { recipeOutputs } from '../../common/recipe-outputs.js';
import { badRequest } from '../../common/errors.js';
import { defineRecipeType } from '../define-recipe-type.js';
import type { RecipeBase, RecipeResult } from '../recipe-type.js';
import { describeDuckSql, runDuckSql } from '../run-sql.js';
import { compileFormula } from './formula.js';
import { columnName, ident, literal } from './sql.js';

/**
 * The split recipe: the rows of one input into several outputs, by filter (first matching branch
 * wins), by a column's value, or at random by ratio. Each output is one DuckDB query over the
 * input (shown to the user, one statement per output); every row lands in exactly one output
 * when `otherwise` is given (without it, rows no branch or value takes are left out).
 */

const outputName = z.string().min(1).max(128).describe('An output dataset of the recipe');

/** Rows no branch (filter) or listed value (value; empty values too) takes; left out when not set. */
const otherwise = outputName.optional().describe('The output of the rows nothing else takes (left out when not set)');

export const SplitParamsSchema = z
  .object({
    mode: z.enum(['filter', 'value', 'random']).describe('Split by filters, by the value of a column, or at random'),
    branches: z
      .array(
        z.object({
          output: outputName,
          where: z.string().min(1).max(10_000).describe("A formula, e.g. band = 6 and trec > 100 (as prepare's)"),
        }),
      )
      .min(1)
      .max(100)
      .optional()
      .describe('filter: each row goes to the first branch whose formula is true'),
    column: columnName.optional().describe('value: the column whose value picks the output'),
    outputs: z
      .record(z.string().max(10_000), outputName)
      .optional()
      .describe('value: output by value, compared as text, e.g. {"12m": "main_array", "7m": "aca"}'),
    ratios: z
      .array(z.object({ output: outputName, ratio: z.number().gt(0).max(1) }))
      .min(1)
      .max(100)
      .optional()
      .describe('random: the share of rows of each output (they sum to 1)'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0)
      .describe('random: the same seed gives the same split of the same rows'),
    otherwise,
  })
  .superRefine((p, ctx) => {
    const need = (field: 'branches' | 'column' | 'outputs' | 'ratios') => {
      if (p[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `A ${p.mode} split needs ${field}` });
    };
    if (p.mode === 'filter') need('branches');
    if (p.mode === 'value') {
      need('column');
      need('outputs');
      if (p.outputs && Object.keys(p.outputs).length === 0)
        ctx.addIssue({ code: 'custom', path: ['outputs'], message: 'Give at least one value and its output' });
    }
    if (p.mode === 'random') {
      need('ratios');
      const sum = (p.ratios ?? []).reduce((s, r) => s + r.ratio, 0);
      if (p.ratios && Math.abs(sum - 1) > 1e-9)
        ctx.addIssue({ code: 'custom', path: ['ratios'], message: `The ratios sum to ${sum}, not 1` });
      if (p.otherwise !== undefined)
        ctx.addIssue({ code: 'custom', path: ['otherwise'], message: 'A random split sends every row by ratio' });
    }
    for (const field of ['branches', 'column', 'outputs', 'ratios'] as const) {
      const usedBy = { branches: 'filter', column: 'value', outputs: 'value', ratios: 'random' }[field];
      if (p[field] !== undefined && usedBy !== p.mode)
        ctx.addIssue({ code: 'custom', path: [field], message: `${field} is for a ${usedBy} split, not ${p.mode}` });
    }
  });
export type SplitParams = z.output<typeof SplitParamsSchema>;

/** The outputs the settings name, in a stable order (the branches', values' or ratios' order, then otherwise). */
export function splitOutputs(p: SplitParams): string[] {
  const named =
    p.mode === 'filter'
      ? (p.branches ?? []).map((b) => b.output)
      : p.mode === 'value'
        ? Object.values(p.outputs ?? {})
        : (p.ratios ?? []).map((r) => r.output);
  return [...new Set([...named, ...(p.otherwise !== undefined ? [p.otherwise] : [])])];
}

/** The alias of an input row in the random split's hash (a name no dataset column should take). */
const ROW = 'llano_split_row';
/** The hash is cut to this many buckets, each a 1e-9 slice of [0, 1). */
const BUCKETS = 1_000_000_000;

/**
 * Pure: the DuckDB query of each output, by output name. A row's condition for branch i is
 * "i is true and no earlier one is" (`coalesce(…, false)`: a formula that is null for a row does
 * not take it); two branches (or values) naming one output are OR-ed.
 */
export function compileSplit(p: SplitParams, input: string): Record<string, string> {
  const from = ident(input);
  const where = new Map<string, string[]>();
  const add = (output: string, condition: string) => where.set(output, [...(where.get(output) ?? []), condition]);
  let rest: string | null = null;
  let alias = '';
  if (p.mode === 'filter') {
    const taken: string[] = [];
    for (const b of p.branches ?? []) {
      const cond = `coalesce(${compileFormula(b.where)}, false)`;
      add(b.output, taken.length ? `${cond} AND NOT (${taken.join(' OR ')})` : cond);
      taken.push(cond);
    }
    rest = `NOT (${taken.join(' OR ')})`;
  } else if (p.mode === 'value') {
    const text = `CAST(${ident(p.column!)} AS VARCHAR)`;
    const entries = Object.entries(p.outputs ?? {});
    for (const [value, output] of entries) add(output, `${text} = ${literal(value)}`);
    rest = `${text} IS NULL OR ${text} NOT IN (${entries.map(([v]) => literal(v)).join(', ')})`;
  } else {
    // A hash of the whole row and the seed: the same rows go to the same outputs on every build, in any order.
    alias = ` AS ${ident(ROW)}`;
    const u = `(hash(${ident(ROW)}, ${p.seed}) % ${BUCKETS})`;
    const ratios = p.ratios ?? [];
    let lower = 0;
    for (const [i, r] of ratios.entries()) {
      // The last output takes every bucket left, so rounding never drops a row.
      const last = i === ratios.length - 1;
      const upper = last ? BUCKETS : Math.round((lower / BUCKETS + r.ratio) * BUCKETS);
      add(r.output, last ? `${u} >= ${lower}` : `${u} >= ${lower} AND ${u} < ${upper}`);
      lower = upper;
    }
  }
  if (p.otherwise !== undefined && rest) add(p.otherwise, rest);
  const sql: Record<string, string> = {};
  for (const output of splitOutputs(p)) {
    const conditions = where.get(output) ?? ['false'];
    const condition = conditions.length === 1 ? conditions[0] : conditions.map((c) => `(${c})`).join(' OR ');
    sql[output] = `SELECT *\nFROM ${from}${alias}\nWHERE ${condition}`;
  }
  return sql;
}

type SplitRecipe = RecipeBase & { params: SplitParams };

const sqlByOutput = (recipe: RecipeBase) => compileSplit((recipe as SplitRecipe).params, recipe.inputs[0]);

/** The queries as the user reads them: one statement per output, named. */
const shownSql = (recipe: RecipeBase) =>
  Object.entries(sqlByOutput(recipe))
    .map(([output, sql]) => `-- output ${output}\n${sql};`)
    .join('\n\n');

export const splitRecipeType = defineRecipeType('split', {
  label: 'Split',
  params: z
    .object({ params: SplitParamsSchema.describe('Settings of the split recipe') })
    .superRefine((parsed, ctx) => {
      // The refinement reads the whole recipe (see typeSchema): its inputs and outputs too.
      const r = parsed as typeof parsed & { inputs?: unknown; output?: string; outputs?: string[] };
      if (!Array.isArray(r.inputs) || r.inputs.length !== 1)
        ctx.addIssue({ code: 'custom', path: ['inputs'], message: 'A split recipe reads exactly 1 input' });
      // The outputs the recipe lists are exactly those its settings send rows to.
      const listed = recipeOutputs(r);
      const named = splitOutputs(r.params);
      const missing = named.filter((o) => !listed.includes(o));
      const unused = listed.filter((o) => !named.includes(o));
      if (missing.length || unused.length)
        ctx.addIssue({
          code: 'custom',
          path: ['outputs'],
          message: `outputs must list the datasets the split writes: ${named.join(', ')}${missing.length ? ` (missing ${missing.join(', ')})` : ''}${unused.length ? ` (${unused.join(', ')} gets no rows)` : ''}`,
        });
    }),
  toSql: shownSql,
  sqlByOutput,
  // Every query is checked; all outputs have the input's columns.
  describe: async (ctx, recipe) => {
    const described = [];
    for (const sql of Object.values(sqlByOutput(recipe))) described.push(await describeDuckSql(ctx, sql));
    return described[0];
  },
  run: () => Promise.reject(badRequest('A split recipe writes several outputs: it runs through runOutputs')),
  runOutputs: async (ctx, recipe, targets) => {
    const results: Record<string, RecipeResult> = {};
    for (const [output, sql] of Object.entries(sqlByOutput(recipe))) {
      ctx.log(`Writing ${output}`);
      results[output] = await runDuckSql(ctx, sql, targets[output]);
    }
    return results;
  },
  examples: [
    {
      title: 'Band 6 and band 7 readings apart, the rest together',
      params: {
        name: 'split_bands',
        inputs: ['trec'],
        outputs: ['trec_b6', 'trec_b7', 'trec_other_bands'],
        params: {
          mode: 'filter',
          branches: [
            { output: 'trec_b6', where: "band = 'ALMA_RB_06'" },
            { output: 'trec_b7', where: "band = 'ALMA_RB_07'" },
          ],
          otherwise: 'trec_other_bands',
        },
      },
    },
    {
      title: 'A reproducible 80/20 training and test split',
      params: {
        name: 'split_train_test',
        inputs: ['trec'],
        outputs: ['trec_train', 'trec_test'],
        params: {
          mode: 'random',
          ratios: [
            { output: 'trec_train', ratio: 0.8 },
            { output: 'trec_test', ratio: 0.2 },
          ],
          seed: 42,
        },
      },
    },
  ],
});
