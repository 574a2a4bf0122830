import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBAPP_MAX_FILE_BYTES, WEBAPP_MAX_FILES } from '../src/webapps/webapp-limits.js';
import { WEBAPP_TEMPLATES } from '../src/webapps/webapp-templates.js';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

/**
 * Webapps end to end over a real server, DuckDB and backend processes: the object (limits, hostile
 * file names, history), serving with the viewer's permissions (404 for everyone else), the data
 * calls of the browser client, and backends — their `llano` argument and their isolation (a loop, a
 * memory bomb, process.exit, reading files outside the webapp: stopped, logged, server up).
 */

const OBS =
  'ts,antenna,trec\n2024-01-01 00:00:00,DA41,35.5\n2024-01-01 00:10:00,DA42,36.1\n2024-01-01 00:20:00,DA41,40.0\n';

const BACKEND = `import { readFileSync } from 'node:fs';
export async function hello(request, llano) {
  return { method: request.method, query: request.query, body: request.body, user: request.user.username };
}
export async function mean(request, llano) {
  const t = await llano.sql('SELECT avg(trec) AS m FROM obs WHERE antenna = $1', [request.body.antenna]);
  const rows = await llano.rows('obs', { filters: ['antenna:eq:DA41'], columns: ['trec'] });
  const groups = await llano.aggregate('obs', { groupBy: ['antenna'], measures: [{ agg: 'count' }] });
  return { mean: t.rows[0].m, rows: rows.rows, groups: groups.rows };
}
export async function other(request, llano) {
  return llano.sql('SELECT * FROM secret');
}
export async function loop() {
  for (;;) {}
}
export async function bomb() {
  const keep = [];
  for (;;) keep.push(new Array(1e6).fill(Math.random()));
}
export async function exit() {
  process.exit(3);
}
export async function passwd() {
  return readFileSync('/etc/passwd', 'utf8');
}
export async function readFile(request) {
  return readFileSync(request.query.path, 'utf8');
}
export async function fails() {
  throw new Error('the backend says no');
}
`;

const FILES = {
  'index.html':
    '<!doctype html><title>t</title><script src="/webapps/_client.js"></script><script src="app.js"></script>',
  'app.js': 'console.log("hi")',
  'css/style.css': 'body{}',
  'backend.ts': BACKEND,
};

let s: TestServer;
let reader: string;
let writer: string;
let outsider: string;
const P = '/api/projects/WA';

async function ok<T>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

beforeAll(async () => {
  s = await startTestServer();
  for (const u of ['reader1', 'writer1', 'outsider1'])
    await ok(
      s.call('POST', '/api/users', { token: s.adminToken, body: { username: u, password: `password-${u}` } }),
      201,
    );
  await ok(s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'WA', name: 'Webapps' } }), 201);
  await ok(s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'OTHER', name: 'Other' } }), 201);
  await ok(s.call('PUT', `${P}/members/reader1`, { token: s.adminToken, body: { role: 'reader' } }));
  await ok(s.call('PUT', `${P}/members/writer1`, { token: s.adminToken, body: { role: 'writer' } }));
  reader = await s.login('reader1', 'password-reader1');
  writer = await s.login('writer1', 'password-writer1');
  outsider = await s.login('outsider1', 'password-outsider1');
  await ok(s.upload(`${P}/datasets/obs/upload`, OBS, 'obs.csv'), 201);
  await ok(s.upload('/api/projects/OTHER/datasets/secret/upload', 'x\n42\n', 'secret.csv'), 201);
  await ok(
    s.call('POST', `${P}/webapps`, {
      token: writer,
      body: { id: 'app1', name: 'App one', files: FILES, limits: { timeoutSeconds: 3, memoryMb: 128 } },
    }),
    201,
  );
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

/** A request to the server without following redirects. */
async function raw(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return fetch(s.url + path, { ...init, headers, redirect: 'manual' });
}

/** The page URL a viewer is sent to (with its view token). */
async function viewUrl(token: string, id = 'app1'): Promise<string> {
  const r = await raw(`/webapps/WA/${id}/`, { token });
  expect(r.status).toBe(302);
  return r.headers.get('location')!;
}

describe('webapps: the object', () => {
  it('is created, read, listed, replaced with its revision, and has history', async () => {
    const got = await ok(
      s.call<{ revision: number; url: string; files: Record<string, string> }>('GET', `${P}/webapps/app1`, {
        token: reader,
      }),
    );
    expect(got.url).toBe('/webapps/WA/app1/');
    expect(Object.keys(got.files).sort()).toEqual(['app.js', 'backend.ts', 'css/style.css', 'index.html']);
    const list = await ok(s.call<{ id: string }[]>('GET', `${P}/webapps`, { token: reader }));
    expect(list.map((w) => w.id)).toEqual(['app1']);
    await ok(s.call('POST', `${P}/webapps`, { token: reader, body: { id: 'x', name: 'x', files: FILES } }), 403);
    await ok(s.call('GET', `${P}/webapps`, { token: outsider }), 404);

    await ok(
      s.call('POST', `${P}/webapps`, {
        token: writer,
        body: { id: 'tmp', name: 'Tmp', files: { 'index.html': 'v1' } },
      }),
      201,
    );
    const v1 = await ok(s.call<{ revision: number }>('GET', `${P}/webapps/tmp`, { token: writer }));
    await ok(s.call('PUT', `${P}/webapps/tmp`, { token: writer, body: { ...v1, files: { 'index.html': 'v2' } } }));
    // The same revision again: someone else saved in between.
    await ok(s.call('PUT', `${P}/webapps/tmp`, { token: writer, body: { ...v1, files: { 'index.html': 'v3' } } }), 409);
    const history = await ok(s.call<{ revision: number }[]>('GET', `${P}/history/webapp/tmp`, { token: reader }));
    expect(history.map((h) => h.revision)).toEqual([2, 1]);
    await ok(s.call('POST', `${P}/history/webapp/tmp/revert`, { token: writer, body: { revision: 1 } }));
    const page = await raw(await viewUrl(reader, 'tmp'));
    expect(await page.text()).toBe('v1');
    await ok(s.call('DELETE', `${P}/webapps/tmp`, { token: writer }), 204);
    await ok(s.call('GET', `${P}/webapps/tmp`, { token: writer }), 404);
  });

  it('refuses hostile file names, too many files and too large ones, naming the limit', async () => {
    const save = (files: Record<string, string>, extra: Record<string, unknown> = {}) =>
      s.call<{ error: { message: string } }>('POST', `${P}/webapps`, {
        token: writer,
        body: { id: 'bad', name: 'Bad', files: { 'index.html': 'x', ...files }, ...extra },
      });
    for (const name of [
      '../x',
      '/etc/passwd',
      'a/../../b',
      'nul\u0000.js',
      'back\\slash.js',
      '.hidden',
      'a//b',
      'a/./b',
    ]) {
      const r = await save({ [name]: 'x' });
      expect(r.status, name).toBe(400);
      expect(r.body.error.message).toContain('files:');
    }
    const many = Object.fromEntries(Array.from({ length: WEBAPP_MAX_FILES + 1 }, (_, i) => [`f${i}.js`, '']));
    const tooMany = await save(many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain(`at most ${WEBAPP_MAX_FILES} files`);
    const big = await save({ 'big.js': 'x'.repeat(WEBAPP_MAX_FILE_BYTES + 1) });
    expect(big.status).toBe(413);
    expect(big.body.error.message).toContain(`at most ${WEBAPP_MAX_FILE_BYTES} bytes`);
    const noIndex = await s.call<{ error: { message: string } }>('POST', `${P}/webapps`, {
      token: writer,
      body: { id: 'bad', name: 'Bad', files: { 'app.js': '' } },
    });
    expect(noIndex.status).toBe(400);
    expect(noIndex.body.error.message).toContain('index.html');
    expect((await save({}, { limits: { timeoutSeconds: 0 } })).status).toBe(400);
    await ok(s.call('GET', `${P}/webapps/bad`, { token: writer }), 404);
  });
});

describe('webapps: serving', () => {
  it('sends a reader its pages, sandboxed, with their content types; the backend source stays on the server', async () => {
    const url = await viewUrl(reader);
    expect(url).toMatch(/^\/webapps\/WA\/app1\/~[^/]+\/$/);
    const page = await raw(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('sandbox allow-scripts');
    expect(csp).not.toContain('allow-same-origin');
    expect(csp).toContain("script-src 'self'");
    expect(await page.text()).toContain('app.js');
    const script = await raw(`${url}app.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect((await raw(`${url}css/style.css`)).headers.get('content-type')).toContain('text/css');
    expect((await raw(`${url}backend.ts`)).status).toBe(404);
    expect((await raw(`${url}nothing.js`)).status).toBe(404);
    const client = await raw('/webapps/_client.js');
    expect(client.status).toBe(200);
    expect(await client.text()).toContain('window.llano');
  });

  it('answers 404 to non-members, anonymous callers, forged or foreign tokens, as for a webapp that does not exist', async () => {
    const missing = await raw('/webapps/WA/nope/', { token: reader });
    expect(missing.status).toBe(404);
    for (const token of [outsider, undefined, 'lls_forged']) {
      const r = await raw('/webapps/WA/app1/', { token });
      expect(r.status).toBe(404);
      expect(await r.text()).toBe(
        await (await raw('/webapps/WA/nope/', { token })).text().then((t) => t.replace('nope', 'app1')),
      );
      expect((await raw('/webapps/WA/app1/api/hello', { token })).status).toBe(404);
    }
    const url = await viewUrl(reader);
    const token = url.split('/')[4];
    expect((await raw(`/webapps/WA/app1/${token.slice(0, -2)}xx/`)).status).toBe(404);
    // A token names its webapp and project: it opens nothing else.
    await ok(
      s.call('POST', `${P}/webapps`, {
        token: writer,
        body: { id: 'app2', name: 'Two', files: { 'index.html': 'two' } },
      }),
      201,
    );
    expect((await raw(`/webapps/WA/app2/${token}/`)).status).toBe(404);
    // Removed from the project: the token in an open page stops working at once.
    await ok(s.call('PUT', `${P}/members/outsider1`, { token: s.adminToken, body: { role: 'reader' } }));
    const outsiderUrl = await viewUrl(outsider);
    expect((await raw(outsiderUrl)).status).toBe(200);
    await ok(s.call('DELETE', `${P}/members/outsider1`, { token: s.adminToken }), 204);
    expect((await raw(outsiderUrl)).status).toBe(404);
  });

  it('binds a view address to the session that opened it: a copied link opened elsewhere gets 401, another user 403', async () => {
    const session = await s.login('reader1', 'password-reader1');
    const url = await viewUrl(session);
    const page = { 'sec-fetch-dest': 'iframe' };
    // The browser that opened it: its session cookie goes with the page load (SameSite=Strict, same site).
    expect((await raw(url, { headers: { ...page, cookie: `llano_session=${session}` } })).status).toBe(200);
    // The page's own files and calls: its sandbox (an opaque origin) sends no cookie; the token is enough.
    expect((await raw(`${url}app.js`, { headers: { 'sec-fetch-dest': 'script' } })).status).toBe(200);
    // A webapp page following its own link: no cookie either, but sent from this server's page.
    const referer = `${s.url}${url}`;
    expect((await raw(`${url}index.html`, { headers: { ...page, referer } })).status).toBe(200);
    // The copied address opened in another browser (no cookie), or from another site.
    const copied = await raw(url, { headers: { 'sec-fetch-dest': 'document' } });
    expect(copied.status).toBe(401);
    expect(await copied.text()).toMatch(/only in the browser session that opened it/);
    const linked = await raw(url, { headers: { 'sec-fetch-dest': 'document', referer: 'https://elsewhere.example/' } });
    expect(linked.status).toBe(401);
    // Another user's session (a member too), or another session of the same user: 403.
    for (const other of [writer, reader]) {
      expect((await raw(url, { headers: { ...page, cookie: `llano_session=${other}` } })).status).toBe(403);
      expect((await raw(`${url}app.js`, { token: other })).status).toBe(403);
    }
    // Logging out ends the session's webapp addresses, files and calls alike.
    await ok(s.call('POST', '/api/auth/logout', { token: session }), 204);
    expect((await raw(`${url}app.js`, { headers: { 'sec-fetch-dest': 'script' } })).status).toBe(401);
    expect((await raw(`${url}api/hello`)).status).toBe(401);
  });

  it('accepts a view token issued by another server on the same catalog (the signing key is in the catalog)', async () => {
    const url = await viewUrl(reader);
    const other = await startTestServer({ catalogUrl: path.join(s.home, 'catalog.db') });
    try {
      const page = await fetch(other.url + url, { redirect: 'manual' });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('app.js');
      const forged = url.replace(/~([^/]+)\//, (_m, t: string) => `~${t.slice(0, -2)}xx/`);
      expect((await fetch(other.url + forged, { redirect: 'manual' })).status).toBe(404);
    } finally {
      await other.stop();
    }
  });

  it('builds a react webapp at save (errors: 400 with file:line), serves the page that mounts it and its bundle', async () => {
    const files = {
      'app.tsx':
        "import { Title } from './title';\nimport './app.css';\nexport default function App() {\n  return <Title text=\"Hi\" />;\n}\n",
      'title.tsx': 'export const Title = ({ text }: { text: string }) => <h1>{text}</h1>;\n',
      'app.css': 'h1 { color: teal; }\n',
    };
    const broken = await s.call<{ error: { message: string } }>('POST', `${P}/webapps`, {
      token: writer,
      body: {
        id: 'react1',
        name: 'React one',
        kind: 'react',
        files: { ...files, 'title.tsx': 'export const Title = () => <h1>;\n' },
      },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/title\.tsx:\d+:\d+: /);
    const foreign = await s.call<{ error: { message: string } }>('POST', `${P}/webapps`, {
      token: writer,
      body: {
        id: 'react1',
        name: 'React one',
        kind: 'react',
        files: { 'app.tsx': "import _ from 'lodash';\nexport default _;" },
      },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toContain('cannot import "lodash"');
    const reserved = await s.call('POST', `${P}/webapps`, {
      token: writer,
      body: { id: 'react1', name: 'React one', kind: 'react', files: { ...files, '_build/app.js': '' } },
    });
    expect(reserved.status).toBe(400);
    await ok(
      s.call('POST', `${P}/webapps`, {
        token: writer,
        body: { id: 'react1', name: 'React one', kind: 'react', files },
      }),
      201,
    );
    const url = await viewUrl(reader, 'react1');
    const page = await raw(url);
    expect(page.headers.get('content-security-policy')).toContain('sandbox allow-scripts');
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).toContain('/webapps/_client.js');
    const bundle = await raw(`${url}_build/app.js`);
    expect(bundle.headers.get('content-type')).toContain('text/javascript');
    expect(await bundle.text()).toContain('createRoot');
    expect(await (await raw(`${url}_build/app.css`)).text()).toContain('teal');
    // The React template builds as it comes.
    const template = WEBAPP_TEMPLATES.find((t) => t.id === 'react-explorer')!;
    const templateFiles = Object.fromEntries(
      Object.entries(template.files).map(([f, text]) => [f, text.replaceAll('__DATASET__', 'obs')]),
    );
    await ok(
      s.call('POST', `${P}/webapps`, {
        token: writer,
        body: { id: 'react2', name: 'Explorer', kind: template.kind, files: templateFiles },
      }),
      201,
    );
  }, 60_000);

  it('is embedded by a webapp insight, which needs an existing webapp and draws no rows itself', async () => {
    const insight = (webapp: string) => ({ id: `tile_${webapp}`, name: 'Tile', type: 'webapp', webapp, height: 300 });
    const missing = await s.call<{ error: { message: string } }>('POST', `${P}/insights`, {
      token: s.adminToken,
      body: insight('nope'),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('webapp: no webapp nope');
    expect(
      (await s.call('POST', `${P}/insights`, { token: s.adminToken, body: { id: 'w', name: 'W', type: 'webapp' } }))
        .status,
    ).toBe(400);
    await ok(s.call('POST', `${P}/insights`, { token: s.adminToken, body: insight('app1') }), 201);
    const data = await ok(s.call<{ rows: unknown[] }>('GET', `${P}/insights/tile_app1/data`, { token: reader }));
    expect(data.rows).toEqual([]);
  });

  it('never serves a file outside the webapp (encoded .., absolute paths)', async () => {
    const url = await viewUrl(reader);
    for (const evil of [
      '..%2F..%2Fpackage.json',
      '%2Fetc%2Fpasswd',
      'css/..%2F..%2Fapp.js',
      '%2e%2e/%2e%2e/x',
      '..%5Capp.js',
      'a%00.js',
    ])
      expect((await raw(`${url}${evil}`)).status, evil).toBe(404);
  });
});

describe('webapps: data calls of the client', () => {
  const post = (url: string, body: unknown, token?: string) =>
    raw(url, { method: 'POST', token, body: JSON.stringify(body), headers: { 'content-type': 'text/plain' } });

  it('reads rows (filters, columns), aggregates and runs parameterised SQL with the viewer’s permissions', async () => {
    const url = await viewUrl(reader);
    const rows = await post(`${url}api/_data/rows`, {
      dataset: 'obs',
      filters: [{ column: 'antenna', op: 'eq', value: 'DA41' }],
      columns: ['trec'],
    });
    expect(rows.status).toBe(200);
    expect(rows.headers.get('access-control-allow-origin')).toBe('*');
    expect((await rows.json()) as unknown).toMatchObject({
      columns: ['trec'],
      rows: [{ trec: 35.5 }, { trec: 40 }],
      total: 2,
    });
    const agg = await post(`${url}api/_data/aggregate`, {
      dataset: 'obs',
      groupBy: ['antenna'],
      measures: [{ column: 'trec', agg: 'max', as: 'top' }, { agg: 'count' }],
    });
    expect(((await agg.json()) as { rows: unknown }).rows).toEqual([
      { antenna: 'DA41', top: 40, count: 2 },
      { antenna: 'DA42', top: 36.1, count: 1 },
    ]);
    const sql = await post(`${url}api/_data/sql`, {
      query: 'SELECT count(*) AS n FROM obs WHERE trec > $1',
      params: [36],
    });
    expect(((await sql.json()) as { rows: unknown }).rows).toEqual([{ n: 2 }]);
    // Reads through the view's address (no session) are the viewer's in the audit log, on this webapp.
    const audit = await s.call<{
      entries: { actor: string | null; objectName: string | null; project: string | null; route: string }[];
    }>('GET', '/api/audit?limit=500', { token: s.adminToken });
    const viaView = audit.body.entries.filter((e) => /^POST \/webapps\//.test(e.route));
    expect(viaView.length).toBeGreaterThan(0);
    expect(
      viaView.filter((e) => e.actor !== 'reader1' || e.objectName !== 'app1' || e.project !== 'WA'),
      JSON.stringify(viaView),
    ).toEqual([]);
    // The same calls with a Bearer token at the webapp's own URL (scripts, the CLI).
    const direct = await post('/webapps/WA/app1/api/_data/sql', { query: 'SELECT 1 AS one' }, reader);
    expect((await direct.json()) as unknown).toMatchObject({ rows: [{ one: 1 }] });
  });

  it('refuses writes, other files and other projects’ datasets in SQL, and bad requests, with 400s', async () => {
    const url = await viewUrl(reader);
    const refused = async (query: string, part: string) => {
      const r = await post(`${url}api/_data/sql`, { query });
      expect(r.status, query).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message.toLowerCase()).toContain(part);
    };
    await refused('CREATE TABLE t AS SELECT 1', 'read-only');
    await refused('SELECT 1; DROP TABLE obs', 'one statement');
    await refused("SELECT * FROM read_csv('/etc/passwd')", 'sql:');
    await refused('SELECT * FROM secret', 'sql:');
    const unknown = await post(`${url}api/_data/rows`, { dataset: 'obs', columns: ['nope'] });
    expect(unknown.status).toBe(400);
    const noDataset = await post(`${url}api/_data/rows`, { dataset: 'secret' });
    expect(noDataset.status).toBe(404);
  });
});

describe('webapps: backends', () => {
  const call = async (name: string, init: { body?: unknown; query?: string } = {}) => {
    const url = await viewUrl(reader);
    const r = await raw(`${url}api/${name}${init.query ?? ''}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      headers: { 'content-type': 'text/plain' },
    });
    const text = await r.text();
    return {
      status: r.status,
      body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { error?: { message: string } },
    };
  };
  const healthy = async () => {
    expect((await s.call('GET', '/api/health')).status).toBe(200);
    expect((await call('hello')).status).toBe(200);
  };
  const logText = async () =>
    (await ok(s.call<{ lines: { line: string }[] }>('GET', `${P}/webapps/app1/logs`, { token: writer }))).lines
      .map((l) => l.line)
      .join('\n');

  it('answers GET with request.query and POST with request.body, as the viewer', async () => {
    expect(await call('hello', { query: '?band=3' })).toEqual({
      status: 200,
      body: { method: 'GET', query: { band: '3' }, body: null, user: 'reader1' },
    });
    expect((await call('hello', { body: { x: [1, 2] } })).body).toMatchObject({ method: 'POST', body: { x: [1, 2] } });
    const missing = await call('nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error?.message).toContain('hello');
  }, 60_000);

  it('gives backends llano.sql, rows and aggregate with the viewer’s permissions', async () => {
    const r = await call('mean', { body: { antenna: 'DA41' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({
      mean: 37.75,
      rows: [{ trec: 35.5 }, { trec: 40 }],
      groups: [
        { antenna: 'DA41', count: 2 },
        { antenna: 'DA42', count: 1 },
      ],
    });
    const other = await call('other');
    expect(other.status).toBe(502);
    expect(other.body.error?.message).toContain('secret');
  }, 60_000);

  it('stops an infinite loop at the time limit (504), logs it, and the next call works', async () => {
    const r = await call('loop');
    expect(r.status).toBe(504);
    expect(r.body.error?.message).toContain('3 s');
    expect(r.body.error?.message).toContain('timeoutSeconds');
    expect(await logText()).toContain('backend loop did not answer within 3 s');
    await healthy();
  }, 60_000);

  it('stops a memory bomb (502 naming the memory limit)', async () => {
    const r = await call('bomb');
    expect(r.status).toBe(502);
    expect(r.body.error?.message).toContain('128 MB');
    expect(await logText()).toContain('backend bomb used more than 128 MB');
    await healthy();
  }, 60_000);

  it('survives process.exit: the call fails (502), the next one starts a new process', async () => {
    const r = await call('exit');
    expect(r.status).toBe(502);
    expect(r.body.error?.message).toContain('ended its process');
    await healthy();
  }, 60_000);

  it('cannot read /etc/passwd or another project’s files; an exception is a 502 with its message', async () => {
    const passwd = await call('passwd');
    expect(passwd.status).toBe(502);
    expect(JSON.stringify(passwd.body)).not.toContain('root:');
    const otherData = s.ws.resolve('data/OTHER');
    const foreign = await call('readFile', { query: `?path=${encodeURIComponent(otherData)}` });
    expect(foreign.status).toBe(502);
    const fails = await call('fails');
    expect(fails.status).toBe(502);
    expect(fails.body.error?.message).toContain('the backend says no');
    expect(await logText()).toContain('the backend says no');
    await healthy();
  }, 60_000);

  it('imports the project library files as code recipes do, and starts again when one changes', async () => {
    const triple = (factor: number) => `export const triple = (x: number): number => ${factor} * x;\n`;
    await ok(
      s.call('POST', `${P}/libraries`, { token: writer, body: { name: 'helpers_ts.ts', content: triple(3) } }),
      201,
    );
    const backend = `import { triple } from './lib/helpers_ts.ts';\nexport async function compute() {\n  return triple(14);\n}\n`;
    await ok(
      s.call('POST', `${P}/webapps`, {
        token: writer,
        body: { id: 'libapp', name: 'Libraries', files: { ...FILES, 'backend.ts': backend } },
      }),
      201,
    );
    const compute = async () => {
      const r = await raw(`${await viewUrl(reader, 'libapp')}api/compute`, { method: 'GET' });
      const text = await r.text();
      expect(r.status, text).toBe(200);
      return JSON.parse(text) as unknown;
    };
    expect(await compute()).toBe(42);
    await ok(
      s.call('PUT', `${P}/libraries/helpers_ts.ts`, {
        token: writer,
        body: { name: 'helpers_ts.ts', content: triple(4) },
      }),
    );
    expect(await compute()).toBe(56);
    const running = await ok(
      s.call<{ running: { kind: string }[] }>('GET', `${P}/webapps/libapp/logs`, { token: writer }),
    );
    expect(running.running).toHaveLength(1);
    await ok(s.call('DELETE', `${P}/webapps/libapp`, { token: writer }), 204);
  }, 60_000);

  it('restarts on save and stops the backend when the webapp is deleted', async () => {
    await healthy();
    const before = await ok(
      s.call<{ running: { kind: string }[]; functions: string[] }>('GET', `${P}/webapps/app1/logs`, { token: writer }),
    );
    expect(before.running.map((r) => r.kind)).toContain('backend');
    expect(before.functions).toContain('hello');
    await ok(s.call('GET', `${P}/webapps/app1/logs`, { token: reader }), 403);
    const current = await ok(s.call<Record<string, unknown>>('GET', `${P}/webapps/app1`, { token: writer }));
    await ok(
      s.call('PUT', `${P}/webapps/app1`, {
        token: writer,
        body: { ...current, files: { ...FILES, 'backend.ts': `${BACKEND}\nexport const version = async () => 2;\n` } },
      }),
    );
    expect(
      (await ok(s.call<{ running: unknown[] }>('GET', `${P}/webapps/app1/logs`, { token: writer }))).running,
    ).toEqual([]);
    expect((await call('version')).body).toBe(2);
    await ok(s.call('DELETE', `${P}/webapps/app1`, { token: writer }), 204);
    expect((await raw('/webapps/WA/app1/', { token: reader })).status).toBe(404);
  }, 60_000);
});

describe('llano webapp', () => {
  it('creates a webapp from a folder, lists, shows, updates, prints its log and deletes it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llano-webapp-'));
    try {
      mkdirSync(path.join(dir, 'js'));
      mkdirSync(path.join(dir, 'node_modules'));
      writeFileSync(path.join(dir, 'index.html'), '<h1>cli</h1>');
      writeFileSync(path.join(dir, 'js', 'app.js'), '1');
      writeFileSync(path.join(dir, 'node_modules', 'skipped.js'), '');
      writeFileSync(path.join(dir, '.env'), 'SECRET=1');
      writeFileSync(
        path.join(dir, 'backend.ts'),
        'export async function ping() { console.log("pinged"); return "pong"; }',
      );
      const base = ['--url', s.url, '--token', writer, '-p', 'WA'];
      const created = await llano([...base, 'webapp', 'create', 'cli_app', '--dir', dir, '--name', 'From the CLI']);
      expect(created.code, created.err).toBe(0);
      expect(created.out).toContain('Created webapp cli_app (revision 1, 3 files) at /webapps/WA/cli_app/');
      expect((await llano([...base, 'webapp', 'list'])).out).toMatch(/cli_app\s+From the CLI\s+static\s+3\s+1/);
      expect((await llano([...base, 'webapp', 'show', 'cli_app'])).out).toContain('js/app.js (1 B)');
      expect((await llano([...base, 'webapp', 'show', 'cli_app', '--file', 'index.html'])).out).toBe('<h1>cli</h1>');
      writeFileSync(path.join(dir, 'index.html'), '<h1>cli 2</h1>');
      expect((await llano([...base, 'webapp', 'update', 'cli_app', '--dir', dir])).out).toContain('revision 2');
      // A backend called with the CLI's Bearer token at the webapp's own URL, then its log.
      const ping = await raw('/webapps/WA/cli_app/api/ping', { token: writer });
      expect(await ping.json()).toBe('pong');
      expect((await llano([...base, 'webapp', 'logs', 'cli_app'])).out).toMatch(/stdout\s+pinged/);
      expect((await llano([...base, 'webapp', 'delete', 'cli_app'])).out).toContain('Deleted webapp cli_app');
      const readerCreate = await llano([
        '--url',
        s.url,
        '--token',
        reader,
        '-p',
        'WA',
        'webapp',
        'create',
        'x',
        '--dir',
        dir,
      ]);
      expect(readerCreate.code).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
