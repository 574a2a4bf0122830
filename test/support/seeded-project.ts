import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { TestServer } from './llano-server.js';

/** A request the tests may send to any operation: JSON body, or a multipart file. */
export interface SampleRequest {
  body?: unknown;
  file?: { content: string | Buffer; name: string };
}

/** A caller's answer as the API tests see it. */
export interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

export type Caller = (
  method: string,
  url: string,
  options?: { token?: string | null; body?: unknown; file?: SampleRequest['file'] },
) => Promise<Answer>;

const SEED_INSIGHT = {
  id: 'i1',
  name: 'Mean trec by antenna',
  type: 'chart',
  dataset: 'obs',
  chart: { kind: 'bar', x: { column: 'antenna' }, y: [{ column: 'trec', agg: 'avg' }] },
};
const SEED_DASHBOARD = {
  id: 'd1',
  name: 'Receivers',
  pages: [{ title: 'Overview', tiles: [{ insight: 'i1', x: 0, y: 0, w: 12, h: 6 }] }],
  filters: [{ column: 'antenna', type: 'category' }],
};

const SEED_WEBAPP = { id: 'w1', name: 'Explorer', files: { 'index.html': '<h1>w1</h1>' } };
const SEED_LIBRARY = { name: 'helpers.py', content: 'FACTOR = 2\n' };
const SEED_ENVIRONMENT = { name: 'py_env', language: 'python', packages: ['pandas'] };
const SEED_NOTEBOOK = {
  id: 'n1',
  name: 'Receivers notebook',
  cells: [
    { type: 'sql', source: 'SELECT antenna, avg(trec) AS trec FROM obs GROUP BY antenna' },
    { type: 'markdown', source: '# Notes' },
  ],
};
const SEED_IPYNB = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'python3', language: 'python' }, llano: { id: 'n3', name: 'Imported' } },
  cells: [{ cell_type: 'markdown', id: 'a', metadata: {}, source: ['# Imported'] }],
});
const SEED_API_SERVICE = {
  id: 'svc1',
  endpoints: [
    {
      id: 'q',
      type: 'sql-query',
      sql: 'SELECT antenna, trec FROM obs WHERE antenna = :antenna',
      parameters: [{ name: 'antenna', type: 'string' }],
      tests: [{ name: 'DA41', body: { antenna: 'DA41' } }],
    },
    { id: 'score', type: 'analytics', function: 'score-against-history' },
  ],
};

export const OBS_CSV = 'ts,antenna,trec\n2024-01-01 00:00:00,DA41,35.5\n2024-01-01 00:10:00,DA42,36.1\n';

/** Any request of the API as a `Caller`; the body is parsed when it is JSON. */
async function firstChunk(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}

export function caller(s: TestServer): Caller {
  return async (method, url, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: BodyInit | undefined;
    if (options.file) {
      const form = new FormData();
      form.set(
        'file',
        new Blob([
          typeof options.file.content === 'string' ? options.file.content : new Uint8Array(options.file.content),
        ]),
        options.file.name,
      );
      body = form;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await fetch(s.url + url, { method, headers, body });
    const contentType = res.headers.get('content-type') ?? '';
    // An event stream may not end by itself (a notebook session's): its first events are enough.
    const text = contentType.startsWith('text/event-stream') ? await firstChunk(res) : await res.text();
    return { status: res.status, contentType, body: contentType.includes('json') && text ? JSON.parse(text) : text };
  };
}

/** The objects of the seeded project, and who may do what in it. */
export interface Seed {
  project: string;
  /** Path parameter values keyed by the URL segment before them: `datasets/{name}` → `obs`. */
  pathValues: Record<string, string>;
  tokens: { reader: string; writer: string; projectAdmin: string; nonMember: string; writerApiKey: string };
  /** Callers through groups, fine rights and API keys (see `seedAccessCallers`). */
  access: AccessTokens;
  webhookToken: string;
  connectionRoot: string;
}

async function ok(answer: Promise<Answer>, what: string): Promise<Answer> {
  const a = await answer;
  expect(a.status, `${what}: ${JSON.stringify(a.body)}`).toBeLessThan(300);
  return a;
}

async function until<T>(what: string, poll: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = await poll();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not happen in 60 s`);
}

/**
 * A project with one of every kind of object (dataset, recipe, job, connection, scenario and
 * its run, checks, variables, members of every role), made through the API with `call`.
 */
export async function seedProject(
  s: TestServer,
  call: Caller,
  project = 'SEC',
  // Not the workspace home: a connection may not read Llano's own files.
  connectionRoot = mkdtempSync(path.join(tmpdir(), 'llano-seed-files-')),
): Promise<Seed> {
  const admin = s.adminToken;
  const P = `/api/projects/${project}`;
  const users = { reader: 'reader1', writer: 'writer1', projectAdmin: 'padmin1', nonMember: 'outsider1' };
  for (const name of Object.values(users))
    await ok(
      call('POST', '/api/users', { token: admin, body: { username: name, password: `password-${name}` } }),
      name,
    );
  await ok(call('POST', '/api/projects', { token: admin, body: { key: project, name: 'Seeded' } }), 'project');
  for (const [user, role] of [
    [users.reader, 'reader'],
    [users.writer, 'writer'],
    [users.projectAdmin, 'admin'],
  ])
    await ok(call('PUT', `${P}/members/${user}`, { token: admin, body: { role } }), `member ${user}`);
  const token = async (name: string) => {
    const a = await ok(
      call('POST', '/api/auth/login', { body: { username: name, password: `password-${name}` } }),
      `login ${name}`,
    );
    return (a.body as { token: string }).token;
  };
  const tokens = {
    reader: await token(users.reader),
    writer: await token(users.writer),
    projectAdmin: await token(users.projectAdmin),
    nonMember: await token(users.nonMember),
    writerApiKey: '',
  };
  const key = await ok(call('POST', '/api/api-keys', { token: tokens.writer, body: { name: 'ci' } }), 'api key');
  tokens.writerApiKey = (key.body as { key: string }).key;

  await ok(
    call('POST', `${P}/datasets/obs/upload`, { token: admin, file: { content: OBS_CSV, name: 'obs.csv' } }),
    'upload',
  );
  await ok(
    call('POST', `${P}/recipes`, {
      token: admin,
      body: { name: 'r1', type: 'sql', inputs: ['obs'], output: 'out1', sql: 'SELECT * FROM obs' },
    }),
    'recipe',
  );
  const build = await ok(call('POST', `${P}/builds`, { token: admin, body: { targets: ['out1'] } }), 'build');
  const jobId = (build.body as { jobId: string }).jobId;
  await until('the build', async () => {
    const job = await call('GET', `${P}/jobs/${jobId}`, { token: admin });
    const status = (job.body as { status: string }).status;
    return ['succeeded', 'failed', 'aborted'].includes(status) ? status : undefined;
  });
  await ok(
    call('POST', `${P}/connections`, {
      token: admin,
      body: { name: 'files', type: 'filesystem', root: connectionRoot },
    }),
    'connection',
  );
  const scenario = await ok(
    call('POST', `${P}/scenarios`, {
      token: admin,
      body: { id: 's1', triggers: [{ type: 'webhook' }], steps: [{ type: 'noop' }], reporters: [] },
    }),
    'scenario',
  );
  const webhookToken = (scenario.body as { triggers: { token: string }[] }).triggers[0].token;
  const run = await ok(call('POST', `${P}/scenarios/s1/run`, { token: admin }), 'scenario run');
  const runId = (run.body as { runId: string }).runId;
  await until('the scenario run', async () => {
    const r = await call('GET', `${P}/scenario-runs/${runId}`, { token: admin });
    const outcome = (r.body as { outcome: string }).outcome;
    return outcome === 'RUNNING' || outcome === 'QUEUED' ? undefined : outcome;
  });
  await ok(call('PUT', `${P}/datasets/obs/checks`, { token: admin, body: { metrics: { sql: [] } } }), 'checks');
  const byDayAntenna = [
    { name: 'day', type: 'time', period: 'day', column: 'ts' },
    { name: 'antenna', type: 'discrete', column: 'antenna' },
  ];
  await ok(
    call('PUT', `${P}/datasets/obs/partitioning`, { token: admin, body: { dimensions: byDayAntenna } }),
    'partitioning',
  );
  await ok(call('PUT', `${P}/variables`, { token: admin, body: { threshold: '40' } }), 'variables');
  await ok(call('POST', `${P}/insights`, { token: admin, body: SEED_INSIGHT }), 'insight');
  await ok(call('POST', `${P}/dashboards`, { token: admin, body: SEED_DASHBOARD }), 'dashboard');
  await ok(call('POST', `${P}/webapps`, { token: admin, body: SEED_WEBAPP }), 'webapp');
  await ok(call('POST', `${P}/libraries`, { token: admin, body: SEED_LIBRARY }), 'library file');
  await ok(call('POST', `${P}/code-environments`, { token: admin, body: SEED_ENVIRONMENT }), 'code environment');
  await ok(call('POST', `${P}/notebooks`, { token: admin, body: SEED_NOTEBOOK }), 'notebook');
  const access = await seedAccessCallers(call, admin, project);
  await ok(call('PUT', `${P}/wiki/ops%2Fshifts`, { token: admin, body: { content: 'See [[dataset:obs]]' } }), 'wiki');
  await ok(
    call('POST', `${P}/wiki/ops%2Fshifts/attachments`, { token: admin, file: { content: 'n', name: 'notes.txt' } }),
    'attachment',
  );
  const discussion = await ok(
    call('POST', `${P}/discussions`, { token: admin, body: { object: 'dataset:obs', title: 'Seed', message: 'Hi' } }),
    'discussion',
  );
  await ok(call('POST', `${P}/api-services`, { token: admin, body: SEED_API_SERVICE }), 'api service');
  await ok(call('POST', `${P}/api-services/svc1/deploy`, { token: admin, body: {} }), 'api service deploy');
  const serviceKey = await ok(
    call('POST', `${P}/api-services/svc1/keys`, { token: admin, body: { name: 'seed' } }),
    'api service key',
  );
  const keys = await ok(call('GET', '/api/api-keys', { token: tokens.writer }), 'api keys');
  const obsVersions = await ok(call('GET', `${P}/datasets/obs/versions`, { token: admin }), 'versions');
  return {
    project,
    tokens,
    access,
    webhookToken,
    connectionRoot,
    pathValues: {
      'projects/{key}': project,
      'datasets/{name}': 'obs',
      'recipes/{name}': 'r1',
      'connections/{name}': 'files',
      'scenarios/{id}': 's1',
      'jobs/{id}': jobId,
      'scenario-runs/{runId}': runId,
      'members/{user}': users.reader,
      'users/{username}': users.writer,
      'api-keys/{id}': (keys.body as { id: string }[])[0].id,
      'scenarios/{token}': webhookToken,
      'history/{kind}': 'recipe',
      '{kind}/{name}': 'r1',
      'insights/{id}': 'i1',
      'dashboards/{id}': 'd1',
      'webapps/{id}': 'w1',
      'libraries/{name}': SEED_LIBRARY.name,
      'code-environments/{name}': SEED_ENVIRONMENT.name,
      'notebooks/{id}': 'n1',
      'cells/{index}': '0',
      'versions/{id}': (obsVersions.body as { id: string }[])[0].id,
      'groups/{name}': 'ops',
      'wiki/{page}': 'ops/shifts',
      'attachments/{file}': 'notes.txt',
      'discussions/{id}': (discussion.body as { id: string }).id,
      'tags/{kind}': 'recipe',
      'api-services/{id}': 'svc1',
      'keys/{keyId}': (serviceKey.body as { id: string }).id,
      'endpoints/{endpointId}': 'q',
    },
  };
}

/** Tokens of callers whose standing comes from groups, fine rights or API keys. */
export interface AccessTokens {
  /** A reader granted run-scenarios, export-data and manage-dashboards. */
  readerWithRights: string;
  /** In group `ops`, which is a writer of the project (the user is no member themselves). */
  groupWriter: string;
  /** A direct reader in group `runners` (reader with run-scenarios): reader + run-scenarios. */
  groupRunner: string;
  /** The project writer's personal key with the read scope only. */
  writerReadKey: string;
  /** A reader project key of the project. */
  projectReaderKey: string;
  /** An admin project key of another project. */
  otherProjectKey: string;
  /** A personal key of the global admin that has expired. */
  expiredKey: { id: string; key: string };
}

/** Users, groups and API keys whose rights come from groups, fine rights and key limits. */
async function seedAccessCallers(call: Caller, admin: string, project: string): Promise<AccessTokens> {
  const P = `/api/projects/${project}`;
  const users = ['rightful1', 'grouped1', 'runner1'];
  for (const name of users)
    await ok(
      call('POST', '/api/users', { token: admin, body: { username: name, password: `password-${name}` } }),
      name,
    );
  await ok(call('POST', '/api/groups', { token: admin, body: { name: 'ops', members: ['grouped1'] } }), 'group ops');
  await ok(call('POST', '/api/groups', { token: admin, body: { name: 'runners', members: ['runner1'] } }), 'runners');
  const grant = (who: string, body: unknown) =>
    ok(call('PUT', `${P}/members/${who}`, { token: admin, body }), `grant ${who}`);
  await grant('rightful1', { role: 'reader', rights: ['run-scenarios', 'export-data', 'manage-dashboards'] });
  await grant('group:ops', { role: 'writer' });
  await grant('runner1', { role: 'reader' });
  await grant('group:runners', { role: 'reader', rights: ['run-scenarios'] });
  const login = async (name: string) =>
    (
      (
        await ok(
          call('POST', '/api/auth/login', { body: { username: name, password: `password-${name}` } }),
          `login ${name}`,
        )
      ).body as { token: string }
    ).token;
  const writer = await login('writer1');
  const keyOf = async (url: string, token: string, body: unknown) =>
    (await ok(call('POST', url, { token, body }), `key ${url}`)).body as { id: string; key: string };
  await ok(call('POST', '/api/projects', { token: admin, body: { key: `${project}_OTHER` } }), 'other project');
  return {
    readerWithRights: await login('rightful1'),
    groupWriter: await login('grouped1'),
    groupRunner: await login('runner1'),
    writerReadKey: (await keyOf('/api/api-keys', writer, { name: 'read only', scopes: ['read'] })).key,
    projectReaderKey: (await keyOf(`${P}/api-keys`, admin, { name: 'dash', role: 'reader' })).key,
    otherProjectKey: (await keyOf(`/api/projects/${project}_OTHER/api-keys`, admin, { name: 'o', role: 'admin' })).key,
    expiredKey: await keyOf('/api/api-keys', admin, { name: 'soon', expiresInDays: 1 }),
  };
}

/** `/api/projects/{key}/datasets/{name}` with the seed's values; throws for a parameter it has none for. */
export function fillPath(template: string, values: Record<string, string>): string {
  const segments = template.split('/');
  return segments
    .map((segment, i) => {
      if (!/^\{\w+\}$/.test(segment)) return segment;
      const value = values[`${segments[i - 1]}/${segment}`];
      if (value === undefined) throw new Error(`No seeded value for ${segments[i - 1]}/${segment} in ${template}`);
      return encodeURIComponent(value);
    })
    .join('/');
}

/**
 * A valid request for each operation that takes a body, keyed `METHOD template`: what an
 * allowed caller would send, so that a refusal is the access rule's doing, not bad input.
 */
export function sampleRequests(seed: Seed): Record<string, SampleRequest> {
  const P = '/api/projects/{key}';
  const root = seed.connectionRoot;
  return {
    'POST /api/auth/login': { body: { username: 'writer1', password: 'password-writer1' } },
    'POST /api/users': { body: { username: 'newcomer', password: 'password-newcomer' } },
    'PUT /api/users/{username}/password': { body: { password: 'password-writer1' } },
    'POST /api/api-keys': { body: { name: 'another' } },
    'POST /api/groups': { body: { name: 'newgroup', members: ['reader1'] } },
    'PUT /api/groups/{name}': { body: { description: 'changed' } },
    [`POST ${P}/api-keys`]: { body: { name: 'another', role: 'reader' } },
    'POST /api/projects': { body: { key: 'NEWPROJ' } },
    [`PATCH ${P}`]: { body: { description: 'changed' } },
    [`PUT ${P}/members/{user}`]: { body: { role: 'reader' } },
    [`POST ${P}/datasets`]: { body: { name: 'made', storage: { type: 'managed' } } },
    [`PUT ${P}/datasets/{name}`]: { body: { name: 'obs', storage: { type: 'managed' }, description: 'observations' } },
    [`POST ${P}/datasets/{name}/upload`]: { file: { content: OBS_CSV, name: 'obs.csv' } },
    [`PUT ${P}/datasets/{name}/partitioning`]: {
      body: {
        dimensions: [
          { name: 'day', type: 'time', period: 'day', column: 'ts' },
          { name: 'antenna', type: 'discrete', column: 'antenna' },
        ],
      },
    },
    [`POST ${P}/recipes`]: {
      body: { name: 'r2', type: 'sql', inputs: ['obs'], output: 'out2', sql: 'SELECT antenna FROM obs' },
    },
    [`PUT ${P}/recipes/{name}`]: {
      body: { name: 'r1', type: 'sql', inputs: ['obs'], output: 'out1', sql: 'SELECT * FROM obs', description: 'all' },
    },
    [`POST ${P}/recipes/preview`]: { body: { inputs: ['obs'], sql: 'SELECT * FROM obs' } },
    [`POST ${P}/analytics/changepoints`]: { body: { dataset: 'obs', column: 'trec', time: 'ts' } },
    [`POST ${P}/analytics/outliers`]: { body: { dataset: 'obs', columns: ['trec'], group: ['antenna'] } },
    [`POST ${P}/analytics/trend`]: { body: { dataset: 'obs', column: 'trec', time: 'ts' } },
    [`POST ${P}/analytics/anomalies`]: { body: { dataset: 'obs', column: 'trec', time: 'ts' } },
    [`POST ${P}/recipes/compile`]: {
      body: { name: 'g', type: 'group', inputs: ['obs'], output: 'g_out', params: { keys: ['antenna'] } },
    },
    [`POST ${P}/schema-impact`]: { body: { dataset: 'obs', columns: [{ name: 'antenna', type: 'VARCHAR' }] } },
    [`POST ${P}/builds`]: { body: { targets: ['out1'], mode: 'recursive' } },
    [`POST ${P}/history/{kind}/{name}/revert`]: { body: { revision: 1 } },
    [`POST ${P}/connections`]: { body: { name: 'files2', type: 'filesystem', root } },
    [`PUT ${P}/connections/{name}`]: { body: { name: 'files', type: 'filesystem', root, description: 'home' } },
    [`POST ${P}/scenarios`]: { body: { id: 's2', steps: [{ type: 'noop' }] } },
    [`PUT ${P}/scenarios/{id}`]: {
      body: { id: 's1', triggers: [{ type: 'webhook' }], steps: [{ type: 'noop' }], reporters: [] },
    },
    [`POST ${P}/insights`]: { body: { ...SEED_INSIGHT, id: 'i2', name: 'Another' } },
    [`PUT ${P}/insights/{id}`]: { body: { ...SEED_INSIGHT, description: 'changed' } },
    [`POST ${P}/insights/preview`]: { body: { ...SEED_INSIGHT, id: 'preview' } },
    [`POST ${P}/dashboards`]: { body: { ...SEED_DASHBOARD, id: 'd2' } },
    [`PUT ${P}/dashboards/{id}`]: { body: { ...SEED_DASHBOARD, description: 'changed' } },
    [`POST ${P}/dashboards/{id}/sizes`]: { body: { page: 1, sizes: 'i1:420x180' } },
    [`POST ${P}/webapps`]: { body: { ...SEED_WEBAPP, id: 'w2' } },
    [`PUT ${P}/webapps/{id}`]: { body: { ...SEED_WEBAPP, description: 'changed' } },
    [`POST ${P}/notebooks`]: { body: { ...SEED_NOTEBOOK, id: 'n2' } },
    [`PUT ${P}/notebooks/{id}`]: { body: { ...SEED_NOTEBOOK, description: 'changed' } },
    [`POST ${P}/notebooks/{id}/cells/{index}/run`]: { body: { session: 'api' } },
    [`POST ${P}/notebooks/{id}/run-all`]: { body: { session: 'api' } },
    [`POST ${P}/notebooks/{id}/interrupt`]: { body: { session: 'api' } },
    [`POST ${P}/notebooks/{id}/restart`]: { body: { session: 'api' } },
    [`POST ${P}/notebooks/import`]: { file: { content: SEED_IPYNB, name: 'n3.ipynb' } },
    [`POST ${P}/notebooks/{id}/to-recipe`]: { body: { cells: [0], output: 'nb_out' } },
    [`PUT ${P}/variables`]: { body: { threshold: '41' } },
    [`POST ${P}/libraries`]: { body: { name: 'more.py', content: 'MORE = 3\n' } },
    [`PUT ${P}/libraries/{name}`]: { body: { ...SEED_LIBRARY, content: 'FACTOR = 3\n' } },
    [`POST ${P}/code-environments`]: { body: { ...SEED_ENVIRONMENT, name: 'py2' } },
    // A virtual environment without requirements: built (and rebuilt) from the machine's Python alone.
    [`PUT ${P}/code-environments/{name}`]: {
      body: { ...SEED_ENVIRONMENT, packages: ['pandas', 'numpy'], python: { venv: true, requirements: [] } },
    },
    [`PUT ${P}/datasets/{name}/checks`]: { body: { metrics: { sql: [] } } },
    [`PUT ${P}/wiki/{page}`]: { body: { content: 'Shifts: [[dataset:obs]]' } },
    [`POST ${P}/wiki-preview`]: { body: { content: '[[recipe:r1]]' } },
    [`POST ${P}/wiki/{page}/attachments`]: { file: { content: 'n2', name: 'notes2.txt' } },
    [`POST ${P}/discussions`]: { body: { object: 'dataset:obs', title: 'Another', message: 'Hello @reader1' } },
    [`POST ${P}/discussions/{id}/replies`]: { body: { message: 'Reply' } },
    [`PATCH ${P}/discussions/{id}`]: { body: { status: 'open' } },
    ['POST /api/notifications/read']: { body: { all: true } },
    [`PUT ${P}/tags/{kind}/{name}`]: { body: { tags: ['seeded'], description: 'all rows' } },
    [`POST ${P}/api-services`]: { body: { ...SEED_API_SERVICE, id: 'svc2' } },
    [`PUT ${P}/api-services/{id}`]: { body: { ...SEED_API_SERVICE, description: 'changed' } },
    [`POST ${P}/api-services/{id}/deploy`]: { body: {} },
    [`POST ${P}/api-services/{id}/active`]: { body: { version: 1 } },
    [`POST ${P}/api-services/{id}/keys`]: { body: { name: 'another' } },
    [`POST ${P}/api-services/{id}/endpoints/{endpointId}/test`]: { body: {} },
  };
}
