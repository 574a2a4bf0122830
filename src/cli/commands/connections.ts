import type { Command } from 'commander';
import { badRequest } from '../../common/errors.js';
import { collect, enc, print, printRecord, projectOf, withClient } from '../command-kit.js';
import { settingsFromFlags, type ConnectionTypeListed } from './connection-settings.js';
import type { CommandModule } from './index.js';

interface ConnectionTestResult {
  name: string;
  type: string;
  ok: boolean;
  message: string;
  durationMs: number;
}

/** `llano connection …`: the types, and a project's connections: list, create, show, test, delete. */
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

  connection
    .command('types')
    .description('Connection types and their settings')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', '/api/connection-types'), {
          columns: ['type', 'label', 'settings', 'secrets', 'admin only'],
          rows: (t: ConnectionTypeListed) => [
            t.type,
            t.label,
            Object.keys(t.settings.properties ?? {}).join(', '),
            t.secrets.join(', '),
            t.adminOnly ? 'yes' : '',
          ],
        }),
      ),
    );

  connection
    .command('create <name>')
    .description('Create or replace a connection (project admin; folder connections: global admin)')
    .requiredOption('--type <type>', 'filesystem, postgres, sqlite … (see `connection types`)')
    .option('--set <key=value>', 'a setting, repeatable, e.g. --set host=db.example --set port=5432', collect)
    .option('--secret-stdin <key>', 'read this secret setting (e.g. password) from standard input')
    .option('--description <text>')
    .action(
      async (
        name: string,
        o: { type: string; set?: string[]; secretStdin?: string; description?: string },
        cmd: Command,
      ) =>
        withClient(io, cmd, async (c, g) => {
          const types = await c.request<ConnectionTypeListed[]>('GET', '/api/connection-types');
          const type = types.find((t) => t.type === o.type);
          if (!type)
            throw badRequest(`--type: expected one of ${types.map((t) => t.type).join(', ')}, not "${o.type}"`);
          const settings = settingsFromFlags(type, o.set ?? []);
          if (o.secretStdin) {
            if (!type.secrets.includes(o.secretStdin))
              throw badRequest(
                `--secret-stdin ${o.secretStdin}: the secrets of ${type.type} are ${type.secrets.join(', ')}`,
              );
            settings[o.secretStdin] = (await io.readStdin()).replace(/\r?\n$/, '');
          }
          const body = { name, type: type.type, ...(o.description ? { description: o.description } : {}), ...settings };
          const saved = await c.request('POST', `/api/projects/${projectOf(io, g)}/connections`, body);
          if (g.json) printRecord(io, g, saved as Record<string, unknown>);
          else io.out(`Saved connection ${name} (${type.type}); check it with: llano connection test ${name}\n`);
        }),
    );

  connection
    .command('show <name>')
    .description('One connection (secrets redacted)')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printRecord(
          io,
          g,
          await c.request<Record<string, unknown>>('GET', `/api/projects/${projectOf(io, g)}/connections/${enc(name)}`),
        ),
      ),
    );

  connection
    .command('delete <name>')
    .description('Delete a connection (refused while datasets read through it)')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        await c.request('DELETE', `/api/projects/${projectOf(io, g)}/connections/${enc(name)}`);
        if (!g.json) io.out(`Deleted connection ${name}\n`);
      }),
    );
};
