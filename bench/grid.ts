/**
 * The data grid over HTTP: N concurrent clients paging a BENCH_ROWS-row dataset (default 10
 * million) through `GET …/datasets/{name}/data`, each asking the next page as soon as it has one,
 * for BENCH_SECONDS (default 5) per client count (1, 2, 4); and the column statistics asked twice.
 * The reference, measured in the same run, is DuckDB alone: the same page queries (the filtered
 * pages without their count, which the grid caches per version) on one connection per client.
 * Requests/s are medians of BENCH_RUNS (default 3) runs. Run: `npm run bench grid`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { startWorkspace } from '../src/app/start-workspace.js';
import { loadConfig } from '../src/common/config.js';
import { currentVersion } from '../src/datasets/versions.js';
import { buildServer } from '../src/server/app.js';

const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const PASSWORD = 'bench-password';
const PAGE = 100;

const dir = await mkdtemp(join(tmpdir(), 'llano-bench-grid-'));
const started = await startWorkspace(
  loadConfig(
    { home: join(dir, 'home'), adminPassword: PASSWORD, port: 0, host: '127.0.0.1', maxUploadMb: 100_000 },
    {},
  ),
);
const { ws } = started;
const app = await buildServer(ws);
const url = await app.listen({ port: 0, host: '127.0.0.1' });
try {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'GRID' });
  const file = join(dir, 'observations.parquet');
  await ws.duck.run(`COPY (
    SELECT i AS id, TIMESTAMP '2024-01-01' + to_milliseconds(i * 48) AS timestamp,
           'DA' || lpad(((i * 7) % 66)::VARCHAR, 2, '0') AS antenna, (i % 10) + 1 AS band,
           random() * 100 AS amplitude FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet)`);
  const form = new FormData();
  form.set('file', await openAsBlob(file), 'observations.parquet');
  const up = await fetch(`${url}/api/projects/GRID/datasets/observations/upload`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  if (up.status !== 201) throw new Error(`upload: ${up.status} ${await up.text()}`);

  const get = async (path: string) => {
    const res = await fetch(url + path, { headers: auth });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const data = '/api/projects/GRID/datasets/observations/data';

  /** Requests/s of `clients` clients paging (each from its own start, filtered or not) for `seconds`. */
  async function throughput(clients: number, filter: string): Promise<number> {
    let done = 0;
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let page = c * 1000; performance.now() < end; page++) {
          await get(`${data}?offset=${(page * PAGE) % 100_000}&limit=${PAGE}${filter}`);
          done++;
        }
      }),
    );
    return done / seconds;
  }
  const parquet = ws.resolve((await currentVersion(ws, 'GRID', 'observations'))!.location);
  /** The engine alone: `clients` connections asking the same pages for `seconds`. */
  async function engineThroughput(clients: number, filtered: boolean): Promise<number> {
    let done = 0;
    const end = performance.now() + seconds * 1000;
    const where = filtered ? 'WHERE band = 3' : '';
    await Promise.all(
      Array.from({ length: clients }, (_, c) =>
        ws.duck.withConnection(async (conn) => {
          for (let page = c * 1000; performance.now() < end; page++) {
            const offset = (page * PAGE) % 100_000;
            await conn.runAndReadAll(
              `SELECT * FROM read_parquet('${parquet}') ${where} LIMIT ${PAGE} OFFSET ${offset}`,
            );
            done++;
          }
        }),
      ),
    );
    return done / seconds;
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

  const stats = '/api/projects/GRID/datasets/observations/stats';
  const t0 = performance.now();
  await get(stats);
  const first = performance.now() - t0;
  const t1 = performance.now();
  await get(stats);
  const second = performance.now() - t1;

  console.log(
    `\n### Data grid over HTTP, ${rows.toLocaleString('en-US')} rows, pages of ${PAGE} (median of ${runs} runs of ${seconds} s)\n`,
  );
  console.log(
    '| clients | HTTP req/s, unfiltered | DuckDB alone | ratio | HTTP req/s, filtered (band = 3) | DuckDB alone | ratio |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const clients of [1, 2, 4]) {
    const plain: number[] = [];
    const filtered: number[] = [];
    const enginePlain: number[] = [];
    const engineFiltered: number[] = [];
    for (let r = 0; r < runs; r++) {
      plain.push(await throughput(clients, ''));
      enginePlain.push(await engineThroughput(clients, false));
      filtered.push(await throughput(clients, '&filter=band:eq:3'));
      engineFiltered.push(await engineThroughput(clients, true));
    }
    const [p, ep, f, ef] = [plain, enginePlain, filtered, engineFiltered].map(median);
    console.log(
      `| ${clients} | ${p.toFixed(1)} | ${ep.toFixed(1)} | ${(p / ep).toFixed(2)} | ${f.toFixed(1)} | ${ef.toFixed(1)} | ${(f / ef).toFixed(2)} |`,
    );
  }
  console.log(`\n| column statistics | time |\n| --- | ---: |`);
  console.log(
    `| first call | ${(first / 1000).toFixed(2)} s |\n| second call (same version) | ${(second / 1000).toFixed(3)} s |`,
  );
  console.log(`\nLoad average ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores, shared with other work).`);
} finally {
  await app.close();
  await started.close();
  await rm(dir, { recursive: true, force: true });
}
