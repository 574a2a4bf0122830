import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneAudit } from '../src/catalog/audit-log.js';
import type { AuditEntry, AuditPage } from '../src/catalog/audit-types.js';
import type { TimelinePage } from '../src/audit/timeline-types.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/AUD';
const CSV = 'ts,antenna,trec\n2024-01-01 00:00:00,DA41,35.5\n2024-01-01 00:10:00,DA42,36.1\n';

describe('the audit log', () => {
  let s: TestServer;
  let alice: string;
  let bob: string;
  const call = <T>(method: string, url: string, body?: unknown, token?: string) =>
    s.call<T>(method, url, { token: token ?? s.adminToken, body });
  const audit = async (query: string, token?: string) => {
    const r = await call<AuditPage>('GET', `/api/audit${query}`, undefined, token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.entries;
  };

  beforeAll(async () => {
    s = await startTestServer();
    for (const u of ['alice', 'bob', 'carol'])
      expect((await call('POST', '/api/users', { username: u, password: `secret-of-${u}-123` })).status).toBe(201);
    alice = await s.login('alice', 'secret-of-alice-123');
    bob = await s.login('bob', 'secret-of-bob-123');
    expect((await call('POST', '/api/projects', { key: 'AUD' })).status).toBe(201);
    expect((await call('POST', '/api/projects', { key: 'OTHER' })).status).toBe(201);
    expect((await call('PUT', `${P}/members/alice`, { role: 'admin' })).status).toBe(200);
    expect((await call('PUT', `${P}/members/bob`, { role: 'writer' })).status).toBe(200);
    expect((await s.upload(`${P}/datasets/trec/upload`, CSV, 'trec.csv', bob)).status).toBe(201);
    const recipe = {
      name: 'compute_medians',
      type: 'sql',
      inputs: ['trec'],
      output: 'medians',
      sql: 'SELECT * FROM trec',
    };
    expect((await call('POST', `${P}/recipes`, recipe, bob)).status).toBe(201);
    expect((await call('PUT', `${P}/recipes/compute_medians`, { ...recipe, sql: 'SELECT 1 AS x' }, bob)).status).toBe(
      200,
    );
  });
  afterAll(async () => s?.stop());

  it('records a change with who, what, via what and from where', async () => {
    const [update] = await audit('?action=recipe.update');
    expect(update).toMatchObject({
      actor: 'bob',
      via: 'api',
      action: 'recipe.update',
      category: 'change',
      project: 'AUD',
      objectKind: 'recipe',
      objectName: 'compute_medians',
      route: 'PUT /api/projects/{key}/recipes/{name}',
      status: 200,
      ip: '127.0.0.1',
    });
    const [create] = await audit('?action=recipe.create');
    expect(create.objectName).toBe('compute_medians');
    expect((await audit('?action=dataset.upload'))[0]).toMatchObject({ actor: 'bob', objectName: 'trec' });
  });

  it('records data reads and downloads, with their format', async () => {
    expect((await call('GET', `${P}/datasets/trec/data?limit=1`, undefined, alice)).status).toBe(200);
    expect((await call('GET', `${P}/datasets/trec/data?format=csv`, undefined, alice)).status).toBe(200);
    const reads = await audit('?action=dataset.read&user=alice');
    expect(reads.map((r) => r.detail?.format ?? null)).toEqual(['csv', null]);
    expect(reads[0]).toMatchObject({ category: 'access', objectName: 'trec', project: 'AUD' });
    // A list of datasets is not a data read.
    await call('GET', `${P}/datasets`, undefined, alice);
    expect((await audit('?user=alice&category=access')).length).toBe(2);
  });

  it('records refusals: what a role may not do, and a project asked for by a non-member', async () => {
    // bob is a writer of AUD, nothing in OTHER: a member change needs a project admin.
    expect((await call('PUT', `${P}/members/alice`, { role: 'reader' }, bob)).status).toBe(403);
    expect((await call('GET', '/api/projects/OTHER/datasets', undefined, bob)).status).toBe(404);
    // A project that does not exist is no refusal.
    expect((await call('GET', '/api/projects/NOPE/datasets', undefined, bob)).status).toBe(404);
    const denied = await audit('?user=bob&category=denied');
    expect(denied.map((e) => [e.status, e.project, e.route])).toEqual([
      [404, 'OTHER', 'GET /api/projects/{key}/datasets'],
      [403, 'AUD', 'PUT /api/projects/{key}/members/{user}'],
    ]);
    expect(denied[1]).toMatchObject({ actor: 'bob', category: 'denied', objectName: 'alice' });
  });

  it('records a file read the engine refused in a preview as denied, without the SQL', async () => {
    expect((await call('PUT', `${P}/members/carol`, { role: 'reader' })).status).toBe(200);
    const carol = await s.login('carol', 'secret-of-carol-123');
    const preview = { inputs: ['trec'], sql: "SELECT * FROM read_csv('/etc/passwd')" };
    expect((await call('POST', `${P}/recipes/preview`, preview, carol)).status).toBe(400);
    // An SQL mistake is a 400 too, but no refusal.
    const typo = { inputs: ['trec'], sql: 'SELECT nope FROM trec' };
    expect((await call('POST', `${P}/recipes/preview`, typo, carol)).status).toBe(400);
    const denied = await audit('?user=carol&category=denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({
      actor: 'carol',
      category: 'denied',
      project: 'AUD',
      route: 'POST /api/projects/{key}/recipes/preview',
      status: 400,
      detail: { refused: 'file access' },
    });
    expect(JSON.stringify(denied[0])).not.toContain('passwd');
    expect(await audit('?user=carol')).toHaveLength(1);
  });

  it('never stores a login or password body, and records failed logins', async () => {
    expect((await call('POST', '/api/auth/login', { username: 'bob', password: 'wrong-guess-999' }, '')).status).toBe(
      401,
    );
    expect((await call('PUT', '/api/users/bob/password', { password: 'new-secret-of-bob-456' }, bob)).status).toBe(204);
    const logins = await audit('?action=auth.login');
    expect(logins[0]).toMatchObject({ status: 401, objectName: 'bob', actor: null, category: 'auth' });
    expect((await audit('?action=user.password.update'))[0]).toMatchObject({ actor: 'bob', objectName: 'bob' });
    const all = JSON.stringify(await s.ws.catalog.db.selectFrom('audit_log').selectAll().execute());
    for (const secret of ['wrong-guess-999', 'new-secret-of-bob-456', 'secret-of-alice-123', 'secret-of-bob-123'])
      expect(all).not.toContain(secret);
  });

  it('records which fields a user update changed, from → to, and that a password changed without its value', async () => {
    const patch = { displayName: 'Alice A.', email: 'alice@alma.example', isAdmin: false, disabled: false };
    expect((await call('PATCH', '/api/users/alice', patch)).status).toBe(200);
    const [update] = await audit('?action=user.update');
    expect(update).toMatchObject({ actor: 'admin', objectName: 'alice', category: 'change' });
    // isAdmin and disabled were set to what they were: not changes.
    expect(update.detail).toEqual({
      changed: {
        displayName: { from: null, to: 'Alice A.' },
        email: { from: null, to: 'alice@alma.example' },
      },
    });
    expect((await call('PATCH', '/api/users/alice', { disabled: true })).status).toBe(200);
    expect((await audit('?action=user.update'))[0].detail).toEqual({
      changed: { disabled: { from: false, to: true } },
      sessionsEnded: 1,
      apiKeysRevoked: 0,
    });
    expect((await call('PATCH', '/api/users/alice', { disabled: false })).status).toBe(200);
    alice = await s.login('alice', 'secret-of-alice-123');
    expect((await call('PUT', '/api/users/alice/password', { password: 'third-secret-789' })).status).toBe(204);
    const [password] = await audit('?action=user.password.update');
    expect(password).toMatchObject({ objectName: 'alice', detail: { changed: 'password', sessionsEnded: 1 } });
    expect(JSON.stringify(password)).not.toContain('third-secret-789');
    alice = await s.login('alice', 'third-secret-789');
  });

  it('shows project admins their projects only, and refuses everyone else', async () => {
    const mine = await audit('?limit=1000', alice);
    expect(mine.length).toBeGreaterThan(3);
    expect(new Set(mine.map((e) => e.project))).toEqual(new Set(['AUD']));
    expect((await call('GET', '/api/audit?project=OTHER', undefined, alice)).status).toBe(404);
    expect(await audit('', bob)).toEqual([]);
    expect((await call('GET', '/api/audit?from=yesterday', undefined)).status).toBe(400);
  });

  it('pages newest first with a cursor', async () => {
    const first = await call<AuditPage>('GET', '/api/audit?limit=2');
    expect(first.body.entries).toHaveLength(2);
    const second = await call<AuditPage>('GET', `/api/audit?limit=2&cursor=${first.body.nextCursor}`);
    const ids = [...first.body.entries, ...second.body.entries].map((e: AuditEntry) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(4);
  });

  it('is readable as a system dataset by project admins, who alone may define it', async () => {
    const def = { name: 'audit', storage: { type: 'system', table: 'audit_log' } };
    expect((await call('POST', `${P}/datasets`, def, bob)).status).toBe(403);
    expect((await call('POST', `${P}/datasets`, def, alice)).status).toBe(201);
    const page = await call<{ columns: string[]; rows: unknown[][] }>(
      'GET',
      `${P}/datasets/audit/data?limit=1000`,
      undefined,
      alice,
    );
    expect(page.status).toBe(200);
    const action = page.body.columns.indexOf('action');
    expect(page.body.rows.map((r) => r[action])).toContain('recipe.update');
  });

  it('keeps rows until pruned by the retention setting', async () => {
    const before = (await s.ws.catalog.db.selectFrom('audit_log').select('id').execute()).length;
    expect(await pruneAudit(s.ws.catalog.db, '2000-01-01T00:00:00.000Z')).toBe(0);
    expect((await s.ws.catalog.db.selectFrom('audit_log').select('id').execute()).length).toBeGreaterThanOrEqual(
      before,
    );
  });

  it('tells a project timeline in sentences, newest first, paged', async () => {
    const t = await call<TimelinePage>('GET', `${P}/timeline?limit=100`, undefined, bob);
    expect(t.status).toBe(200);
    const texts = t.body.items.map((i) => i.text);
    expect(texts).toContain('bob updated recipe compute_medians (rev 2)');
    expect(texts).toContain('bob created recipe compute_medians (rev 1)');
    expect(texts.some((x) => x.startsWith('alice downloaded dataset trec as csv'))).toBe(true);
    // The save's audit row is told by its revision, not twice.
    expect(texts.filter((x) => x.includes('updated recipe compute_medians'))).toHaveLength(1);
    const ats = t.body.items.map((i) => i.at);
    expect(ats).toEqual([...ats].sort().reverse());
    const page1 = await call<TimelinePage>('GET', `${P}/timeline?limit=2`, undefined, bob);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await call<TimelinePage>(
      'GET',
      `${P}/timeline?limit=2&before=${encodeURIComponent(page1.body.nextBefore!)}`,
      undefined,
      bob,
    );
    expect(page2.body.items[0].at < page1.body.items[1].at).toBe(true);
  });

  it('tells a user timeline to that user and to admins only', async () => {
    const mine = await call<TimelinePage>('GET', '/api/users/bob/timeline', undefined, bob);
    expect(mine.status).toBe(200);
    expect(mine.body.items.every((i) => i.actor === 'bob')).toBe(true);
    expect((await call<TimelinePage>('GET', '/api/users/bob/timeline', undefined, alice)).body.items).toEqual([]);
    expect((await call('GET', '/api/users/bob/timeline')).status).toBe(200);
  });
});
