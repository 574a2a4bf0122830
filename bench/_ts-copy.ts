/**
 * Where the TypeScript copy's harness time goes, in process (no sandbox): the bench's input
 * (id BIGINT, band VARCHAR 7 values, trec DOUBLE 5 % NULL, antenna VARCHAR 25 values 3 % NULL)
 * as uncompressed Parquet written by DuckDB, read with parquetRowGroups and written back with
 * ParquetParts, one part per row group (what writeBatch does with the harness's batches).
 * BENCH_ROWS (1,000,000), BENCH_RUNS (5). CPU ms (user + sys) and wall ms, medians, per phase.
 * BENCH_BASE / BENCH_OTHER=path.ts: also time that copy of ts-recipe-parquet.ts (before / after
 * the current one in the first round), alternating rounds; e.g. the file as committed before a
 * change, `git show HEAD~1:src/recipes/code/ts-recipe-parquet.ts > src/recipes/code/_base.ts`.
 * BENCH_READ_ONLY=1: reading only. Run: `node --import tsx bench/_ts-copy.ts`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import * as current from '../src/recipes/code/ts-recipe-parquet.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 5);
type Impl = typeof current;
const impls: [string, Impl][] = [['current', current]];
if (process.env.BENCH_OTHER) impls.push(['other', (await import(path.resolve(process.env.BENCH_OTHER))) as Impl]);
if (process.env.BENCH_BASE) impls.unshift(['base', (await import(path.resolve(process.env.BENCH_BASE))) as Impl]);

const input = path.join(tmpdir(), `llano-ts-copy-${ROWS}.parquet`);
if (!existsSync(input)) {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(
    `COPY (SELECT i::BIGINT AS id, 'B' || (3 + i % 7) AS band, CASE WHEN i % 20 = 0 THEN NULL ELSE 30 + (i * 37 % 2300) / 100.0 END::DOUBLE AS trec,
     CASE WHEN i % 33 = 0 THEN NULL ELSE 'DA' || (40 + i % 25) END AS antenna FROM range(${ROWS}) t(i)) TO '${input}.tmp' (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 122880)`,
  );
  conn.closeSync();
  db.closeSync();
  rmSync(input, { force: true });
  (await import('node:fs')).renameSync(`${input}.tmp`, input);
}
const columns = [
  { name: 'id', type: 'BIGINT' },
  { name: 'band', type: 'VARCHAR' },
  { name: 'trec', type: 'DOUBLE' },
  { name: 'antenna', type: 'VARCHAR' },
];
const kinds = ['number', 'text', 'number', 'text'] as const;
const dir = mkdtempSync(path.join(tmpdir(), 'llano-ts-copy-out-'));

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function round(impl: Impl): { readCpu: number; writeCpu: number; readWall: number; writeWall: number } {
  const t = { readCpu: 0, writeCpu: 0, readWall: 0, writeWall: 0 };
  const out = new impl.ParquetParts(path.join(dir, 'out'), columns, JSON.stringify);
  const groups = impl.parquetRowGroups(input, [...kinds]);
  for (;;) {
    let c = cpu();
    let w = performance.now();
    const next = groups.next();
    t.readCpu += cpu() - c;
    t.readWall += performance.now() - w;
    if (next.done) break;
    const [numRows, arrays] = next.value;
    if (process.env.BENCH_READ_ONLY) continue;
    c = cpu();
    w = performance.now();
    if (!out.writeRowGroup(arrays, numRows)) throw new Error('unfit');
    t.writeCpu += cpu() - c;
    t.writeWall += performance.now() - w;
  }
  out.close();
  out.remove();
  return t;
}

const results = new Map<string, ReturnType<typeof round>[]>(impls.map(([n]) => [n, []]));
for (let r = 0; r < ROUNDS + 1; r++)
  for (const [name, impl] of r % 2 ? [...impls].reverse() : impls) {
    const t = round(impl);
    if (r > 0) results.get(name)!.push(t); // round 0 warms up
  }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${ROWS.toLocaleString()} rows, ${ROUNDS} rounds (medians, ms)`);
console.log('| build | read CPU | write CPU | total CPU | read wall | write wall |');
for (const [name, ts] of results) {
  const m = (k: keyof ReturnType<typeof round>) => median(ts.map((t) => t[k]));
  console.log(
    `| ${name} | ${m('readCpu').toFixed(0)} | ${m('writeCpu').toFixed(0)} | ${median(ts.map((t) => t.readCpu + t.writeCpu)).toFixed(0)} | ${m('readWall').toFixed(0)} | ${m('writeWall').toFixed(0)} |`,
  );
}
rmSync(dir, { recursive: true, force: true });
