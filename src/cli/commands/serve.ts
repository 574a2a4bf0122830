import type { Command } from 'commander';
import type { StartedWorkspace } from '../../app/start-workspace.js';
import type { Config } from '../../common/config.js';
import { badRequest } from '../../common/errors.js';
import type { Workspace } from '../../workspace/workspace.js';
import { adminNotice } from '../admin-notice.js';
import type { CliIo } from '../io.js';
import type { CommandModule } from './index.js';

/** Loaded lazily so that `llano serve` without --demo does not pull in the simulator. Resolves to false when the project already exists. */
async function loadDemo(ws: Workspace, log: (s: string) => void, options: { days?: number } = {}): Promise<boolean> {
  const { ensureDemo } = await import('../../alma/demo.js');
  return ensureDemo(ws, log, options);
}

/** Loaded when a command runs, so that `llano --help` does not load the engine, catalog and server. */
async function start(io: CliIo, overrides: Partial<Config>): Promise<{ config: Config; started: StartedWorkspace }> {
  const { loadConfig } = await import('../../common/config.js');
  const { startWorkspace } = await import('../../app/start-workspace.js');
  const config = loadConfig(overrides, io.env, io.cwd);
  return { config, started: await startWorkspace(config) };
}

/** `llano serve`: the HTTP API (and web UI) on one workspace, until SIGINT/SIGTERM. */
export const serveCommands: CommandModule = (program, io) => {
  program
    .command('serve')
    .description('Start the Llano server')
    .option('--port <port>', 'port to listen on (default 8080, or PORT)')
    .option('--host <host>', 'address to listen on (default 0.0.0.0)')
    .option('--demo', 'create the demo project on first start')
    .option('--log', 'log every request')
    .action(async (opts: { port?: string; host?: string; demo?: boolean; log?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<{ home?: string }>();
      const { config, started } = await start(io, {
        ...(opts.port ? { port: Number(opts.port) } : {}),
        ...(opts.host ? { host: opts.host } : {}),
        ...(g.home ? { home: g.home } : {}),
      });
      const { ws, boot } = started;
      if (boot.interruptedJobs) io.out(`Marked ${boot.interruptedJobs} interrupted job(s) as failed\n`);
      if (boot.interruptedImports)
        io.out(`Deleted ${boot.interruptedImports} project(s) whose import was interrupted (import them again)\n`);
      if (opts.demo) await loadDemo(ws, (s) => io.out(s + '\n'));
      const { buildServer } = await import('../../server/app.js');
      const app = await buildServer(ws, { logger: Boolean(opts.log) });
      const address = await app.listen({ port: config.port, host: config.host });
      await started.startScheduler();
      // Listening on every interface: people open it as localhost.
      const port = new URL(address).port;
      const url = config.publicUrl ?? (['0.0.0.0', '::'].includes(config.host) ? `http://localhost:${port}` : address);
      io.out(`Llano is running at ${url}\nWorkspace: ${config.home}\n`);
      const notice = adminNotice(boot);
      if (notice) io.out(notice);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.out('Stopping…\n');
      await started.stopScheduler();
      await app.close();
      await started.close();
    });

  program
    .command('demo')
    .description(
      'Create the demo project ALMA_OPS in the workspace: simulated observatory tables and a built flow (what `serve --demo` does on first start)',
    )
    .option('--days <n>', 'simulated days (default 90)')
    .action(async (opts: { days?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<{ home?: string; url?: string }>();
      if (g.url || io.env.LLANO_URL)
        throw badRequest('llano demo works on a local workspace (--home), not through --url');
      const days = opts.days === undefined ? undefined : Number(opts.days);
      if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 3650))
        throw badRequest('--days: a whole number of days from 1 to 3650');
      const { started } = await start(io, g.home ? { home: g.home } : {});
      const { ws, boot } = started;
      try {
        const notice = adminNotice(boot);
        if (notice) io.out(notice);
        const created = await loadDemo(ws, (s) => io.out(s + '\n'), days === undefined ? {} : { days });
        if (!created) io.out('The demo project ALMA_OPS already exists: nothing to do\n');
      } finally {
        await started.close();
      }
    });
};
