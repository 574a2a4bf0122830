// What one step of a build does (not a benchmark; the leading underscore keeps `npm run bench` from
// running it): counts catalog statements, DuckDB calls and file system calls per step of the
// core-flow chain, grouped by text. Run: `node --import tsx bench/_step-profile.ts`.
import fs, { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DuckDBConnection } from '@duckdb/node-api';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { startBuild } from '../src/flow/build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { Workspace } from '../src/workspace/workspace.js';

const CHAIN = Number(process.env.BENCH_CHAIN ?? 40);
const counts = new Map<string, number>();
const count = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);

const sqlite = new Database(':memory:');
const statementProto = Object.getPrototypeOf(sqlite.prepare('SELECT 1')) as Record<string, unknown>;
for (const m of ['run', 'all', 'get', 'iterate']) {
  const orig = statementProto[m] as (...a: unknown[]) => unknown;
  statementProto[m] = function (this: { source: string }, ...a: unknown[]) {
    count(`sqlite ${m}: ${this.source.replace(/\s+/g, ' ').slice(0, 110)}`);
    return orig.apply(this, a);
  };
}
const duckProto = DuckDBConnection.prototype as unknown as Record<string, unknown>;
for (const m of ['run', 'runAndReadAll', 'prepare', 'extractStatements', 'streamAndReadAll']) {
  const orig = duckProto[m] as (...a: unknown[]) => unknown;
  duckProto[m] = function (this: unknown, sql: string, ...a: unknown[]) {
    count(
      `duck ${m}: ${String(sql)
        .replace(/'[^']*'/g, "'…'")
        .replace(/\s+/g, ' ')
        .slice(0, 110)}`,
    );
    return orig.call(this, sql, ...a);
  };
}
const fsAny = fs as unknown as Record<string, unknown>;
for (const m of [
  'mkdirSync',
  'rmSync',
  'renameSync',
  'readFileSync',
  'statSync',
  'existsSync',
  'readdirSync',
  'writeFileSync',
  'mkdtempSync',
  'openSync',
  'fsyncSync',
]) {
  const orig = fsAny[m] as (...a: unknown[]) => unknown;
  fsAny[m] = function (...a: unknown[]) {
    count(`fs ${m}`);
    return orig.apply(fs, a);
  };
}
const fsp = fs.promises as unknown as Record<string, unknown>;
for (const m of ['mkdir', 'rm', 'rename', 'readFile', 'stat', 'mkdtemp', 'writeFile', 'open', 'unlink']) {
  const orig = fsp[m] as (...a: unknown[]) => unknown;
  fsp[m] = function (...a: unknown[]) {
    count(`fs.promises ${m}`);
    return orig.apply(fs.promises, a);
  };
}
syncBuiltinESMExports();

const home = mkdtempSync(path.join(tmpdir(), 'llano-step-profile-'));
const ws = await Workspace.open(loadConfig({ home, adminPassword: 'bench-password' }, {}));
await bootstrapWorkspace(ws);
await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });
const csv = path.join(home, 'seed.csv');
writeFileSync(csv, 'x\n1\n2\n3\n');
await importDataset(ws, LOCAL_ADMIN, 'BENCH', 'd0', { filePath: csv, fileName: 'seed.csv' });
for (let i = 1; i <= CHAIN; i++)
  await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', {
    name: `r${i}`,
    type: 'sql',
    inputs: [`d${i - 1}`],
    output: `d${i}`,
    sql: `SELECT x + 1 AS x FROM d${i - 1}`,
  });
const build = async () => {
  const { done } = await startBuild(ws, LOCAL_ADMIN, 'BENCH', { targets: [`d${CHAIN}`], mode: 'recursive' });
  const job = await done;
  if (job.status !== 'succeeded') throw new Error(`build ${job.status}: ${job.error}`);
};
await build();
await build();
// Let pending log flushes and after-commit work land before counting.
await new Promise((r) => setTimeout(r, 500));
counts.clear();
await build();
await new Promise((r) => setTimeout(r, 500));
const rows = [...counts].sort((a, b) => b[1] - a[1]);
const total = (prefix: string) => rows.filter(([k]) => k.startsWith(prefix)).reduce((n, [, c]) => n + c, 0);
console.log(`per step of a chain of ${CHAIN} (one recursive build):`);
for (const p of ['sqlite', 'duck', 'fs']) console.log(`  ${p}: ${(total(p) / CHAIN).toFixed(2)}`);
for (const [k, c] of rows) console.log(`${(c / CHAIN).toFixed(2).padStart(7)}  ${k}`);
await ws.close();
rmSync(home, { recursive: true, force: true });
