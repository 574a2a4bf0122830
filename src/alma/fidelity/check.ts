import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { badRequest } from '../../common/errors.js';
import { DuckDb } from '../../engine/duckdb.js';
import { simulate, type SimulationOptionsInput } from '../simulator/index.js';
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
      const file = path.join(dir, f).replaceAll("'", "''");
      const read = ext === 'parquet' ? `read_parquet('${file}')` : `read_csv('${file}')`;
      await db.run(`CREATE VIEW ${name} AS SELECT * FROM ${read}`);
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
