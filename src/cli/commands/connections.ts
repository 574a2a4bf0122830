import type { Command } from 'commander';
import { badRequest } from '../../common/errors.js';
import { enc, print, printRecord, projectOf, withClient } from '../command-kit.js';
import type { CommandModule } from './index.js';

interface ConnectionTestResult {
  name: string;
  type: string;
  ok: boolean;
  message: string;
  durationMs: number;
}

/** `llano connection …`: list the project's connections, test one. */
export const connectionCommands: CommandModule = (program, io) => {
  const connection = program.command('connection').description('Connections of a project (--project KEY)');

  connection
    .command('list')
    .description('Connections (secrets redacted)')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', `/api/projects/${projectOf(io, g)}/connections`), {
          columns: ['name', 'type', 'description'],
          rows: (x: { name: string; type: string; description?: string }) => [x.name, x.type, x.description ?? null],
        }),
      ),
    );

  connection
    .command('test <name>')
    .description('Reach what the connection points at; exits with 1 when it cannot')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const r = await c.request<ConnectionTestResult>(
          'POST',
          `/api/projects/${projectOf(io, g)}/connections/${enc(name)}/test`,
        );
        if (g.json) printRecord(io, g, r as unknown as Record<string, unknown>);
        if (!r.ok) throw badRequest(`connection ${r.name} (${r.type}) failed its test: ${r.message}`);
        if (!g.json) io.out(`ok: ${r.name} (${r.type}): ${r.message} (${r.durationMs} ms)\n`);
      }),
    );
};
