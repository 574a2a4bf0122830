/**
 * Project export and import with data: a dataset of BENCH_ROWS (default 2 million) rows and a
 * partitioned one of BENCH_PARTITIONS (default 365) day partitions, a wiki attachment and a
 * discussion. Times the ZIP export, the ZIP import (unpack, check, write), and in the same rounds
 * the share of the import that checks the archive before creating anything (every data and
 * partition file hashed against its facts: `readData`), beside copying the same files (what the
 * import does with them anyway). Medians of BENCH_RUNS (default 3) alternating rounds; CPU time
 * beside wall time (steadier on a loaded machine). Run: `npm run bench project-transfer`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { insertThread } from '../src/collab/discussions.js';
import { storeAttachment } from '../src/collab/wiki-attachments.js';
import { saveWikiPage } from '../src/collab/wiki.js';
import { loadConfig } from '../src/common/config.js';
import { nowIso } from '../src/common/ids.js';
import { extractZip } from '../src/common/zip/zip-reader.js';
import { importDataset } from '../src/datasets/import.js';
import { putPartitioning } from '../src/datasets/partition-store.js';
import { formatTime } from '../src/datasets/partitioning.js';
import { startBuild } from '../src/flow/build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { readData } from '../src/transfer/data-transfer.js';
import { exportProjectZip } from '../src/transfer/project-export.js';
import { importProjectZip } from '../src/transfer/project-import.js';
import { deleteProject } from '../src/workspace/projects-service.js';
import { Workspace } from '../src/workspace/workspace.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 2_000_000);
const N = Number(process.env.BENCH_PARTITIONS ?? 365);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);

const home = mkdtempSync(path.join(tmpdir(), 'llano-bench-transfer-'));
const ws = await Workspace.open(loadConfig({ home, adminPassword: 'bench-password', buildParallelism: 1 }, {}));
await bootstrapWorkspace(ws);
await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });
const first = formatTime(new Date(Date.UTC(2024, 0, 1)), 'day');
const seed = path.join(home, 'seed.parquet');
await ws.duck.query(
  `COPY (SELECT CAST(DATE '${first}' + CAST(i % ${N} AS INTEGER) AS VARCHAR) AS day, i AS id, random() AS v, 'antenna_' || (i % 66) AS antenna FROM range(${ROWS}) t(i)) TO '${seed}' (FORMAT parquet)`,
);
await importDataset(ws, LOCAL_ADMIN, 'BENCH', 'seed', { filePath: seed, fileName: 'seed.parquet' });
const byDay = { dimensions: [{ name: 'day', type: 'time' as const, period: 'day' as const, column: 'day' }] };
await putPartitioning(ws, 'BENCH', 'seed', byDay, 'bench');
await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', {
  name: 'r_day',
  type: 'sql',
  inputs: ['seed'],
  output: 'by_day',
  sql: "SELECT day, antenna, avg(v) AS v, count(*) AS n FROM seed WHERE day = '{{partition.day}}' GROUP BY ALL",
});
await putPartitioning(ws, 'BENCH', 'by_day', byDay, 'bench');
const built = await (
  await startBuild(ws, LOCAL_ADMIN, 'BENCH', { targets: [{ dataset: 'by_day', partitions: 'all' }], mode: 'only' })
).done;
if (built.status !== 'succeeded') throw new Error(`build ${built.status}: ${built.error}`);
await saveWikiPage(ws, LOCAL_ADMIN, 'BENCH', { name: 'ops', content: '# Ops' });
await storeAttachment(ws, 'BENCH', 'ops', {
  fileName: 'plot.png',
  stream: Readable.from([Buffer.alloc(1 << 20, 7)]),
  createdBy: 'admin',
  createdAt: nowIso(),
});
await insertThread(ws, 'BENCH', {
  object: 'dataset:seed',
  title: 'Why?',
  status: 'open',
  createdBy: 'admin',
  createdAt: nowIso(),
  updatedAt: nowIso(),
  messages: [{ author: 'admin', message: 'Because.', createdAt: nowIso() }],
});

async function timed(fn: () => Promise<unknown>, into: { wall: number[]; cpu: number[] }): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  into.wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  into.cpu.push((c.user + c.system) / 1000);
}

/** Every file under `dir`, copied to `to` (the reference for the checks: reading the same bytes once). */
function copyAll(dir: string, to: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, e.name);
    if (e.isDirectory()) {
      mkdirSync(path.join(to, e.name), { recursive: true });
      copyAll(from, path.join(to, e.name));
    } else copyFileSync(from, path.join(to, e.name));
  }
}

const times = () => ({ wall: [] as number[], cpu: [] as number[] });
const rows = { export: times(), import: times(), check: times(), copy: times() };
let zipBytes = 0;
for (let r = 0; r < ROUNDS; r++) {
  let zip = '';
  await timed(async () => (zip = await exportProjectZip(ws, LOCAL_ADMIN, 'BENCH', { data: true })), rows.export);
  zipBytes = statSync(zip).size;
  const dir = mkdtempSync(path.join(home, 'unpacked-'));
  await extractZip(zip, dir, { maxBytes: Number.MAX_SAFE_INTEGER, maxEntries: 1_000_000 });
  await timed(() => readData(ws, dir, new Set(['seed', 'by_day'])), rows.check);
  const copy = mkdtempSync(path.join(home, 'copy-'));
  await timed(() => Promise.resolve(copyAll(path.join(dir, 'data'), copy)), rows.copy);
  await timed(() => importProjectZip(ws, LOCAL_ADMIN, zip, `COPY${r}`), rows.import);
  await deleteProject(ws, LOCAL_ADMIN, `COPY${r}`);
  for (const p of [zip, dir, copy]) rmSync(p, { recursive: true, force: true });
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const row = (label: string, t: { wall: number[]; cpu: number[] }) =>
  console.log(`| ${label} | ${median(t.wall).toFixed(0)} ms | ${median(t.cpu).toFixed(0)} ms |`);
console.log(
  `| project with ${ROWS.toLocaleString('en')} rows + ${N} partitions, ZIP ${(zipBytes / 1e6).toFixed(1)} MB; median of ${ROUNDS} rounds | wall | CPU |`,
);
console.log('| --- | ---: | ---: |');
row('export (ZIP, with data)', rows.export);
row('import (unpack, check, write)', rows.import);
row('of which: checking every data file against its facts (readData)', rows.check);
row('reference: copying the same data files once', rows.copy);
console.log(`\n${cpus().length} cores, load ${loadavg()[0].toFixed(1)} (loaded machine: compare rows of one run only)`);
await ws.close();
rmSync(home, { recursive: true, force: true });
