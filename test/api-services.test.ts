import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/SVC';
const OBS = [
  'ts,antenna,band,trec',
  '2024-01-01,DA41,3,35.5',
  '2024-01-02,DA42,3,36.1',
  '2024-01-03,DA43,6,40.2',
  '2024-01-04,DA44,6,41.0',
  '2024-01-05,DA45,7,50.5',
].join('\n');

/** What a service call answers, loosely: each test reads the fields of its endpoint type. */
interface CallBody {
  rows: Record<string, unknown>[] | null[];
  row: Record<string, unknown> | null;
  changepoints: number[];
  outlier: boolean;
  error: { message: string };
}

interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

describe('API services', () => {
  let s: TestServer;
  let key: string;
  /** Calls an endpoint as an API caller would. */
  let callService: (service: string, endpoint: string, body: unknown, token?: string) => Promise<Answer<CallBody>>;

  const service = {
    id: 'receivers',
    name: 'Receivers',
    endpoints: [
      {
        id: 'by-band',
        type: 'sql-query',
        sql: 'SELECT antenna, trec FROM obs WHERE band = :band AND trec >= :min ORDER BY antenna',
        parameters: [
          { name: 'band', type: 'integer' },
          { name: 'min', type: 'number', required: false },
        ],
        tests: [{ name: 'band 6', body: { band: 6, min: 0 } }],
      },
      {
        id: 'by-name',
        type: 'sql-query',
        sql: "SELECT count(*) AS n FROM obs WHERE antenna = :antenna AND ts >= :since -- 'not :a param'",
        parameters: [
          { name: 'antenna', type: 'string' },
          { name: 'since', type: 'date' },
        ],
      },
      { id: 'antenna', type: 'lookup', dataset: 'obs', key: ['antenna'], columns: ['band', 'trec'] },
      { id: 'changes', type: 'analytics', function: 'change-points' },
      { id: 'score', type: 'analytics', function: 'score-against-history' },
      {
        id: 'fn',
        type: 'typescript-function',
        code: [
          'export async function handler(body: { band: number }, llano: { sql(q: string, p: object): Promise<{ rows: { n: number }[] }> }) {',
          '  const r = await llano.sql("SELECT count(*) AS n FROM obs WHERE band = :band", { band: body.band });',
          '  return { band: body.band, antennas: r.rows[0].n };',
          '}',
        ].join('\n'),
      },
      { id: 'loop', type: 'typescript-function', code: 'export function handler() {\n  for (;;) {}\n}\n' },
    ],
  };

  beforeAll(async () => {
    // Function endpoints are stopped after the query time limit: short here, for the endless loop.
    s = await startTestServer({ queryTimeoutSeconds: 4 });
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'SVC' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/obs/upload`, OBS, 'obs.csv')).status).toBe(201);
    const created = await s.call('POST', `${P}/api-services`, { token: s.adminToken, body: service });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const deployed = await s.call<{ version: number }>('POST', `${P}/api-services/receivers/deploy`, {
      token: s.adminToken,
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    expect(deployed.body.version).toBe(1);
    const k = await s.call<{ key: string }>('POST', `${P}/api-services/receivers/keys`, {
      token: s.adminToken,
      body: { name: 'ops' },
    });
    expect(k.status).toBe(201);
    key = k.body.key;
    callService = async (svc, endpoint, body, token = key) => {
      const res = await fetch(`${s.url}/services/SVC/${svc}/${endpoint}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as CallBody, headers: res.headers };
    };
  });
  afterAll(async () => s?.stop());

  it('answers a SQL endpoint with its parameters bound', async () => {
    const a = await callService('receivers', 'by-band', { band: 6, min: 40.5 });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.rows).toEqual([{ antenna: 'DA44', trec: 41 }]);
    // The optional parameter is NULL when left out: `trec >= NULL` matches nothing.
    expect((await callService('receivers', 'by-band', { band: 6 })).body.rows).toEqual([]);
    const named = await callService('receivers', 'by-name', { antenna: 'DA41', since: '2024-01-01' });
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    expect(named.body.rows).toEqual([{ n: 1 }]);
  });

  it('refuses hostile and wrong parameters with a 400 naming them, and changes nothing', async () => {
    const hostile = [
      { antenna: "DA41'; DROP TABLE obs; --", since: '2024-01-01' },
      { antenna: "DA41' OR 1=1 --", since: '2024-01-01' },
      { antenna: '1 OR 1=1', since: '2024-01-01' },
    ];
    for (const body of hostile) {
      const a = await callService('receivers', 'by-name', body);
      // A plain value: no antenna has that name.
      expect(a.status).toBe(200);
      expect(a.body.rows).toEqual([{ n: 0 }]);
    }
    const bad: [unknown, RegExp][] = [
      [{ band: '6 OR 1=1' }, /parameter band: expected an integer/],
      [{ band: 6.5 }, /parameter band: expected an integer/],
      [{ band: '6' }, /parameter band/],
      [{}, /missing parameter band \(integer\)/],
      [{ band: 6, drop: 'x' }, /unknown parameter drop/],
      [[6], /JSON object/],
    ];
    for (const [body, message] of bad) {
      const a = await callService('receivers', 'by-band', body);
      expect(a.status, JSON.stringify(body)).toBe(400);
      expect(a.body.error.message).toMatch(message);
    }
    const date = await callService('receivers', 'by-name', { antenna: 'DA41', since: "2024-01-01' OR '1'='1" });
    expect(date.status).toBe(400);
    expect(date.body.error.message).toMatch(/parameter since: expected a date/);
    // The dataset is intact.
    const all = await callService('receivers', 'by-band', { band: 3, min: 0 });
    expect(all.body.rows).toHaveLength(2);
    const data = await s.call<{ rows: unknown[] }>('GET', `${P}/datasets/obs/data`, { token: s.adminToken });
    expect(data.body.rows).toHaveLength(5);
  });

  it('refuses SQL that is not one SELECT at deploy, and undeclared parameters at save', async () => {
    const bad = (sql: string, parameters: unknown[] = []) =>
      s.call<{ error: { message: string } }>('POST', `${P}/api-services`, {
        token: s.adminToken,
        body: { id: 'bad', endpoints: [{ id: 'q', type: 'sql-query', sql, parameters }] },
      });
    expect((await bad('SELECT * FROM obs WHERE band = :band')).body.error.message).toMatch(/:band/);
    expect((await bad('SELECT * FROM obs', [{ name: 'band', type: 'integer' }])).body.error.message).toMatch(
      /band is declared/,
    );
    expect((await bad('SELECT * FROM obs WHERE band = $1')).status).toBe(400);
    const saved = await s.call('POST', `${P}/api-services`, {
      token: s.adminToken,
      body: { id: 'drop', endpoints: [{ id: 'q', type: 'sql-query', sql: 'DROP TABLE obs', parameters: [] }] },
    });
    expect(saved.status).toBe(201);
    const deploy = await s.call<{ error: { message: string } }>('POST', `${P}/api-services/drop/deploy`, {
      token: s.adminToken,
    });
    expect(deploy.status).toBe(400);
  });

  it('looks rows up by key, one or a batch, and refuses batches over the limit', async () => {
    const one = await callService('receivers', 'antenna', { antenna: 'DA43' });
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(one.body).toEqual({ row: { band: 6, trec: 40.2 } });
    expect((await callService('receivers', 'antenna', { antenna: "DA43' OR 1=1" })).body).toEqual({ row: null });
    const batch = await callService('receivers', 'antenna', { keys: [{ antenna: 'DA45' }, { antenna: 'nope' }] });
    expect(batch.body.rows).toEqual([{ band: 7, trec: 50.5 }, null]);
    const many = await callService('receivers', 'antenna', {
      keys: Array.from({ length: 10_000 }, (_, i) => ({ antenna: `DA${i}` })),
    });
    expect(many.status).toBe(400);
    expect(many.body.error.message).toMatch(/10,000 keys, over the limit of 1,000/);
    const wrong = await callService('receivers', 'antenna', { station: 'DA41' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/station is not a key column/);
  });

  it('runs analytics functions on posted series', async () => {
    const values = Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : 10)).map((v, i) => v + (i % 3) * 0.1);
    const cp = await callService('receivers', 'changes', { values });
    expect(cp.status, JSON.stringify(cp.body)).toBe(200);
    expect(cp.body.changepoints).toEqual([50]);
    const score = await callService('receivers', 'score', { value: 100, history: [10, 11, 9, 10, 12, 10] });
    expect(score.body.outlier).toBe(true);
    expect((await callService('receivers', 'score', { value: 'x', history: [1, 2, 3] })).status).toBe(400);
    expect((await callService('receivers', 'changes', { values: [] })).status).toBe(400);
  });

  it('runs TypeScript functions in the code sandbox; an endless one is stopped and the server stays up', async () => {
    const a = await callService('receivers', 'fn', { band: 6 });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body).toEqual({ band: 6, antennas: 2 });
    const loop = await callService('receivers', 'loop', {});
    expect(loop.status).toBeGreaterThanOrEqual(400);
    expect(loop.status).toBeLessThan(500);
    expect((await callService('receivers', 'fn', { band: 3 })).body).toEqual({ band: 3, antennas: 2 });
  }, 60_000);

  it('refuses bodies over the limit with a 413 and malformed JSON with a 400', async () => {
    const big = await callService('receivers', 'by-band', JSON.stringify({ band: 6, pad: 'x'.repeat(2_000_000) }));
    expect(big.status).toBe(413);
    expect(big.body.error.message).toMatch(/limit of 1024 KB/);
    const broken = await callService('receivers', 'by-band', '{"band": 6');
    expect(broken.status).toBe(400);
    // 1e400 parses to Infinity, which JSON writes as null: the answer names the range, not "null".
    const huge: [string, string, RegExp][] = [
      ['by-band', '{"band": 6, "min": 1e400}', /^min: the number is out of range \(over 1\.8e308\): a finite double/],
      ['by-band', '{"band": -1e400}', /^band: the number is out of range \(below -1\.8e308\)/],
      ['changes', '{"values": [1, 2, 1e999]}', /^values\[2\]: the number is out of range/],
      ['antenna', '{"keys": [{"antenna": 1e400}]}', /^keys\[0\]\.antenna: the number is out of range/],
    ];
    for (const [endpoint, text, message] of huge) {
      const a = await callService('receivers', endpoint, text);
      expect(a.status, text).toBe(400);
      expect(a.body.error.message).toMatch(message);
      expect(a.body.error.message).not.toMatch(/null/);
    }
  });

  it('needs a key of the service: none → 401, unknown → 401, another service’s → 403, revoked → 401', async () => {
    const none = await fetch(`${s.url}/services/SVC/receivers/by-band`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"band":6}',
    });
    expect(none.status).toBe(401);
    // A GET (a browser, a mistaken client) is told to POST, not sent the web app's page.
    const get = await fetch(`${s.url}/services/SVC/receivers/by-band`, { headers: { accept: 'text/html' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(((await get.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
    expect((await callService('receivers', 'by-band', { band: 6 }, 'llsk_forged')).status).toBe(401);
    // A user's own session token is not a service key.
    expect((await callService('receivers', 'by-band', { band: 6 }, s.adminToken)).status).toBe(401);
    await s.call('POST', `${P}/api-services`, {
      token: s.adminToken,
      body: { id: 'other', endpoints: [{ id: 'score', type: 'analytics', function: 'score-against-history' }] },
    });
    await s.call('POST', `${P}/api-services/other/deploy`, { token: s.adminToken });
    const otherKey = await s.call<{ key: string; id: string }>('POST', `${P}/api-services/other/keys`, {
      token: s.adminToken,
      body: { name: 'other' },
    });
    const scoped = await callService('receivers', 'by-band', { band: 6 }, otherKey.body.key);
    expect(scoped.status).toBe(403);
    expect(scoped.body.error.message).toMatch(/another API service/);
    const ok = await callService('other', 'score', { value: 1, history: [1, 2, 3] }, otherKey.body.key);
    expect(ok.status).toBe(200);
    const listed = await s.call<{ id: string; prefix: string }[]>('GET', `${P}/api-services/other/keys`, {
      token: s.adminToken,
    });
    expect(JSON.stringify(listed.body)).not.toContain(otherKey.body.key);
    expect(
      (await s.call('DELETE', `${P}/api-services/other/keys/${otherKey.body.id}`, { token: s.adminToken })).status,
    ).toBe(204);
    expect((await callService('other', 'score', { value: 1, history: [1, 2, 3] }, otherKey.body.key)).status).toBe(401);
  });

  it('rate limits each key with a 429 and Retry-After', async () => {
    await s.call('POST', `${P}/api-services`, {
      token: s.adminToken,
      body: {
        id: 'slow',
        rateLimit: { requestsPerSecond: 2 },
        endpoints: [{ id: 'score', type: 'analytics', function: 'score-against-history' }],
      },
    });
    await s.call('POST', `${P}/api-services/slow/deploy`, { token: s.adminToken });
    const k = await s.call<{ key: string }>('POST', `${P}/api-services/slow/keys`, {
      token: s.adminToken,
      body: { name: 'x' },
    });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => callService('slow', 'score', { value: 1, history: [1, 2, 3] }, k.body.key)),
    );
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited[0].body.error.message).toMatch(/2 requests per second/);
  });

  it('switches traffic between deployed versions and rolls back', async () => {
    const v1 = { ...service.endpoints[0] };
    const changed = {
      ...service,
      endpoints: [
        {
          ...v1,
          sql: 'SELECT antenna FROM obs WHERE band = :band AND trec >= coalesce(:min, 0) ORDER BY antenna DESC',
        },
      ],
    };
    const saved = await s.call('PUT', `${P}/api-services/receivers`, { token: s.adminToken, body: changed });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    // Saving does not change what callers get.
    expect((await callService('receivers', 'by-band', { band: 3 })).body.rows).toEqual([]);
    const v2 = await s.call<{ version: number }>('POST', `${P}/api-services/receivers/deploy`, { token: s.adminToken });
    expect(v2.body.version).toBe(2);
    expect((await callService('receivers', 'by-band', { band: 3 })).body.rows).toEqual([
      { antenna: 'DA42' },
      { antenna: 'DA41' },
    ]);
    // Version 2 has no lookup endpoint.
    expect((await callService('receivers', 'antenna', { antenna: 'DA41' })).status).toBe(404);
    const back = await s.call('POST', `${P}/api-services/receivers/active`, {
      token: s.adminToken,
      body: { version: 1 },
    });
    expect(back.status).toBe(200);
    expect((await callService('receivers', 'by-band', { band: 3 })).body.rows).toEqual([]);
    expect((await callService('receivers', 'antenna', { antenna: 'DA41' })).status).toBe(200);
    const deployments = await s.call<{ version: number; active: boolean }[]>(
      'GET',
      `${P}/api-services/receivers/deployments`,
      { token: s.adminToken },
    );
    expect(deployments.body.map((d) => [d.version, d.active])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect(
      (await s.call('POST', `${P}/api-services/receivers/active`, { token: s.adminToken, body: { version: 9 } }))
        .status,
    ).toBe(404);
  });

  it('keeps a request log, latency percentiles and an OpenAPI document per service', async () => {
    const log = await s.call<{ endpoint: string; status: number; bodyExcerpt: string }[]>(
      'GET',
      `${P}/api-services/receivers/requests?limit=500`,
      { token: s.adminToken },
    );
    expect(log.status).toBe(200);
    expect(log.body.some((e) => e.status === 400 && e.endpoint === 'by-band')).toBe(true);
    expect(JSON.stringify(log.body)).not.toContain(key);
    expect(Math.max(...log.body.map((e) => e.bodyExcerpt.length))).toBeLessThan(400);
    const metrics = await s.call<{ endpoints: { endpoint: string; requests: number; p99Ms: number }[] }>(
      'GET',
      `${P}/api-services/receivers/metrics`,
      { token: s.adminToken },
    );
    const byBand = metrics.body.endpoints.find((e) => e.endpoint === 'by-band')!;
    expect(byBand.requests).toBeGreaterThan(5);
    expect(byBand.p99Ms).toBeGreaterThan(0);
    const doc = await fetch(`${s.url}/services/SVC/receivers/openapi.json`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(doc.status).toBe(200);
    const openapi = (await doc.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toContain('/services/SVC/receivers/by-band');
    expect(JSON.stringify(openapi)).not.toContain('SELECT');
    expect((await fetch(`${s.url}/services/SVC/receivers/openapi.json`)).status).toBe(401);
    // Successful calls are data accesses in the audit log, written in the request log's batches.
    const audit = await s.call<{ entries: { actor: string; via: string; objectName: string; status: number }[] }>(
      'GET',
      '/api/audit?project=SVC&action=api-service.call&limit=500',
      { token: s.adminToken },
    );
    expect(audit.status, JSON.stringify(audit.body)).toBe(200);
    expect(audit.body.entries.length).toBeGreaterThan(5);
    const odd = audit.body.entries.filter((e) => e.status !== 200 || e.via !== 'apikey');
    expect(odd, JSON.stringify(odd.slice(0, 3))).toEqual([]);
    expect(audit.body.entries.some((e) => e.objectName === 'receivers')).toBe(true);
    expect(audit.body.entries[0].actor).toMatch(/^service-key:/);
    expect(JSON.stringify(audit.body)).not.toContain(key);
  });

  it('runs the saved tests of an endpoint against the saved definition', async () => {
    const r = await s.call<{ name: string; status: number; body: { rows: unknown[] } }[]>(
      'POST',
      `${P}/api-services/receivers/endpoints/by-band/test`,
      { token: s.adminToken, body: {} },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body[0].name).toBe('band 6');
    expect(r.body[0].status).toBe(200);
    const adHoc = await s.call<{ status: number; body: { error: { message: string } } }[]>(
      'POST',
      `${P}/api-services/receivers/endpoints/by-band/test`,
      { token: s.adminToken, body: { body: { band: 'x' } } },
    );
    expect(adHoc.body[0].status).toBe(400);
  });

  it('keeps the history of a service and reverts it', async () => {
    const h = await s.call<{ revision: number }[]>('GET', `${P}/history/api-service/receivers`, {
      token: s.adminToken,
    });
    expect(h.status).toBe(200);
    expect(h.body.length).toBeGreaterThanOrEqual(2);
    const r = await s.call('POST', `${P}/history/api-service/receivers/revert`, {
      token: s.adminToken,
      body: { revision: 1 },
    });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    const now = await s.call<{ endpoints: unknown[] }>('GET', `${P}/api-services/receivers`, { token: s.adminToken });
    expect(now.body.endpoints).toHaveLength(7);
  });
});
