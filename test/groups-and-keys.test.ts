import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from './support/api-types.js';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

/**
 * Groups, fine rights and API keys from the allowed side: what each grant lets a caller do (the
 * security matrix checks that nothing more is let through), through the API and the CLI.
 */
describe('groups, fine rights and API keys', () => {
  let s: TestServer;
  let admin: string;
  const P = '/api/projects/GK';
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    s = await startTestServer();
    admin = s.adminToken;
    for (const u of ['ann', 'ben', 'cy'])
      await s.call('POST', '/api/users', { token: admin, body: { username: u, password: `password-${u}` } });
    await s.call('POST', '/api/projects', { token: admin, body: { key: 'GK' } });
    await s.call('POST', '/api/projects', { token: admin, body: { key: 'GK_OTHER' } });
    await s.upload(`${P}/datasets/obs/upload`, 'a,b\n1,2\n', 'obs.csv');
    await s.call('POST', `${P}/scenarios`, { token: admin, body: { id: 'noop', steps: [{ type: 'noop' }] } });
    for (const u of ['ann', 'ben', 'cy']) tokens[u] = await s.login(u, `password-${u}`);
  });
  afterAll(async () => s?.stop());

  it('a user’s project role is the highest of their own and their groups’', async () => {
    const g = await s.call('POST', '/api/groups', { token: admin, body: { name: 'team', members: ['ann', 'ben'] } });
    expect(g.status).toBe(201);
    await s.call('PUT', `${P}/members/ann`, { token: admin, body: { role: 'reader' } });
    const grant = await s.call('PUT', `${P}/members/group:team`, { token: admin, body: { role: 'writer' } });
    expect(grant.body).toEqual({ username: 'group:team', role: 'writer', rights: [], kind: 'group' });
    const role = async (t: string) => (await s.call<{ role?: string }>('GET', P, { token: t })).body.role ?? null;
    expect(await role(tokens.ann)).toBe('writer');
    expect(await role(tokens.ben)).toBe('writer');
    expect((await s.call('GET', P, { token: tokens.cy })).status).toBe(404);
    // Removing ben from the group takes the role away.
    await s.call('PUT', '/api/groups/team', { token: admin, body: { members: ['ann'] } });
    expect((await s.call('GET', P, { token: tokens.ben })).status).toBe(404);
    const members = await s.call<{ username: string; kind: string }[]>('GET', `${P}/members`, { token: admin });
    expect(members.body.map((m) => `${m.kind}:${m.username}`)).toContain('group:group:team');
    expect((await s.call('PUT', `${P}/members/group:nosuch`, { token: admin, body: { role: 'reader' } })).status).toBe(
      404,
    );
    const bad = await s.call<{ error: { message: string } }>('PUT', `${P}/members/ann`, {
      token: admin,
      body: { role: 'reader', rights: ['fly'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/fly.*run-scenarios/);
  });

  it('readers run scenarios and export data only when granted; writers always', async () => {
    await s.call('PUT', `${P}/members/cy`, { token: admin, body: { role: 'reader' } });
    const run = () => s.call('POST', `${P}/scenarios/noop/run`, { token: tokens.cy });
    const download = () => s.call('GET', `${P}/datasets/obs/data?format=csv`, { token: tokens.cy });
    const page = () => s.call('GET', `${P}/datasets/obs/data?limit=1`, { token: tokens.cy });
    expect((await run()).status).toBe(403);
    expect((await download()).status).toBe(403);
    expect((await page()).status).toBe(200);
    // The project says what the caller may do, so the UI hides or disables the rest.
    const rights = async (token: string) =>
      (await s.call<{ rights?: string[] }>('GET', P, { token })).body.rights ?? [];
    expect(await rights(tokens.cy)).toEqual([]);
    await s.call('PUT', `${P}/members/cy`, {
      token: admin,
      body: { role: 'reader', rights: ['run-scenarios', 'export-data'] },
    });
    expect((await rights(tokens.cy)).sort()).toEqual(['export-data', 'run-scenarios']);
    expect((await rights(tokens.ann)).sort()).toEqual(['export-data', 'manage-dashboards', 'run-scenarios']);
    expect((await run()).status).toBe(202);
    const csv = await download();
    expect(csv.status).toBe(200);
    expect(csv.body).toContain('a,b');
    // Still a reader: no writing.
    expect((await s.call('PUT', `${P}/variables`, { token: tokens.cy, body: { x: '1' } })).status).toBe(403);
    // A writer (ann, through her group) needs no grant.
    expect((await s.call('GET', `${P}/datasets/obs/data?format=csv`, { token: tokens.ann })).status).toBe(200);
  });

  it('API keys: scopes narrow the user, expiry and revocation end them, project keys stay in their project', async () => {
    const read = await s.call<{ key: string; scopes: string[] }>('POST', '/api/api-keys', {
      token: tokens.ann,
      body: { name: 'read', scopes: ['read'], expiresInDays: 30 },
    });
    expect(read.status).toBe(201);
    expect(read.body.scopes).toEqual(['read']);
    expect((await s.call('GET', `${P}/datasets/obs`, { token: read.body.key })).status).toBe(200);
    const refused = await s.call<ApiError>('PUT', `${P}/variables`, { token: read.body.key, body: { x: '1' } });
    expect(refused.status).toBe(403);
    // The key limits the caller, not their role: the message names the key's scope.
    const keyWording = 'This API key is limited to reading; this needs writer: use a key with the write scope';
    expect(refused.body.error.message).toBe(keyWording);
    const adminRead = await s.call<{ key: string }>('POST', '/api/api-keys', {
      token: admin,
      body: { name: 'admin-read', scopes: ['read'] },
    });
    const adminRefused = await s.call<ApiError>('PUT', `${P}/variables`, {
      token: adminRead.body.key,
      body: { x: '1' },
    });
    expect([adminRefused.status, adminRefused.body.error.message]).toEqual([403, keyWording]);
    const noRun = await s.call<ApiError>('POST', `${P}/scenarios/noop/run`, { token: read.body.key });
    expect([noRun.status, noRun.body.error.message]).toEqual([
      403,
      'This API key is limited to reading; run-scenarios needs a key with the run scope',
    ]);
    // A key cannot make a key that reaches further than itself.
    const wider = await s.call('POST', '/api/api-keys', {
      token: read.body.key,
      body: { name: 'w', scopes: ['write'] },
    });
    expect(wider.status).toBe(403);

    const project = await s.call<{ id: string; key: string; project: string; role: string }>('POST', `${P}/api-keys`, {
      token: admin,
      body: { name: 'ci', role: 'writer', expiresInDays: 7 },
    });
    expect(project.status).toBe(201);
    expect(project.body).toMatchObject({ project: 'GK', role: 'writer' });
    const key = project.body.key;
    expect((await s.call('PUT', `${P}/variables`, { token: key, body: { x: '2' } })).status).toBe(200);
    expect((await s.call('GET', '/api/projects/GK_OTHER', { token: key })).status).toBe(404);
    expect((await s.call('POST', '/api/projects', { token: key, body: { key: 'NOPE' } })).status).toBe(403);
    const listed = await s.call<{ id: string }[]>('GET', `${P}/api-keys`, { token: admin });
    expect(listed.body.map((k) => k.id)).toContain(project.body.id);
    expect((await s.call('DELETE', `${P}/api-keys/${project.body.id}`, { token: admin })).status).toBe(204);
    expect((await s.call('GET', `${P}/datasets/obs`, { token: key })).status).toBe(401);

    const soon = await s.call<{ id: string; key: string }>('POST', '/api/api-keys', {
      token: tokens.ann,
      body: { name: 'soon', expiresInDays: 1 },
    });
    expect((await s.call('GET', '/api/auth/me', { token: soon.body.key })).status).toBe(200);
    const past = new Date(Date.now() - 1000).toISOString();
    await s.ws.catalog.db.updateTable('api_keys').set({ expires_at: past }).where('id', '=', soon.body.id).execute();
    expect((await s.call('GET', '/api/auth/me', { token: soon.body.key })).status).toBe(401);
    const tooLong = await s.call<{ error: { message: string } }>('POST', '/api/api-keys', {
      token: tokens.ann,
      body: { name: 'x', expiresInDays: 99999 },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/expiresInDays/);
  });

  it('the CLI: llano group, project grant and api-key', async () => {
    const env = { LLANO_URL: s.url, LLANO_TOKEN: admin };
    const ok = async (args: string[]) => {
      const r = await llano(args, env);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
      return r.out;
    };
    await ok(['group', 'create', 'ops', '--member', 'ben']);
    await ok(['group', 'add', 'ops', 'cy']);
    await ok(['group', 'remove', 'ops', 'ben']);
    expect(await ok(['group', 'list'])).toMatch(/ops\s+cy/);
    const granted = await ok([
      '--json',
      'project',
      'grant',
      'GK',
      'group:ops',
      '--role',
      'reader',
      '--right',
      'export-data',
    ]);
    expect(JSON.parse(granted)).toMatchObject({ username: 'group:ops', rights: ['export-data'] });
    const created = JSON.parse(
      await ok(['--json', '-p', 'GK', 'api-key', 'create', 'etl', '--role', 'reader', '--expires-days', '3']),
    ) as { id: string; key: string; scopes: string[] };
    expect(created.scopes).toEqual(['read']);
    expect(await ok(['-p', 'GK', 'api-key', 'list', '--project-keys'])).toContain('GK:reader');
    await ok(['-p', 'GK', 'api-key', 'revoke', created.id, '--project-key']);
    const personal = JSON.parse(await ok(['--json', 'api-key', 'create', 'mine', '--scope', 'read'])) as { id: string };
    expect(await ok(['api-key', 'list'])).toContain('mine');
    await ok(['api-key', 'revoke', personal.id]);
    await ok(['group', 'delete', 'ops']);
    const members = await s.call<{ username: string }[]>('GET', `${P}/members`, { token: admin });
    expect(members.body.map((m) => m.username)).not.toContain('group:ops');
  });
});
