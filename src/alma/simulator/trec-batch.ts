import { MINUTE_MS } from './calendar.js';
import { mix32, normalA, normalB, u32, uHi, uLo } from './trec-noise.js';

/**
 * The Trec table in two shapes.
 *
 * `TrecPlan` is what the generator produces: one row per EB (`eb` columns) and one per
 * EB × antenna (`unit` columns) — everything random that is drawn from the seeded
 * streams (scan count, unit parameters with the EB-level outliers folded in, which cells
 * carry a scan outlier, the noise keys). About 1/20 of the measurement rows.
 *
 * A measurement row is then a function of its plan rows and its cell (scan s, baseband
 * k): `expandTrecPlan` here and `trecRowsSql` in `trec-sql.ts` compute it, the first in
 * JS, the second vectorized in DuckDB. Everything but the per-cell measurement noise is
 * the same number in both (hashes from `trec-noise.ts`); the noise has the same
 * distribution but its own draws.
 *
 * Rows of a unit come scan-major: cell = s × 4 + k.
 */

export const TREC_EB_COLUMNS = [
  'eb',
  'family',
  'band',
  'n_scans',
  'start_ms',
  'duration_ms',
  'seed',
  'pwv',
  'tau_zenith',
  'ground_t',
  'ground_p',
  'ground_rh',
  'noise',
  'gain_num',
  'eta',
  'outlier_factor_lo',
  'outlier_factor_hi',
  'non_physical_share',
  'spectra',
  'lo0',
  'lo1',
  'lo2',
  'lo3',
  'hi0',
  'hi1',
  'hi2',
  'hi3',
  'sb0',
  'sb1',
  'sb2',
  'sb3',
  'tf0',
  'tf1',
  'tf2',
  'tf3',
] as const;

export const TREC_UNIT_COLUMNS = ['eb', 'antenna', 'cartridge', 'frontend', 'seed', 'outliers', 'nx0', 'nx1', 'nx2', 'nx3', 'ny0', 'ny1', 'ny2', 'ny3'] as const;

export type TrecEbColumn = (typeof TREC_EB_COLUMNS)[number];
export type TrecUnitColumn = (typeof TREC_UNIT_COLUMNS)[number];

/**
 * One row per unit with its EB's columns beside it (`seed` of the EB as `eb_seed`): the
 * table the SQL expansion reads. Joining in JS keeps the source a plain table scan, which
 * DuckDB splits by row group and keeps ordered (a join in the query would not), so the
 * `COPY` runs on every thread.
 */
export const TREC_PLAN_COLUMNS = [
  ...TREC_UNIT_COLUMNS,
  ...TREC_EB_COLUMNS.filter((c) => c !== 'eb').map((c) => (c === 'seed' ? 'eb_seed' : c)),
] as (TrecUnitColumn | Exclude<TrecEbColumn, 'eb' | 'seed'> | 'eb_seed')[];

export type TrecPlanColumn = (typeof TREC_PLAN_COLUMNS)[number];

/** Scans per EB above this do not fit a unit's 52-bit outlier mask (13 scans × 4 basebands). */
export const MAX_ATM_SCANS = 13;

/** Growable Float64Array columns. */
export class ColumnTable<C extends string> {
  length = 0;
  capacity: number;
  columns: Record<C, Float64Array>;

  constructor(
    readonly names: readonly C[],
    capacity = 1024,
  ) {
    this.capacity = capacity;
    this.columns = Object.fromEntries(names.map((n) => [n, new Float64Array(capacity)])) as Record<C, Float64Array>;
  }

  /** Makes room for one more row and returns its index (the caller fills it). */
  push(): number {
    if (this.length === this.capacity) {
      this.capacity *= 2;
      for (const n of this.names) {
        const grown = new Float64Array(this.capacity);
        grown.set(this.columns[n]);
        this.columns[n] = grown;
      }
    }
    return this.length++;
  }

  clear(): void {
    this.length = 0;
  }
}

export class TrecPlan {
  readonly eb = new ColumnTable<TrecEbColumn>(TREC_EB_COLUMNS, 256);
  readonly unit = new ColumnTable<TrecUnitColumn>(TREC_UNIT_COLUMNS, 4096);
  /** Measurement rows the plan expands to. */
  rows = 0;

  /** Unit rows joined to their EB rows, into `out` (cleared first). */
  joined(out: ColumnTable<TrecPlanColumn>): ColumnTable<TrecPlanColumn> {
    out.clear();
    const E = this.eb.columns;
    const U = this.unit.columns;
    let e = 0;
    for (let u = 0; u < this.unit.length; u++) {
      while (E.eb[e] !== U.eb[u]) e++;
      const r = out.push();
      const C = out.columns;
      for (const c of TREC_UNIT_COLUMNS) C[c][r] = U[c][u];
      for (const c of TREC_EB_COLUMNS) if (c !== 'eb') C[c === 'seed' ? 'eb_seed' : c][r] = E[c][e];
    }
    return out;
  }

  clear(): void {
    this.eb.clear();
    this.unit.clear();
    this.rows = 0;
  }
}

// ---- per-scan and per-cell values: keep in step with trec-sql.ts ----

export interface ScanValues {
  startMs: number;
  endMs: number;
  airmass: number;
  tatm: number;
}

/** Scan s of an EB: start spread over the EB (first one 30 s in), 20–40 s long, airmass, atmosphere temperature. */
export function scanValues(ebSeed: number, s: number, nScans: number, startMs: number, durationMs: number, groundT: number, out: ScanValues): ScanValues {
  const hs = mix32(ebSeed + s * 2);
  const ht = mix32(ebSeed + s * 2 + 1);
  out.startMs = startMs + Math.floor((s * durationMs) / nScans) + (s === 0 ? MINUTE_MS / 2 : 0);
  out.endMs = out.startMs + 20000 + Math.floor(20000 * uHi(hs));
  out.airmass = 1.05 + 0.65 * uLo(hs);
  out.tatm = groundT - (8 + 6 * u32(ht));
  return out;
}

/** Noise key of cell `cell` of a unit; keys key+0 … key+3 are its four hashes. */
export const cellKey = (unitSeed: number, cell: number): number => unitSeed + cell * 4;

export interface CellOutlier {
  pol: 0 | 1;
  nonPhysical: boolean;
  /** Non-physical: the stored value; else the factor applied to the measured value. */
  value: number;
}

/** What a scan-outlier cell does, from its fourth hash. */
export function cellOutlier(unitSeed: number, cell: number, factorLo: number, factorHi: number, nonPhysicalShare: number): CellOutlier {
  const h = mix32(cellKey(unitSeed, cell) + 3);
  const pol = (h & 1) as 0 | 1;
  const nonPhysical = (((h >>> 2) & 16383) + 0.5) / 16384 < nonPhysicalShare;
  const u = uHi(h);
  const value = nonPhysical ? ((h & 2) !== 0 ? -50 * u : 2000 + 18000 * u) : factorLo + (factorHi - factorLo) * u;
  return { pol, nonPhysical, value };
}

// ---- JS expansion ----

export const TREC_ROW_COLUMNS = [
  'eb',
  'caldataid',
  'scan',
  'start_ms',
  'end_ms',
  'antenna',
  'family',
  'band',
  'baseband',
  'sideband',
  'freq_lo_ghz',
  'freq_hi_ghz',
  'trec_x',
  'trec_y',
  'tsys_x',
  'tsys_y',
  'tatm_x',
  'tatm_y',
  'tau',
  'water',
  'groundtemperature',
  'groundpressure',
  'groundrelhumidity',
  'cartridge',
  'frontend',
] as const;

export type TrecColumn = (typeof TREC_ROW_COLUMNS)[number];

/** Measurement rows as typed-array columns (strings as integer codes), in file order. */
export class TrecBatch {
  length = 0;
  columns: Record<TrecColumn, Float64Array>;

  constructor(readonly capacity: number) {
    this.columns = Object.fromEntries(TREC_ROW_COLUMNS.map((n) => [n, new Float64Array(capacity)])) as Record<TrecColumn, Float64Array>;
  }
}

/** Expands a plan into its measurement rows, in the file's order (measurement noise: see above). */
export function expandTrecPlan(plan: TrecPlan): TrecBatch {
  const batch = new TrecBatch(plan.rows);
  const c = batch.columns;
  const E = plan.eb.columns;
  const U = plan.unit.columns;
  const scan: ScanValues = { startMs: 0, endMs: 0, airmass: 0, tatm: 0 };
  let r = 0;
  let e = 0;
  for (let u = 0; u < plan.unit.length; u++) {
    while (E.eb[e] !== U.eb[u]) e++;
    const n = E.n_scans[e];
    const seed = U.seed[u];
    const outliers = U.outliers[u];
    const groundT = E.ground_t[e];
    const eta = E.eta[e];
    for (let s = 0; s < n; s++) {
      scanValues(E.seed[e], s, n, E.start_ms[e], E.duration_ms[e], groundT, scan);
      for (let k = 0; k < 4; k++) {
        const cell = s * 4 + k;
        const nx = U[`nx${k}` as TrecUnitColumn][u];
        const ny = U[`ny${k}` as TrecUnitColumn][u];
        const key = cellKey(seed, cell);
        const h0 = mix32(key);
        const h1 = mix32(key + 1);
        const h2 = mix32(key + 2);
        let trecX = nx * (1 + E.noise[e] * normalA(h0));
        let trecY = ny * (1 + E.noise[e] * normalB(h0));
        if (Math.floor(outliers / 2 ** cell) % 2 === 1) {
          const o = cellOutlier(seed, cell, E.outlier_factor_lo[e], E.outlier_factor_hi[e], E.non_physical_share[e]);
          if (o.pol === 0) trecX = o.nonPhysical ? o.value : trecX * o.value;
          else trecY = o.nonPhysical ? o.value : trecY * o.value;
        }
        const tau = E.tau_zenith[e] * E[`tf${k}` as TrecEbColumn][e] * (1 + 0.02 * normalA(h1));
        const trans = Math.exp(-tau * scan.airmass);
        const sky = eta * scan.tatm * (1 - trans) + (1 - eta) * groundT;
        const gain = E.gain_num[e] / (eta * trans);
        c.eb[r] = E.eb[e];
        c.caldataid[r] = s + 1;
        c.scan[r] = 1 + 3 * s + (s > 0 ? 1 : 0);
        c.start_ms[r] = scan.startMs;
        c.end_ms[r] = scan.endMs;
        c.antenna[r] = U.antenna[u];
        c.family[r] = E.family[e];
        c.band[r] = E.band[e];
        c.baseband[r] = k;
        c.sideband[r] = E[`sb${k}` as TrecEbColumn][e];
        c.freq_lo_ghz[r] = E[`lo${k}` as TrecEbColumn][e];
        c.freq_hi_ghz[r] = E[`hi${k}` as TrecEbColumn][e];
        c.trec_x[r] = trecX;
        c.trec_y[r] = trecY;
        c.tsys_x[r] = gain * (Math.max(trecX, 1) + sky);
        c.tsys_y[r] = gain * (Math.max(trecY, 1) + sky);
        c.tatm_x[r] = scan.tatm + 0.5 * normalA(h2);
        c.tatm_y[r] = scan.tatm + 0.5 * normalB(h2);
        c.tau[r] = tau;
        c.water[r] = (E.pwv[e] / 1000) * (1 + 0.02 * normalB(h1));
        c.groundtemperature[r] = groundT;
        c.groundpressure[r] = E.ground_p[e];
        c.groundrelhumidity[r] = E.ground_rh[e];
        c.cartridge[r] = U.cartridge[u];
        c.frontend[r] = U.frontend[u];
        r++;
      }
    }
  }
  batch.length = r;
  return batch;
}
