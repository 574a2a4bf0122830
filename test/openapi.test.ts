import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import type { OpenApiDocument } from '../src/server/openapi.js';
import { exportProjectZip } from '../src/transfer/project-export.js';
import { ACCESS_LEVELS } from '../src/server/route.js';
import { answerChecker, operationsOf, type Operation } from './support/openapi-check.js';
import { startHttpReceiver, type HttpReceiver } from './support/receivers.js';
import { startTestServer, type TestServer } from './support/llano-server.js';
import { caller, fillPath, sampleRequests, seedProject, type Caller, type Seed } from './support/seeded-project.js';

const P = '/api/projects/{key}';

describe('the API document (/api/openapi.json)', () => {
  let s: TestServer;
  let http: HttpReceiver;
  let doc: OpenApiDocument;
  let operations: Operation[];
  let seed: Seed;
  /** Answers checked against the document: operation → statuses seen; and what did not match. */
  const seen = new Map<Operation, number[]>();
  const mismatches: string[] = [];
  let checked: Caller;

  /** The operation a concrete URL calls: the most literal template that matches it. */
  function operationOf(method: string, url: string): Operation | undefined {
    const path = url.split('?')[0];
    return operations
      .filter((o) => o.method === method)
      .filter((o) => new RegExp(`^${o.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path))
      .sort((a, b) => a.path.split('{').length - b.path.split('{').length)[0];
  }

  beforeAll(async () => {
    // The test's HTTP receiver listens on 127.0.0.1, which outbound requests reach only when allowed.
    s = await startTestServer({ outboundAllow: ['127.0.0.1'] });
    http = await startHttpReceiver();
    const plain = caller(s);
    const answer = await plain('GET', '/api/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.body as OpenApiDocument;
    operations = operationsOf(doc);
    const check = answerChecker();
    checked = async (method, url, options) => {
      const a = await plain(method, url, options);
      const op = operationOf(method, url);
      if (!op) {
        mismatches.push(`${method} ${url}: no operation in the document`);
        return a;
      }
      seen.set(op, [...(seen.get(op) ?? []), a.status]);
      const errors =
        a.status < 300
          ? check(op, a)
          : check({ ...op, op: { ...op.op, responses: { [a.status]: op.op.responses.default } } }, a);
      for (const e of errors) mismatches.push(`${method} ${op.path} → ${a.status}: ${e}`);
      return a;
    };
    seed = await seedProject(s, checked);
  });
  afterAll(async () => {
    await http?.stop();
    await s?.stop();
  });

  it('is a valid OpenAPI 3.1 document that anyone may read', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    // The dialect is the document's: no schema names its own.
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
  });

  it('declares for every operation who may call it and what each success answers', () => {
    expect(operations.length).toBeGreaterThan(50);
    for (const { method, path, op } of operations) {
      const where = `${method} ${path}`;
      expect(ACCESS_LEVELS, where).toContain(op['x-llano-access']);
      const successes = Object.keys(op.responses).filter((k) => k.startsWith('2'));
      expect(successes.length, where).toBeGreaterThan(0);
      for (const status of successes)
        if (status !== '204') expect(op.responses[status].content, `${where} ${status}`).toBeDefined();
      if (op['x-llano-access'] === 'public') expect(op.security).toEqual([]);
      else expect(op.security.length).toBeGreaterThan(0);
    }
    const upload = doc.paths[`${P}/datasets/{name}/upload`].post;
    expect(Object.keys(upload.responses)).toContain('201');
    expect(upload.requestBody?.content['multipart/form-data']).toBeDefined();
    expect(Object.keys(doc.paths[`${P}/builds`].post.responses)).toContain('202');
    expect(doc.paths[`${P}/jobs/{id}/events`].get.responses['200'].content?.['text/event-stream']).toBeDefined();
    const data = doc.paths[`${P}/datasets/{name}/data`].get.parameters;
    expect(data.find((p) => p.name === 'limit')?.schema.type).toBe('integer');
    expect(data.find((p) => p.name === 'offset')?.schema.type).toBe('integer');
  });

  it('the answer checker refuses what the document does not declare', () => {
    const check = answerChecker();
    const project = operations.find((o) => o.method === 'GET' && o.path === P)!;
    const good = { key: 'A', name: 'A', description: '', tags: [], createdAt: 'x', createdBy: 'x', updatedAt: 'x' };
    expect(check(project, { status: 200, contentType: 'application/json', body: good })).toEqual([]);
    expect(check(project, { status: 200, contentType: 'application/json', body: { ...good, key: 1 } })).not.toEqual([]);
    expect(check(project, { status: 201, contentType: 'application/json', body: good })).not.toEqual([]);
    expect(check(project, { status: 200, contentType: 'text/csv', body: '' })).not.toEqual([]);
  });

  it('serves the document as a self-contained web page', async () => {
    const page = await caller(s)('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/^text\/html/);
    const html = page.body as string;
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain('<html lang="en">');
    for (const { path } of operations) expect(html).toContain(path.replace(/&/g, '&amp;'));
    // Nothing is fetched from elsewhere: no scripts, no external stylesheets, images or fonts.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|src=/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('every operation, called for real, answers a declared status with a body its schema accepts', async () => {
    const admin = s.adminToken;
    const samples = sampleRequests(seed);
    const url = (template: string) => fillPath(template, seed.pathValues);
    const call = (method: string, template: string, options: { token?: string | null; query?: string } = {}) => {
      const sample = samples[`${method} ${template}`] ?? {};
      return checked(method, url(template) + (options.query ?? ''), {
        token: options.token === undefined ? admin : options.token,
        ...sample,
      });
    };
    const get = (template: string, query?: string) => call('GET', template, { query });

    await call('GET', '/api/health', { token: null });
    await call('GET', '/api/openapi.json', { token: null });
    await call('GET', '/api/docs', { token: null });
    await call('GET', '/api/ready', { token: null });
    await get('/api/auth/me');
    await get('/api/auth/oidc');
    await get('/api/users');
    await get('/api/api-keys');
    await get('/api/code-interpreters');
    await get('/api/code-limits');
    await checked('PATCH', url('/api/users/{username}'), { token: admin, body: { displayName: 'Writer' } });
    await checked('POST', '/api/users', {
      token: admin,
      body: { username: 'leaving', password: 'leaving-password-1' },
    });
    await checked('DELETE', '/api/users/leaving', { token: admin });
    await call('PUT', '/api/users/{username}/password');
    const key = await checked('POST', '/api/api-keys', { token: admin, body: { name: 'throwaway' } });
    await checked('DELETE', `/api/api-keys/${(key.body as { id: string }).id}`, { token: admin });
    await get('/api/projects');
    await get(P);
    await call('PATCH', P);
    await get(`${P}/members`);
    await get('/api/groups');
    await get('/api/groups/{name}');
    await call('PUT', '/api/groups/{name}');
    await call('POST', '/api/groups');
    await checked('DELETE', '/api/groups/newgroup', { token: admin });
    await get(`${P}/api-keys`);
    const projectKey = await call('POST', `${P}/api-keys`);
    await checked('DELETE', `${url(P)}/api-keys/${(projectKey.body as { id: string }).id}`, { token: admin });

    for (const t of ['datasets', 'datasets/{name}', 'datasets/{name}/versions', 'datasets/{name}/stats'])
      await get(`${P}/${t}`);
    await call('PUT', `${P}/datasets/{name}`);
    for (const analysis of ['changepoints', 'outliers', 'trend', 'anomalies'])
      await call('POST', `${P}/analytics/${analysis}`);
    await call('DELETE', `${P}/datasets/{name}/partitioning`);
    await call('PUT', `${P}/datasets/{name}/partitioning`);
    await get(`${P}/datasets/{name}/partitioning`);
    await get(`${P}/datasets/{name}/partitions`);
    await get(`${P}/datasets/{name}/data`, '?offset=0&limit=1&sort=-trec');
    await get(`${P}/datasets/{name}/data`, '?format=csv');
    await get(`${P}/datasets/{name}/versions/{id}/data`, '?limit=2');
    // A second upload keeps the first version's data, which is then restored as a third version.
    await call('POST', `${P}/datasets/{name}/upload`);
    await checked('POST', url(`${P}/datasets/{name}/versions/${seed.pathValues['versions/{id}']}/restore`), {
      token: admin,
    });
    await call('POST', `${P}/datasets`);
    await checked('DELETE', fillPath(`${P}/datasets/made`, seed.pathValues), { token: admin });

    await get('/api/recipe-types');
    await get(`${P}/recipes`);
    await get(`${P}/recipes/{name}`);
    await call('PUT', `${P}/recipes/{name}`);
    await call('POST', `${P}/recipes/preview`);
    await call('POST', `${P}/recipes`);
    await checked('DELETE', fillPath(`${P}/recipes/r2`, seed.pathValues), { token: admin });
    await call('POST', `${P}/recipes/compile`);
    await get(`${P}/recipes/{name}/sql`);
    await call('POST', `${P}/schema-impact`);
    await checked('POST', url(`${P}/recipes`), {
      token: admin,
      body: { name: 'r_vis', type: 'distinct', inputs: ['obs'], output: 'out_vis', params: { columns: ['antenna'] } },
    });
    await checked('POST', fillPath(`${P}/recipes/r_vis/convert-to-sql`, seed.pathValues), { token: admin, body: {} });
    await get(`${P}/flow`);
    await get(`${P}/jobs`);
    await get(`${P}/jobs/{id}`);
    await get(`${P}/jobs/{id}/log`);
    await get(`${P}/jobs/{id}/events`);
    // A build slow enough to abort: the same query as the abort test of api-external.
    const slow = 'SELECT count(DISTINCT hash(i)) AS n FROM range(8000000) t(i), (SELECT max(trec) FROM obs) s';
    await checked('POST', url(`${P}/recipes`), {
      token: admin,
      body: { name: 'r_slow', type: 'sql', inputs: ['obs'], output: 'slow', sql: slow },
    });
    const build = await checked('POST', url(`${P}/builds`), { token: admin, body: { targets: ['slow'] } });
    await checked('POST', url(`${P}/jobs/${(build.body as { jobId: string }).jobId}/abort`), { token: admin });

    await get(`${P}/history/{kind}/{name}`);
    await call('POST', `${P}/history/{kind}/{name}/revert`);
    await get('/api/connection-types');
    await get(`${P}/connections`);
    await get(`${P}/connections/{name}`);
    await checked('POST', url(`${P}/connections`), {
      token: admin,
      body: { name: 'unused', type: 'postgres', url: 'postgres://ops@127.0.0.1:1/ops' },
    });
    await checked('DELETE', url(`${P}/connections/unused`), { token: admin });
    await call('PUT', `${P}/connections/{name}`);
    await call('POST', `${P}/connections/{name}/test`);

    await get('/api/scenario-types');
    await get(`${P}/scenarios`);
    await get(`${P}/scenarios/{id}`);
    await call('POST', '/api/webhooks/scenarios/{token}', { token: null });
    await call('PUT', `${P}/scenarios/{id}`);
    await get(`${P}/scenarios/{id}/runs`, '?limit=5');
    await get(`${P}/scenario-runs/{runId}`);
    await checked('POST', url(`${P}/scenarios`), {
      token: admin,
      body: { id: 'hangs', steps: [{ type: 'http', url: `${http.url}/hang` }] },
    });
    const run = await checked('POST', url(`${P}/scenarios/hangs/run`), { token: admin });
    await http.next('/hang');
    await checked('POST', url(`${P}/scenario-runs/${(run.body as { runId: string }).runId}/abort`), { token: admin });
    await call('POST', `${P}/scenarios`);
    await checked('DELETE', url(`${P}/scenarios/s2`), { token: admin });
    await checked('POST', url(`${P}/scenarios`), {
      token: admin,
      body: {
        id: 'hooked',
        steps: [{ type: 'noop' }],
        reporters: [{ channel: 'webhook', url: 'https://example.org/hook' }],
      },
    });
    await checked('POST', url(`${P}/scenarios/hooked/rotate-secret`), { token: admin, body: {} });
    await get('/api/automation/monitoring');
    await get('/api/automation/monitoring/steps');
    await get(`${P}/variables`);

    await get('/api/check-types');
    await get(`${P}/datasets/{name}/checks`);
    await call('POST', `${P}/datasets/{name}/metrics/compute`);
    await get(`${P}/datasets/{name}/metrics`, '?limit=3');
    await call('POST', `${P}/datasets/{name}/checks/run`);

    await get(`${P}/insights`);
    await get(`${P}/insights/{id}`);
    await call('PUT', `${P}/insights/{id}`);
    await get(`${P}/insights/{id}/data`, '?filters=antenna:eq:DA41');
    await get(`${P}/dashboards/{id}/data`, '?page=1&filters=antenna:eq:DA41');
    await call('POST', `${P}/dashboards/{id}/sizes`);
    await call('POST', `${P}/insights/preview`);
    await call('POST', `${P}/insights`);
    await checked('DELETE', url(`${P}/insights/i2`), { token: admin });
    await get(`${P}/dashboards`);
    await get(`${P}/dashboards/{id}`);
    await call('PUT', `${P}/dashboards/{id}`);
    await get(`${P}/dashboards/{id}/export`, '?format=png');
    await call('POST', `${P}/dashboards`);
    await checked('DELETE', url(`${P}/dashboards/d2`), { token: admin });
    for (const [plural, made] of [
      ['libraries', 'more.py'],
      ['code-environments', 'py2'],
    ]) {
      await get(`${P}/${plural}`);
      await get(`${P}/${plural}/{name}`);
      await call('PUT', `${P}/${plural}/{name}`);
      await call('POST', `${P}/${plural}`);
      await checked('DELETE', url(`${P}/${plural}/${made}`), { token: admin });
    }
    await call('POST', `${P}/code-environments/{name}/rebuild`);

    // Only the /api routes of webapps are here: what a webapp serves under /webapps/KEY/id/ (its
    // pages, data calls and backends) is its author's, outside this document on purpose, and tested
    // in test/webapps.test.ts.
    await get('/api/webapp-templates');
    await get(`${P}/webapps`);
    await get(`${P}/webapps/{id}`);
    await call('PUT', `${P}/webapps/{id}`);
    await get(`${P}/webapps/{id}/logs`);
    await call('POST', `${P}/webapps`);
    await checked('DELETE', url(`${P}/webapps/w2`), { token: admin });
    await get(`${P}/notebooks`);
    await get(`${P}/notebooks/{id}`);
    await call('PUT', `${P}/notebooks/{id}`);
    await call('POST', `${P}/notebooks/{id}/cells/{index}/run`);
    await call('POST', `${P}/notebooks/{id}/run-all`);
    await call('POST', `${P}/notebooks/{id}/interrupt`);
    await call('POST', `${P}/notebooks/{id}/restart`);
    await get(`${P}/notebooks/{id}/events`, '?session=openapi');
    await get(`${P}/notebooks/{id}/export`, '?format=ipynb');
    await call('POST', `${P}/notebooks/import`);
    await call('POST', `${P}/notebooks/{id}/to-recipe`);
    await call('POST', `${P}/notebooks`);
    await checked('DELETE', url(`${P}/notebooks/n2`), { token: admin });

    await get(`${P}/wiki`);
    await get(`${P}/wiki/{page}`);
    await call('PUT', `${P}/wiki/{page}`);
    await call('POST', `${P}/wiki-preview`);
    await get(`${P}/wiki/{page}/attachments`);
    await call('POST', `${P}/wiki/{page}/attachments`);
    await get(`${P}/wiki/{page}/attachments/{file}`);
    await checked('DELETE', url(`${P}/wiki/{page}/attachments/notes2.txt`), { token: admin });
    await checked('PUT', url(`${P}/wiki/gone`), { token: admin, body: { content: 'x' } });
    await checked('DELETE', url(`${P}/wiki/gone`), { token: admin });
    await get(`${P}/discussions`, '?object=dataset:obs');
    await call('POST', `${P}/discussions`);
    await get(`${P}/discussions/{id}`);
    await call('POST', `${P}/discussions/{id}/replies`);
    await call('PATCH', `${P}/discussions/{id}`);
    await call('GET', '/api/notifications', { token: seed.tokens.reader });
    await call('POST', '/api/notifications/read', { token: seed.tokens.reader });
    await call('PUT', `${P}/tags/{kind}/{name}`);
    await get(`${P}/tags/{kind}/{name}`);
    await get(`${P}/tags`);
    await get('/api/catalog/search', '?q=obs');
    await get('/api/shared');

    await get(`${P}/api-services`);
    await get(`${P}/api-services/{id}`);
    await call('PUT', `${P}/api-services/{id}`);
    await call('POST', `${P}/api-services`);
    await call('POST', `${P}/api-services/{id}/deploy`);
    await get(`${P}/api-services/{id}/deployments`);
    await call('POST', `${P}/api-services/{id}/active`);
    await get(`${P}/api-services/{id}/keys`);
    await call('POST', `${P}/api-services/{id}/keys`);
    await call('DELETE', `${P}/api-services/{id}/keys/{keyId}`);
    await call('POST', `${P}/api-services/{id}/endpoints/{endpointId}/test`);
    await get(`${P}/api-services/{id}/metrics`, '?minutes=5');
    await get(`${P}/api-services/{id}/requests`, '?limit=5');
    await get(`${P}/api-services/{id}/openapi.json`);
    await checked('DELETE', url(`${P}/api-services/svc2`), { token: admin });

    await get(`${P}/export`, '?revisions=true');
    const zip = await exportProjectZip(s.ws, LOCAL_ADMIN, seed.project, {});
    await checked('POST', '/api/projects/import?key=IMPORTED', {
      token: admin,
      file: { content: readFileSync(zip), name: 'project.zip' },
    });
    await get('/api/audit', '?limit=5');
    await get(`${P}/timeline`, '?limit=5');
    await get('/api/users/{username}/timeline');
    await call('DELETE', `${P}/members/{user}`);
    await call('POST', '/api/auth/logout', { token: seed.tokens.reader });
    await call('DELETE', P);

    expect(mismatches).toEqual([]);
    const unanswered = operations
      .filter((o) => !(seen.get(o) ?? []).some((status) => status < 300))
      .map((o) => `${o.method} ${o.path}: ${JSON.stringify(seen.get(o) ?? 'never called')}`);
    expect(unanswered, 'operations never answered with a success').toEqual([]);
  }, 300_000);

  it('left an audit row for every change the walk made and for its data reads, never a secret', async () => {
    const rows = await s.ws.catalog.db.selectFrom('audit_log').selectAll().execute();
    const routes = new Set(rows.map((r) => r.route));
    const mutating = [...seen]
      .filter(([o, statuses]) => o.method !== 'GET' && statuses.some((status) => status < 300))
      .map(([o]) => `${o.method} ${o.path}`);
    expect(mutating.length).toBeGreaterThan(30);
    expect(mutating.filter((r) => !routes.has(r))).toEqual([]);
    for (const read of [`GET ${P}/datasets/{name}/data`, `GET ${P}/datasets/{name}/versions/{id}/data`])
      expect(routes, read).toContain(read);
    const stored = JSON.stringify(rows);
    for (const secret of [seed.webhookToken, seed.tokens.writerApiKey, 'password-reader1', 'leaving-password-1'])
      expect(stored).not.toContain(secret);
  });
});
