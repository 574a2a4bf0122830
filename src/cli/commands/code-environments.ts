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
  python?: { venv: boolean; requirements: string[] };
  venv?: { status: string; packages?: string[]; error?: string };
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

/**
 * `llano env create|list|show|rebuild|rm`: code environments of a project, the interpreter and
 * packages code recipes run with; `--venv` gives a Python one a virtual environment of its own,
 * built by pip from its `--requirement`s.
 */
export const codeEnvironmentCommands: CommandModule = (program, io) => {
  const base = (g: Parameters<typeof projectOf>[1]) => `/api/projects/${projectOf(io, g)}/code-environments`;
  const finish = async (c: ApiClient, project: string, jobId: string | undefined, wait: boolean) => {
    if (!jobId) return;
    if (!wait) return io.out(`Building its virtual environment: job ${jobId}\n`);
    const job = await waitForBuild(c, project, jobId);
    if (job.status !== 'succeeded')
      throw new LlanoError('environment_failed', 1, job.error ?? `The build ${job.status}`);
    io.out(`Virtual environment built (job ${jobId})\n`);
  };
  const env = program
    .command('env')
    .description('Code environments of a project: interpreter and packages of code recipes (--project KEY)');
  env
    .command('create <name>')
    .description('Add or replace a code environment; --venv builds a Python virtual environment of its requirements')
    .option('--language <language>', 'typescript, python or r', 'python')
    .option('--package <name>', 'a package whose version each run records (repeatable)', collect, [])
    .option('--venv', 'a virtual environment of its own (Python), built with pip from LLANO_PIP_FIND_LINKS')
    .option('--requirement <spec>', 'a requirement of the virtual environment, e.g. pkg==1.0 (repeatable)', collect, [])
    .option('--no-wait', 'do not wait for the virtual environment to be built')
    .action(
      async (
        name: string,
        opts: { language: string; package: string[]; venv?: boolean; requirement: string[]; wait: boolean },
        cmd: Command,
      ) =>
        withClient(io, cmd, async (c, g) => {
          const body = {
            name,
            language: opts.language,
            packages: opts.package,
            ...(opts.venv || opts.requirement.length ? { python: { venv: true, requirements: opts.requirement } } : {}),
          };
          const exists = await c.request('GET', `${base(g)}/${enc(name)}`).then(
            () => true,
            (e: LlanoError) => (e.status === 404 ? false : Promise.reject(e)),
          );
          const saved = exists
            ? await c.request<EnvironmentInfo>('PUT', `${base(g)}/${enc(name)}`, body)
            : await c.request<EnvironmentInfo>('POST', base(g), body);
          io.out(`${exists ? 'Updated' : 'Added'} code environment ${saved.name} (revision ${saved.revision})\n`);
          await finish(c, projectOf(io, g), saved.buildJobId, opts.wait);
        }),
    );
  env
    .command('list')
    .description('Code environments')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', base(g)), {
          columns: ['name', 'language', 'venv', 'requirements', 'revision'],
          rows: (e: EnvironmentInfo) => [
            e.name,
            e.language,
            e.venv?.status ?? 'machine',
            e.python?.requirements.join(' ') ?? '',
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
    .description('Build the virtual environment again (pip installs its requirements afresh)')
    .option('--no-wait', 'return the job id at once')
    .action(async (name: string, opts: { wait: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const { jobId } = await c.request<{ jobId: string }>('POST', `${base(g)}/${enc(name)}/rebuild`);
        await finish(c, projectOf(io, g), jobId, opts.wait);
      }),
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
