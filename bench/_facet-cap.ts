/**
 * Small multiples with a facet cap against the same chart answering every facet (the SQL before
 * the cap; `facetIsGroup` compiles it), alternated in one process over a generated table:
 * `node --import tsx bench/_facet-cap.ts`. Prints the median of BENCH_RUNS runs of each and the
 * rows each answered. BENCH_ROWS sets the table's size (default 3 million rows, 66 antennas);
 * BENCH_SORT=x ranks the facets by name instead of by the measure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDb } from '../src/engine/duckdb.js';
import { compileChart } from '../src/insights/compile-chart.js';
import type { ChartSpec } from '../src/insights/insight-types.js';

const rows = Number(process.env.BENCH_ROWS ?? 3_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const dir = mkdtempSync(path.join(tmpdir(), 'facet-cap-'));
const file = path.join(dir, 'trec.parquet');
const db = await DuckDb.open();
try {
  await db.query(
    `COPY (SELECT 'DA' || (i % 66) AS antenna, 3 + (i % 8) AS band, 30 + (i * 7919) % 50 AS trec
           FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet)`,
  );
  const relation = `read_parquet('${file}')`;
  const columns = [
    { name: 'antenna', type: 'VARCHAR' },
    { name: 'band', type: 'BIGINT' },
    { name: 'trec', type: 'BIGINT' },
  ];
  const spec: ChartSpec = {
    kind: 'bar',
    x: { column: 'band' },
    facet: { column: 'antenna' },
    y: [{ column: 'trec', agg: 'avg' }],
    filters: [],
    sort: process.env.BENCH_SORT === 'x' ? { by: 'x', desc: false } : { by: 'y', desc: true },
  };
  const variants = {
    'every facet (before)': compileChart({ spec, columns, relation, dialect: 'duckdb', facetIsGroup: true }).sql,
    'first 6 facets (after)': compileChart({ spec, columns, relation, dialect: 'duckdb' }).sql,
  };
  const times = new Map<string, number[]>(Object.keys(variants).map((k) => [k, []]));
  const answered = new Map<string, number>();
  for (let r = 0; r < runs; r++)
    for (const [name, sql] of Object.entries(variants)) {
      const t0 = performance.now();
      const result = await db.query(sql);
      times.get(name)!.push(performance.now() - t0);
      answered.set(name, result.rows.length);
    }
  console.log(`${rows.toLocaleString('en-US')} rows, ${runs} runs each, alternated (median ms):`);
  for (const [name, list] of times) {
    list.sort((a, b) => a - b);
    console.log(`  ${name.padEnd(24)} ${list[list.length >> 1].toFixed(0).padStart(6)} ms  ${answered.get(name)} rows`);
  }
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
