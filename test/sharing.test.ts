import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

/**
 * Dashboards and webapps shared with a group or a user who is not a project member: they see that
 * object (a dashboard's tiles too) and nothing else of the project; removing the share ends it.
 */
describe('sharing dashboards and webapps beyond the project', () => {
  let s: TestServer;
  let admin: string;
  let vera: string;
  let olga: string;
  const P = '/api/projects/SH';
  const dashboard = {
    id: 'ops_view',
    name: 'Ops view',
    pages: [{ title: 'p', tiles: [{ insight: 'count_rows', x: 0, y: 0, w: 6, h: 4 }] }],
  };
  const kpi = (id: string) => ({
    id,
    name: id,
    type: 'chart',
    dataset: 'obs',
    chart: { kind: 'kpi', y: [{ agg: 'count' }] },
  });

  async function raw(path: string, token?: string) {
    const headers = new Headers();
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(s.url + path, { headers, redirect: 'manual' });
  }
  /** The webapp's first page as `token` sees it: follows the redirect to the view-token URL. */
  async function webappPage(token: string) {
    const first = await raw('/webapps/SH/app1/', token);
    if (first.status !== 302) return first.status;
    return (await raw(first.headers.get('location')!, token)).status;
  }

  beforeAll(async () => {
    s = await startTestServer();
    admin = s.adminToken;
    for (const u of ['vera', 'olga'])
      await s.call('POST', '/api/users', { token: admin, body: { username: u, password: `password-${u}` } });
    await s.call('POST', '/api/projects', { token: admin, body: { key: 'SH' } });
    expect((await s.upload(`${P}/datasets/obs/upload`, 'a,b\n1,2\n3,4\n', 'obs.csv')).status).toBe(201);
    for (const id of ['count_rows', 'not_on_board'])
      expect((await s.call('POST', `${P}/insights`, { token: admin, body: kpi(id) })).status).toBe(201);
    expect((await s.call('POST', `${P}/dashboards`, { token: admin, body: dashboard })).status).toBe(201);
    const files = { 'index.html': '<p>shared app</p>' };
    expect(
      (await s.call('POST', `${P}/webapps`, { token: admin, body: { id: 'app1', name: 'A', files } })).status,
    ).toBe(201);
    await s.call('POST', '/api/groups', { token: admin, body: { name: 'viewers', members: ['vera'] } });
    vera = await s.login('vera', 'password-vera');
    olga = await s.login('olga', 'password-olga');
  });
  afterAll(async () => s?.stop());

  const board = `${P}/dashboards/ops_view`;
  const tile = `${P}/insights/count_rows/data?dashboard=ops_view`;

  it('a group member who is not a project member views the shared dashboard and its tiles, nothing else', async () => {
    expect((await s.call('GET', board, { token: vera })).status).toBe(404);
    expect((await s.call('GET', tile, { token: vera })).status).toBe(404);
    const bad = await s.call<{ error: { message: string } }>('PUT', board, {
      token: admin,
      body: { ...dashboard, sharing: [{ with: 'group:nosuch', role: 'viewer' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('group:nosuch');
    const shared = await s.call<{ sharing: unknown }>('PUT', board, {
      token: admin,
      body: { ...dashboard, sharing: [{ with: 'group:viewers', role: 'viewer' }] },
    });
    expect(shared.status).toBe(200);
    expect(shared.body.sharing).toEqual([{ with: 'group:viewers', role: 'viewer' }]);

    const got = await s.call<{ name: string; sharing?: unknown }>('GET', board, { token: vera });
    expect(got.status).toBe(200);
    expect(got.body.name).toBe('Ops view');
    // Not whom else it is shared with.
    expect(got.body.sharing).toBeUndefined();
    expect((await s.call('GET', `${P}/insights/count_rows?dashboard=ops_view`, { token: vera })).status).toBe(200);
    const data = await s.call<{ rows: unknown[][] }>('GET', tile, { token: vera });
    expect(data.status).toBe(200);
    expect(data.body.rows).toEqual([[2]]);
    // Nothing else: not the project, its lists, other insights (even named with the dashboard), data, or writes.
    for (const url of [
      P,
      `${P}/dashboards`,
      `${P}/insights`,
      `${P}/insights/count_rows/data`,
      `${P}/insights/not_on_board/data?dashboard=ops_view`,
      `${P}/datasets/obs`,
      `${P}/datasets/obs/data`,
      `${P}/members`,
    ])
      expect((await s.call('GET', url, { token: vera })).status, url).toBe(404);
    expect((await s.call('PUT', board, { token: vera, body: dashboard })).status).toBe(404);
    // Someone outside the group sees nothing.
    expect((await s.call('GET', board, { token: olga })).status).toBe(404);
    expect((await s.call('GET', tile, { token: olga })).status).toBe(404);

    // Removing the share removes the access.
    await s.call('PUT', board, { token: admin, body: { ...dashboard, sharing: [] } });
    expect((await s.call('GET', board, { token: vera })).status).toBe(404);
    expect((await s.call('GET', tile, { token: vera })).status).toBe(404);
  });

  it('a shared viewer filters on the dashboard’s own filters only, and exports nothing', async () => {
    type Tiles = { tiles: Record<string, { rows: unknown[][]; sql: string }> };
    const withFilter = { ...dashboard, filters: [{ column: 'a', type: 'category' }] };
    await s.call('PUT', board, { token: admin, body: { ...withFilter, sharing: [{ with: 'vera' }] } });
    try {
      const page = (filter: string, token: string) =>
        s.call<Tiles & { error: { message: string } }>('GET', `${board}/data?filter=${filter}`, { token });
      // The declared filter works for her…
      const declared = await page('a:eq:1', vera);
      expect(declared.status).toBe(200);
      expect(declared.body.tiles.count_rows.rows).toEqual([[1]]);
      // …a column the dashboard does not offer does not, on the page or on a tile read through it.
      const other = await page('b:eq:2', vera);
      expect(other.status).toBe(403);
      expect(other.body.error.message).toContain('b');
      expect((await s.call('GET', `${tile}&filter=b:eq:2`, { token: vera })).status).toBe(403);
      expect((await s.call('GET', `${tile}&filter=a:eq:1`, { token: vera })).status).toBe(200);
      // Members filter on any column of the tiles' datasets; a column that is in none is a 400 for everyone.
      expect((await page('b:eq:2', admin)).body.tiles.count_rows.rows).toEqual([[1]]);
      const unknown = await page('nope:eq:1', admin);
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toContain('nope');
      // A tile's SQL names the dataset, not where the server keeps its files.
      const sql = (await page('a:eq:1', vera)).body.tiles.count_rows.sql;
      expect(sql).toContain('"obs"');
      expect(sql).not.toContain(s.home);
      expect(sql).not.toContain('read_parquet');
      // Exporting is a member's right: said so, not a 404 as if the project did not exist.
      const exported = await s.call<{ error: { message: string } }>('GET', `${board}/export?format=png`, {
        token: vera,
      });
      expect(exported.status).toBe(403);
      expect(exported.body.error.message).toContain('member');
      expect((await s.call('GET', `${board}/export?format=png`, { token: olga })).status).toBe(404);
      // A column a tile draws is offered too: clicking one of its bars filters on it (a cross-filter).
      const byB = { ...kpi('by_b'), chart: { kind: 'bar', x: { column: 'b' }, y: [{ agg: 'count' }] } };
      expect((await s.call('POST', `${P}/insights`, { token: admin, body: byB })).status).toBe(201);
      const pages = [{ title: 'p', tiles: [...dashboard.pages[0].tiles, { insight: 'by_b', x: 6, y: 0, w: 6, h: 4 }] }];
      await s.call('PUT', board, { token: admin, body: { ...withFilter, pages, sharing: [{ with: 'vera' }] } });
      const crossFiltered = await page('b:eq:2', vera);
      expect(crossFiltered.status).toBe(200);
      expect(crossFiltered.body.tiles.count_rows.rows).toEqual([[1]]);
    } finally {
      // The tests below share it afresh.
      await s.call('PUT', board, { token: admin, body: { ...withFilter, sharing: [] } });
    }
  });

  it('the CLI shares a dashboard and a webapp, and stops sharing them', async () => {
    const env = { LLANO_URL: s.url, LLANO_TOKEN: admin };
    const share = await llano(['-p', 'SH', 'dashboard', 'share', 'ops_view', 'group:viewers'], env);
    expect(share.code, share.err).toBe(0);
    expect(share.out).toContain('shared with group:viewers');
    expect((await s.call('GET', board, { token: vera })).status).toBe(200);
    const stop = await llano(['-p', 'SH', 'dashboard', 'share', 'ops_view', 'group:viewers', '--remove'], env);
    expect(stop.out).toContain('no one beyond the project');
    expect((await s.call('GET', board, { token: vera })).status).toBe(404);
    // A webapp the same way, with a user.
    expect(await webappPage(olga)).toBe(404);
    const app = await llano(['-p', 'SH', 'webapp', 'share', 'app1', 'olga'], env);
    expect(app.code, app.err).toBe(0);
    expect(app.out).toContain('Webapp app1 is shared with olga');
    expect(await webappPage(olga)).toBe(200);
    await llano(['-p', 'SH', 'webapp', 'share', 'app1', 'olga', '--remove'], env);
    expect(await webappPage(olga)).toBe(404);
  });

  it('GET /api/shared and `llano shared` list what is shared with the caller outside their projects', async () => {
    type Item = { project: string; kind: string; id: string; name: string; sharedBy?: string };
    const shared = async (token: string) => (await s.call<Item[]>('GET', '/api/shared', { token })).body;
    const ids = async (token: string) => (await shared(token)).map((i) => `${i.project}/${i.kind}/${i.id}`);
    // A second project where vera is a member, sharing with her there too: members see it in the project.
    await s.call('POST', '/api/projects', { token: admin, body: { key: 'SHMEM' } });
    await s.call('PUT', '/api/projects/SHMEM/members/vera', { token: admin, body: { role: 'reader' } });
    await s.call('POST', '/api/projects/SHMEM/dashboards', {
      token: admin,
      body: { id: 'mine', name: 'Mine', pages: [], sharing: [{ with: 'vera', role: 'viewer' }] },
    });
    // Unshared: nothing.
    await s.call('PUT', board, { token: admin, body: { ...dashboard, sharing: [] } });
    expect(await shared(vera)).toEqual([]);
    // Through her group.
    await s.call('PUT', board, { token: admin, body: { ...dashboard, sharing: [{ with: 'group:viewers' }] } });
    const viaGroup = await shared(vera);
    expect(viaGroup).toMatchObject([
      { project: 'SH', projectName: 'SH', kind: 'dashboard', id: 'ops_view', name: 'Ops view', sharedBy: 'admin' },
    ]);
    expect(await shared(olga)).toEqual([]);
    expect(await shared(admin)).toEqual([]);
    // Directly, a webapp too; a name that only looks like hers (a LIKE wildcard) does not count.
    const app = (await s.call<Record<string, unknown>>('GET', `${P}/webapps/app1`, { token: admin })).body;
    await s.call('POST', '/api/users', { token: admin, body: { username: 'v_ra', password: 'password-v_ra' } });
    await s.call('PUT', `${P}/webapps/app1`, {
      token: admin,
      body: { ...app, revision: undefined, sharing: [{ with: 'v_ra', role: 'viewer' }] },
    });
    expect(await ids(vera)).toEqual(['SH/dashboard/ops_view']);
    await s.call('PUT', `${P}/webapps/app1`, {
      token: admin,
      body: { ...app, revision: undefined, sharing: [{ with: 'vera', role: 'viewer' }] },
    });
    expect((await ids(vera)).sort()).toEqual(['SH/dashboard/ops_view', 'SH/webapp/app1']);
    expect(await ids(olga)).toEqual([]);

    const env = { LLANO_URL: s.url, LLANO_TOKEN: vera };
    const table = await llano(['shared'], env);
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/SH +dashboard +ops_view +Ops view +admin/);
    expect(table.out).toMatch(/SH +webapp +app1/);
    const json = await llano(['shared', '--json'], env);
    expect((JSON.parse(json.out) as Item[]).map((i) => i.id).sort()).toEqual(['app1', 'ops_view']);
    const none = await llano(['shared'], { LLANO_URL: s.url, LLANO_TOKEN: olga });
    expect(none.out).toContain('Nothing is shared with you');

    // A member of the project sees nothing of it here, whatever is shared with them.
    await s.call('PUT', `${P}/members/group:viewers`, { token: admin, body: { role: 'reader' } });
    expect(await shared(vera)).toEqual([]);
    await s.call('DELETE', `${P}/members/group:viewers`, { token: admin });
    // After unsharing, gone.
    await s.call('PUT', board, { token: admin, body: { ...dashboard, sharing: [] } });
    await s.call('PUT', `${P}/webapps/app1`, { token: admin, body: { ...app, revision: undefined, sharing: [] } });
    expect(await shared(vera)).toEqual([]);
  });

  it('a webapp shared with a user opens for them only, until the share is removed', async () => {
    expect(await webappPage(vera)).toBe(404);
    const app = (await s.call<Record<string, unknown>>('GET', `${P}/webapps/app1`, { token: admin })).body;
    const put = (sharing: unknown[]) =>
      s.call('PUT', `${P}/webapps/app1`, { token: admin, body: { ...app, revision: undefined, sharing } });
    expect((await put([{ with: 'vera', role: 'viewer' }])).status).toBe(200);
    expect(await webappPage(vera)).toBe(200);
    expect(await webappPage(olga)).toBe(404);
    expect((await s.call('GET', `${P}/webapps/app1`, { token: vera })).status).toBe(404);
    expect((await put([])).status).toBe(200);
    expect(await webappPage(vera)).toBe(404);
  });
});
