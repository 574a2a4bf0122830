import type { Command } from 'commander';
import { LlanoError } from '../../common/errors.js';
import { isOneOf, JOB_ENDED_STATUSES } from '../../catalog/statuses.js';
import type { Job } from '../../flow/job-types.js';
import type { ApiClient } from '../client.js';
import { collect, enc, print, printRecord, projectOf, withClient } from '../command-kit.js';
import type { CommandModule } from './index.js';

interface EnvironmentInfo {
  name: string;
  language: string;
  packages: string[];
  interpreter?: string;
  python?: { venv: boolean; requirements: string[] };
  r?: { library: boolean; requirements: string[] };
  venv?: { status: string; packages?: string[]; error?: string };
  library?: { status: string; packages?: string[]; error?: string };
  buildJobId?: string;
  revision: number;
}

/** Waits for an environment build job and answers how it ended (its error when it failed). */
async function waitForBuild(client: ApiClient, project: string, jobId: string): Promise<Job> {
  for (;;) {
    const job = await client.request<Job>('GET', `/api/projects/${project}/jobs/${enc(jobId)}`);
    if (isOneOf(JOB_ENDED_STATUSES, job.status)) return job;
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface InterpreterInfo {
  language: string;
  path: string;
  version: string;
  source: string;
  default: boolean;
}

/**
 * `llano env create|list|show|rebuild|rm|interpreters`: code environments of a project, the
 * interpreter and packages code recipes run with; `--interpreter` names one of the machine's
 * (`llano env interpreters`), `--venv` gives a Python one a virtual environment of its own built
 * by pip, `--library` an R one a library of its own built by install.packages, from its `--requirement`s.
 */
export const codeEnvironmentCommands: CommandModule = (program, io) => {
  const base = (g: Parameters<typeof projectOf>[1]) => `/api/projects/${projectOf(io, g)}/code-environments`;
  const finish = async (c: ApiClient, project: string, jobId: string | undefined, wait: boolean, language: string) => {
    if (!jobId) return;
    const what = language === 'r' ? 'R library' : 'virtual environment';
    if (!wait) return io.out(`Building its ${what}: job ${jobId}\n`);
    const job = await waitForBuild(c, project, jobId);
    if (job.status !== 'succeeded')
      throw new LlanoError('environment_failed', 1, job.error ?? `The build ${job.status}`);
    io.out(`${what[0].toUpperCase()}${what.slice(1)} built (job ${jobId})\n`);
  };
  const env = program
    .command('env')
    .description('Code environments of a project: interpreter and packages of code recipes (--project KEY)');
  env
    .command('create <name>')
    .description(
      'Add or replace a code environment; --venv (Python) or --library (R) builds packages of its own from its requirements',
    )
    .option('--language <language>', 'typescript, python or r', 'python')
    .option('--interpreter <path>', 'an interpreter of the machine, as `llano env interpreters` lists them')
    .option('--package <name>', 'a package whose version each run records (repeatable)', collect, [])
    .option('--venv', 'a virtual environment of its own (Python), built with pip from LLANO_PIP_FIND_LINKS')
    .option('--library', 'an R library of its own (R), built with install.packages from LLANO_R_REPOS')
    .option('--requirement <spec>', 'a requirement of the venv or library, e.g. pkg==1.0 (repeatable)', collect, [])
    .option('--no-wait', 'do not wait for the venv or library to be built')
    .action(
      async (
        name: string,
        opts: {
          language: string;
          interpreter?: string;
          package: string[];
          venv?: boolean;
          library?: boolean;
          requirement: string[];
          wait: boolean;
        },
        cmd: Command,
      ) =>
        withClient(io, cmd, async (c, g) => {
          const own = opts.venv || opts.library || opts.requirement.length > 0;
          const body = {
            name,
            language: opts.language,
            packages: opts.package,
            ...(opts.interpreter ? { interpreter: opts.interpreter } : {}),
            ...(own && opts.language === 'r' ? { r: { library: true, requirements: opts.requirement } } : {}),
            ...(own && opts.language !== 'r' ? { python: { venv: true, requirements: opts.requirement } } : {}),
          };
          const exists = await c.request('GET', `${base(g)}/${enc(name)}`).then(
            () => true,
            (e: LlanoError) => (e.status === 404 ? false : Promise.reject(e)),
          );
          const saved = exists
            ? await c.request<EnvironmentInfo>('PUT', `${base(g)}/${enc(name)}`, body)
            : await c.request<EnvironmentInfo>('POST', base(g), body);
          io.out(`${exists ? 'Updated' : 'Added'} code environment ${saved.name} (revision ${saved.revision})\n`);
          await finish(c, projectOf(io, g), saved.buildJobId, opts.wait, saved.language);
        }),
    );
  env
    .command('list')
    .description('Code environments')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', base(g)), {
          columns: ['name', 'language', 'packages', 'requirements', 'interpreter', 'revision'],
          rows: (e: EnvironmentInfo) => [
            e.name,
            e.language,
            (e.venv ?? e.library)?.status ?? 'machine',
            (e.python ?? e.r)?.requirements.join(' ') ?? '',
            e.interpreter ?? 'default',
            e.revision,
          ],
        }),
      ),
    );
  env
    .command('show <name>')
    .description('One code environment, with its virtual environment’s state and installed packages')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => printRecord(io, g, await c.request('GET', `${base(g)}/${enc(name)}`))),
    );
  env
    .command('rebuild <name>')
    .description('Build the virtual environment or R library again (its requirements installed afresh)')
    .option('--no-wait', 'return the job id at once')
    .action(async (name: string, opts: { wait: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const env = await c.request<EnvironmentInfo>('GET', `${base(g)}/${enc(name)}`);
        const { jobId } = await c.request<{ jobId: string }>('POST', `${base(g)}/${enc(name)}/rebuild`);
        await finish(c, projectOf(io, g), jobId, opts.wait, env.language);
      }),
    );
  env
    .command('interpreters')
    .description('Interpreters of the machine an environment may name (--interpreter), with their versions')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', '/api/code-interpreters'), {
          columns: ['language', 'version', 'path', 'found', 'default'],
          rows: (i: InterpreterInfo) => [i.language, i.version, i.path, i.source, i.default ? 'yes' : ''],
        }),
      ),
    );
  env
    .command('rm <name>')
    .description('Delete a code environment and its virtual environment (its history stays)')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        await c.request('DELETE', `${base(g)}/${enc(name)}`);
        io.out(`Deleted code environment ${name}\n`);
      }),
    );
};
