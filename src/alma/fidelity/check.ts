import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { badRequest } from '../../common/errors.js';
import { DuckDb } from '../../engine/duckdb.js';
import { quoteLiteral } from '../../common/names.js';
import { ROW_TABLES, simulate, type SimulationOptionsInput } from '../simulator/index.js';
import { FIDELITY_FACTS, type FidelityFact } from './facts.js';

/** One measured fact: `ok` is null when the run is too short to measure it. */
export interface FidelityResult {
  id: string;
  source: string;
  fact: string;
  expected: string;
  measured: string;
  ok: boolean | null;
}

export interface FidelityReport {
  days: number;
  facts: FidelityResult[];
  /** Source facts ([S…]) that were measured and failed. */
  failedSourceFacts: string[];
}

/** A fact from a public source (`S8`, `S1` …) rather than an assumption. */
export const isSourceFact = (source: string): boolean => /^S\d+/.test(source);

/** Measures every fact on the tables written in `dir` (Parquet or CSV, file name = table name). */
export async function checkFidelityOfFiles(
  dir: string,
  facts: FidelityFact[] = FIDELITY_FACTS,
): Promise<FidelityReport> {
  if (!existsSync(dir)) throw badRequest(`--in: no such folder: ${dir}`);
  const files = readdirSync(dir).filter((f) => /^[a-z_]+\.(parquet|csv)$/.test(f));
  if (!files.some((f) => f.startsWith('shift.')))
    throw badRequest(`--in: ${dir} holds no simulator tables (shift.parquet …)`);
  const db = await DuckDb.open();
  try {
    for (const f of files) {
      const [name, ext] = f.split('.');
      await db.run(`CREATE VIEW ${name} AS SELECT * FROM ${readTable(path.join(dir, f), name, ext)}`);
    }
    await db.run(`CREATE VIEW sim_span AS SELECT min(start_ts) AS start_ts, max(end_ts) AS end_ts,
      epoch(max(end_ts) - min(start_ts)) / 86400.0 AS days FROM shift`);
    const days = Number((await db.query('SELECT days FROM sim_span')).rows[0][0]);
    const results: FidelityResult[] = [];
    for (const f of facts) {
      const base = { id: f.id, source: f.source, fact: f.fact, expected: f.expected };
      if (f.minDays && days < f.minDays) {
        results.push({ ...base, measured: `needs ≥ ${f.minDays} days`, ok: null });
        continue;
      }
      try {
        const { rows } = await db.query(f.sql);
        const [measured, ok] = rows[0] ?? [null, null];
        results.push({
          ...base,
          measured: measured === null ? 'no data' : typeof measured === 'string' ? measured : JSON.stringify(measured),
          ok: ok === true,
        });
      } catch (e) {
        // A table or column the fact needs is missing: the simulator does not model it.
        const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
        results.push({ ...base, measured: `missing: ${message.replace(/^[A-Za-z ]+Error: /, '')}`, ok: false });
      }
    }
    return {
      days,
      facts: results,
      failedSourceFacts: results.filter((r) => r.ok === false && isSourceFact(r.source)).map((r) => r.id),
    };
  } finally {
    await db.close();
  }
}

/**
 * The table function reading one simulator file. A CSV file is read with the columns the simulator
 * declares, so that the facts measure the same values on CSV as on Parquet: DuckDB's sniffing would
 * type them by their values (band_list "3" as BIGINT, every column of an empty table as VARCHAR).
 */
function readTable(file: string, table: string, ext: string): string {
  if (ext === 'parquet') return `read_parquet(${quoteLiteral(file)})`;
  const declared = ROW_TABLES.find((t) => t.name === table);
  if (!declared) return `read_csv(${quoteLiteral(file)})`;
  const columns = declared.columns.map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`).join(', ');
  return `read_csv(${quoteLiteral(file)}, header = true, columns = {${columns}})`;
}

/** Simulates into a temporary folder, measures every fact, removes the folder. */
export async function checkFidelity(options: Omit<SimulationOptionsInput, 'out'>): Promise<FidelityReport> {
  const out = mkdtempSync(path.join(tmpdir(), 'llano-fidelity-'));
  try {
    await simulate({ ...options, out, format: 'parquet' });
    return await checkFidelityOfFiles(out);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
