import type { Command } from 'commander';
import { badRequest } from '../../common/errors.js';
import { enc, globals, print, printRecord, projectOf, withClient } from '../command-kit.js';
import type { CliIo } from '../io.js';
import type { CommandModule } from './index.js';
import { confirmDeletion, YES_OPTION } from '../confirm-deletion.js';

interface Project {
  key: string;
  name: string;
  description: string;
  role?: string;
  updatedAt: string;
}

/**
 * A member command's project and its other arguments: `-p KEY user role` like every other
 * command, or the project first (`KEY user role`), as before.
 */
function projectAndArgs(io: CliIo, cmd: Command, args: string[], names: string[]): [string, ...string[]] {
  if (args.length === names.length + 1) return [encodeURIComponent(args[0]), ...args.slice(1)];
  if (args.length !== names.length)
    throw badRequest(`Give ${names.map((n) => `<${n}>`).join(' ')} (and the project with -p KEY)`);
  return [projectOf(io, globals(cmd)), ...args];
}

/** `llano project …`, `llano member …` (users and API keys: users.ts). */
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
    .description('A project and its settings')
    .action(async (key: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => printRecord(io, g, await c.request('GET', `/api/projects/${enc(key)}`))),
    );
  project
    .command('delete <key>')
    .description('Delete a project and all it holds')
    .option(...YES_OPTION)
    .action(async (key: string, opts: { yes?: boolean }, cmd: Command) => {
      await confirmDeletion(io, 'project', key, opts.yes);
      return withClient(io, cmd, async (c) => {
        await c.request('DELETE', `/api/projects/${enc(key)}`);
        io.out(`Deleted project ${key}\n`);
      });
    });

  const member = program.command('member').description('Project members');
  // The older form `member set PROJECT USER ROLE` (project first) still works: one argument more.
  member
    .command('set')
    .argument('<user>', 'user name')
    .argument('<role>', 'reader, writer or admin')
    .allowExcessArguments()
    .description('Give a user a role on the project (-p KEY): reader, writer or admin')
    .action(async (_user: string, _role: string, _o, cmd: Command) => {
      const [p, user, role] = projectAndArgs(io, cmd, cmd.args, ['user', 'role']);
      await withClient(io, cmd, async (c, g) =>
        printRecord(io, g, await c.request('PUT', `/api/projects/${p}/members/${enc(user)}`, { role })),
      );
    });
  member
    .command('remove')
    .argument('<user>', 'user name')
    .allowExcessArguments()
    .description('Take a user off the project (-p KEY)')
    .action(async (_user: string, _o, cmd: Command) => {
      const [p, user] = projectAndArgs(io, cmd, cmd.args, ['user']);
      await withClient(io, cmd, async (c) => {
        await c.request('DELETE', `/api/projects/${p}/members/${enc(user)}`);
        io.out(`Removed ${user} from ${decodeURIComponent(p)}\n`);
      });
    });
  member
    .command('list [project]')
    .description('Members of the project (-p KEY) and their roles')
    .action(async (key: string | undefined, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', `/api/projects/${key ? enc(key) : projectOf(io, g)}/members`), {
          columns: ['user', 'role'],
          rows: (m: { username: string; role: string }) => [m.username, m.role],
        }),
      ),
    );
};
