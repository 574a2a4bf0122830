/**
 * What escaping formula cells costs a CSV export: the same Parquet file (text columns, some cells
 * starting with = + - @, a numeric column) exported with `formulas: 'escape'` (the default) and
 * `formulas: 'keep'` (the query as it was), rounds alternating in one process, sorted and unsorted.
 * Medians of BENCH_RUNS rounds. Run: `npm run bench csv-export` (BENCH_ROWS to change the size).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DuckDb } from '../src/engine/duckdb.js';
import { exportData } from '../src/engine/explore.js';
import { parseSort } from '../src/engine/table-query.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 5);

const dir = mkdtempSync(path.join(tmpdir(), 'llano-bench-csv-'));
const db = await DuckDb.open(':memory:', { threads: 2 });
const file = path.join(dir, 'notes.parquet');
await db.run(`COPY (SELECT i AS id, 'DA' || (i % 66) AS antenna,
    CASE i % 10 WHEN 0 THEN '=SUM(A' || i || ')' WHEN 1 THEN '-' || i ELSE 'note ' || i END AS note,
    (i % 200) - 100 AS delta FROM range(${ROWS}) t(i)) TO '${file}' (FORMAT parquet)`);
const source = { kind: 'parquet' as const, paths: [file] };

async function drain(stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) bytes += chunk.length;
  return bytes;
}

const cases = [
  { label: 'unsorted', sort: [] },
  { label: 'sorted by note', sort: parseSort('note') },
];
const times: Record<string, number[]> = {};
for (let r = 0; r < ROUNDS; r++)
  for (const c of cases)
    for (const formulas of ['keep', 'escape'] as const) {
      const t0 = performance.now();
      await drain(await exportData(db, source, 'csv', { sort: c.sort, formulas }));
      (times[`${c.label}|${formulas}`] ??= []).push(performance.now() - t0);
    }
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(
  `| CSV export of ${ROWS} rows (2 text columns of 4), median of ${ROUNDS} alternating rounds | keep | escape |`,
);
console.log('| --- | ---: | ---: |');
for (const c of cases)
  console.log(
    `| ${c.label} | ${median(times[`${c.label}|keep`]).toFixed(0)} ms | ${median(times[`${c.label}|escape`]).toFixed(0)} ms |`,
  );
await db.close();
rmSync(dir, { recursive: true, force: true });
