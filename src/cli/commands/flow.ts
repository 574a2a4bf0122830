import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isOneOf, JOB_ENDED_STATUSES } from '../../catalog/statuses.js';
import { LlanoError, badRequest } from '../../common/errors.js';
import { recipeOutputs } from '../../common/recipe-outputs.js';
import type { Job } from '../../flow/jobs.js';
import type { ApiClient } from '../client.js';
import { enc, print, printRecord, projectOf, withClient } from '../command-kit.js';
import { formatTable, type CliIo } from '../io.js';
import { ProgressBar } from '../progress.js';
import type { CommandModule } from './index.js';
import { confirmDeletion, YES_OPTION } from '../confirm-deletion.js';

/** Settings of every recipe type (`llano recipe types` lists the others). */
const COMMON_RECIPE_SETTINGS = [
  'type',
  'name',
  'inputs',
  'output',
  'outputs',
  'description',
  'tags',
  'schemaVersion',
  'partitionDependencies',
];

/** Polls a job until it ends, drawing a progress bar on a terminal. */
async function followJob(io: CliIo, client: ApiClient, project: string, jobId: string): Promise<Job> {
  const bar = new ProgressBar(io, `job ${jobId}`);
  for (;;) {
    const job = await client.request<Job>('GET', `/api/projects/${project}/jobs/${enc(jobId)}`);
    const acts = job.activities ?? [];
    const done = acts.filter((a) => !['pending', 'running'].includes(a.status)).length;
    const rows = acts.reduce((s, a) => s + (a.rows ?? 0), 0);
    bar.update(acts.length ? done / acts.length : 1, `${done}/${acts.length} recipes, ${rows} rows`);
    if (isOneOf(JOB_ENDED_STATUSES, job.status)) {
      bar.done();
      return job;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function printJob(io: CliIo, job: Job): void {
  // A required build whose targets are all up to date runs nothing: say so rather than
  // "succeeded in 0 ms", and how to rebuild anyway.
  if (job.status === 'succeeded' && !job.activities?.length) {
    io.out(`Job ${job.id}: nothing to build, everything is up to date (--mode only rebuilds the targets anyway)\n`);
    return;
  }
  io.out(
    `Job ${job.id}: ${job.status}${job.durationMs !== null ? ` in ${job.durationMs} ms` : ''}${job.error ? ` (${job.error})` : ''}\n`,
  );
  if (job.activities?.length) {
    io.out(
      formatTable(
        ['recipe', 'output', 'status', 'ms', 'rows', 'error'],
        job.activities.map((a) => [
          a.recipe,
          a.partition ? `${a.output} [${a.partition}]` : a.output,
          a.status,
          a.durationMs,
          a.rows,
          a.error,
        ]),
      ),
    );
  }
}

/**
 * A recipe type's settings from `--params-file` (a JSON object) and `--param key=value` flags:
 * a value that parses as JSON is taken as such, one with commas is a list of strings, anything
 * else a string.
 */
export function recipeParams(file: string | undefined, pairs: readonly string[]): Record<string, unknown> {
  let params: Record<string, unknown> = {};
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw badRequest(`--params-file ${file}: ${(e as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw badRequest(`--params-file ${file}: give a JSON object of settings`);
    params = parsed as Record<string, unknown>;
  }
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw badRequest(`--param ${pair}: write it as key=value`);
    const raw = pair.slice(at + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw.includes(',') ? raw.split(',').map((v) => v.trim()) : raw;
    }
    params[pair.slice(0, at)] = value;
  }
  return params;
}

interface SettingsSchema {
  type?: string;
  properties?: Record<string, SettingsSchema>;
}

/** A single word given for a setting that takes a list (`groupBy=site`) is a list of one. */
function listsWhereExpected(
  params: Record<string, unknown>,
  schema: SettingsSchema | undefined,
): Record<string, unknown> {
  const out = { ...params };
  for (const [key, value] of Object.entries(out))
    if (typeof value === 'string' && schema?.properties?.[key]?.type === 'array') out[key] = [value];
  return out;
}

/**
 * The settings as the type's body holds them. Visual recipes (join, group, window…) keep theirs
 * in a `params` object: `--param keys=band` goes there, unless the body itself has that field
 * (or the whole object was given, `--param 'params={…}'` or a params file with `params`).
 */
function settingsBody(params: Record<string, unknown>, schema: SettingsSchema | undefined): Record<string, unknown> {
  const nested = schema?.properties?.params;
  if (nested?.type !== 'object' || 'params' in params) return listsWhereExpected(params, schema);
  const top: Record<string, unknown> = {};
  const inner: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) (schema?.properties?.[key] ? top : inner)[key] = value;
  return { ...listsWhereExpected(top, schema), params: listsWhereExpected(inner, nested) };
}

interface RecipeTypeInfo {
  type: string;
  label: string;
  schema?: SettingsSchema;
}

/** `--output a` names one output; `--output a,b` several (a split writes several datasets in one run). */
function outputFields(list: string): { output: string } | { outputs: string[] } {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.length > 1 ? { outputs: names } : { output: names[0] ?? list };
}

/** `llano recipe …`, `llano build`, `llano job …`, `llano flow`. */
export const flowCommands: CommandModule = (program, io) => {
  const recipe = program.command('recipe').description('Recipes of a project (--project KEY)');
  recipe
    .command('create <name>')
    .description('Create or replace a recipe: SQL (--sql), or another type with its settings (--type, --param)')
    .requiredOption('--input <datasets>', 'comma-separated input datasets')
    .requiredOption('--output <datasets>', 'output dataset (created if missing); several, comma-separated, for a split')
    .option('--sql <query>', 'the SELECT, naming inputs by dataset name')
    .option('--sql-file <file>', 'read the SELECT from a file')
    .option('--type <type>', 'recipe type: sql (default), changepoints, outliers, trend… (llano recipe types)')
    .option(
      '--param <key=value>',
      'a setting of the type, repeatable (llano recipe types lists them): JSON values as JSON (3.5, true, ["a","b"]), a value with commas as a list (groupBy=antenna,band); a visual recipe\'s settings go into its params',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--params-file <file>', 'settings of the type as a JSON object (--param overrides them)')
    .option('--code-file <file>', 'the code of a typescript, python or r recipe')
    .option(
      '--replace-uploaded',
      'let the recipe write a dataset holding uploaded or imported data, or an existing source table of a connection (its rows are replaced at the next build); refused without it',
    )
    .action(
      async (
        name: string,
        opts: {
          input: string;
          output: string;
          sql?: string;
          sqlFile?: string;
          type?: string;
          param: string[];
          paramsFile?: string;
          codeFile?: string;
          replaceUploaded?: boolean;
        },
        cmd: Command,
      ) => {
        const type = opts.type ?? 'sql';
        const params = recipeParams(opts.paramsFile, opts.param);
        if (opts.codeFile) params.code = readFileSync(opts.codeFile, 'utf8');
        const sql = opts.sql ?? (opts.sqlFile ? readFileSync(opts.sqlFile, 'utf8') : undefined);
        if (type === 'sql' && !sql && params.sql === undefined)
          throw badRequest('Give the query with --sql or --sql-file');
        if (type !== 'sql' && sql)
          throw badRequest(`--sql is for SQL recipes; give the settings of ${type} with --param`);
        await withClient(io, cmd, async (c, g) => {
          const project = projectOf(io, g);
          const types = type === 'sql' ? [] : await c.request<RecipeTypeInfo[]>('GET', '/api/recipe-types');
          const body = {
            ...settingsBody(params, types.find((t) => t.type === type)?.schema),
            name,
            type,
            inputs: opts.input
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            ...outputFields(opts.output),
            ...(sql ? { sql } : {}),
            ...(opts.replaceUploaded ? { replaceUploaded: true } : {}),
          };
          const exists = await c.request('GET', `/api/projects/${project}/recipes/${enc(name)}`).then(
            () => true,
            (e: LlanoError) => (e.status === 404 ? false : Promise.reject(e)),
          );
          const r = exists
            ? await c.request('PUT', `/api/projects/${project}/recipes/${enc(name)}`, body)
            : await c.request('POST', `/api/projects/${project}/recipes`, body);
          if (g.json) printRecord(io, g, r as Record<string, unknown>);
          else io.out(`${exists ? 'Updated' : 'Created'} recipe ${name}: ${body.inputs.join(', ')} → ${opts.output}\n`);
        });
      },
    );
  recipe
    .command('types')
    .description('Recipe types and their settings')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', '/api/recipe-types'), {
          columns: ['type', 'label', 'settings'],
          rows: (t: RecipeTypeInfo) => [
            t.type,
            t.label,
            // What sets the type apart: the settings every recipe has are left out.
            Object.keys(t.schema?.properties ?? {})
              .filter((k) => !COMMON_RECIPE_SETTINGS.includes(k))
              .join(', '),
          ],
        }),
      ),
    );
  recipe
    .command('list')
    .description('Recipes of the project')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', `/api/projects/${projectOf(io, g)}/recipes`), {
          columns: ['name', 'type', 'inputs', 'output', 'revision'],
          rows: (r: {
            name: string;
            type: string;
            inputs: string[];
            output?: string;
            outputs?: string[];
            revision: number;
          }) => [r.name, r.type, r.inputs.join(','), recipeOutputs(r).join(','), r.revision],
        }),
      ),
    );
  recipe
    .command('show <name>')
    .description('A recipe: its inputs, outputs and settings')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printRecord(io, g, await c.request('GET', `/api/projects/${projectOf(io, g)}/recipes/${enc(name)}`)),
      ),
    );
  recipe
    .command('delete <name>')
    .description('Delete a recipe (its output datasets stay)')
    .option(...YES_OPTION)
    .action(async (name: string, opts: { yes?: boolean }, cmd: Command) => {
      await confirmDeletion(io, 'recipe', name, opts.yes);
      return withClient(io, cmd, async (c, g) => {
        await c.request('DELETE', `/api/projects/${projectOf(io, g)}/recipes/${enc(name)}`);
        io.out(`Deleted recipe ${name}\n`);
      });
    });

  program
    .command('flow')
    .description('The flow of datasets and recipes (--project KEY)')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const flow = await c.request<{
          nodes: { id: string; kind: string; name: string; state?: string; stale?: string | null }[];
          edges: { from: string; to: string }[];
        }>('GET', `/api/projects/${projectOf(io, g)}/flow`);
        if (g.json) return printRecord(io, g, flow);
        io.out(
          // "upstream" and "downstream" rather than reads/writes: a dataset's upstream is the recipe
          // that makes it, which it does not read.
          formatTable(
            ['kind', 'name', 'state', 'upstream', 'downstream'],
            flow.nodes.map((n) => [
              n.kind,
              n.name,
              n.kind === 'dataset' ? n.state : (n.stale ?? 'up to date'),
              flow.edges
                .filter((e) => e.to === n.id)
                .map((e) => e.from.split(':')[1])
                .join(','),
              flow.edges
                .filter((e) => e.from === n.id)
                .map((e) => e.to.split(':')[1])
                .join(','),
            ]),
          ),
        );
      }),
    );

  program
    .command('build <targets...>')
    .description('Build datasets (--project KEY); waits and shows progress unless --no-wait')
    .option('--mode <mode>', 'only, required (stale upstream too) or recursive (all upstream)', 'required')
    .option('--no-wait', 'return the job id at once')
    .option(
      '--partitions <selectors>',
      'partitioned targets: comma-separated ids, FROM..TO ranges, all, missing or failed-since:DATE',
    )
    .action(async (targets: string[], opts: { mode: string; wait: boolean; partitions?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const project = projectOf(io, g);
        const selectors = opts.partitions?.split(',').map((p) => p.trim());
        const { jobId, waitsFor } = await c.request<{ jobId: string; waitsFor?: string | null }>(
          'POST',
          `/api/projects/${project}/builds`,
          {
            targets: selectors ? targets.map((dataset) => ({ dataset, partitions: selectors })) : targets,
            mode: opts.mode,
          },
        );
        // A build of a dataset another job is building waits for it (queued) and names it.
        if (!opts.wait) return printRecord(io, g, waitsFor ? { jobId, waitsFor } : { jobId });
        const job = await followJob(io, c, project, jobId);
        if (g.json) printRecord(io, g, job as unknown as Record<string, unknown>);
        else printJob(io, job);
        if (job.status !== 'succeeded')
          throw new LlanoError('build_failed', 1, `Build ${job.status}: ${job.error ?? ''}`.trim());
      }),
    );

  const job = program.command('job').description('Build jobs (--project KEY)');
  job
    .command('list')
    .description('Recent jobs of the project')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', `/api/projects/${projectOf(io, g)}/jobs`), {
          columns: ['id', 'status', 'mode', 'targets', 'by', 'created', 'ms'],
          rows: (j: Job) => [j.id, j.status, j.mode, j.targets.join(','), j.createdBy, j.createdAt, j.durationMs],
        }),
      ),
    );
  job
    .command('show <id>')
    .description('A job with its activities')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const j = await c.request<Job>('GET', `/api/projects/${projectOf(io, g)}/jobs/${enc(id)}`);
        if (g.json) printRecord(io, g, j as unknown as Record<string, unknown>);
        else printJob(io, j);
      }),
    );
  job
    .command('log <id>')
    .description("A job's log")
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        io.out(await c.request<string>('GET', `/api/projects/${projectOf(io, g)}/jobs/${enc(id)}/log`)),
      ),
    );
  job
    .command('abort <id>')
    .description('Abort a running job')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printJob(io, await c.request<Job>('POST', `/api/projects/${projectOf(io, g)}/jobs/${enc(id)}/abort`)),
      ),
    );
};
