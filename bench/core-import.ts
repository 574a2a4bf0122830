/**
 * Core engine benchmark: CSV import and SQL recipe overhead against plain DuckDB.
 *   node --import tsx bench/core-import.ts          (10 million rows)
 *   BENCH_ROWS=1000000 node --import tsx bench/core-import.ts
 * Each measurement alternates DuckDB and Llano runs and keeps the best of BENCH_RUNS (default 3),
 * which is what is least disturbed by other work on a shared machine.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDb } from '../src/engine/duckdb.js';
import { importFile } from '../src/engine/import-file.js';
import { executeSelectToParquet } from '../src/engine/sql-exec.js';

const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function best(pair: [() => Promise<unknown>, () => Promise<unknown>]): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    times[0].push(await timed(pair[0]));
    times[1].push(await timed(pair[1]));
  }
  return [Math.min(...times[0]), Math.min(...times[1])];
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'llano-bench-'));
  const db = await DuckDb.open();
  try {
    const csv = join(dir, 'observations.csv');
    const generation = await timed(() =>
      db.run(`COPY (
        SELECT TIMESTAMP '2024-01-01' + to_milliseconds(i * 48) AS timestamp,
               'DA' || lpad(((i * 7) % 66)::VARCHAR, 2, '0') AS antenna,
               (i % 10) + 1 AS band, i % 4 AS baseband,
               random() * 100 AS amplitude, random() * 360 - 180 AS phase
        FROM range(${rows}) t(i)) TO '${csv}' (HEADER)`),
    );
    const size = (await stat(csv)).size;
    console.error(`generated ${fmt(rows)} rows (${(size / 1e6).toFixed(0)} MB) in ${generation.toFixed(1)} s`);

    const duckParquet = join(dir, 'duckdb.parquet');
    const llanoParquet = join(dir, 'llano.parquet');
    const [duckImport, llanoImport] = await best([
      () => db.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${duckParquet}' (FORMAT parquet)`),
      () => importFile(db, { sourcePath: csv, targetPath: llanoParquet }),
    ]);

    const groupBy = (from: string) =>
      `SELECT antenna, band, count(*) AS n, avg(amplitude) AS mean_amplitude, stddev_samp(phase) AS sd_phase FROM ${from} GROUP BY antenna, band`;
    const duckOut = join(dir, 'group-duckdb.parquet');
    const llanoOut = join(dir, 'out', 'group-llano.parquet');
    const [duckGroup, llanoGroup] = await best([
      () => db.run(`COPY (${groupBy(`read_parquet('${llanoParquet}')`)}) TO '${duckOut}' (FORMAT parquet)`),
      () =>
        executeSelectToParquet(db, {
          inputs: { observations: { kind: 'parquet', paths: [llanoParquet] } },
          sql: groupBy('observations'),
          outputPath: llanoOut,
        }),
    ]);

    const importRatio = duckImport / llanoImport;
    const overhead = (llanoGroup / duckGroup - 1) * 100;
    console.log(`\n### Core engine, ${fmt(rows)} rows (best of ${runs})\n`);
    console.log('| measurement | DuckDB alone | Llano | Llano vs DuckDB | target |');
    console.log('| --- | ---: | ---: | ---: | --- |');
    console.log(
      `| CSV → Parquet import | ${fmt(rows / duckImport)} rows/s (${duckImport.toFixed(2)} s) | ${fmt(rows / llanoImport)} rows/s (${llanoImport.toFixed(2)} s) | ${(importRatio * 100).toFixed(1)} % of the rate | ≥ 90 % ${importRatio >= 0.9 ? '✅' : '❌'} |`,
    );
    console.log(
      `| group by antenna, band → Parquet | ${duckGroup.toFixed(3)} s | ${llanoGroup.toFixed(3)} s | ${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)} % time | ≤ 10 % ${overhead <= 10 ? '✅' : '❌'} |`,
    );
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
