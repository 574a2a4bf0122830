/**
 * Datasets read through a PostgreSQL connection (a table of BENCH_ROWS rows, default 20 000), on an
 * embedded PostgreSQL: what a page of rows costs, what a dataset's columns cost, counted as
 * statements sent to PostgreSQL (exact) and timed (median of BENCH_READS, default 40, alternated
 * in the same run):
 * - a page of 100 rows as `datasetRows` reads it (the version token is lazy: not asked), against
 *   the same read plus the token query resolveSource made before it was lazy;
 * - the dataset's columns through `getDataset` (described, then kept per change token), against
 *   describing it each time.
 * Run: `npm run bench connection-reads`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { connectionType } from '../src/connectors/registry.js';
import { saveConnection } from '../src/datasets/connections.js';
import { getDataset, resolveSource, saveDataset } from '../src/datasets/datasets.js';
import { datasetRows } from '../src/datasets/explore.js';
import { startPostgres } from '../test/support/embedded-postgres.js';

const rows = Number(process.env.BENCH_ROWS ?? 20_000);
const reads = Number(process.env.BENCH_READS ?? 40);
const KEY = 'BENCH';

const dir = await mkdtemp(join(tmpdir(), 'llano-bench-conn-'));
const server = await startPostgres();
const started = await startWorkspace(loadConfig({ home: join(dir, 'home'), adminPassword: 'bench-pw' }, {}), {
  recover: false,
});
const { ws } = started;
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
try {
  await admin.query(`CREATE TABLE obs AS SELECT i AS id, 'DA' || (i % 50) AS antenna, i * 0.5 AS value,
    ARRAY['b' || (i % 10), 'x'] AS tags FROM generate_series(1, ${rows}) AS i`);
  await admin.query('ANALYZE obs');
  await ws.catalog.projects.create(LOCAL_ADMIN, { key: KEY });
  await saveConnection(ws, LOCAL_ADMIN, KEY, { name: 'ops', type: 'postgres', url: server.url });
  await saveDataset(ws, LOCAL_ADMIN, KEY, {
    name: 'obs',
    storage: { type: 'database', connection: 'ops', table: { name: 'obs' } },
  });

  // Every statement Llano sends (pooled clients are pg.Clients; BEGIN and ROLLBACK count): counted in
  // this process, exact (PostgreSQL's own statistics reach pg_stat_database late for idle sessions).
  let sent = 0;
  const proto = pg.Client.prototype as unknown as { query: (this: pg.Client, ...args: unknown[]) => unknown };
  const query = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    if (this !== admin) sent++;
    return query.apply(this, args);
  };
  /** Statements and milliseconds of one call. */
  const measure = async (fn: () => Promise<unknown>) => {
    const before = sent;
    const t0 = performance.now();
    await fn();
    return { ms: performance.now() - t0, statements: sent - before };
  };

  const page = () => datasetRows(ws, LOCAL_ADMIN, KEY, 'obs', { offset: 0, limit: 100, sort: [], filters: [] });
  const cases: Record<string, () => Promise<unknown>> = {
    'page of rows (token lazy, now)': page,
    'page of rows + token (as before)': async () => {
      await (await resolveSource(ws, KEY, 'obs')).versionToken();
      await page();
    },
    'dataset columns (kept per token, now)': () => getDataset(ws, LOCAL_ADMIN, KEY, 'obs'),
    'dataset columns (described each time)': async () => {
      const { source } = await resolveSource(ws, KEY, 'obs');
      if (source.kind !== 'external') throw new Error('expected a connection dataset');
      await connectionType('postgres').tables!.describe!(source.connection, { table: { name: 'obs' } }, ws.duck);
    },
  };
  const results = new Map<string, { ms: number[]; statements: number[] }>();
  for (const name of Object.keys(cases)) results.set(name, { ms: [], statements: [] });
  for (const fn of Object.values(cases)) await fn(); // warm-up: pools, caches
  for (let i = 0; i < reads; i++)
    for (const [name, fn] of Object.entries(cases)) {
      const m = await measure(fn);
      results.get(name)!.ms.push(m.ms);
      results.get(name)!.statements.push(m.statements);
    }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `PostgreSQL table of ${rows} rows; ${reads} calls each, alternated; load ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`,
  );
  console.log('| case | statements sent to PostgreSQL (median) | ms (median, loaded) |');
  console.log('| --- | ---: | ---: |');
  for (const [name, r] of results) console.log(`| ${name} | ${median(r.statements)} | ${median(r.ms).toFixed(2)} |`);
} finally {
  await admin.end();
  await started.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
