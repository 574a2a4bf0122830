import { MINUTE_MS } from './calendar.js';
import { mix32, u32, uHi, uLo } from './trec-noise.js';

/**
 * The Trec table in two shapes.
 *
 * `TrecPlan` is what the generator produces: one row per EB (`eb` columns) and one per
 * EB × antenna (`unit` columns) — everything random that is drawn from the seeded
 * streams (scan count, unit parameters with the EB-level outliers folded in, which cells
 * carry a scan outlier, the noise keys). About 1/20 of the measurement rows.
 *
 * A measurement row is then a function of its plan rows and its cell (scan s, baseband
 * k), computed by `expandTrecUnits` (`trec-expand.ts`) from counter-based hashes.
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

export const TREC_UNIT_COLUMNS = [
  'eb',
  'antenna',
  'cartridge',
  'frontend',
  'seed',
  'outliers',
  'nx0',
  'nx1',
  'nx2',
  'nx3',
  'ny0',
  'ny1',
  'ny2',
  'ny3',
] as const;

export type TrecEbColumn = (typeof TREC_EB_COLUMNS)[number];
export type TrecUnitColumn = (typeof TREC_UNIT_COLUMNS)[number];

/**
 * One row per unit with its EB's columns beside it (`seed` of the EB as `eb_seed`): what
 * `expandTrecUnits` reads, so a range of units expands without its EB table.
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

  /** Takes existing columns (e.g. received from another thread) as this table's rows. */
  adopt(columns: Record<C, Float64Array>, length: number): void {
    this.columns = columns;
    this.capacity = length;
    this.length = length;
  }

  /** Makes room for one more row and returns its index (the caller fills it). */
  push(): number {
    if (this.length === this.capacity) this.reserve(this.length + 1);
    return this.length++;
  }

  /** Grows every column to hold at least `rows` rows. */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = Math.max(1, this.capacity);
    while (this.capacity < rows) this.capacity *= 2;
    for (const n of this.names) {
      const grown = new Float64Array(this.capacity);
      grown.set(this.columns[n].subarray(0, this.length));
      this.columns[n] = grown;
    }
  }

  /** Appends all rows of a table with the same columns. */
  appendRows(other: ColumnTable<C>): void {
    this.reserve(this.length + other.length);
    for (const n of this.names) this.columns[n].set(other.columns[n].subarray(0, other.length), this.length);
    this.length += other.length;
  }

  /** The first `length` rows of every column, copied into arrays of their own (to transfer). */
  sliceColumns(): Record<C, Float64Array> {
    return Object.fromEntries(this.names.map((n) => [n, this.columns[n].slice(0, this.length)])) as Record<
      C,
      Float64Array
    >;
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

  /** Appends the unit rows, each joined to its EB row, to `out` (column by column). */
  appendJoinedTo(out: ColumnTable<TrecPlanColumn>): void {
    const E = this.eb.columns;
    const U = this.unit.columns;
    const units = this.unit.length;
    const first = out.length;
    out.reserve(first + units);
    const C = out.columns;
    for (const c of TREC_UNIT_COLUMNS) C[c].set(U[c].subarray(0, units), first);
    // Units of an EB are consecutive and in EB order: map each unit to its EB row once.
    const ebRow = new Int32Array(units);
    for (let u = 0, e = 0; u < units; u++) {
      while (E.eb[e] !== U.eb[u]) e++;
      ebRow[u] = e;
    }
    for (const c of TREC_EB_COLUMNS) {
      if (c === 'eb') continue;
      const from = E[c];
      const to = C[c === 'seed' ? 'eb_seed' : c];
      for (let u = 0; u < units; u++) to[first + u] = from[ebRow[u]];
    }
    out.length = first + units;
  }

  /** Appends another plan's EB and unit rows (a chunk gathering days). */
  append(other: TrecPlan): void {
    this.eb.appendRows(other.eb);
    this.unit.appendRows(other.unit);
    this.rows += other.rows;
  }

  clear(): void {
    this.eb.clear();
    this.unit.clear();
    this.rows = 0;
  }
}

// ---- per-scan and per-cell values ----

export interface ScanValues {
  startMs: number;
  endMs: number;
  airmass: number;
  tatm: number;
}

/** Scan s of an EB: start spread over the EB (first one 30 s in), 20–40 s long, airmass, atmosphere temperature. */
export function scanValues(
  ebSeed: number,
  s: number,
  nScans: number,
  startMs: number,
  durationMs: number,
  groundT: number,
  out: ScanValues,
): ScanValues {
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
export function cellOutlier(
  unitSeed: number,
  cell: number,
  factorLo: number,
  factorHi: number,
  nonPhysicalShare: number,
): CellOutlier {
  const h = mix32(cellKey(unitSeed, cell) + 3);
  const pol = (h & 1) as 0 | 1;
  const nonPhysical = (((h >>> 2) & 16383) + 0.5) / 16384 < nonPhysicalShare;
  const u = uHi(h);
  const value = nonPhysical ? ((h & 2) !== 0 ? -50 * u : 2000 + 18000 * u) : factorLo + (factorHi - factorLo) * u;
  return { pol, nonPhysical, value };
}
