import type { Command } from 'commander';
import { badRequest } from '../../common/errors.js';
import { enc, print, printRecord, withClient } from '../command-kit.js';
import type { CliIo } from '../io.js';
import type { CommandModule } from './index.js';

interface Project {
  key: string;
  name: string;
  description: string;
  role?: string;
  updatedAt: string;
}

/** Asks twice on the terminal, without echo; scripts use --password-stdin. */
async function askNewPassword(io: CliIo, username: string): Promise<string> {
  const first = await io.promptSecret(`New password for ${username}: `);
  if (first === null) throw badRequest('Standard input is not a terminal: pass the password with --password-stdin');
  if ((await io.promptSecret('Again: ')) !== first) throw badRequest('The two passwords differ');
  return first;
}

/** `llano project …`, `llano member …`, `llano user …`, `llano apikey …`. */
export const projectCommands: CommandModule = (program, io) => {
  const project = program.command('project').description('Projects');
  project
    .command('create <key>')
    .description('Create a project (key like ALMA_OPS)')
    .option('--name <name>')
    .option('--description <text>')
    .action(async (key: string, opts: { name?: string; description?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printRecord(
          io,
          g,
          await c.request('POST', '/api/projects', { key, name: opts.name, description: opts.description }),
        ),
      ),
    );
  project
    .command('list')
    .description('Projects you may see')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request<Project[]>('GET', '/api/projects'), {
          columns: ['key', 'name', 'role', 'updated'],
          rows: (p: Project) => [p.key, p.name, p.role, p.updatedAt],
        }),
      ),
    );
  project
    .command('show <key>')
    .action(async (key: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => printRecord(io, g, await c.request('GET', `/api/projects/${enc(key)}`))),
    );
  project
    .command('delete <key>')
    .description('Delete a project and all it holds')
    .action(async (key: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c) => {
        await c.request('DELETE', `/api/projects/${enc(key)}`);
        io.out(`Deleted project ${key}\n`);
      }),
    );

  const member = program.command('member').description('Project members');
  member
    .command('set <project> <user> <role>')
    .description('Give a user a role on a project: reader, writer or admin')
    .action(async (p: string, user: string, role: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printRecord(io, g, await c.request('PUT', `/api/projects/${enc(p)}/members/${enc(user)}`, { role })),
      ),
    );
  member.command('list <project>').action(async (p: string, _o, cmd: Command) =>
    withClient(io, cmd, async (c, g) =>
      print(io, g, await c.request('GET', `/api/projects/${enc(p)}/members`), {
        columns: ['user', 'role'],
        rows: (m: { username: string; role: string }) => [m.username, m.role],
      }),
    ),
  );

  const user = program.command('user').description('Users (global admin)');
  user
    .command('create <username>')
    .requiredOption('--password <password>', 'at least 8 characters')
    .option('--admin', 'make a global admin')
    .option('--email <email>')
    .action(async (username: string, opts: { password: string; admin?: boolean; email?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printRecord(
          io,
          g,
          await c.request('POST', '/api/users', {
            username,
            password: opts.password,
            isAdmin: Boolean(opts.admin),
            email: opts.email,
          }),
        ),
      ),
    );
  user.command('list').action(async (_o, cmd: Command) =>
    withClient(io, cmd, async (c, g) =>
      print(io, g, await c.request('GET', '/api/users'), {
        columns: ['username', 'admin', 'created'],
        rows: (u: { username: string; isAdmin: boolean; createdAt: string }) => [
          u.username,
          u.isAdmin ? 'yes' : '',
          u.createdAt,
        ],
      }),
    ),
  );

  user
    .command('set-password <username>')
    .description(
      "Set a user's password and end their sessions. Without --url it works on the local workspace with no login (whoever owns its files), e.g. to recover admin",
    )
    .option(
      '--password-stdin',
      'read the password from standard input (its first line) instead of asking on the terminal',
    )
    .action(async (username: string, opts: { passwordStdin?: boolean }, cmd: Command) => {
      const password = opts.passwordStdin
        ? (await io.readStdin()).split(/\r?\n/)[0]
        : await askNewPassword(io, username);
      await withClient(io, cmd, async (c) => {
        await c.request('PUT', `/api/users/${enc(username)}/password`, { password });
        io.out(`Set the password of ${username}; their sessions are ended\n`);
      });
    });

  const apikey = program.command('apikey').description('API keys of the calling user');
  apikey
    .command('create <name>')
    .description('Create an API key; its secret is printed once')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => printRecord(io, g, await c.request('POST', '/api/api-keys', { name }))),
    );
};
