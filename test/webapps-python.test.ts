import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonAppStatus } from '../src/webapps/webapp-python.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

/**
 * A Python (Flask) webapp behind Llano, with Debian's /usr/bin/python3: started on the first
 * request, proxied under the viewer's URL (bodies both ways, the viewer named in X-Llano-User,
 * Llano's cookie and token kept from the app), reading a dataset with the `llano` module as the
 * viewer, confined like backends, logged, and stopped when idle.
 */

const APP = `import os
from flask import Flask, request, url_for, jsonify
import llano

app = Flask(__name__)

@app.route("/")
def index():
    return f"<h1>hello {request.headers.get('X-Llano-User')}</h1><a href='{url_for('data')}'>data</a>"

@app.route("/data")
def data():
    t = llano.rows("obs", filters=["antenna:eq:DA41"], columns=["trec"])
    s = llano.sql("SELECT count(*) AS n FROM obs WHERE trec > $1", [36])
    return jsonify(user=llano.user(), trec=[r["trec"] for r in t["rows"]], n=s["rows"][0]["n"])

@app.route("/echo", methods=["POST"])
def echo():
    return jsonify(body=request.get_json(), cookie=request.headers.get("Cookie"), auth=request.headers.get("Authorization"))

@app.route("/passwd")
def passwd():
    try:
        return open("/etc/passwd").read()
    except PermissionError as e:
        return str(e), 403

@app.route("/catalog")
def catalog():
    import sqlite3
    try:
        sqlite3.connect(os.environ.get("CATALOG_GUESS", "/tmp/catalog.db")).execute("select 1")
        return "opened", 200
    except PermissionError as e:
        return str(e), 403

@app.route("/crash")
def crash():
    os._exit(1)
`;

let s: TestServer;
let reader: string;
const P = '/api/projects/PY';

async function raw(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return fetch(s.url + path, { ...init, headers, redirect: 'manual' });
}

async function viewUrl(): Promise<string> {
  const r = await raw('/webapps/PY/dash/', { token: reader });
  expect(r.status).toBe(302);
  return r.headers.get('location')!;
}

beforeAll(async () => {
  s = await startTestServer();
  await s.call('POST', '/api/users', {
    token: s.adminToken,
    body: { username: 'reader1', password: 'password-reader1' },
  });
  await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'PY', name: 'Python' } });
  await s.call('PUT', `${P}/members/reader1`, { token: s.adminToken, body: { role: 'reader' } });
  reader = await s.login('reader1', 'password-reader1');
  await s.upload(`${P}/datasets/obs/upload`, 'antenna,trec\nDA41,35.5\nDA42,36.1\nDA41,40.0\n', 'obs.csv');
  const created = await s.call('POST', `${P}/webapps`, {
    token: s.adminToken,
    body: { id: 'dash', name: 'Dash', kind: 'python', files: { 'app.py': APP }, limits: { idleSeconds: 3 } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

describe('Python webapps', () => {
  it('starts on the first request and sees who is calling; its links stay under the viewer’s URL', async () => {
    const url = await viewUrl();
    const page = await raw(url);
    const html = await page.text();
    expect(page.status, html).toBe(200);
    expect(html).toContain('<h1>hello reader1</h1>');
    expect(html).toContain(`href='${url}data'`);
    expect(page.headers.get('content-security-policy')).toContain('sandbox allow-scripts');
    const status = await pythonAppStatus(s.ws, 'PY', 'dash');
    expect(status?.pid).toBeGreaterThan(0);
  }, 60_000);

  it('reads datasets with the llano module as the viewer', async () => {
    const r = await raw(`${await viewUrl()}data`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ user: 'reader1', trec: [35.5, 40], n: 2 });
  }, 60_000);

  it('streams request bodies through and keeps Llano’s cookie and token from the app', async () => {
    const r = await raw('/webapps/PY/dash/echo', {
      method: 'POST',
      token: reader,
      headers: { 'content-type': 'application/json', cookie: 'llano_session=secret' },
      body: JSON.stringify({ band: 3 }),
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ body: { band: 3 }, cookie: null, auth: null });
  }, 60_000);

  it('cannot read files outside its folder; a crash is logged and the next request starts it again', async () => {
    const url = await viewUrl();
    const passwd = await raw(`${url}passwd`);
    expect(passwd.status).toBe(403);
    expect(await passwd.text()).toContain('may not read /etc/passwd');
    // The catalog is a SQLite file: sqlite3 opened it whatever the file checks said.
    const catalog = await raw(`${url}catalog`);
    expect(catalog.status).toBe(403);
    expect(await catalog.text()).toContain('may open SQLite databases only inside its own folder');
    const crash = await raw(`${url}crash`);
    expect(crash.status).toBe(502);
    expect((await raw(url)).status).toBe(200);
    expect((await s.call('GET', '/api/health')).status).toBe(200);
  }, 60_000);

  it('imports the project library files by name as code recipes do, and starts again when one changes', async () => {
    const library = (factor: number) => ({ name: 'helpers.py', content: `def triple(x):\n    return ${factor} * x\n` });
    expect((await s.call('POST', `${P}/libraries`, { token: s.adminToken, body: library(3) })).status).toBe(201);
    const app =
      'from flask import Flask\nfrom helpers import triple\n\napp = Flask(__name__)\n\n@app.route("/")\ndef index():\n    return str(triple(14))\n';
    const created = await s.call('POST', `${P}/webapps`, {
      token: s.adminToken,
      body: { id: 'libs', name: 'Libraries', kind: 'python', files: { 'app.py': app } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const page = async () => {
      const r = await raw('/webapps/PY/libs/', { token: reader });
      expect(r.status).toBe(302);
      const answer = await raw(r.headers.get('location')!);
      return { status: answer.status, text: await answer.text() };
    };
    expect(await page()).toEqual({ status: 200, text: '42' });
    const replaced = await s.call('PUT', `${P}/libraries/helpers.py`, { token: s.adminToken, body: library(4) });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(await page()).toEqual({ status: 200, text: '56' });
    expect((await s.call('DELETE', `${P}/webapps/libs`, { token: s.adminToken })).status).toBe(204);
  }, 60_000);

  it('is stopped when idle, with its log kept', async () => {
    expect((await raw(await viewUrl())).status).toBe(200);
    const deadline = Date.now() + 20_000;
    while ((await pythonAppStatus(s.ws, 'PY', 'dash')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(await pythonAppStatus(s.ws, 'PY', 'dash')).toBeNull();
    const logs = await s.call<{ lines: { line: string }[] }>('GET', `${P}/webapps/dash/logs`, { token: s.adminToken });
    const text = logs.body.lines.map((l) => l.line).join('\n');
    expect(text).toContain('serving app.py');
    expect(text).toContain('GET /data 200');
    expect(text).toContain('idle for 3 s');
  }, 60_000);
});
