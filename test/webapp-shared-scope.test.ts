import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

/**
 * What a webapp's data calls read, and who its backends are told is calling: a viewer it is shared
 * with (not a project member) reads the datasets it declares and nothing else of the project, on
 * every path (front end, backend.ts, Python's `llano`); members keep their role; a backend learns
 * the caller's effective role, so an admin's reader API key is a reader there.
 */

const BACKEND = `export async function whoami(request) {
  return request.user;
}
export async function peek(request, llano) {
  return llano.rows(request.query.dataset, { limit: 1 });
}
`;

const PYTHON_APP = `from flask import Flask, request, jsonify
import llano

app = Flask(__name__)

@app.route("/who")
def who():
    return jsonify(user=llano.user(), role=llano.role(), apiKey=llano.via_api_key(),
                   header=request.headers.get("X-Llano-Role"))

@app.route("/peek")
def peek():
    try:
        return jsonify(llano.rows(request.args["dataset"], limit=1))
    except llano.LlanoError as e:
        return str(e), 403
`;

let s: TestServer;
let nick: string;
let vera: string;
let readerKey: string;
const P = '/api/projects/SC';

async function raw(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return fetch(s.url + path, { ...init, headers, redirect: 'manual' });
}

/** The address a browser ends at for `token`: `/webapps/SC/app/~VIEW/`. */
async function viewUrl(app: string, token: string) {
  const first = await raw(`/webapps/SC/${app}/`, { token });
  expect(first.status).toBe(302);
  return first.headers.get('location')!;
}

const post = (url: string, body: unknown, token?: string) =>
  raw(url, { method: 'POST', token, body: JSON.stringify(body), headers: { 'content-type': 'text/plain' } });

async function answer(r: Response) {
  const text = await r.text();
  return { status: r.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

beforeAll(async () => {
  s = await startTestServer();
  const admin = s.adminToken;
  for (const u of ['nick', 'vera'])
    await s.call('POST', '/api/users', { token: admin, body: { username: u, password: `password-${u}` } });
  await s.call('POST', '/api/projects', { token: admin, body: { key: 'SC' } });
  await s.call('PUT', `${P}/members/vera`, { token: admin, body: { role: 'reader' } });
  expect((await s.upload(`${P}/datasets/obs/upload`, 'antenna,trec\nDA41,35.5\n', 'obs.csv')).status).toBe(201);
  expect((await s.upload(`${P}/datasets/ground_truth/upload`, 'secret\n42\n', 'g.csv')).status).toBe(201);
  const sharing = [{ with: 'nick', role: 'viewer' }];
  const files = { 'index.html': '<p>app</p>', 'backend.ts': BACKEND };
  for (const body of [
    { id: 'tsapp', name: 'TS app', files, sharing, datasets: ['obs'] },
    { id: 'bare', name: 'Declares nothing', files, sharing },
    { id: 'pyapp', name: 'Python app', kind: 'python', files: { 'app.py': PYTHON_APP }, sharing, datasets: ['obs'] },
  ]) {
    const r = await s.call('POST', `${P}/webapps`, { token: admin, body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  nick = await s.login('nick', 'password-nick');
  vera = await s.login('vera', 'password-vera');
  const key = await s.call<{ key: string }>('POST', '/api/api-keys', {
    token: admin,
    body: { name: 'read', scopes: ['read'] },
  });
  readerKey = key.body.key;
}, 60_000);
afterAll(async () => s?.stop());

describe('a shared webapp reads the datasets it declares, for viewers who are not members', () => {
  it('refuses an undeclared dataset to a shared viewer on rows, aggregate and SQL; allows a declared one', async () => {
    for (const url of ['/webapps/SC/tsapp/', await viewUrl('tsapp', nick)]) {
      const rows = await answer(await post(`${url}api/_data/rows`, { dataset: 'ground_truth', limit: 2 }, nick));
      expect(rows.status, url).toBe(403);
      expect(rows.json().error).toMatchObject({ message: expect.stringContaining('ground_truth') as string });
      const agg = await post(
        `${url}api/_data/aggregate`,
        { dataset: 'ground_truth', measures: [{ agg: 'count' }] },
        nick,
      );
      expect(agg.status).toBe(403);
      for (const query of ['SELECT * FROM ground_truth', 'SELECT o.antenna FROM obs o, ground_truth g']) {
        const sql = await answer(await post(`${url}api/_data/sql`, { query }, nick));
        expect(sql.status, query).toBe(403);
        expect(sql.text).toContain('ground_truth');
      }
      const ok = await answer(await post(`${url}api/_data/rows`, { dataset: 'obs' }, nick));
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json().rows).toEqual([{ antenna: 'DA41', trec: 35.5 }]);
      const sql = await answer(await post(`${url}api/_data/sql`, { query: 'SELECT count(*) AS n FROM obs' }, nick));
      expect(sql.json().rows).toEqual([{ n: 1 }]);
    }
  });

  it('refuses the same through backend.ts, and everything when the webapp declares no dataset', async () => {
    const url = await viewUrl('tsapp', nick);
    const refused = await answer(await raw(`${url}api/peek?dataset=ground_truth`));
    expect(refused.status).not.toBe(200);
    expect(refused.text).toContain('ground_truth');
    expect((await raw(`${url}api/peek?dataset=obs`)).status).toBe(200);
    const bare = await viewUrl('bare', nick);
    expect((await post(`${bare}api/_data/rows`, { dataset: 'obs' })).status).toBe(403);
  });

  it('`llano webapp update --datasets` declares what it reads', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llano-webapp-'));
    writeFileSync(path.join(dir, 'index.html'), '<p>app</p>');
    const env = { LLANO_URL: s.url, LLANO_TOKEN: s.adminToken };
    const update = await llano(['-p', 'SC', 'webapp', 'update', 'bare', '--dir', dir, '--datasets', 'obs'], env);
    expect(update.code, update.err).toBe(0);
    const got = await s.call<{ datasets?: string[]; sharing?: unknown[] }>('GET', `${P}/webapps/bare`, {
      token: s.adminToken,
    });
    expect(got.body.datasets).toEqual(['obs']);
    expect(got.body.sharing).toHaveLength(1);
    const bare = await viewUrl('bare', nick);
    expect((await post(`${bare}api/_data/rows`, { dataset: 'obs' })).status).toBe(200);
    expect((await post(`${bare}api/_data/rows`, { dataset: 'ground_truth' })).status).toBe(403);
  });

  it('leaves project members their role: a reader reads every dataset through the same webapps', async () => {
    for (const app of ['tsapp', 'bare']) {
      const url = await viewUrl(app, vera);
      const rows = await answer(await post(`${url}api/_data/rows`, { dataset: 'ground_truth' }));
      expect(rows.status, rows.text).toBe(200);
      expect(rows.json().rows).toEqual([{ secret: 42 }]);
    }
    const peek = await answer(await raw(`${await viewUrl('tsapp', vera)}api/peek?dataset=ground_truth`));
    expect(peek.status, peek.text).toBe(200);
  });

  it('limits a Python app’s `llano` calls for a shared viewer the same way', async () => {
    const url = await viewUrl('pyapp', nick);
    const refused = await answer(await raw(`${url}peek?dataset=ground_truth`));
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('ground_truth');
    const ok = await answer(await raw(`${url}peek?dataset=obs`));
    expect(ok.status, ok.text).toBe(200);
    const member = await answer(await raw(`${await viewUrl('pyapp', vera)}peek?dataset=ground_truth`));
    expect(member.status, member.text).toBe(200);
  });
});

describe('backends learn the caller’s effective role', () => {
  it('tells backend.ts, `_data/me` and a Python app the role and whether an API key called', async () => {
    const who = async (path: string, token: string) => {
      const r = await answer(await raw(path, { token }));
      expect(r.status, r.text).toBe(200);
      return r.json();
    };
    expect(await who('/webapps/SC/tsapp/api/whoami', s.adminToken)).toEqual({
      username: 'admin',
      role: 'admin',
      apiKey: false,
    });
    // An admin's reader key is a reader, in a backend started for admin's session before it too.
    const asKey = { username: 'admin', role: 'reader', apiKey: true };
    expect(await who('/webapps/SC/tsapp/api/whoami', readerKey)).toEqual(asKey);
    expect(await who('/webapps/SC/tsapp/api/_data/me', readerKey)).toEqual(asKey);
    // Following the redirect to the view address keeps the key's limits.
    expect(await who(`${await viewUrl('tsapp', readerKey)}api/whoami`, readerKey)).toEqual(asKey);
    expect(await who('/webapps/SC/tsapp/api/whoami', vera)).toEqual({
      username: 'vera',
      role: 'reader',
      apiKey: false,
    });
    expect(await who('/webapps/SC/tsapp/api/whoami', nick)).toEqual({
      username: 'nick',
      role: 'viewer',
      apiKey: false,
    });

    const py = async (token: string) => {
      const url = await viewUrl('pyapp', token);
      const r = await answer(await raw(`${url}who`));
      expect(r.status, r.text).toBe(200);
      return r.json();
    };
    expect(await py(readerKey)).toEqual({ user: 'admin', role: 'reader', apiKey: true, header: 'reader' });
    expect(await py(s.adminToken)).toEqual({ user: 'admin', role: 'admin', apiKey: false, header: 'admin' });
    expect(await py(nick)).toEqual({ user: 'nick', role: 'viewer', apiKey: false, header: 'viewer' });
  });
});
