import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWording } from '../src/cli/error-wording.js';
import { llano } from './support/cli.js';
import { parseJson } from './support/http.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './support/llano-server.js';

const CSV = 'antenna,band,trec\nDA41,3,35.5\nDA42,3,36.1\n';

describe('llano login, users and API keys from the CLI', () => {
  let s: TestServer;
  let dir: string;
  /** Only where `llano login` keeps its file: no --url, no --token. */
  let env: NodeJS.ProcessEnv;
  let configFile: string;

  beforeAll(async () => {
    s = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-cli-login-'));
    env = { XDG_CONFIG_HOME: path.join(dir, 'config') };
    configFile = path.join(dir, 'config', 'llano', 'config.json');
  });
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('login saves the server and a token readable only by the user; later commands need neither', async () => {
    const wrong = await llano(['login', s.url, '--user', 'admin', '--password-stdin'], env, dir, 'not-it\n');
    expect(wrong.err).toBe('error: Invalid username or password\n');
    expect(existsSync(configFile)).toBe(false);
    const r = await llano(['login', s.url, '--user', 'admin', '--password-stdin'], env, dir, ADMIN_PASSWORD + '\n');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`Logged in to ${s.url} as admin (saved in ${configFile})\n`);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    const saved = parseJson<{ url: string; token: string }>(readFileSync(configFile, 'utf8'));
    expect(saved.url).toBe(s.url);
    expect(saved.token).toMatch(/^lls_/);
    const created = await llano(['project', 'create', 'LOGGED'], env, dir);
    expect(created.code, created.err).toBe(0);
    expect(
      (await s.ws.catalog.projects.list({ userId: '', username: 'admin', isAdmin: true, via: 'local' })).map(
        (p) => p.key,
      ),
    ).toContain('LOGGED');
  });

  it('login takes this machine without a scheme (http); another host needs the full URL', async () => {
    const other = { XDG_CONFIG_HOME: path.join(dir, 'schemeless') };
    const bare = s.url.replace(/^http:\/\//, '');
    expect(bare).toMatch(/^(localhost|127\.0\.0\.1):\d+$/);
    const r = await llano(['login', bare, '--user', 'admin', '--password-stdin'], other, dir, ADMIN_PASSWORD + '\n');
    expect(r.out, r.err).toMatch(new RegExp(`^Logged in to ${s.url} as admin`));
    expect((await llano(['--url', bare, 'project', 'list'], other, dir)).out).toMatch(/^LOGGED\b/m);
    expect((await llano(['login', 'llano.example.org:8443', '--user', 'admin'], other, dir)).err).toBe(
      'error: Not a server URL: "llano.example.org:8443": give the full URL, e.g. https://host:port\n',
    );
  });

  it('manages users: list with role and status, disable, enable, delete', async () => {
    expect((await llano(['user', 'create', 'ana', '--password', 'password-ana'], env, dir)).code).toBe(0);
    const ana = await s.login('ana', 'password-ana');
    const disabled = await llano(['user', 'disable', 'ana'], env, dir);
    expect(disabled.out).toBe('Disabled ana: 1 session(s) ended, 0 API key(s) revoked\n');
    expect((await s.call('GET', '/api/projects', { token: ana })).status).toBe(401);
    const list = await llano(['user', 'list'], env, dir);
    expect(list.out).toMatch(/^admin\s+Administrator\s+admin\s+enabled/m);
    expect(list.out).toMatch(/^ana\s+user\s+disabled/m);
    const refused = await llano(
      ['login', s.url, '--user', 'ana', '--password-stdin'],
      {
        XDG_CONFIG_HOME: path.join(dir, 'other'),
      },
      dir,
      'password-ana\n',
    );
    expect(refused.err).toBe('error: User ana is disabled: ask a Llano administrator to enable it again\n');
    expect((await llano(['user', 'enable', 'ana'], env, dir)).out).toBe('Enabled ana\n');
    const last = await llano(['user', 'disable', 'admin'], env, dir);
    expect(last.code).toBe(1);
    expect(last.err).toMatch(/last enabled global admin/);
    const noTerminal = await llano(['user', 'create', 'carol'], env, dir);
    expect(noTerminal.err).toBe('error: Standard input is not a terminal: pass the password with --password-stdin\n');
    const fromStdin = await llano(
      ['user', 'create', 'carol', '--password-stdin'],
      env,
      dir,
      'password-carol\nignored\n',
    );
    expect(fromStdin.code, fromStdin.err).toBe(0);
    expect(
      (await s.call('POST', '/api/auth/login', { body: { username: 'carol', password: 'password-carol' } })).status,
    ).toBe(200);
    expect((await llano(['user', 'delete', 'ana', '--yes'], env, dir)).out).toBe('Deleted user ana\n');
    expect((await llano(['user', 'delete', 'ana', '--yes'], env, dir)).err).toBe('error: User ana not found\n');
  });

  it('lists and revokes API keys', async () => {
    const created = parseJson<{ id: string; key: string }>(
      (await llano(['--json', 'api-key', 'create', 'ci'], env, dir)).out,
    );
    const list = await llano(['api-key', 'list'], env, dir);
    expect(list.out).toMatch(new RegExp(`^${created.id}\\s+admin\\s+ci\\s+${created.key.slice(0, 10)}…`, 'm'));
    expect((await llano(['--json', 'api-key', 'list', '--all'], env, dir)).out).toContain(created.id);
    expect((await s.call('GET', '/api/auth/me', { token: created.key })).status).toBe(200);
    // --user narrows --all to one user's keys.
    expect((await llano(['user', 'create', 'wendy', '--password-stdin'], env, dir, 'password-wendy\n')).code).toBe(0);
    const wendys = (
      await s.call<{ id: string }>('POST', '/api/api-keys', {
        token: await s.login('wendy', 'password-wendy'),
        body: { name: 'wendy-ci' },
      })
    ).body;
    const ids = async (args: string[]) =>
      parseJson<{ id: string }[]>((await llano(['--json', 'api-key', 'list', ...args], env, dir)).out).map((k) => k.id);
    expect(await ids(['--all', '--user', 'wendy'])).toEqual([wendys.id]);
    expect(await ids(['--user', 'wendy', '--all'])).toEqual([wendys.id]);
    expect(await ids(['--all', '--user', 'admin'])).not.toContain(wendys.id);
    expect(await ids(['--all'])).toEqual(expect.arrayContaining([wendys.id, created.id]));
    expect((await llano(['api-key', 'revoke', created.id], env, dir)).out).toBe(`Revoked API key ${created.id}\n`);
    expect((await s.call('GET', '/api/auth/me', { token: created.key })).status).toBe(401);
    expect((await llano(['api-key', 'revoke', created.id], env, dir)).err).toBe(
      `error: API key ${created.id} not found\n`,
    );
  });

  it('has one API key command, api-key, as the README says; the old apikey still works, out of --help', async () => {
    const help = (await llano(['--help'], env, dir)).out;
    expect(help).toMatch(/^ {2}api-key /m);
    expect(help).not.toMatch(/^ {2}apikey/m);
    const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
    expect(readme).toMatch(/^llano api-key list/m);
    expect(readme).not.toMatch(/llano apikey/);
    // Old scripts: `apikey create / list --all / delete` keep working, on the same keys.
    const old = parseJson<{ id: string }>((await llano(['--json', 'apikey', 'create', 'old-script'], env, dir)).out);
    expect((await llano(['--json', 'api-key', 'list', '--all'], env, dir)).out).toContain(old.id);
    expect((await llano(['apikey', 'list', '--all'], env, dir)).out).toContain(old.id);
    expect((await llano(['apikey', 'delete', old.id], env, dir)).out).toBe(`Revoked API key ${old.id}\n`);
  });

  it('member set takes -p like every other command (and the project first, as before)', async () => {
    expect((await llano(['user', 'create', 'bob', '--password', 'password-bob'], env, dir)).code).toBe(0);
    const withFlag = await llano(['-p', 'LOGGED', 'member', 'set', 'bob', 'writer'], env, dir);
    expect(withFlag.code, withFlag.err).toBe(0);
    expect((await llano(['-p', 'LOGGED', 'member', 'list'], env, dir)).out).toMatch(/^bob\s+writer$/m);
    expect((await llano(['member', 'set', 'LOGGED', 'bob', 'reader'], env, dir)).code).toBe(0);
    expect((await llano(['member', 'list', 'LOGGED'], env, dir)).out).toMatch(/^bob\s+reader$/m);
    expect((await llano(['member', 'set', 'bob', 'reader'], env, dir)).err).toMatch(/--project/);
    expect((await llano(['-p', 'LOGGED', 'member', 'remove', 'bob'], env, dir)).out).toBe('Removed bob from LOGGED\n');
  });

  it('names the option, not the query string, when the server refuses one', async () => {
    const file = path.join(dir, 'trec.csv');
    writeFileSync(file, CSV);
    expect((await llano(['-p', 'LOGGED', 'dataset', 'import', 'trec', file], env, dir)).code).toBe(0);
    const head = await llano(['-p', 'LOGGED', 'dataset', 'head', 'trec', '-n', 'many'], env, dir);
    expect(head.code).toBe(1);
    expect(head.err).toMatch(/^error: --limit: /);
    expect(head.err).not.toMatch(/query/i);
    // Descending: `trec:desc` (the form --help shows) or `--sort=-trec`; `--sort -trec` would read -t as an option.
    for (const sort of [['--sort', 'trec:desc'], ['--sort=-trec']]) {
      const sorted = await llano(['-p', 'LOGGED', 'dataset', 'head', 'trec', ...sort], env, dir);
      expect(sorted.out, sorted.err).toMatch(/DA42[^\n]*36\.1\n[^\n]*DA41/);
    }
    expect((await llano(['dataset', 'head', '--help'], env, dir)).out).toMatch(
      /--sort <columns>\s+comma-separated; descending with :desc, e\.g\.\s+trec_x:desc/,
    );
    const download = await llano(['-p', 'LOGGED', 'dataset', 'download', 'trec', '--format', 'xml'], env, dir);
    expect(download.err).toMatch(/^error: --format: /);
    expect(cliWording('Invalid query: timeColumn: Required; limit: Too big')).toBe(
      '--time-column: Required; --limit: Too big',
    );
    expect(cliWording('Invalid recipe: sql: Required')).toBe('Invalid recipe: sql: Required');
  });

  it('logout ends the session and forgets it; without credentials the error says how to authenticate', async () => {
    const token = parseJson<{ token: string }>(readFileSync(configFile, 'utf8')).token;
    expect((await llano(['logout'], env, dir)).out).toBe(`Logged out of ${s.url}\n`);
    expect(existsSync(configFile)).toBe(false);
    expect((await s.call('GET', '/api/auth/me', { token })).status).toBe(401);
    expect((await llano(['logout'], env, dir)).out).toBe('Not logged in\n');
    const anon = await llano(['project', 'list'], { ...env, LLANO_URL: s.url }, dir);
    expect(anon.code).toBe(1);
    expect(anon.err).toMatch(/^error: Authentication required: log in \(`llano login`.*--token.*Authorization: Bearer/);
    const revoked = await llano(['project', 'list'], { ...env, LLANO_URL: s.url, LLANO_TOKEN: token }, dir);
    expect(revoked.err).toMatch(/^error: The token is not valid/);
  });
});
