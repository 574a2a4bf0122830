/**
 * CSV import through the paths users take (the HTTP upload and the `llano dataset import` CLI)
 * against DuckDB's own CSV → Parquet COPY, and a SQL recipe build against the same query run by
 * DuckDB. References are measured in the same run, alternating with the measured side, with the
 * same CSV dialect on both sides (delimiter, quote, header given; column types sniffed by both).
 * Medians of BENCH_RUNS (default 3).
 *   npm run bench core-import                       (10 million rows)
 *   BENCH_ROWS=2000000 node --import tsx bench/core-import.ts
 * The HTTP upload is sent by `curl` in a child process, as a user's client is, both ways the route
 * takes it (the file as the body, as the web UI sends it; a multipart form, as HTML forms do): a client in this
 * process would share the server's event loop and charge its own work to the server's time. A third
 * upload goes to a route of this bench that only receives the body into a temporary file: the share
 * of receiving in the upload's cost (CPU per 200 MB). The
 * CLI rows spawn `node bin/llano.js` (compiled dist/, rebuilt first when older than src/: stale, the
 * CLI would run the TypeScript sources through tsx) and a reference child that runs the same COPY
 * with @duckdb/node-api, so both include a process start.
 * Wall time is what a user waits; CPU time (user + system: of this process for the in-process
 * rows, of the children through /usr/bin/time for the CLI rows, both for the upload) is what a
 * loaded machine distorts least.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { startWorkspace } from '../src/app/start-workspace.js';
import { loadConfig } from '../src/common/config.js';
import { startBuild } from '../src/flow/build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { buildServer } from '../src/server/app.js';
import { receiveRawBody } from '../src/server/raw-upload.js';

const ROOT = resolve(import.meta.dirname, '..');
const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const PASSWORD = 'bench-password';
const DIALECT = `delim = ',', quote = '"', header = true, strict_mode = true`;
const RECEIVE_ONLY = '/bench/receive-only';

/** Seconds of wall and CPU time; a child process answers its own CPU time (see `child`). */
interface Timing {
  wall: number;
  cpu: number;
}

async function timed(fn: () => Promise<number | void>): Promise<Timing> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const childCpu = await fn();
  const cpu = process.cpuUsage(cpuStart);
  return { wall: (performance.now() - start) / 1000, cpu: childCpu ?? (cpu.user + cpu.system) / 1e6 };
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/**
 * Runs `reference` and each of `measured` alternately (reference, first, reference, second, …)
 * `runs` times, so that every row meets the same load; medians of each and of the per-run ratios.
 */
async function compareEach(reference: () => Promise<number | void>, measured: (() => Promise<number | void>)[]) {
  const ref: Timing[][] = measured.map(() => []);
  const got: Timing[][] = measured.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [m, fn] of measured.entries()) {
      ref[m].push(await timed(reference));
      got[m].push(await timed(fn));
    }
  }
  return measured.map((_, m) => {
    const summary = (key: keyof Timing) => ({
      ref: median(ref[m].map((t) => t[key])),
      got: median(got[m].map((t) => t[key])),
      ratio: median(got[m].map((g, i) => g[key] / ref[m][i][key])),
    });
    return { wall: summary('wall'), cpu: summary('cpu') };
  });
}

const compare = async (reference: () => Promise<number | void>, measured: () => Promise<number | void>) =>
  (await compareEach(reference, [measured]))[0];

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

spawnSync(process.execPath, [join(ROOT, 'bin', 'build.js'), '--if-stale'], { stdio: 'inherit' });
const dir = await mkdtemp(join(tmpdir(), 'llano-bench-import-'));
const home = join(dir, 'home');
const started = await startWorkspace(
  loadConfig({ home, adminPassword: PASSWORD, port: 0, host: '127.0.0.1', maxUploadMb: 100_000 }, {}),
);
const { ws } = started;
const app = await buildServer(ws);
// The upload route's first half alone: the body written to a temporary file, nothing imported
// (what the server spends receiving, apart from the import).
app.post(RECEIVE_ONLY, { config: { rawUpload: true } }, async (request) => {
  const file = ws.tempPath('-bench-receive');
  try {
    await receiveRawBody(request, file, Infinity);
  } finally {
    await rm(file, { force: true });
  }
  return {};
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
try {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });

  const csv = join(dir, 'observations.csv');
  await ws.duck.run(`COPY (
    SELECT TIMESTAMP '2024-01-01' + to_milliseconds(i * 48) AS timestamp,
           'DA' || lpad(((i * 7) % 66)::VARCHAR, 2, '0') AS antenna,
           (i % 10) + 1 AS band, i % 4 AS baseband,
           random() * 100 AS amplitude, random() * 360 - 180 AS phase
    FROM range(${rows}) t(i)) TO '${csv}' (HEADER)`);
  const size = (await stat(csv)).size;
  console.error(`generated ${fmt(rows)} rows (${(size / 1e6).toFixed(0)} MB)`);

  const duckOut = join(dir, 'duckdb.parquet');
  const duckCopy = `COPY (SELECT * FROM read_csv('${csv}', ${DIALECT})) TO '${duckOut}' (FORMAT parquet)`;
  // Spawned without blocking: the server of this process keeps answering (and timing stays fair).
  // /usr/bin/time answers the child's CPU time (its own children's included) on its last line.
  const child =
    (command: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    () =>
      new Promise<number>((done, fail) => {
        const p = spawn('/usr/bin/time', ['-f', '@cpu %U %S', command, ...args], {
          cwd: ROOT,
          env: { ...process.env, ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('exit', (code) => {
          const cpu = /@cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
          if (code === 0 && cpu) done(Number(cpu[1]) + Number(cpu[2]));
          else fail(new Error(`${command} ${args.join(' ')}: ${stderr}`));
        });
      });

  const uploadUrl = `${url}/api/projects/BENCH/datasets/observations/upload`;
  // curl as a user runs it; --fail makes any answer but 2xx an error.
  const curl = (...args: string[]) =>
    child('curl', [
      '--silent',
      '--show-error',
      '--fail',
      '--output',
      '/dev/null',
      '-H',
      `authorization: ${auth.authorization}`,
      ...args,
    ]);
  // The file itself as the body, streamed from disk (-T), as the web UI, scripts and `llano dataset
  // import --url` send it.
  const rawCurl = curl(
    '-H',
    'content-type: text/csv',
    '-X',
    'POST',
    '-T',
    csv,
    `${uploadUrl}?filename=observations.csv&delimiter=,&quote=%22&header=true`,
  );
  // A multipart form, as HTML forms and `curl -F` send it: the options first, then the file.
  const formCurl = curl(
    '--form-string',
    'delimiter=,',
    '--form-string',
    'quote="',
    '--form-string',
    'header=true',
    '-F',
    `file=@${csv};filename=observations.csv`,
    uploadUrl,
  );
  // CPU: the server's (this process) and the client's.
  const upload = (client: () => Promise<number>) => async () => {
    const cpuStart = process.cpuUsage();
    const clientCpu = await client();
    const server = process.cpuUsage(cpuStart);
    return clientCpu + (server.user + server.system) / 1e6;
  };
  const receiveCurl = curl('-H', 'content-type: text/csv', '-X', 'POST', '-T', csv, `${url}${RECEIVE_ONLY}`);
  const [http, httpForm, received] = await compareEach(
    async () => await ws.duck.run(duckCopy),
    [upload(rawCurl), upload(formCurl), upload(receiveCurl)],
  );

  const duckChild = child(process.execPath, [
    '--input-type=module',
    '-e',
    `import { DuckDBInstance } from '@duckdb/node-api'; const c = await (await DuckDBInstance.create()).connect(); await c.run(${JSON.stringify(duckCopy)});`,
  ]);
  const cli = child(
    process.execPath,
    [
      join(ROOT, 'bin', 'llano.js'),
      '-p',
      'BENCH',
      'dataset',
      'import',
      'cli_observations',
      csv,
      '--delimiter',
      ',',
      '--quote',
      '"',
      '--header',
      'true',
    ],
    { LLANO_HOME: home },
  );
  const viaCli = await compare(duckChild, cli);

  const groupBy = (from: string) =>
    `SELECT antenna, band, count(*) AS n, avg(amplitude) AS mean_amplitude, stddev_samp(phase) AS sd_phase FROM ${from} GROUP BY antenna, band`;
  await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', {
    name: 'group_bands',
    type: 'sql',
    inputs: ['observations'],
    output: 'bands',
    sql: groupBy('observations'),
  });
  const build = async (): Promise<void> => {
    const { done } = await startBuild(ws, LOCAL_ADMIN, 'BENCH', { targets: ['bands'], mode: 'recursive' });
    const job = await done;
    if (job.status !== 'succeeded') throw new Error(`build ${job.status}: ${job.error}`);
  };
  const input = (await import('../src/datasets/versions.js')).currentVersion;
  const parquet = ws.resolve((await input(ws, 'BENCH', 'observations'))!.location);
  const grouped = await compare(
    async () =>
      await ws.duck.run(
        `COPY (${groupBy(`read_parquet('${parquet}')`)}) TO '${join(dir, 'group.parquet')}' (FORMAT parquet)`,
      ),
    build,
  );

  const s = (n: number) => `${n.toFixed(2)} s`;
  console.log(
    `\n### Core engine, ${fmt(rows)} rows, ${(size / 1e6).toFixed(0)} MB CSV (medians of ${runs} alternating runs)\n`,
  );
  console.log(
    '| measurement | DuckDB alone: wall (CPU) | Llano: wall (CPU) | Llano / DuckDB, wall (median of per-run ratios) | Llano / DuckDB, CPU | target |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  type Summary = { ref: number; got: number; ratio: number };
  const row = (name: string, r: { wall: Summary; cpu: Summary }, target: number) =>
    console.log(
      `| ${name} | ${s(r.wall.ref)} (${s(r.cpu.ref)}) | ${s(r.wall.got)} (${s(r.cpu.got)}) | ${r.wall.ratio.toFixed(2)}× | ${r.cpu.ratio.toFixed(2)}× | ≤ ${target.toFixed(2)}× ${r.wall.ratio <= target ? '✅' : '❌'} |`,
    );
  row(
    'CSV → Parquet, HTTP upload of the file as the body, the web UI’s (in-process DuckDB COPY as reference)',
    http,
    1.15,
  );
  console.log(
    `| of which receiving the raw body (to a temporary file, no import; server and curl) | | ${s(received.wall.got)} (${s(received.cpu.got)}) | ${received.wall.ratio.toFixed(2)}× | ${received.cpu.ratio.toFixed(2)}× | ${((received.cpu.got / size) * 200e6).toFixed(2)} s CPU per 200 MB |`,
  );
  row('CSV → Parquet, HTTP upload as a multipart form (same reference)', httpForm, 1.15);
  row('CSV → Parquet, `llano dataset import` (child `node` running the COPY as reference)', viaCli, 1.15);
  row('group by antenna, band → Parquet, build of a SQL recipe', grouped, 1.1);
  console.log(`\nLoad average ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores, shared with other work).`);
} finally {
  await app.close();
  await started.close();
  await rm(dir, { recursive: true, force: true });
}
