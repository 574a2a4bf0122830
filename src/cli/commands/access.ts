import type { Command } from 'commander';
import type { Group } from '../../catalog/group-types.js';
import type { ApiKeyInfo } from '../../catalog/user-types.js';
import { badRequest } from '../../common/errors.js';
import { enc, globals, print, printRecord, projectOf, withClient } from '../command-kit.js';
import type { CommandModule } from './index.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

const keyRow = (k: ApiKeyInfo) => [
  k.id,
  k.username,
  k.name,
  `${k.prefix}…`,
  k.project ? `${k.project}:${k.role}` : 'personal',
  k.scopes.join(','),
  k.expiresAt ?? 'never',
  k.lastUsedAt ?? 'never',
];
const KEY_COLUMNS = ['id', 'user', 'name', 'prefix', 'acts as', 'scopes', 'expires', 'last used'];

/** `llano group …`, `llano project grant …`, `llano api-key …` (groups, fine rights, scoped API keys). */
export const accessCommands: CommandModule = (program, io) => {
  const group = program.command('group').description('Groups of users (global admins change them)');
  group
    .command('create <name>')
    .description('Create a group')
    .option('--member <user>', 'a member (repeat for more)', collect)
    .option('--description <text>')
    .action(async (name: string, opts: { member?: string[]; description?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printRecord(
          io,
          g,
          await c.request('POST', '/api/groups', { name, members: opts.member ?? [], description: opts.description }),
        ),
      ),
    );
  group
    .command('list')
    .description('Groups and their members')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request<Group[]>('GET', '/api/groups'), {
          columns: ['group', 'members', 'description'],
          rows: (x: Group) => [x.name, x.members.join(', '), x.description],
        }),
      ),
    );
  const changeMembers = (name: string, change: (members: string[]) => string[], cmd: Command) =>
    withClient(io, cmd, async (c, g) => {
      const current = await c.request<Group>('GET', `/api/groups/${enc(name)}`);
      printRecord(io, g, await c.request('PUT', `/api/groups/${enc(name)}`, { members: change(current.members) }));
    });
  group
    .command('add <name> <user>')
    .description('Add a user to a group')
    .action(async (name: string, user: string, _o, cmd: Command) =>
      changeMembers(name, (m) => [...new Set([...m, user])], cmd),
    );
  group
    .command('remove <name> <user>')
    .description('Remove a user from a group')
    .action(async (name: string, user: string, _o, cmd: Command) =>
      changeMembers(name, (m) => m.filter((u) => u !== user), cmd),
    );
  group
    .command('delete <name>')
    .description('Delete a group with its memberships and project roles')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c) => {
        await c.request('DELETE', `/api/groups/${enc(name)}`);
        io.out(`Deleted group ${name}\n`);
      }),
    );

  const project = program.commands.find((c) => c.name() === 'project');
  if (!project) throw new Error('accessCommands must come after projectCommands');
  project
    .command('grant <key> <who>')
    .description('Give a user, or a group (group:NAME), a role and fine rights in a project')
    .requiredOption('--role <role>', 'reader, writer or admin')
    .option('--right <right>', 'run-scenarios, export-data or manage-dashboards (repeat for more)', collect)
    .action(async (key: string, who: string, opts: { role: string; right?: string[] }, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printRecord(
          io,
          g,
          await c.request('PUT', `/api/projects/${enc(key)}/members/${enc(who)}`, {
            role: opts.role,
            rights: opts.right ?? [],
          }),
        ),
      ),
    );

  addApiKeyCommands(
    program
      .command('api-key')
      .description("API keys: personal (acting as you; a global admin: anyone's), or of the project -p with --role"),
    io,
  );
  // `apikey` was a second group for the personal keys: kept working for old scripts, out of --help.
  addApiKeyCommands(program.command('apikey', { hidden: true }).description('Same as api-key'), io);
};

/** `create`, `list` and `revoke` of API keys, under `api-key` (and its hidden old spelling `apikey`). */
function addApiKeyCommands(group: Command, io: Parameters<CommandModule>[1]): void {
  group
    .command('create <name>')
    .description('Create an API key; its secret is printed once')
    .option('--scope <scope>', 'read, write, run or admin (repeat; default: all, or those of --role)', collect)
    .option('--expires-days <days>', 'the key stops working after this many days')
    .option('--role <role>', 'a project key of the project -p KEY, acting with this role there only')
    .action(async (name: string, opts: { scope?: string[]; expiresDays?: string; role?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const days = opts.expiresDays === undefined ? undefined : Number(opts.expiresDays);
        if (days !== undefined && !Number.isInteger(days)) throw badRequest('--expires-days: a whole number of days');
        const body = { name, scopes: opts.scope, expiresInDays: days };
        const url = opts.role ? `/api/projects/${projectOf(io, g)}/api-keys` : '/api/api-keys';
        printRecord(io, g, await c.request('POST', url, opts.role ? { ...body, role: opts.role } : body));
      }),
    );
  group
    .command('list')
    .description('Your API keys, or with --project-keys those of the project -p KEY (never the secret)')
    .option('--project-keys', 'the keys of the project named by -p')
    .option('--user <name>', "another user's keys (global admin)")
    .option('--all', "everyone's keys (global admin)")
    .action(async (opts: { projectKeys?: boolean; user?: string; all?: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const q = new URLSearchParams({
          ...(opts.user ? { user: opts.user } : {}),
          ...(opts.all ? { all: 'true' } : {}),
        });
        const url = opts.projectKeys
          ? `/api/projects/${projectOf(io, g)}/api-keys`
          : `/api/api-keys${q.size ? `?${q}` : ''}`;
        print(io, g, await c.request<ApiKeyInfo[]>('GET', url), { columns: KEY_COLUMNS, rows: keyRow });
      }),
    );
  group
    .command('revoke <id>')
    .alias('delete')
    .description('Revoke an API key, its id from `llano api-key list` (with --project-key: one of the project -p KEY)')
    .option('--project-key', 'a key of the project named by -p')
    .action(async (id: string, opts: { projectKey?: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c) => {
        const g = globals(cmd);
        const url = opts.projectKey ? `/api/projects/${projectOf(io, g)}/api-keys` : '/api/api-keys';
        await c.request('DELETE', `${url}/${enc(id)}`);
        io.out(`Revoked API key ${id}\n`);
      }),
    );
}
