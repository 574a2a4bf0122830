import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/llano-server.js';

type Refusal = { error: { code: string; message: string } };

/** LLANO_PROJECT_CREATORS=group:ops: admins and members of ops create and import projects, nobody else. */
describe('who may create projects', () => {
  let s: TestServer;
  let carol: string;
  let zip: Blob;
  beforeAll(async () => {
    s = await startTestServer({ projectCreators: ['group:ops'] });
    await s.call('POST', '/api/users', {
      token: s.adminToken,
      body: { username: 'carol', password: 'carol-password-1' },
    });
    carol = await s.login('carol', 'carol-password-1');
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'SRC' } })).status).toBe(201);
    const exported = await fetch(`${s.url}/api/projects/SRC/export`, {
      headers: { authorization: `Bearer ${s.adminToken}` },
    });
    zip = await exported.blob();
  });
  afterAll(() => s?.stop());

  const canCreate = async (token: string) =>
    (await s.call<{ canCreateProjects: boolean }>('GET', '/api/auth/me', { token })).body.canCreateProjects;
  const importAs = (token: string, key: string) => {
    const form = new FormData();
    form.append('file', zip, 'SRC.zip');
    return fetch(`${s.url}/api/projects/import?key=${key}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Refusal }));
  };

  it('refuses others with a 403 naming who may, and says so in /api/auth/me', async () => {
    expect(await canCreate(carol)).toBe(false);
    const refused = await s.call<Refusal>('POST', '/api/projects', { token: carol, body: { key: 'MINE' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'Only admins and members of ops may create projects here (LLANO_PROJECT_CREATORS); ask an admin to create it and add you',
    );
    const imported = await importAs(carol, 'COPY');
    expect(imported.status).toBe(403);
    expect(imported.body.error.message).toMatch(/LLANO_PROJECT_CREATORS/);
    expect((await s.call('GET', '/api/projects/MINE', { token: s.adminToken })).status).toBe(404);
    expect((await s.call('GET', '/api/projects/COPY', { token: s.adminToken })).status).toBe(404);
  });

  it('lets a member of a named group and an admin create and import', async () => {
    expect(await canCreate(s.adminToken)).toBe(true);
    await s.call('POST', '/api/groups', { token: s.adminToken, body: { name: 'ops', members: ['carol'] } });
    expect(await canCreate(carol)).toBe(true);
    expect((await s.call('POST', '/api/projects', { token: carol, body: { key: 'MINE' } })).status).toBe(201);
    expect((await importAs(carol, 'COPY')).status).toBe(201);
  });
});
