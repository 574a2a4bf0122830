import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ScenarioRun } from '../../automation/run-types.js';
import { isOneOf, RUN_OPEN_OUTCOMES } from '../../catalog/statuses.js';
import { LlanoError } from '../../common/errors.js';
import type { ApiClient } from '../client.js';
import { enc, print, printRecord, projectOf, withClient } from '../command-kit.js';
import { formatTable, type CliIo } from '../io.js';
import type { CommandModule } from './index.js';

type Run = ScenarioRun;

function printRun(io: CliIo, run: Run): void {
  io.out(
    `Run ${run.id} of ${run.scenario}: ${run.outcome}${run.durationMs !== null ? ` in ${run.durationMs} ms` : ''}${run.error ? ` (${run.error})` : ''}\n`,
  );
  if (run.steps?.length)
    io.out(
      formatTable(
        ['step', 'type', 'outcome', 'ms', 'attempts', 'error'],
        run.steps.map((s) => [s.name, s.type, s.outcome, s.durationMs, s.attempts, s.error]),
      ),
    );
}

interface Revealed {
  where: string;
  field: string;
  secret: string;
}

/** Secrets the server generated: the only time they are shown. */
function printRevealed(io: CliIo, revealed: Revealed[]): void {
  for (const r of revealed)
    io.out(`New signing secret of ${r.where} (shown only now, store it with the receiver):\n${r.secret}\n`);
}

/** Polls a run until it ends (the CLI has no event stream to listen to). */
async function followRun(client: ApiClient, project: string, runId: string): Promise<Run> {
  for (;;) {
    const run = await client.request<Run>('GET', `/api/projects/${project}/scenario-runs/${enc(runId)}`);
    if (!isOneOf(RUN_OPEN_OUTCOMES, run.outcome)) return run;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `llano scenario …`, `llano checks save|run`, `llano metrics show`. */
export const automationCommands: CommandModule = (program, io) => {
  const scenario = program.command('scenario').description('Scenarios of a project (--project KEY)');
  scenario
    .command('list')
    .description('Scenarios of the project: active or not, how many triggers and steps')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', `/api/projects/${projectOf(io, g)}/scenarios`), {
          columns: ['id', 'name', 'active', 'triggers', 'steps', 'revision'],
          rows: (s: {
            id: string;
            name: string;
            active: boolean;
            triggers: { type: string }[];
            steps: unknown[];
            revision: number;
          }) => [s.id, s.name, s.active, s.triggers.map((t) => t.type).join(','), s.steps.length, s.revision],
        }),
      ),
    );
  scenario
    .command('show <id>')
    .description('A scenario: its triggers, steps and reporters')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printRecord(io, g, await c.request('GET', `/api/projects/${projectOf(io, g)}/scenarios/${enc(id)}`)),
      ),
    );
  scenario
    .command('save <file>')
    .description('Create or replace a scenario from a JSON file')
    .action(async (file: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const body = JSON.parse(readFileSync(file, 'utf8')) as { id: string };
        const project = projectOf(io, g);
        const exists = await c.request('GET', `/api/projects/${project}/scenarios/${enc(body.id)}`).then(
          () => true,
          (e: LlanoError) => (e.status === 404 ? false : Promise.reject(e)),
        );
        const saved = exists
          ? await c.request('PUT', `/api/projects/${project}/scenarios/${enc(body.id)}`, body)
          : await c.request('POST', `/api/projects/${project}/scenarios`, body);
        if (g.json) printRecord(io, g, saved as Record<string, unknown>);
        else {
          io.out(`${exists ? 'Updated' : 'Created'} scenario ${body.id}\n`);
          printRevealed(io, (saved as { revealedSecrets?: Revealed[] }).revealedSecrets ?? []);
        }
      }),
    );
  scenario
    .command('rotate-secret <id>')
    .description("Replace a webhook reporter's signing secret; prints the new one (shown this once)")
    .option('--reporter <where>', 'which reporter, e.g. reporters[0] or steps[2].reporter (when there are several)')
    .action(async (id: string, opts: { reporter?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const rotated = await c.request<Revealed & { revision: number }>(
          'POST',
          `/api/projects/${projectOf(io, g)}/scenarios/${enc(id)}/rotate-secret`,
          opts.reporter ? { reporter: opts.reporter } : {},
        );
        if (g.json) printRecord(io, g, rotated as unknown as Record<string, unknown>);
        else printRevealed(io, [rotated]);
      }),
    );
  scenario
    .command('run <id>')
    .description('Run a scenario now; waits for the outcome unless --no-wait')
    .option('--no-wait', 'print the run id at once')
    .action(async (id: string, opts: { wait: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const project = projectOf(io, g);
        const { runId } = await c.request<{ runId: string }>(
          'POST',
          `/api/projects/${project}/scenarios/${enc(id)}/run`,
        );
        if (!opts.wait) return printRecord(io, g, { runId });
        const run = await followRun(c, project, runId);
        if (g.json) printRecord(io, g, run as unknown as Record<string, unknown>);
        else printRun(io, run);
        if (run.outcome === 'FAILED' || run.outcome === 'ABORTED')
          throw new LlanoError('run_failed', 1, `Run ${run.outcome}${run.error ? `: ${run.error}` : ''}`);
      }),
    );
  scenario
    .command('runs <id>')
    .description('Recent runs of a scenario')
    .option('--limit <n>', 'how many', '20')
    .action(async (id: string, opts: { limit: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(
          io,
          g,
          await c.request(
            'GET',
            `/api/projects/${projectOf(io, g)}/scenarios/${enc(id)}/runs?limit=${enc(opts.limit)}`,
          ),
          {
            columns: ['id', 'outcome', 'cause', 'started', 'ms', 'error'],
            rows: (r: Run) => [r.id, r.outcome, r.cause, r.startedAt, r.durationMs, r.error],
          },
        ),
      ),
    );
  scenario
    .command('abort <runId>')
    .description('Abort a running scenario run')
    .action(async (runId: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const run = await c.request<Run>('POST', `/api/projects/${projectOf(io, g)}/scenario-runs/${enc(runId)}/abort`);
        if (g.json) printRecord(io, g, run as unknown as Record<string, unknown>);
        else printRun(io, run);
      }),
    );

  const checks = program.command('checks').description('Data-quality checks (--project KEY)');
  checks
    .command('save <dataset> <file>')
    .description(
      'Replace the metric settings and checks of a dataset from a JSON file (refused when they name a column or metric the dataset lacks)',
    )
    .action(async (dataset: string, file: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const body = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        const saved = await c.request<{ checks: unknown[] }>(
          'PUT',
          `/api/projects/${projectOf(io, g)}/datasets/${enc(dataset)}/checks`,
          body,
        );
        if (g.json) return printRecord(io, g, saved);
        io.out(`Saved ${saved.checks.length} check(s) of ${dataset}\n`);
      }),
    );
  checks
    .command('run <dataset>')
    .description('Run the checks of a dataset on its current version')
    .action(async (dataset: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const r = await c.request<{ outcome: string; results: { check: string; outcome: string; message: string }[] }>(
          'POST',
          `/api/projects/${projectOf(io, g)}/datasets/${enc(dataset)}/checks/run`,
        );
        if (g.json) return printRecord(io, g, r);
        io.out(`Checks of ${dataset}: ${r.outcome}\n`);
        if (r.results.length)
          io.out(
            formatTable(
              ['check', 'outcome', 'message'],
              r.results.map((x) => [x.check, x.outcome, x.message]),
            ),
          );
        if (r.outcome === 'ERROR')
          throw new LlanoError(
            'checks_failed',
            1,
            `${r.results.filter((x) => x.outcome === 'ERROR').length} check(s) failed`,
          );
      }),
    );

  program
    .command('metrics')
    .description('Dataset metrics (--project KEY)')
    .command('show <dataset>')
    .description('The latest metrics of a dataset (--compute to compute them now)')
    .option('--compute', 'compute the metrics of the current version first')
    .action(async (dataset: string, opts: { compute?: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const base = `/api/projects/${projectOf(io, g)}/datasets/${enc(dataset)}/metrics`;
        if (opts.compute) await c.request('POST', `${base}/compute`);
        const history = await c.request<{ computedAt: string; origin: string; metrics: Record<string, unknown> }[]>(
          'GET',
          `${base}?limit=1`,
        );
        if (g.json) return printRecord(io, g, history[0] ?? {});
        if (!history.length) return io.out(`No metrics for ${dataset} yet (use --compute)\n`);
        io.out(`Metrics of ${dataset} at ${history[0].computedAt} (${history[0].origin})\n`);
        io.out(formatTable(['metric', 'value'], Object.entries(history[0].metrics)));
      }),
    );
};
