import type { Command } from 'commander';
import type { User } from '../../catalog/user-types.js';
import { badRequest } from '../../common/errors.js';
import { HttpClient } from '../client.js';
import { enc, globals, print, printRecord, withClient } from '../command-kit.js';
import type { CliIo } from '../io.js';
import { readLogin, removeLogin, saveLogin } from '../login-config.js';
import { serverUrl } from '../server-url.js';
import type { CommandModule } from './index.js';
import { confirmDeletion, YES_OPTION } from '../confirm-deletion.js';

/** Asks twice on the terminal, without echo; scripts use --password-stdin. */
async function askNewPassword(io: CliIo, username: string): Promise<string> {
  const first = await io.promptSecret(`New password for ${username}: `);
  if (first === null) throw badRequest('Standard input is not a terminal: pass the password with --password-stdin');
  if ((await io.promptSecret('Again: ')) !== first) throw badRequest('The two passwords differ');
  return first;
}

const firstLine = (text: string) => text.split(/\r?\n/)[0];

/** A new password: the first line of standard input with --password-stdin, else asked twice on the terminal. */
async function newPassword(io: CliIo, username: string, fromStdin: boolean | undefined): Promise<string> {
  return fromStdin ? firstLine(await io.readStdin()) : askNewPassword(io, username);
}

/** The password from the first line of standard input, or asked once on the terminal. */
async function readPassword(io: CliIo, fromStdin: boolean | undefined, question: string): Promise<string> {
  if (fromStdin) return firstLine(await io.readStdin());
  const answer = await io.promptSecret(question);
  if (answer === null) throw badRequest('Standard input is not a terminal: pass the password with --password-stdin');
  return answer;
}

const userRow = (u: User) => [
  u.username,
  u.displayName,
  u.isAdmin ? 'admin' : 'user',
  u.disabled ? 'disabled' : 'enabled',
  u.createdAt,
];

/** `llano login`, `llano logout`, `llano user …` (API keys: `llano api-key …`, in access.ts). */
export const userCommands: CommandModule = (program, io) => {
  program
    .command('login [url]')
    .description(
      'Log in to a Llano server and remember it (and the token) in ~/.config/llano/config.json, readable only by you: later commands need no --url or --token',
    )
    .option('--user <name>', 'log in with this user and a password (asked, or --password-stdin)')
    .option('--password-stdin', 'read the password from standard input (its first line)')
    .action(async (urlArg: string | undefined, opts: { user?: string; passwordStdin?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const typed = urlArg ?? g.url ?? io.env.LLANO_URL ?? readLogin(io.env)?.url;
      if (!typed) throw badRequest('Name the server: llano login https://llano.example.org --user NAME');
      const url = serverUrl(typed);
      let token = g.token ?? io.env.LLANO_TOKEN;
      let username: string;
      if (opts.user) {
        const password = await readPassword(io, opts.passwordStdin, `Password for ${opts.user} on ${url}: `);
        const answer = await new HttpClient(url, undefined).request<{ token: string; user: User }>(
          'POST',
          '/api/auth/login',
          { username: opts.user, password },
        );
        token = answer.token;
        username = answer.user.username;
      } else {
        if (!token) throw badRequest('Give --user NAME (a password is asked), or --token with an API key to remember');
        username = (await new HttpClient(url, token).request<{ username: string }>('GET', '/api/auth/me')).username;
      }
      const file = saveLogin(io.env, { url, token, username });
      io.out(`Logged in to ${url} as ${username} (saved in ${file})\n`);
    });

  program
    .command('logout')
    .description('End the saved session on the server and forget the saved login')
    .action(async () => {
      const saved = readLogin(io.env);
      if (!saved) {
        io.out('Not logged in\n');
        return;
      }
      // A session ends on the server; an API key stays valid (revoke it with `llano api-key revoke`).
      await new HttpClient(saved.url, saved.token).request('POST', '/api/auth/logout').catch(() => undefined);
      removeLogin(io.env);
      io.out(`Logged out of ${saved.url}\n`);
    });

  const user = program.command('user').description('Users (global admin)');
  user
    .command('create <username>')
    .description('Create a user; the password is asked on the terminal (twice), or read with --password-stdin')
    .option('--password-stdin', 'read the password from standard input (its first line)')
    .option('--password <password>', 'at least 8 characters (seen in shell history and ps: prefer --password-stdin)')
    .option('--admin', 'make a global admin')
    .option('--email <email>', 'their e-mail address')
    .action(
      async (
        username: string,
        opts: { password?: string; passwordStdin?: boolean; admin?: boolean; email?: string },
        cmd: Command,
      ) => {
        const password = opts.password ?? (await newPassword(io, username, opts.passwordStdin));
        await withClient(io, cmd, async (c, g) =>
          printRecord(
            io,
            g,
            await c.request('POST', '/api/users', {
              username,
              password,
              isAdmin: Boolean(opts.admin),
              email: opts.email,
            }),
          ),
        );
      },
    );
  user
    .command('list')
    .description('Users with their role and status')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', '/api/users'), {
          columns: ['username', 'name', 'role', 'status', 'created'],
          rows: userRow,
        }),
      ),
    );
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${name} <username>`)
      .description(
        disabled
          ? 'Disable a user: they can no longer log in, their sessions end and their API keys are revoked'
          : 'Enable a disabled user again (they log in anew and create new API keys)',
      )
      .action(async (username: string, _o, cmd: Command) =>
        withClient(io, cmd, async (c, g) => {
          const u = await c.request<User & { sessionsEnded: number; apiKeysRevoked: number }>(
            'PATCH',
            `/api/users/${enc(username)}`,
            { disabled },
          );
          if (g.json) return printRecord(io, g, u as unknown as Record<string, unknown>);
          io.out(
            disabled
              ? `Disabled ${username}: ${u.sessionsEnded} session(s) ended, ${u.apiKeysRevoked} API key(s) revoked\n`
              : `Enabled ${username}\n`,
          );
        }),
      );
  }
  user
    .command('delete <username>')
    .description('Delete a user with their sessions, API keys and project memberships')
    .option(...YES_OPTION)
    .action(async (username: string, opts: { yes?: boolean }, cmd: Command) => {
      await confirmDeletion(io, 'user', username, opts.yes);
      return withClient(io, cmd, async (c) => {
        await c.request('DELETE', `/api/users/${enc(username)}`);
        io.out(`Deleted user ${username}\n`);
      });
    });
  user
    .command('set-password <username>')
    .description(
      "Set a user's password and end their sessions. Without --url (or a saved login) it works on the local workspace with no login (whoever owns its files), e.g. to recover admin",
    )
    .option(
      '--password-stdin',
      'read the password from standard input (its first line) instead of asking on the terminal',
    )
    .action(async (username: string, opts: { passwordStdin?: boolean }, cmd: Command) => {
      const password = await newPassword(io, username, opts.passwordStdin);
      await withClient(
        io,
        cmd,
        async (c) => {
          await c.request('PUT', `/api/users/${enc(username)}/password`, { password });
          io.out(`Set the password of ${username}; their sessions are ended\n`);
        },
        { replacesAdminPassword: username === 'admin' },
      );
    });
};
