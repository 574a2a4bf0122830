/**
 * API services under load on loopback (autocannon in a worker thread, the server in this
 * process): a lookup endpoint on a BENCH_LOOKUP_ROWS-row dataset (default 100,000) and a SQL
 * endpoint on a BENCH_ROWS-row dataset (default 1,000,000), with references measured in the
 * same run on the same data: a bare Fastify route (the ceiling of the HTTP stack) and the same
 * lookup done as a plain DuckDB query per request (what an index saves). Medians of BENCH_RUNS
 * (default 3) runs of BENCH_SECONDS (default 10) each. Run: `npm run bench api-services`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { startWorkspace } from '../src/app/start-workspace.js';
import { loadConfig } from '../src/common/config.js';
import { quoteLiteral } from '../src/common/names.js';
import { buildServer } from '../src/server/app.js';

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const lookupRows = Number(process.env.BENCH_LOOKUP_ROWS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const PASSWORD = 'bench-password';
const P = '/api/projects/BENCH';

const dir = await mkdtemp(join(tmpdir(), 'llano-bench-api-'));
const home = join(dir, 'home');
const config = loadConfig({ home, adminPassword: PASSWORD, port: 0, host: '127.0.0.1', maxUploadMb: 10_000 }, {});
const started = await startWorkspace(config);
const { ws } = started;
const app = await buildServer(ws);
const url = await app.listen({ port: 0, host: '127.0.0.1' });

async function api<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(url + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

async function upload(token: string, dataset: string, sql: string) {
  const file = join(dir, `${dataset}.parquet`);
  await ws.duck.run(`COPY (${sql}) TO ${quoteLiteral(file)} (FORMAT parquet)`);
  const form = new FormData();
  form.set('file', await openAsBlob(file), `${dataset}.parquet`);
  const res = await fetch(`${url}${P}/datasets/${dataset}/upload`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`upload ${dataset}: ${res.status} ${await res.text()}`);
}

const { token } = await api<{ token: string }>('POST', '/api/auth/login', null, {
  username: 'admin',
  password: PASSWORD,
});
await api('POST', '/api/projects', token, { key: 'BENCH' });
const key = (i: number) => `K${String(i).padStart(7, '0')}`;
await upload(
  token,
  'antennas',
  `SELECT 'K' || lpad(i::VARCHAR, 7, '0') AS antenna, i % 10 AS band, 30 + (i % 97) / 10.0 AS trec, 'pad ' || i AS note FROM range(${lookupRows}) t(i)`,
);
await upload(
  token,
  'obs',
  `SELECT 'DA' || (i % 66)::VARCHAR AS antenna, i % 10 AS band, 30 + (hash(i) % 1000) / 100.0 AS trec, TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND AS ts FROM range(${rows}) t(i)`,
);
await api('POST', `${P}/api-services`, token, {
  id: 'bench',
  rateLimit: { requestsPerSecond: 1_000_000 },
  endpoints: [
    { id: 'antenna', type: 'lookup', dataset: 'antennas', key: ['antenna'] },
    {
      id: 'stats',
      type: 'sql-query',
      sql: 'SELECT band, count(*) AS n, avg(trec) AS trec FROM obs WHERE antenna = :antenna GROUP BY band ORDER BY band',
      parameters: [{ name: 'antenna', type: 'string' }],
    },
  ],
});
await api('POST', `${P}/api-services/bench/deploy`, token, {});
const serviceKey = (await api<{ key: string }>('POST', `${P}/api-services/bench/keys`, token, { name: 'bench' })).key;

// The references, on their own Fastify instance in the same process.
const antennasPath = (await api<{ id: string }[]>('GET', `${P}/datasets/antennas/versions`, token))[0];
const version = await ws.catalog.db
  .selectFrom('dataset_versions')
  .select('location')
  .where('id', '=', antennasPath.id)
  .executeTakeFirstOrThrow();
const parquet = quoteLiteral(ws.resolve(version.location));
const reference = Fastify();
reference.post('/hello', () => Promise.resolve({ ok: true }));
reference.post('/duckdb-lookup', async (request) => {
  const { antenna } = request.body as { antenna: string };
  const r = await ws.duck.query(`SELECT * FROM read_parquet(${parquet}) WHERE antenna = $1`, [antenna]);
  return { row: r.rows[0] ?? null };
});
const referenceUrl = await reference.listen({ port: 0, host: '127.0.0.1' });

const lookupBodies = Array.from({ length: 200 }, (_, i) => ({
  method: 'POST',
  body: JSON.stringify({ antenna: key((i * 7919) % lookupRows) }),
}));
const sqlBodies = Array.from({ length: 66 }, (_, i) => ({
  method: 'POST',
  body: JSON.stringify({ antenna: `DA${i}` }),
}));

interface Target {
  name: string;
  url: string;
  connections: number;
  requests: { method: string; body?: string }[];
  auth: boolean;
}
const targets: Target[] = [
  {
    name: 'GET /api/health of the Llano server (its HTTP stack)',
    url: `${url}/api/health`,
    connections: 10,
    requests: [{ method: 'GET' }],
    auth: false,
  },
  {
    name: 'bare Fastify route (ceiling)',
    url: `${referenceUrl}/hello`,
    connections: 10,
    requests: [{ method: 'POST', body: '{}' }],
    auth: false,
  },
  {
    name: 'lookup endpoint (in-memory index)',
    url: `${url}/services/BENCH/bench/antenna`,
    connections: 10,
    requests: lookupBodies,
    auth: true,
  },
  {
    name: 'same lookup, DuckDB query per request',
    url: `${referenceUrl}/duckdb-lookup`,
    connections: 10,
    requests: lookupBodies,
    auth: false,
  },
  {
    name: `SQL endpoint on ${rows.toLocaleString('en-US')} rows`,
    url: `${url}/services/BENCH/bench/stats`,
    connections: 4,
    requests: sqlBodies,
    auth: true,
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Runs interleave (each round measures every target once): on a shared machine the load drifts,
// and every target should see the same drift.
const seen: AutocannonResult[][] = targets.map(() => []);
for (let run = 0; run < runs; run++)
  for (const [i, t] of targets.entries()) {
    seen[i].push(
      await autocannon({
        url: t.url,
        connections: t.connections,
        duration: seconds,
        workers: 1,
        headers: { 'content-type': 'application/json', ...(t.auth ? { authorization: `Bearer ${serviceKey}` } : {}) },
        requests: t.requests,
      }),
    );
    console.log(`round ${run + 1}: ${t.name}`);
  }
const results = targets.map((t, i) => ({
  name: t.name,
  rps: median(seen[i].map((r) => r.requests.average)),
  p50: median(seen[i].map((r) => r.latency.p50)),
  p99: median(seen[i].map((r) => r.latency.p99)),
  failed: seen[i].reduce((n, r) => n + r.non2xx + r.errors, 0),
}));

console.log(
  `\nAPI services on loopback: ${runs} runs × ${seconds} s each (medians), autocannon in a worker thread, ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (a machine shared with other work: figures are lower bounds)\n`,
);
console.log('| target | connections | req/s | p50 ms | p99 ms | non-2xx + errors |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [i, r] of results.entries())
  console.log(
    `| ${r.name} | ${targets[i].connections} | ${Math.round(r.rps).toLocaleString('en-US')} | ${r.p50} | ${r.p99} | ${r.failed} |`,
  );
const metrics = await api<{
  endpoints: { endpoint: string; requests: number; p50Ms: number; p95Ms: number; p99Ms: number }[];
}>('GET', `${P}/api-services/bench/metrics`, token);
console.log('\nServer-side latency from the request log (GET …/metrics, handler time only):');
for (const e of metrics.endpoints)
  console.log(
    `  ${e.endpoint}: ${e.requests.toLocaleString('en-US')} requests, p50 ${e.p50Ms} ms, p95 ${e.p95Ms} ms, p99 ${e.p99Ms} ms`,
  );
console.log('\nTargets (issue 15): lookup ≥ 5,000 req/s with p99 ≤ 10 ms; SQL p99 ≤ 50 ms (on 2 unloaded cores).');

await reference.close();
await app.close();
await started.close();
await rm(dir, { recursive: true, force: true });
