import { startScheduler, stopScheduler } from '../../automation/scheduler.js';
import { loadConfig } from '../../common/config.js';
import { buildServer } from '../../server/app.js';
import { bootstrapWorkspace } from '../../workspace/bootstrap.js';
import { Workspace } from '../../workspace/workspace.js';
import type { CommandModule } from './index.js';

/** Loaded lazily so that `llano serve` without --demo does not pull in the simulator. */
async function loadDemo(ws: Workspace, log: (s: string) => void): Promise<void> {
  const { ensureDemo } = await import('../../alma/demo.js');
  await ensureDemo(ws, log);
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
    .action(async (opts: { port?: string; host?: string; demo?: boolean; log?: boolean }, cmd) => {
      const g = cmd.optsWithGlobals() as { home?: string };
      const config = loadConfig({ ...(opts.port ? { port: Number(opts.port) } : {}), ...(opts.host ? { host: opts.host } : {}), ...(g.home ? { home: g.home } : {}) }, io.env, io.cwd);
      const ws = await Workspace.open(config);
      const boot = await bootstrapWorkspace(ws);
      if (boot.interruptedJobs) io.out(`Marked ${boot.interruptedJobs} interrupted job(s) as failed\n`);
      if (opts.demo) await loadDemo(ws, (s) => io.out(s + '\n'));
      const app = await buildServer(ws, { logger: Boolean(opts.log) });
      const address = await app.listen({ port: config.port, host: config.host });
      const scheduler = await startScheduler(ws);
      // Listening on every interface: people open it as localhost.
      const port = new URL(address).port;
      const url = config.publicUrl ?? (['0.0.0.0', '::'].includes(config.host) ? `http://localhost:${port}` : address);
      io.out(`Llano is running at ${url}\nWorkspace: ${config.home}\n`);
      if (boot.adminPassword) io.out(`First start: log in as admin with password ${boot.adminPassword}\n(shown once; set LLANO_ADMIN_PASSWORD to choose it)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.out('Stopping…\n');
      await stopScheduler(scheduler);
      await app.close();
      await ws.close();
    });
};
