import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { adminNotice } from '../src/cli/admin-notice.js';
import { loadConfig } from '../src/common/config.js';
import { Workspace } from '../src/workspace/workspace.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ApiError, ApiKeyCreated } from './support/api-types.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

interface UserShown {
  username: string;
  isAdmin: boolean;
  disabled: boolean;
}
interface KeyShown {
  id: string;
  username: string;
  name: string;
}

describe.each(['sqlite', 'postgres'])('disabling and deleting users, API keys, %s catalog', (catalog) => {
  let s: TestServer;
  let catalogDb: RunningPostgres | undefined;
  const asAdmin = <T = unknown>(method: string, url: string, body?: unknown) =>
    s.call<T>(method, url, { token: s.adminToken, body });

  beforeAll(async () => {
    if (catalog === 'postgres') catalogDb = await startPostgres();
    s = await startTestServer(catalogDb ? { catalogUrl: catalogDb.url } : {});
    expect((await asAdmin('POST', '/api/projects', { key: 'OPS' })).status).toBe(201);
    for (const u of ['ana', 'bob'])
      expect((await asAdmin('POST', '/api/users', { username: u, password: `password-${u}` })).status).toBe(201);
    await asAdmin('PUT', '/api/projects/OPS/members/ana', { role: 'writer' });
  });
  afterAll(async () => {
    await s?.stop();
    await catalogDb?.stop();
  });

  it('disabling a user revokes their sessions and API keys at once; they cannot log in until enabled', async () => {
    const session = await s.login('ana', 'password-ana');
    const key = (await s.call<ApiKeyCreated>('POST', '/api/api-keys', { token: session, body: { name: 'laptop' } }))
      .body.key;
    expect((await s.call('GET', '/api/projects/OPS', { token: key })).status).toBe(200);

    const reader = await s.login('bob', 'password-bob');
    expect((await s.call('PATCH', '/api/users/ana', { token: reader, body: { disabled: true } })).status).toBe(403);
    const disabled = await asAdmin<UserShown>('PATCH', '/api/users/ana', { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ username: 'ana', disabled: true, sessionsEnded: 1, apiKeysRevoked: 1 });
    for (const token of [session, key]) {
      const r = await s.call<ApiError>('GET', '/api/projects/OPS', { token });
      expect(r.status).toBe(401);
      expect(r.body.error.message).toMatch(/not valid .*disabled.*llano login/);
    }
    const login = await s.call<ApiError>('POST', '/api/auth/login', {
      body: { username: 'ana', password: 'password-ana' },
    });
    expect(login.status).toBe(403);
    expect(login.body.error.message).toBe('User ana is disabled: ask a Llano administrator to enable it again');
    // A wrong password still says nothing about the account.
    const wrong = await s.call<ApiError>('POST', '/api/auth/login', { body: { username: 'ana', password: 'nope' } });
    expect(wrong.body.error.message).toBe('Invalid username or password');
    const listed = await asAdmin<UserShown[]>('GET', '/api/users');
    expect(listed.body.find((u) => u.username === 'ana')?.disabled).toBe(true);

    expect((await asAdmin<UserShown>('PATCH', '/api/users/ana', { disabled: false })).body.disabled).toBe(false);
    const again = await s.login('ana', 'password-ana');
    expect((await s.call('GET', '/api/projects/OPS', { token: again })).status).toBe(200);
    // The revoked credentials stay revoked.
    expect((await s.call('GET', '/api/projects/OPS', { token: key })).status).toBe(401);
    expect((await asAdmin<ApiError>('PATCH', '/api/users/ana', {})).body.error.message).toMatch(/Nothing to change/);
    expect((await asAdmin<ApiError>('PATCH', '/api/users/ana', { disabled: 'yes' })).status).toBe(400);
    expect((await asAdmin('PATCH', '/api/users/nobody', { disabled: true })).status).toBe(404);
  });

  it('keeps the last enabled global admin', async () => {
    for (const patch of [{ disabled: true }, { isAdmin: false }]) {
      const r = await asAdmin<ApiError>('PATCH', '/api/users/admin', patch);
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/admin: it is the last enabled global admin/);
    }
    const del = await asAdmin<ApiError>('DELETE', '/api/users/admin');
    expect(del.status).toBe(400);
    expect(del.body.error.message).toBe(
      'Cannot delete admin: it is the last enabled global admin (make another user a global admin first)',
    );
    // With a second admin, the first may go; the second is then the last.
    expect(
      (await asAdmin('POST', '/api/users', { username: 'root2', password: 'password-root2', isAdmin: true })).status,
    ).toBe(201);
    const root2 = await s.login('root2', 'password-root2');
    expect((await asAdmin('PATCH', '/api/users/admin', { disabled: true })).status).toBe(200);
    expect((await s.call('PATCH', '/api/users/root2', { token: root2, body: { disabled: true } })).status).toBe(400);
    expect((await s.call('PATCH', '/api/users/admin', { token: root2, body: { disabled: false } })).status).toBe(200);
    s.adminToken = await s.login('admin', 'admin-password-for-tests');
    // Two admins disabling each other at once: one of them stays.
    const both = await Promise.all([
      asAdmin('PATCH', '/api/users/root2', { disabled: true }),
      s.call('PATCH', '/api/users/admin', { token: root2, body: { disabled: true } }),
    ]);
    // The loser is refused as the last admin, or, when the winner was first, as disabled already (401).
    const statuses = both.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([400, 401]).toContain(statuses[1]);
    const admins = (await s.ws.catalog.users.list()).filter((u) => u.isAdmin && !u.disabled);
    expect(admins).toHaveLength(1);
    if (admins[0].username !== 'admin') {
      await s.ws.catalog.users.update('admin', { disabled: false });
      s.adminToken = await s.login('admin', 'admin-password-for-tests');
    }
    expect((await asAdmin('DELETE', '/api/users/root2')).status).toBe(204);
  });

  it('deleting a user removes their credentials and memberships: a new user of that name starts with none', async () => {
    expect((await asAdmin('POST', '/api/users', { username: 'carl', password: 'password-carl' })).status).toBe(201);
    await asAdmin('PUT', '/api/projects/OPS/members/carl', { role: 'admin' });
    const session = await s.login('carl', 'password-carl');
    const key = (await s.call<ApiKeyCreated>('POST', '/api/api-keys', { token: session, body: { name: 'ci' } })).body
      .key;
    expect((await asAdmin('DELETE', '/api/users/carl')).status).toBe(204);
    expect((await s.call('GET', '/api/projects', { token: session })).status).toBe(401);
    expect((await s.call('GET', '/api/projects', { token: key })).status).toBe(401);
    expect((await asAdmin('DELETE', '/api/users/carl')).status).toBe(404);
    expect((await asAdmin('POST', '/api/users', { username: 'carl', password: 'password-carl2' })).status).toBe(201);
    const fresh = await s.login('carl', 'password-carl2');
    expect((await s.call('GET', '/api/projects/OPS', { token: fresh })).status).toBe(404);
    expect((await s.call<KeyShown[]>('GET', '/api/api-keys', { token: fresh })).body).toEqual([]);
  });

  it("a password change ends the user's other sessions, not the one that made it", async () => {
    const first = await s.login('bob', 'password-bob');
    const second = await s.login('bob', 'password-bob');
    const key = (await s.call<ApiKeyCreated>('POST', '/api/api-keys', { token: first, body: { name: 'k' } })).body.key;
    expect(
      (await s.call('PUT', '/api/users/bob/password', { token: first, body: { password: 'password-bob2' } })).status,
    ).toBe(204);
    expect((await s.call('GET', '/api/auth/me', { token: first })).status).toBe(200);
    expect((await s.call('GET', '/api/auth/me', { token: second })).status).toBe(401);
    expect((await s.call('GET', '/api/auth/me', { token: key })).status).toBe(200);
    // An admin setting it ends them all.
    expect((await asAdmin('PUT', '/api/users/bob/password', { password: 'password-bob3' })).status).toBe(204);
    expect((await s.call('GET', '/api/auth/me', { token: first })).status).toBe(401);
  });

  it('API keys are listed and revoked by their owner, and by admins for anyone', async () => {
    const bob = await s.login('bob', 'password-bob3');
    const ana = await s.login('ana', 'password-ana');
    const bobKey = (
      await s.call<KeyShown & ApiKeyCreated>('POST', '/api/api-keys', { token: bob, body: { name: 'b2' } })
    ).body;
    const anaKey = (await s.call<KeyShown>('POST', '/api/api-keys', { token: ana, body: { name: 'a1' } })).body;
    const own = await s.call<KeyShown[]>('GET', '/api/api-keys', { token: bob });
    expect(new Set(own.body.map((k) => k.username))).toEqual(new Set(['bob']));
    expect((await s.call('GET', '/api/api-keys?all=true', { token: bob })).status).toBe(403);
    expect((await s.call('GET', '/api/api-keys?user=ana', { token: bob })).status).toBe(403);
    expect((await s.call('GET', '/api/api-keys?user=bob', { token: bob })).status).toBe(200);
    const all = await asAdmin<KeyShown[]>('GET', '/api/api-keys?all=true');
    expect(all.body.map((k) => k.id)).toEqual(expect.arrayContaining([bobKey.id, anaKey.id]));
    const anas = await asAdmin<KeyShown[]>('GET', '/api/api-keys?user=ana');
    expect(anas.body.map((k) => k.name)).toEqual(['a1']);
    expect((await asAdmin('GET', '/api/api-keys?all=maybe')).status).toBe(400);
    // Not yours: as unknown as a key that does not exist.
    expect((await s.call('DELETE', `/api/api-keys/${anaKey.id}`, { token: bob })).status).toBe(404);
    expect((await s.call('DELETE', `/api/api-keys/${bobKey.id}`, { token: bob })).status).toBe(204);
    expect((await s.call('GET', '/api/auth/me', { token: bobKey.key })).status).toBe(401);
    expect((await asAdmin('DELETE', `/api/api-keys/${anaKey.id}`)).status).toBe(204);
    expect((await asAdmin<KeyShown[]>('GET', '/api/api-keys?user=ana')).body).toEqual([]);
  });
});

describe('the admin of a fresh workspace', () => {
  it('a password chosen with LLANO_ADMIN_PASSWORD is never printed; a generated one is, once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llano-admin-notice-'));
    try {
      for (const [name, chosen] of [
        ['chosen', 'chosen-password'],
        ['generated', undefined],
      ] as const) {
        const ws = await Workspace.open(loadConfig({ home: path.join(dir, name), adminPassword: chosen }, {}));
        try {
          const boot = await bootstrapWorkspace(ws, { recover: false });
          expect(boot.adminCreated).toBe(true);
          const notice = adminNotice(boot) ?? '';
          if (chosen) {
            expect(boot.adminPassword).toBeNull();
            expect(notice).not.toContain(chosen);
            expect(notice).toMatch(/password of LLANO_ADMIN_PASSWORD/);
          } else {
            expect(notice).toContain(`log in as admin with password ${boot.adminPassword}`);
            await ws.catalog.users.verifyPassword('admin', boot.adminPassword!);
          }
          const second = await bootstrapWorkspace(ws, { recover: false });
          expect(adminNotice(second)).toBeNull();
        } finally {
          await ws.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
