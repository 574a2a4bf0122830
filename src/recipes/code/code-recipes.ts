import { z } from 'zod';
import { defineRecipeType } from '../define-recipe-type.js';
import type { RecipeType } from '../recipe-type.js';
import type { CodeRecipeLanguage } from './code-environments.js';
import { CODE_FINGERPRINT_NAMES, codeRecipeFingerprint } from './code-fingerprint.js';
import { previewCodeRecipe, runCodeRecipe, type CodeRecipe } from './run-code.js';

/** Rows of each input a preview runs the code on. */
export const CODE_PREVIEW_SAMPLE_ROWS = 1000;

/** A DuckDB type name: letters, digits, spaces and (p, s) only, since it is written into the import's SQL. */
const DUCK_TYPE = /^[A-Za-z][A-Za-z0-9_ ]{0,60}(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])?$/;

const params = z.object({
  code: z.string().min(1, 'The code must not be empty').max(1_000_000),
  limits: z
    .object({
      memoryMb: z.number().int().min(32, 'limits.memoryMb: at least 32').max(1_048_576).optional(),
      wallSeconds: z
        .number()
        .int()
        .min(1, 'limits.wallSeconds: at least 1')
        .max(7 * 86_400)
        .optional(),
    })
    .strict()
    .optional()
    .describe('Limits of this recipe; the defaults are LLANO_CODE_MEMORY_MB and LLANO_CODE_WALL_SECONDS'),
  outputSchema: z
    .array(
      z.object({
        name: z.string().min(1).max(255),
        type: z.string().regex(DUCK_TYPE, 'outputSchema: type must be a DuckDB type such as BIGINT, DOUBLE, VARCHAR'),
      }),
    )
    .min(1)
    .max(5000)
    .optional()
    .describe('The output columns and their DuckDB types; when left out, inferred from the first rows written'),
  environment: z
    .string()
    .max(100)
    .optional()
    .describe('A code environment of the project (its packages are recorded with each run); the machine’s by default'),
});

const EXAMPLES: Record<CodeRecipeLanguage, { label: string; code: string }> = {
  typescript: {
    label: 'TypeScript code',
    code: `export default async function run({ inputs, output, variables, log }) {
  for await (const row of inputs.raw) {
    if (row.trec === null) continue;
    await output.write({ band: row.band, t2: row.trec * 2 });
  }
}
`,
  },
  python: {
    label: 'Python code',
    code: `def run(inputs, output, variables, log):
    for row in inputs["raw"]:
        if row["trec"] is not None:
            output.write({"band": row["band"], "t2": row["trec"] * 2})
`,
  },
  r: {
    label: 'R code',
    code: `run <- function(inputs, output, variables, log) {
  raw <- inputs$raw
  output$write(data.frame(band = raw$band, t2 = raw$trec * 2))
}
`,
  },
};

/**
 * A code recipe type: the code runs isolated in the sandbox (memory and wall-time limits, its
 * prints in the job log); the flow keeps its guarantees (atomic versions, staleness, failure
 * isolation) since the output is imported into the new version only when the code succeeded.
 */
function codeRecipeType<T extends CodeRecipeLanguage>(language: T) {
  const example = EXAMPLES[language];
  return defineRecipeType(language, {
    label: example.label,
    params,
    examples: [
      {
        title: 'Receiver temperatures doubled, rows without one dropped',
        params: { name: `double_trec_${language}`, inputs: ['raw'], output: `trec2_${language}`, code: example.code },
      },
    ],
    // The output is only known by running the code: the declared schema, or nothing to check.
    describe: (_ctx, recipe) => Promise.resolve({ columns: recipe.outputSchema ?? [] }),
    run: (ctx, recipe, target) => runCodeRecipe(ctx, recipe as CodeRecipe, language, target),
    // The project's libraries of its language and its environment decide its output too (not its limits).
    fingerprint: ({ ws, key }, recipe, memo) => codeRecipeFingerprint(ws, key, recipe as CodeRecipe, language, memo),
    fingerprintNames: CODE_FINGERPRINT_NAMES,
    preview: (ctx, recipe, limit) =>
      previewCodeRecipe(ctx, recipe as CodeRecipe, language, limit, Math.max(limit, CODE_PREVIEW_SAMPLE_ROWS)),
  });
}

export const codeRecipeTypes: RecipeType[] = [
  codeRecipeType('typescript'),
  codeRecipeType('python'),
  codeRecipeType('r'),
];
