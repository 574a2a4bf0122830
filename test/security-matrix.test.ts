import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../src/server/openapi.js';
import type { Access } from '../src/server/route.js';
import { operationsOf, type Operation } from './support/openapi-check.js';
import { startTestServer, type TestServer } from './support/llano-server.js';
import { caller, fillPath, sampleRequests, seedProject, type Caller, type Seed } from './support/seeded-project.js';

/**
 * Every operation of the API document × every kind of caller: no caller below an operation's
 * declared access may succeed. The matrix comes from the document (itself made from the route
 * table), so a new route is covered without a new test; a route whose path parameter the seed
 * cannot fill fails here until `seedProject` names a value for it.
 */

const RANK: Record<Access, number> = { public: 0, user: 1, reader: 2, writer: 3, projectAdmin: 4, admin: 5 };
const ALL_RIGHTS = ['run-scenarios', 'export-data', 'manage-dashboards'];

interface MatrixCaller {
  name: string;
  /** The highest access level this caller passes. */
  rank: number;
  token: string | null;
  /** Fine rights beyond the rank (a writer or above has them all). */
  rights?: string[];
  /** A caller whose level depends on the operation (API keys): overrides `rank`. */
  rankFor?: (o: Operation) => number;
}

/** Whether the caller passes the operation's declared access and fine right. */
function passes(c: MatrixCaller, o: Operation): boolean {
  const rank = c.rankFor ? c.rankFor(o) : c.rank;
  if (rank < RANK[o.op['x-llano-access']]) return false;
  const right = o.op['x-llano-right'];
  return !right || rank >= RANK.writer || (c.rights ?? []).includes(right);
}

const isProjectPath = (o: Operation) => o.path.startsWith('/api/projects/{key}');

describe('security matrix: route × role', () => {
  let s: TestServer;
  let call: Caller;
  let seed: Seed;
  let operations: Operation[];
  const callers: MatrixCaller[] = [];

  beforeAll(async () => {
    s = await startTestServer();
    call = caller(s);
    seed = await seedProject(s, call);
    const doc = (await call('GET', '/api/openapi.json')).body as OpenApiDocument;
    operations = operationsOf(doc);
    const t = seed.tokens;

    // Credentials that worked once and must not any more.
    const me = (token: string) => call('GET', '/api/auth/me', { token });
    expect((await me(t.writerApiKey)).status).toBe(200);
    const keyId = seed.pathValues['api-keys/{id}'];
    expect((await call('DELETE', `/api/api-keys/${keyId}`, { token: t.writer })).status).toBe(204);
    expect((await me(t.writerApiKey)).status).toBe(401);
    const session = (
      await call('POST', '/api/auth/login', { body: { username: 'writer1', password: 'password-writer1' } })
    ).body as { token: string };
    expect((await me(session.token)).status).toBe(200);
    expect((await call('POST', '/api/auth/logout', { token: session.token })).status).toBe(204);
    expect((await me(session.token)).status).toBe(401);

    callers.push(
      { name: 'anonymous', rank: RANK.public, token: null },
      { name: 'revoked API key', rank: RANK.public, token: t.writerApiKey },
      { name: 'logged-out session', rank: RANK.public, token: session.token },
      { name: 'forged token', rank: RANK.public, token: 'lls_forged' },
      { name: 'non-member', rank: RANK.user, token: t.nonMember },
      { name: 'reader', rank: RANK.reader, token: t.reader },
      { name: 'writer', rank: RANK.writer, token: t.writer },
      { name: 'project admin', rank: RANK.projectAdmin, token: t.projectAdmin },
      { name: 'global admin', rank: RANK.admin, token: s.adminToken },
    );
    // Groups, fine rights and API keys: their standing is what their grants and scopes allow, no more.
    const a = seed.access;
    const past = new Date(Date.now() - 1000).toISOString();
    await s.ws.catalog.db.updateTable('api_keys').set({ expires_at: past }).where('id', '=', a.expiredKey.id).execute();
    expect((await me(a.expiredKey.key)).status).toBe(401);
    const projectOnly = (rank: number) => (o: Operation) => (isProjectPath(o) ? rank : RANK.public);
    callers.push(
      { name: 'expired API key', rank: RANK.public, token: a.expiredKey.key },
      { name: 'reader with every fine right', rank: RANK.reader, token: a.readerWithRights, rights: ALL_RIGHTS },
      { name: 'writer through group ops', rank: RANK.writer, token: a.groupWriter },
      {
        name: 'reader with run-scenarios through a group',
        rank: RANK.reader,
        token: a.groupRunner,
        rights: ['run-scenarios'],
      },
      {
        name: "writer's read-scope key",
        rank: RANK.reader,
        token: a.writerReadKey,
        rights: ['export-data'],
        // Outside projects it only reads.
        rankFor: (o) => (isProjectPath(o) || o.method === 'GET' ? RANK.reader : RANK.public),
      },
      {
        name: 'reader project key',
        rank: RANK.reader,
        token: a.projectReaderKey,
        rankFor: (o) => (o.method === 'GET' && o.path === '/api/auth/me' ? RANK.user : projectOnly(RANK.reader)(o)),
      },
      {
        name: "another project's admin key",
        rank: RANK.public,
        token: a.otherProjectKey,
        rankFor: (o) => (o.method === 'GET' && o.path === '/api/auth/me' ? RANK.user : RANK.public),
      },
    );
    // A disabled user (a writer of the project, disabled by a global admin), once the API can disable users.
    const disable = operations.find((o) => o.method === 'PATCH' && /^\/api\/users\/\{\w+\}$/.test(o.path));
    if (disable) callers.push({ name: 'disabled user', rank: RANK.public, token: await disabledWriter(disable) });
  });
  afterAll(async () => s?.stop());

  async function disabledWriter(disable: Operation): Promise<string> {
    const admin = s.adminToken;
    const P = `/api/projects/${seed.project}`;
    await call('POST', '/api/users', { token: admin, body: { username: 'gone1', password: 'password-gone1' } });
    await call('PUT', `${P}/members/gone1`, { token: admin, body: { role: 'writer' } });
    const login = await call('POST', '/api/auth/login', { body: { username: 'gone1', password: 'password-gone1' } });
    const token = (login.body as { token: string }).token;
    const url = disable.path.replace(/\{\w+\}/, 'gone1');
    expect((await call('PATCH', url, { token: admin, body: { disabled: true } })).status).toBeLessThan(300);
    return token;
  }

  function request(o: Operation, token: string | null) {
    const sample = sampleRequests(seed)[`${o.method} ${o.path}`] ?? {};
    return call(o.method, fillPath(o.path, seed.pathValues), { token, ...sample });
  }

  it('no caller below an operation’s access succeeds, and each is refused as such (401, 403 or 404)', async () => {
    const unauthorisedSuccesses: string[] = [];
    const otherAnswers: string[] = [];
    let refused = 0;
    for (const o of operations) {
      for (const c of callers.filter((c) => !passes(c, o))) {
        const a = await request(o, c.token);
        const right = o.op['x-llano-right'] ? ` + ${o.op['x-llano-right']}` : '';
        const where = `${c.name}: ${o.method} ${o.path} (${o.op['x-llano-access']}${right}) → ${a.status}`;
        if (a.status < 300) unauthorisedSuccesses.push(where);
        else if (![401, 403, 404].includes(a.status)) otherAnswers.push(`${where} ${JSON.stringify(a.body)}`);
        else refused++;
      }
    }
    expect(unauthorisedSuccesses).toEqual([]);
    expect(otherAnswers).toEqual([]);
    // Every operation but the public ones had callers to refuse.
    expect(refused).toBeGreaterThan(operations.length * 2);
    // About 2,000 calls one after another: ~20 s on a quiet machine, near a minute on a loaded one.
  }, 300_000);

  it('callers at or above a reading operation’s access are let through (the declarations are not too strict)', async () => {
    const refusals: string[] = [];
    for (const o of operations.filter((o) => o.method === 'GET')) {
      for (const c of callers.filter((c) => passes(c, o))) {
        const a = await request(o, c.token);
        if (a.status >= 300) refusals.push(`${c.name}: GET ${o.path} → ${a.status} ${JSON.stringify(a.body)}`);
      }
    }
    expect(refusals).toEqual([]);
    // Many callers now reach the dashboard PNG export (headless Chromium) on a loaded machine.
  }, 300_000);

  it('the refused calls changed nothing', async () => {
    const P = `/api/projects/${seed.project}`;
    const admin = s.adminToken;
    const members = (await call('GET', `${P}/members`, { token: admin })).body as { username: string; role: string }[];
    expect(members.map((m) => `${m.username}:${m.role}`).sort()).toEqual(
      expect.arrayContaining(['padmin1:admin', 'reader1:reader', 'writer1:writer']),
    );
    for (const url of [`${P}/datasets/obs`, `${P}/recipes/r1`, `${P}/scenarios/s1`, `${P}/connections`])
      expect((await call('GET', url, { token: admin })).status, url).toBe(200);
    for (const url of [`${P}/datasets/made`, `${P}/recipes/r2`, `${P}/scenarios/s2`, '/api/projects/NEWPROJ'])
      expect((await call('GET', url, { token: admin })).status, url).toBe(404);
    const users = (await call('GET', '/api/users', { token: admin })).body as { username: string }[];
    expect(users.map((u) => u.username)).not.toContain('newcomer');
  });
});
