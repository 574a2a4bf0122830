import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isOneOf, JOB_ENDED_STATUSES } from '../../catalog/statuses.js';
import { LlanoError, badRequest } from '../../common/errors.js';
import type { Job } from '../../flow/jobs.js';
import type { ApiClient } from '../client.js';
import { enc, print, printRecord, projectOf, withClient } from '../command-kit.js';
import { formatTable, type CliIo } from '../io.js';
import { ProgressBar } from '../progress.js';
import type { CommandModule } from './index.js';

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
  io.out(
    `Job ${job.id}: ${job.status}${job.durationMs !== null ? ` in ${job.durationMs} ms` : ''}${job.error ? ` (${job.error})` : ''}\n`,
  );
  if (job.activities?.length) {
    io.out(
      formatTable(
        ['recipe', 'output', 'status', 'ms', 'rows', 'error'],
        job.activities.map((a) => [a.recipe, a.output, a.status, a.durationMs, a.rows, a.error]),
      ),
    );
  }
}

/** `llano recipe …`, `llano build`, `llano job …`, `llano flow`. */
export const flowCommands: CommandModule = (program, io) => {
  const recipe = program.command('recipe').description('Recipes of a project (--project KEY)');
  recipe
    .command('create <name>')
    .description('Create or replace a SQL recipe')
    .requiredOption('--input <datasets>', 'comma-separated input datasets')
    .requiredOption('--output <dataset>', 'output dataset (created if missing)')
    .option('--sql <query>', 'the SELECT, naming inputs by dataset name')
    .option('--sql-file <file>', 'read the SELECT from a file')
    .action(
      async (name: string, opts: { input: string; output: string; sql?: string; sqlFile?: string }, cmd: Command) => {
        const sql = opts.sql ?? (opts.sqlFile ? readFileSync(opts.sqlFile, 'utf8') : undefined);
        if (!sql) throw badRequest('Give the query with --sql or --sql-file');
        await withClient(io, cmd, async (c, g) => {
          const project = projectOf(io, g);
          const body = {
            name,
            type: 'sql',
            inputs: opts.input
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            output: opts.output,
            sql,
          };
          const exists = await c.request('GET', `/api/projects/${project}/recipes/${enc(name)}`).then(
            () => true,
            (e: LlanoError) => (e.status === 404 ? false : Promise.reject(e)),
          );
          const r = exists
            ? await c.request('PUT', `/api/projects/${project}/recipes/${enc(name)}`, body)
            : await c.request('POST', `/api/projects/${project}/recipes`, body);
          if (g.json) printRecord(io, g, r as Record<string, unknown>);
          else io.out(`${exists ? 'Updated' : 'Created'} recipe ${name}: ${body.inputs.join(', ')} → ${body.output}\n`);
        });
      },
    );
  recipe.command('list').action(async (_o, cmd: Command) =>
    withClient(io, cmd, async (c, g) =>
      print(io, g, await c.request('GET', `/api/projects/${projectOf(io, g)}/recipes`), {
        columns: ['name', 'type', 'inputs', 'output', 'revision'],
        rows: (r: { name: string; type: string; inputs: string[]; output: string; revision: number }) => [
          r.name,
          r.type,
          r.inputs.join(','),
          r.output,
          r.revision,
        ],
      }),
    ),
  );
  recipe
    .command('show <name>')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printRecord(io, g, await c.request('GET', `/api/projects/${projectOf(io, g)}/recipes/${enc(name)}`)),
      ),
    );
  recipe.command('delete <name>').action(async (name: string, _o, cmd: Command) =>
    withClient(io, cmd, async (c, g) => {
      await c.request('DELETE', `/api/projects/${projectOf(io, g)}/recipes/${enc(name)}`);
      io.out(`Deleted recipe ${name}\n`);
    }),
  );

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
          formatTable(
            ['kind', 'name', 'state', 'reads', 'writes'],
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
    .action(async (targets: string[], opts: { mode: string; wait: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const project = projectOf(io, g);
        const { jobId, waitsFor } = await c.request<{ jobId: string; waitsFor?: string | null }>(
          'POST',
          `/api/projects/${project}/builds`,
          { targets, mode: opts.mode },
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
  job.command('list').action(async (_o, cmd: Command) =>
    withClient(io, cmd, async (c, g) =>
      print(io, g, await c.request('GET', `/api/projects/${projectOf(io, g)}/jobs`), {
        columns: ['id', 'status', 'mode', 'targets', 'by', 'created', 'ms'],
        rows: (j: Job) => [j.id, j.status, j.mode, j.targets.join(','), j.createdBy, j.createdAt, j.durationMs],
      }),
    ),
  );
  job.command('show <id>').action(async (id: string, _o, cmd: Command) =>
    withClient(io, cmd, async (c, g) => {
      const j = await c.request<Job>('GET', `/api/projects/${projectOf(io, g)}/jobs/${enc(id)}`);
      if (g.json) printRecord(io, g, j as unknown as Record<string, unknown>);
      else printJob(io, j);
    }),
  );
  job
    .command('log <id>')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        io.out(await c.request<string>('GET', `/api/projects/${projectOf(io, g)}/jobs/${enc(id)}/log`)),
      ),
    );
  job
    .command('abort <id>')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printJob(io, await c.request<Job>('POST', `/api/projects/${projectOf(io, g)}/jobs/${enc(id)}/abort`)),
      ),
    );
};
