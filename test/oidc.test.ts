import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestAccount, type TestProvider } from './support/oidc-provider.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

/**
 * Single sign-on against a real OpenID Connect provider (`oidc-provider`) started here: the
 * whole authorization-code flow with PKCE as a browser would do it (a cookie jar, redirects
 * followed one by one, the provider's login form posted), and what must stop it.
 */

/** A minimal browser: cookies by name (both servers are on 127.0.0.1), redirects followed by hand. */
class Browser {
  readonly cookies = new Map<string, string>();
  /** Every URL visited, in order. */
  readonly visited: string[] = [];

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    this.visited.push(url);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects until a page answers; `stopAt` may rewrite or stop at a URL on the way. */
  async follow(url: string, init: RequestInit = {}, stopAt?: (url: string) => string | null): Promise<Response> {
    let res = await this.fetch(url, init);
    for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 20; hops++) {
      let next = new URL(res.headers.get('location')!, url).toString();
      if (stopAt) {
        const rewritten = stopAt(next);
        if (rewritten === null) return res;
        next = rewritten;
      }
      url = next;
      res = await this.fetch(url);
    }
    return res;
  }
}

/** Starts a sign-in at Llano and posts the provider's login form as `login`; returns the last answer. */
async function signIn(
  s: TestServer,
  browser: Browser,
  login: string,
  rewriteCallback: (url: string) => string = (u) => u,
): Promise<Response> {
  const form = await browser.follow(`${s.url}/api/auth/oidc/login?next=/projects`);
  expect(form.status).toBe(200);
  const html = await form.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  expect(action, html).toBeDefined();
  const formUrl = new URL(action!.replace(/&amp;/g, '&'), browser.visited.at(-1)).toString();
  const body = new URLSearchParams({ prompt: 'login', login, password: 'any-password' });
  return browser.follow(
    formUrl,
    { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    (url) => (url.startsWith(`${s.url}/api/auth/oidc/callback`) ? rewriteCallback(url) : url),
  );
}

describe('single sign-on with OpenID Connect', () => {
  let s: TestServer;
  let idp: TestProvider;
  const accounts: Record<string, TestAccount> = {
    alice: { name: 'Alice Astro', email: 'alice@example.org', groups: ['scientists', 'not-in-llano'] },
  };

  beforeAll(async () => {
    idp = await startTestProvider(accounts);
    s = await startTestServer({
      oidcIssuer: idp.issuer,
      oidcClientId: idp.clientId,
      oidcClientSecret: idp.clientSecret,
      oidcName: 'Test IdP',
    });
    await idp.start(`${s.url}/api/auth/oidc/callback`);
    // A Llano group named like one of the provider's groups, a writer of a project.
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'SKY' } })).status).toBe(201);
    expect((await s.call('POST', '/api/groups', { token: s.adminToken, body: { name: 'scientists' } })).status).toBe(
      201,
    );
    const grant = { token: s.adminToken, body: { role: 'writer' } };
    expect((await s.call('PUT', '/api/projects/SKY/members/group:scientists', grant)).status).toBe(200);
  });
  afterAll(async () => {
    await s?.stop();
    await idp?.stop();
  });

  it('tells the login page about the provider, never its secret', async () => {
    const info = await s.call<{ enabled: boolean; name: string; loginUrl: string }>('GET', '/api/auth/oidc');
    expect(info.body).toEqual({ enabled: true, name: 'Test IdP', loginUrl: '/api/auth/oidc/login' });
    expect(JSON.stringify(info.body)).not.toContain(idp.clientSecret);
  });

  it('asks the provider for a code with PKCE (S256), state and nonce', async () => {
    const res = await new Browser().fetch(`${s.url}/api/auth/oidc/login`);
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('scope')).toBe('openid profile email groups');
  });

  it('signs a user in through the provider: user from the claims, groups from the groups claim', async () => {
    const browser = new Browser();
    const last = await signIn(s, browser, 'alice');
    expect(last.status).toBe(200);
    expect(browser.visited.at(-1)).toBe(`${s.url}/projects`);
    const session = browser.cookies.get('llano_session');
    expect(session).toBeDefined();
    const me = await s.call<Record<string, unknown>>('GET', '/api/auth/me', { token: session });
    expect(me.body).toMatchObject({
      username: 'alice',
      displayName: 'Alice Astro',
      email: 'alice@example.org',
      isAdmin: false,
      groups: ['scientists'],
    });
    // Through the group, alice is a writer of SKY.
    const projects = await s.call<{ key: string; role: string }[]>('GET', '/api/projects', { token: session });
    expect(projects.body.map((p) => `${p.key}:${p.role}`)).toEqual(['SKY:writer']);
    // No password works for an account made by single sign-on.
    const local = await s.call('POST', '/api/auth/login', { body: { username: 'alice', password: 'any-password' } });
    expect(local.status).toBe(401);
  });

  it('the same subject signs in as the same user; the groups claim is followed at each sign-in', async () => {
    accounts.alice = { ...accounts.alice, name: 'Alice B. Astro', groups: [] };
    const browser = new Browser();
    expect((await signIn(s, browser, 'alice')).status).toBe(200);
    const session = browser.cookies.get('llano_session');
    const me = await s.call<Record<string, unknown>>('GET', '/api/auth/me', { token: session });
    expect(me.body).toMatchObject({ username: 'alice', displayName: 'Alice B. Astro', groups: [] });
    const projects = await s.call<unknown[]>('GET', '/api/projects', { token: session });
    expect(projects.body).toEqual([]);
    const users = await s.call<{ username: string }[]>('GET', '/api/users', { token: s.adminToken });
    expect(users.body.filter((u) => u.username.startsWith('alice'))).toHaveLength(1);
  });

  it('a provider account never takes over a local one of the same name', async () => {
    await s.call('POST', '/api/users', { token: s.adminToken, body: { username: 'bob', password: 'bob-password-1' } });
    const browser = new Browser();
    expect((await signIn(s, browser, 'bob')).status).toBe(200);
    const me = await s.call<{ username: string }>('GET', '/api/auth/me', {
      token: browser.cookies.get('llano_session'),
    });
    expect(me.body.username).toBe('bob-2');
    expect(await s.login('bob', 'bob-password-1')).toMatch(/^lls_/);
  });

  it('refuses a callback whose state is not this browser’s (400) and signs nobody in', async () => {
    const browser = new Browser();
    const last = await signIn(s, browser, 'carol', (url) => {
      const u = new URL(url);
      u.searchParams.set('state', 'forged-state');
      return u.toString();
    });
    expect(last.status).toBe(400);
    expect(((await last.json()) as { error: { message: string } }).error.message).toMatch(/state/);
    expect(browser.cookies.get('llano_session')).toBeUndefined();
    // And a callback without any sign-in in progress.
    const bare = await new Browser().fetch(`${s.url}/api/auth/oidc/callback?code=x&state=y`);
    expect(bare.status).toBe(400);
  });

  it('refuses an ID token whose signature does not verify (401) and signs nobody in', async () => {
    idp.tamperIdTokens = true;
    try {
      const browser = new Browser();
      const last = await signIn(s, browser, 'dave');
      expect(last.status).toBe(401);
      expect(((await last.json()) as { error: { message: string } }).error.message).toMatch(/signature/);
      expect(browser.cookies.get('llano_session')).toBeUndefined();
    } finally {
      idp.tamperIdTokens = false;
    }
    const users = await s.call<{ username: string }[]>('GET', '/api/users', { token: s.adminToken });
    expect(users.body.map((u) => u.username)).not.toContain('dave');
  });

  it('local accounts still log in', async () => {
    expect(await s.login('admin', 'admin-password-for-tests')).toMatch(/^lls_/);
  });
});
