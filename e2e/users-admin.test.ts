import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebIfStale } from '../bin/build-web-if-needed.js';
import type { ApiKeyCreated } from '../test/support/api-types.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/support/llano-server.js';
import { startTestProvider, type TestProvider } from '../test/support/oidc-provider.js';
import { launchBrowser, logIn, type TestBrowser } from './support/browser.js';
import { expectText } from './support/expect-text.js';
import { apiClient } from './support/seed.js';

/**
 * An admin manages users, groups and API keys in the browser; the API tells what took effect. The
 * server signs in through a real local OpenID Connect provider too (`oidc-provider`).
 */
describe('web UI: users and API keys', () => {
  let server: TestServer;
  let b: TestBrowser;
  let idp: TestProvider;
  /** Status of a call made with `token`: 401 once it is revoked. */
  const statusWith = async (token: string) => (await server.call('GET', '/api/auth/me', { token })).status;

  beforeAll(async () => {
    await buildWebIfStale({ quiet: true });
    idp = await startTestProvider({ carla: { name: 'Carla Cryo', email: 'carla@example.org', groups: ['cryo-team'] } });
    server = await startTestServer({
      oidcIssuer: idp.issuer,
      oidcClientId: idp.clientId,
      oidcClientSecret: idp.clientSecret,
      oidcName: 'Test IdP',
    });
    await idp.start(`${server.url}/api/auth/oidc/callback`);
    b = await launchBrowser(server.url);
    const admin = apiClient(server.url, server.adminToken);
    await admin.call('POST', '/api/users', { username: 'viewer', password: 'viewer-password-1' });
  }, 300_000);

  afterAll(async () => {
    expect(b?.pageErrors ?? []).toEqual([]);
    await b?.close();
    await server?.stop();
    await idp?.stop();
  });

  it('disables a user, which revokes their key at once, and enables them again', async () => {
    const { page } = b;
    const viewerSession = await server.login('viewer', 'viewer-password-1');
    const viewerKey = (
      await server.call<ApiKeyCreated>('POST', '/api/api-keys', { token: viewerSession, body: { name: 'script' } })
    ).body.key;
    expect(await statusWith(viewerKey)).toBe(200);

    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Users' }).click();
    const row = page.getByRole('row').filter({ hasText: 'viewer' });
    await expectText(row, /enabled/);
    await row.getByRole('button', { name: 'Disable' }).click();
    await expectText(page.getByRole('status'), /Disabled viewer: 1 session\(s\) ended, 1 API key\(s\) revoked/);
    await expectText(row, /disabled/);
    expect(await statusWith(viewerKey)).toBe(401);
    expect(await statusWith(viewerSession)).toBe(401);

    // The last admin stays: the server's refusal is shown.
    await page.getByRole('row').filter({ hasText: 'Administrator' }).getByRole('button', { name: 'Disable' }).click();
    await expectText(page.getByRole('alert'), /last enabled global admin/);

    await row.getByRole('button', { name: 'Enable' }).click();
    await expectText(row, /enabled/);
    expect(
      (await server.call('POST', '/api/auth/login', { body: { username: 'viewer', password: 'viewer-password-1' } }))
        .status,
    ).toBe(200);
  });

  it('resets a password and deletes a user after confirmation', async () => {
    const { page } = b;
    const row = page.getByRole('row').filter({ hasText: 'viewer' });
    await row.getByRole('button', { name: 'Reset password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset the password of viewer' });
    await dialog.getByLabel(/New password/).fill('viewer-password-2');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await expectText(page.getByRole('status'), /Set the password of viewer/);
    expect(
      (await server.call('POST', '/api/auth/login', { body: { username: 'viewer', password: 'viewer-password-2' } }))
        .status,
    ).toBe(200);

    // Cancelled: nothing happens; confirmed in the app's dialog: the user is gone.
    const confirmDelete = page.getByRole('dialog', { name: 'Delete the user viewer?' });
    await row.getByRole('button', { name: 'Delete' }).click();
    await expectText(confirmDelete, /API keys and project roles go too/);
    await confirmDelete.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.count()).toBe(1);
    await row.getByRole('button', { name: 'Delete' }).click();
    await confirmDelete.getByRole('button', { name: 'Delete user' }).click();
    await expectText(page.getByRole('status'), /Deleted viewer/);
    await expect.poll(() => row.count()).toBe(0);
  });

  it('creates an API key shown once and revokes it after confirmation', async () => {
    const { page } = b;
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('nightly-export');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = ((await page.getByLabel('Secret of the new API key').textContent()) ?? '').trim();
    expect(key).toMatch(/^llk_/);
    expect(await statusWith(key)).toBe(200);
    await page.getByRole('row').filter({ hasText: 'nightly-export' }).getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke the key nightly-export?' })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'nightly-export' }).count()).toBe(0);
    expect(await statusWith(key)).toBe(401);
  });

  it('manages groups, grants one a project role, and makes a project API key', async () => {
    const { page } = b;
    await server.call('POST', '/api/users', {
      token: server.adminToken,
      body: { username: 'ann', password: 'ann-password-1' },
    });
    await server.call('POST', '/api/projects', { token: server.adminToken, body: { key: 'GRP' } });
    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByLabel('Group name').fill('ops');
    await page.getByLabel('Members (usernames, comma-separated)').fill('ann');
    await page.getByRole('button', { name: 'Create group' }).click();
    await expectText(page.getByRole('status'), /Created group ops/);
    const row = page.getByRole('row').filter({ hasText: 'ops' });
    await row.getByRole('button', { name: 'Edit members of ops' }).click();
    const dialog = page.getByRole('dialog', { name: 'Members of ops' });
    await dialog.getByLabel(/Members/).fill('ann\nadmin');
    await dialog.getByRole('button', { name: 'Save members' }).click();
    await expectText(page.getByRole('status'), /Group ops now has 2 members/);

    // The group gets a role on a project's Members page.
    await page.goto('/projects/GRP/members');
    await page.getByLabel('Username or group:NAME').fill('group:ops');
    await page.getByLabel('Role', { exact: true }).selectOption('writer');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expectText(page.getByRole('row').filter({ hasText: 'group:ops' }), /group:ops/);
    const annSession = await server.login('ann', 'ann-password-1');
    expect((await server.call<{ role: string }>('GET', '/api/projects/GRP', { token: annSession })).body.role).toBe(
      'writer',
    );

    // A project key: role and scopes, the secret once, revoked after confirmation.
    await page.getByRole('link', { name: 'project API keys' }).click();
    await page.getByLabel('Key name').fill('loader');
    await page.getByLabel('Role', { exact: true }).selectOption('writer');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = ((await page.getByLabel('Secret of the new API key').textContent()) ?? '').trim();
    expect((await server.call('GET', '/api/projects/GRP/datasets', { token: key })).status).toBe(200);
    await page.getByRole('row').filter({ hasText: 'loader' }).getByRole('button', { name: 'Revoke loader' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke the key loader?' })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'loader' }).count()).toBe(0);
    expect(await statusWith(key)).toBe(401);

    // Deleting the group, confirmed in the app's dialog, takes its project role away.
    await page.goto('/admin/groups');
    await page.getByRole('row').filter({ hasText: 'ops' }).getByRole('button', { name: 'Delete ops' }).click();
    await page
      .getByRole('dialog', { name: 'Delete the group ops?' })
      .getByRole('button', { name: 'Delete group' })
      .click();
    await expectText(page.getByRole('status'), /Deleted group ops/);
    expect((await server.call('GET', '/api/projects/GRP', { token: annSession })).status).toBe(404);
  });

  it('hides the Users page from users who are not admins', async () => {
    const { page } = b;
    await server.call('POST', '/api/users', {
      token: server.adminToken,
      body: { username: 'plain', password: 'plain-password-1' },
    });
    await page.context().clearCookies();
    await logIn(page, 'plain', 'plain-password-1');
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await page.goto('/admin/users');
    await page.getByText('Administrators only').waitFor();
    expect(await page.getByRole('link', { name: 'Groups' }).count()).toBe(0);
    await page.goto('/admin/groups');
    await page.getByText('Administrators only').waitFor();
  });

  it('signs in with the OpenID Connect provider from the login page: user and groups from its claims', async () => {
    const { page } = b;
    // A Llano group named like the provider's, a reader of a project.
    await server.call('POST', '/api/projects', { token: server.adminToken, body: { key: 'CRYO' } });
    await server.call('POST', '/api/groups', { token: server.adminToken, body: { name: 'cryo-team' } });
    const grant = { token: server.adminToken, body: { role: 'reader' } };
    expect((await server.call('PUT', '/api/projects/CRYO/members/group:cryo-team', grant)).status).toBe(200);

    await page.context().clearCookies();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
    // The provider's own login form (oidc-provider's development interaction).
    await page.locator('input[name="login"]').fill('carla');
    await page.locator('input[name="password"]').fill('any-password');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.origin === server.url && !url.pathname.startsWith('/api/'));
    await expectText(page.locator('header .user'), /Carla Cryo/);
    await page.getByRole('link', { name: /CRYO/ }).first().waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).json() as Promise<unknown>);
    expect(me).toMatchObject({ username: 'carla', groups: ['cryo-team'] });
  });
});
