import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../../test/support/embedded-postgres.js';
import type { Principal } from './access.js';
import { Catalog } from './catalog.js';

/** The same suite runs against both catalog databases. */
const backends: { name: string; open: () => Promise<{ catalog: Catalog; cleanup: () => Promise<void> }> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const home = mkdtempSync(path.join(tmpdir(), 'llano-cat-'));
      const catalog = await Catalog.open({ home });
      return {
        catalog,
        cleanup: async () => {
          await catalog.close();
          rmSync(home, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const pg = await startPostgres();
      const catalog = await Catalog.open({ home: tmpdir(), url: pg.url });
      return {
        catalog,
        cleanup: async () => {
          await catalog.close();
          await pg.stop();
        },
      };
    },
  },
];

describe.each(backends)('catalog on $name', ({ open }) => {
  let catalog: Catalog;
  let cleanup: () => Promise<void>;
  let alice: Principal;
  let bob: Principal;

  beforeAll(async () => {
    ({ catalog, cleanup } = await open());
    const a = await catalog.users.create({ username: 'alice', password: 'correct horse' });
    const b = await catalog.users.create({ username: 'bob', password: 'battery staple' });
    alice = { userId: a.id, username: a.username, isAdmin: false, via: 'token' };
    bob = { userId: b.id, username: b.username, isAdmin: false, via: 'token' };
  });
  afterAll(async () => cleanup?.());

  it('hashes passwords with argon2 and rejects wrong ones with one message', async () => {
    const row = await catalog.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'alice')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    await expect(catalog.users.verifyPassword('alice', 'wrong password')).rejects.toMatchObject({
      status: 401,
      message: 'Invalid username or password',
    });
    await expect(catalog.users.verifyPassword('nobody', 'whatever1')).rejects.toMatchObject({
      status: 401,
      message: 'Invalid username or password',
    });
    expect((await catalog.users.verifyPassword('alice', 'correct horse')).username).toBe('alice');
  });

  it('rejects duplicate users, short passwords and hostile usernames', async () => {
    await expect(catalog.users.create({ username: 'alice', password: 'whatever123' })).rejects.toMatchObject({
      status: 409,
    });
    await expect(catalog.users.create({ username: 'carol', password: 'short' })).rejects.toMatchObject({ status: 400 });
    await expect(catalog.users.create({ username: '../etc', password: 'whatever123' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('sessions and API keys authenticate; unknown tokens do not', async () => {
    const user = await catalog.users.requireByUsername('alice');
    const session = await catalog.users.createSession(user);
    expect(await catalog.users.authenticateToken(session)).toMatchObject({ username: 'alice', via: 'session' });
    const { key, info } = await catalog.users.createApiKey(user, 'ci');
    expect(await catalog.users.authenticateToken(key)).toMatchObject({ username: 'alice', via: 'apikey' });
    expect(await catalog.users.authenticateToken('llk_nope')).toBeNull();
    await catalog.users.deleteApiKey(user, info.id);
    expect(await catalog.users.authenticateToken(key)).toBeNull();
    await catalog.users.deleteSession(session);
    expect(await catalog.users.authenticateToken(session)).toBeNull();
  });

  it('creates projects, validates keys and enforces roles', async () => {
    const p = await catalog.projects.create(alice, { key: 'ALMA_OPS', name: 'Operations' });
    expect(p).toMatchObject({ key: 'ALMA_OPS', role: 'admin', createdBy: 'alice' });
    await expect(catalog.projects.create(alice, { key: 'ALMA_OPS' })).rejects.toMatchObject({ status: 409 });
    await expect(catalog.projects.create(alice, { key: 'bad key' })).rejects.toMatchObject({ status: 400 });
    await expect(catalog.projects.create(alice, { key: "X'; DROP TABLE users;--" })).rejects.toMatchObject({
      status: 400,
    });
    // bob is not a member: the project is invisible to him.
    await expect(catalog.projects.authorize(bob, 'ALMA_OPS', 'reader')).rejects.toMatchObject({ status: 404 });
    expect(await catalog.projects.list(bob)).toEqual([]);
    await catalog.projects.setMember(alice, 'ALMA_OPS', 'bob', 'reader');
    expect((await catalog.projects.authorize(bob, 'ALMA_OPS', 'reader')).role).toBe('reader');
    await expect(catalog.projects.authorize(bob, 'ALMA_OPS', 'writer')).rejects.toMatchObject({ status: 403 });
    await expect(catalog.projects.setMember(bob, 'ALMA_OPS', 'bob', 'admin')).rejects.toMatchObject({ status: 403 });
    await expect(catalog.projects.setMember(alice, 'ALMA_OPS', 'bob', 'owner')).rejects.toMatchObject({ status: 400 });
    expect(await catalog.projects.members(bob, 'ALMA_OPS')).toEqual([
      { username: 'alice', role: 'admin', kind: 'user', rights: [] },
      { username: 'bob', role: 'reader', kind: 'user', rights: [] },
    ]);
    const updated = await catalog.projects.update(alice, 'ALMA_OPS', {
      description: 'Shift reports',
      tags: ['qa', ' qa ', '', 'trec'],
    });
    expect(updated.description).toBe('Shift reports');
    expect(updated.tags).toEqual(['qa', 'trec']);
  });

  it('keeps every revision of an object, with optimistic concurrency and revert data', async () => {
    const o = catalog.objects;
    const byBand = { projectKey: 'ALMA_OPS', kind: 'recipe', name: 'by_band' };
    await o.put({ ...byBand, body: { sql: 'SELECT 1' }, author: 'alice' });
    await o.put({ ...byBand, body: { sql: 'SELECT 2' }, author: 'bob' });
    await expect(
      o.put({ ...byBand, body: { sql: 'SELECT 3' }, author: 'bob', expectRevision: 1 }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(o.put({ ...byBand, body: { sql: 'x' }, author: 'bob', expectRevision: 0 })).rejects.toMatchObject({
      status: 409,
    });
    const current = await o.require<{ sql: string }>('ALMA_OPS', 'recipe', 'by_band');
    expect(current).toMatchObject({ revision: 2, body: { sql: 'SELECT 2' }, updatedBy: 'bob' });
    const history = await o.history('ALMA_OPS', 'recipe', 'by_band');
    expect(history.map((h) => [h.revision, h.action, h.author])).toEqual([
      [2, 'update', 'bob'],
      [1, 'create', 'alice'],
    ]);
    expect(await o.bodyAt('ALMA_OPS', 'recipe', 'by_band', 1)).toEqual({ sql: 'SELECT 1' });
    await o.delete({ ...byBand, author: 'alice' });
    expect(await o.get('ALMA_OPS', 'recipe', 'by_band')).toBeNull();
    expect((await o.history('ALMA_OPS', 'recipe', 'by_band'))[0]).toMatchObject({
      revision: 3,
      action: 'delete',
      body: null,
    });
    // Re-creating after a delete continues the revision numbers instead of clashing.
    const again = await o.put({ ...byBand, body: { sql: 'SELECT 1' }, author: 'alice', action: 'revert' });
    expect(again.revision).toBe(4);
  });

  it('deleting a project removes its objects and memberships', async () => {
    await catalog.projects.create(alice, { key: 'TEMP' });
    await catalog.objects.put({
      projectKey: 'TEMP',
      kind: 'dataset',
      name: 'd',
      body: { type: 'managed' },
      author: 'alice',
    });
    await expect(catalog.projects.delete(bob, 'TEMP')).rejects.toMatchObject({ status: 404 });
    await catalog.projects.delete(alice, 'TEMP');
    expect(await catalog.objects.list('TEMP', 'dataset')).toEqual([]);
    await expect(catalog.projects.authorize(alice, 'TEMP', 'reader')).rejects.toMatchObject({ status: 404 });
  });
});
