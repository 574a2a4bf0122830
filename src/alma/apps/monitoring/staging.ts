import path from 'node:path';
import { quoteIdent, quoteLiteral } from '../../../common/names.js';
import type { DuckDb } from '../../../engine/duckdb.js';
import { INCREMENTAL_TABLES } from './jobs.js';

/**
 * Splits the simulator's incrementally loaded tables at `cutoffIso`: the rows before it are the
 * table as loaded so far, the rows from it on go to `staging_<table>`, the upstream systems' data
 * the job scenarios load an increment at a time. Other tables pass through unchanged.
 */
export async function splitForIncrementalLoads(
  duck: DuckDb,
  tables: readonly { name: string; path: string }[],
  cutoffIso: string,
  dir: string,
): Promise<{ name: string; path: string }[]> {
  const out: { name: string; path: string }[] = [];
  for (const t of tables) {
    const column = INCREMENTAL_TABLES[t.name];
    if (!column) {
      out.push(t);
      continue;
    }
    const read = `read_parquet(${quoteLiteral(t.path)})`;
    const cut = `CAST(${quoteLiteral(cutoffIso)} AS TIMESTAMP)`;
    const loaded = path.join(dir, `${t.name}.loaded.parquet`);
    const staged = path.join(dir, `staging_${t.name}.parquet`);
    await duck.run(
      `COPY (SELECT * FROM ${read} WHERE ${quoteIdent(column)} < ${cut}) TO ${quoteLiteral(loaded)} (FORMAT parquet)`,
    );
    await duck.run(
      `COPY (SELECT * FROM ${read} WHERE ${quoteIdent(column)} >= ${cut}) TO ${quoteLiteral(staged)} (FORMAT parquet)`,
    );
    out.push({ name: t.name, path: loaded }, { name: `staging_${t.name}`, path: staged });
  }
  return out;
}
