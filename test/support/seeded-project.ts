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

export const OBS_CSV = 'ts,antenna,trec\n2024-01-01 00:00:00,DA41,35.5\n2024-01-01 00:10:00,DA42,36.1\n';

/** Any request of the API as a `Caller`; the body is parsed when it is JSON. */
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
    const text = await res.text();
    return { status: res.status, contentType, body: contentType.includes('json') && text ? JSON.parse(text) : text };
  };
}

/** The objects of the seeded project, and who may do what in it. */
export interface Seed {
  project: string;
  /** Path parameter values keyed by the URL segment before them: `datasets/{name}` → `obs`. */
  pathValues: Record<string, string>;
  tokens: { reader: string; writer: string; projectAdmin: string; nonMember: string; writerApiKey: string };
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
  connectionRoot = s.home,
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
  await ok(call('PUT', `${P}/variables`, { token: admin, body: { threshold: '40' } }), 'variables');
  await ok(call('POST', `${P}/insights`, { token: admin, body: SEED_INSIGHT }), 'insight');
  await ok(call('POST', `${P}/dashboards`, { token: admin, body: SEED_DASHBOARD }), 'dashboard');
  const keys = await ok(call('GET', '/api/api-keys', { token: tokens.writer }), 'api keys');
  const obsVersions = await ok(call('GET', `${P}/datasets/obs/versions`, { token: admin }), 'versions');
  return {
    project,
    tokens,
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
      'versions/{id}': (obsVersions.body as { id: string }[])[0].id,
    },
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
    'POST /api/projects': { body: { key: 'NEWPROJ' } },
    [`PATCH ${P}`]: { body: { description: 'changed' } },
    [`PUT ${P}/members/{user}`]: { body: { role: 'reader' } },
    [`POST ${P}/datasets`]: { body: { name: 'made', storage: { type: 'managed' } } },
    [`PUT ${P}/datasets/{name}`]: { body: { name: 'obs', storage: { type: 'managed' }, description: 'observations' } },
    [`POST ${P}/datasets/{name}/upload`]: { file: { content: OBS_CSV, name: 'obs.csv' } },
    [`POST ${P}/recipes`]: {
      body: { name: 'r2', type: 'sql', inputs: ['obs'], output: 'out2', sql: 'SELECT antenna FROM obs' },
    },
    [`PUT ${P}/recipes/{name}`]: {
      body: { name: 'r1', type: 'sql', inputs: ['obs'], output: 'out1', sql: 'SELECT * FROM obs', description: 'all' },
    },
    [`POST ${P}/recipes/preview`]: { body: { inputs: ['obs'], sql: 'SELECT * FROM obs' } },
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
    [`PUT ${P}/variables`]: { body: { threshold: '41' } },
    [`PUT ${P}/datasets/{name}/checks`]: { body: { metrics: { sql: [] } } },
  };
}
