import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { datasetRows } from '../../datasets/explore.js';
import { runInSandbox, SandboxError, sandboxLimits } from '../../sandbox/index.js';
import { getVariables, setVariable, VariableValueSchema } from '../project-variables.js';
import { defineStep } from './define-step.js';

/** Rows one `llano.rows` call returns at most: a step works on summaries, a recipe on whole datasets. */
const MAX_ROWS = 10_000;

const ENTRY = { typescript: 'step.ts', python: 'step.py' } as const;

/**
 * Runs `run(ctx, llano)` of a TypeScript or Python snippet in the code sandbox (src/sandbox: a
 * child process with the workspace's code limits, as code recipes and notebooks), as the user the
 * scenario runs as, who must be a writer. `ctx` holds the project, scenario, run and the project's
 * variables; `llano.rows(dataset, limit)` reads a dataset, `llano.setVariable(name, value)` sets a
 * project variable. What the code prints goes to the run log; an exception fails the step with its
 * traceback.
 */
export const codeStep = defineStep('code', {
  label: 'Run code (TypeScript or Python)',
  params: z.object({
    language: z.enum(['python', 'typescript']).default('python'),
    code: z
      .string()
      .min(1)
      .max(200_000)
      .describe(
        'Defines run(ctx, llano). ctx: projectKey, scenarioId, runId, variables. llano.rows(dataset, limit) reads rows; llano.setVariable(name, value) sets a project variable. Printed lines go to the run log',
      ),
  }),
  examples: [
    {
      title: 'Remember how many receiver readings are out of range',
      params: {
        language: 'python',
        code: [
          'def run(ctx, llano):',
          "    rows = llano.rows('trec', 10000)",
          "    bad = [r for r in rows if r['trec'] is not None and r['trec'] > 60]",
          '    print(f"{len(bad)} readings above 60 K in {ctx[\'projectKey\']}")',
          "    llano.setVariable('trec_out_of_range', len(bad))",
        ].join('\n'),
      },
    },
  ],
  async run(ctx, p) {
    await ctx.ws.catalog.projects.authorize(ctx.principal, ctx.projectKey, 'writer');
    const variables = await getVariables(ctx.ws, ctx.principal, ctx.projectKey);
    // A folder of its own per run and step start, removed afterwards: the code may write there only.
    const workDir = path.join(ctx.ws.config.home, 'tmp', 'scenario-code', `${ctx.runId}-${Date.now().toString(36)}`);
    mkdirSync(workDir, { recursive: true });
    const entry = path.join(workDir, ENTRY[p.language]);
    writeFileSync(entry, p.code);
    let printed = 0;
    try {
      const result = await runInSandbox(
        {
          language: p.language,
          entry,
          workDir,
          limits: sandboxLimits(ctx.ws),
          python: ctx.ws.config.python,
          onLog: (line, stream) => {
            printed++;
            ctx.log(stream === 'stderr' ? 'warn' : 'info', line);
          },
          host: {
            rows: async (dataset: unknown, limit: unknown) => {
              if (typeof dataset !== 'string') throw badRequest('llano.rows(dataset, limit): dataset is a name');
              const n = limit === undefined || limit === null ? MAX_ROWS : Number(limit);
              if (!Number.isInteger(n) || n < 1 || n > MAX_ROWS)
                throw badRequest(`llano.rows(dataset, limit): limit is a whole number from 1 to ${MAX_ROWS}`);
              const page = await datasetRows(
                ctx.ws,
                ctx.principal,
                ctx.projectKey,
                dataset,
                { offset: 0, limit: n, sort: [], filters: [] },
                ctx.signal,
              );
              return page.rows.map((row) => Object.fromEntries(page.columns.map((c, i) => [c.name, row[i]])));
            },
            setVariable: async (name: unknown, value: unknown) => {
              if (typeof name !== 'string' || name.length === 0 || name.length > 128)
                throw badRequest('llano.setVariable(name, value): name is a text of 1 to 128 characters');
              const parsed = VariableValueSchema.safeParse(value);
              if (!parsed.success)
                throw badRequest('llano.setVariable(name, value): value is a text, a number, true, false or null');
              await setVariable(ctx.ws, ctx.principal, ctx.projectKey, name, parsed.data);
              ctx.log('info', `Variable ${name} = ${JSON.stringify(parsed.data)}`);
              return null;
            },
          },
        },
        'run',
        [{ projectKey: ctx.projectKey, scenarioId: ctx.scenarioId, runId: ctx.runId, variables }],
        { python: ctx.ws.config.python, signal: ctx.signal },
      );
      return { message: `${p.language} code ran (${printed} line(s) printed)`, detail: { result: result ?? null } };
    } catch (e) {
      // The step fails with the code's own traceback: the log keeps it whole, the step's error too.
      if (e instanceof SandboxError && e.traceback) {
        ctx.log('error', e.traceback);
        throw new Error(`${e.message}\n${e.traceback}`, { cause: e });
      }
      throw e;
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  },
});
