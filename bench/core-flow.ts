/**
 * Orchestration overhead of the flow: a chain of 20 trivial SQL recipes built in one job.
 * Prints a markdown table. Run: `npm run bench core-flow`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { startBuild } from '../src/flow/build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { Workspace } from '../src/workspace/workspace.js';

const CHAIN = 20;
const ROUNDS = 5;

const home = mkdtempSync(path.join(tmpdir(), 'llano-bench-flow-'));
const ws = await Workspace.open(loadConfig({ home, adminPassword: 'bench-password' }, {}));
await bootstrapWorkspace(ws);
await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });
const csv = path.join(home, 'seed.csv');
writeFileSync(csv, 'x\n1\n2\n3\n');
await importDataset(ws, LOCAL_ADMIN, 'BENCH', 'd0', { filePath: csv, fileName: 'seed.csv' });
for (let i = 1; i <= CHAIN; i++) {
  await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', {
    name: `r${i}`,
    type: 'sql',
    inputs: [`d${i - 1}`],
    output: `d${i}`,
    sql: `SELECT x + 1 AS x FROM d${i - 1}`,
  });
}

// The engine alone: the same 20 COPY statements run back to back in DuckDB.
const engineTimes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const t0 = performance.now();
  await ws.duck.withConnection(async (conn) => {
    let prev = `read_csv('${csv}')`;
    for (let i = 1; i <= CHAIN; i++) {
      const out = path.join(home, `raw${i}.parquet`);
      await conn.run(`COPY (SELECT x + 1 AS x FROM ${prev}) TO '${out}' (FORMAT parquet)`);
      prev = `read_parquet('${out}')`;
    }
  });
  engineTimes.push(performance.now() - t0);
}

const buildTimes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const t0 = performance.now();
  const { done } = await startBuild(ws, LOCAL_ADMIN, 'BENCH', { targets: [`d${CHAIN}`], mode: 'recursive' });
  const job = await done;
  if (job.status !== 'succeeded') throw new Error(`build ${job.status}: ${job.error}`);
  buildTimes.push(performance.now() - t0);
}

// Planning a `required` build when everything is up to date (staleness checks only).
const t0 = performance.now();
const { done } = await startBuild(ws, LOCAL_ADMIN, 'BENCH', { targets: [`d${CHAIN}`], mode: 'required' });
await done;
const upToDate = performance.now() - t0;

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const build = median(buildTimes);
const engine = median(engineTimes);
console.log(`| measure (chain of ${CHAIN} trivial SQL recipes, median of ${ROUNDS}) | value |`);
console.log('| --- | ---: |');
console.log(`| whole build, recursive | ${build.toFixed(0)} ms |`);
console.log(`| per recipe, total | ${(build / CHAIN).toFixed(1)} ms |`);
console.log(`| per recipe, DuckDB COPY alone | ${(engine / CHAIN).toFixed(1)} ms |`);
console.log(`| per recipe, orchestration overhead (target ≤ 20 ms) | ${((build - engine) / CHAIN).toFixed(1)} ms |`);
console.log(`| required build, all up to date (staleness of ${CHAIN} recipes) | ${upToDate.toFixed(0)} ms |`);

await ws.close();
rmSync(home, { recursive: true, force: true });
