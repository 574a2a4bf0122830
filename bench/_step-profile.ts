// What one step of a build does (not a benchmark; the leading underscore keeps `npm run bench` from
// running it): counts catalog statements, Kysely compilations, DuckDB calls and file system calls
// per step of the core-flow chain, grouped by text. Run: `node --import tsx bench/_step-profile.ts`.
import fs, { rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import Database from 'better-sqlite3';
import { DuckDBConnection } from '@duckdb/node-api';
import { DefaultQueryCompiler } from 'kysely';
import { createFlowChain } from './_flow-chain.js';

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
// Kysely compiles a query each time one is built (reusedQuery compiles its query once).
const compilerProto = DefaultQueryCompiler.prototype as unknown as Record<string, unknown>;
const compileQuery = compilerProto.compileQuery as (...a: unknown[]) => unknown;
compilerProto.compileQuery = function (this: unknown, ...a: unknown[]) {
  count('kysely compile');
  return compileQuery.apply(this, a);
};
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

const { ws, home, build: buildChain } = await createFlowChain(CHAIN, 'llano-step-profile-');
const build = () => buildChain('recursive');
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
for (const p of ['sqlite', 'duck', 'fs', 'kysely']) console.log(`  ${p}: ${(total(p) / CHAIN).toFixed(2)}`);
for (const [k, c] of rows) console.log(`${(c / CHAIN).toFixed(2).padStart(7)}  ${k}`);
await ws.close();
rmSync(home, { recursive: true, force: true });
