import {
  ColumnTable,
  MAX_ATM_SCANS,
  TREC_PLAN_COLUMNS,
  cellKey,
  cellOutlier,
  scanValues,
  type ScanValues,
  type TrecPlan,
  type TrecPlanColumn,
} from './trec-batch.js';
import { mix32, normalHi, normalLo } from './trec-noise.js';

/**
 * Expands Trec plan units (one row per EB × antenna, joined to their EB: `TrecPlan.appendJoinedTo`)
 * into the measurement rows, column by column into typed arrays, in the file's order:
 * unit after unit, scan-major (cell = s × 4 + k). Every value is a pure function of the
 * unit's plan row and the cell (counter-based hashes, `trec-noise.ts`), so any range of
 * units expands the same on any thread, and the truth table computed from the same
 * hashes matches the file exactly.
 *
 * Spectra: the rows of EBs with `spectra` set also get `channels` values per polarisation,
 * the scalar Trec shaped across the baseband (zero-mean IF-slope U-shape, a standing-wave
 * ripple) plus channel noise twice the scalar's.
 */

/**
 * Measurement rows. Strings are codes (EB index, antenna, family, band, baseband,
 * sideband, cartridge, front end); values constant per scan or per EB are references
 * into small per-chunk tables (what the file's dictionary pages hold), so neither this
 * nor the writer repeats or looks them up per row.
 */
export class TrecRows {
  length = 0;
  readonly eb: Int32Array;
  /** Scan position s in its EB (caldataid s + 1). */
  readonly scan_index: Int32Array;
  /** Index into `scanStartUs` / `scanEndUs`. */
  readonly scan_ref: Int32Array;
  /** Index into the per-EB tables (`groundT`, …). */
  readonly eb_ref: Int32Array;
  /** Index into `freqLoGhz` / `freqHiGhz`: eb_ref × 4 + baseband. */
  readonly freq_ref: Int32Array;
  readonly antenna: Int32Array;
  readonly family: Int32Array;
  readonly band: Int32Array;
  readonly baseband: Int32Array;
  /** 0 none (double sideband), 1 LSB, 2 USB. */
  readonly sideband: Int32Array;
  readonly trec_x: Float32Array;
  readonly trec_y: Float32Array;
  readonly tsys_x: Float32Array;
  readonly tsys_y: Float32Array;
  readonly tatm_x: Float32Array;
  readonly tatm_y: Float32Array;
  readonly tau: Float32Array;
  readonly water: Float32Array;
  readonly cartridge: Int32Array;
  readonly frontend: Int32Array;
  /** Scans (microseconds since the epoch, the file's TIMESTAMP unit) and their count. */
  scanStartUs: Float64Array;
  scanEndUs: Float64Array;
  scans = 0;
  /** Per EB of the chunk, and their count. */
  groundT: Float32Array;
  groundP: Float32Array;
  groundRh: Float32Array;
  ebs = 0;
  /** Per EB × baseband. */
  freqLoGhz: Float64Array;
  freqHiGhz: Float64Array;
  /** Most ATM scans of any EB of the chunk. */
  maxScans = 0;

  constructor(readonly capacity: number) {
    const i32 = () => new Int32Array(capacity);
    const f32 = () => new Float32Array(capacity);
    this.eb = i32();
    this.scan_index = i32();
    this.scan_ref = i32();
    this.eb_ref = i32();
    this.freq_ref = i32();
    this.antenna = i32();
    this.family = i32();
    this.band = i32();
    this.baseband = i32();
    this.sideband = i32();
    this.trec_x = f32();
    this.trec_y = f32();
    this.tsys_x = f32();
    this.tsys_y = f32();
    this.tatm_x = f32();
    this.tatm_y = f32();
    this.tau = f32();
    this.water = f32();
    this.cartridge = i32();
    this.frontend = i32();
    // Every EB has at least one unit of at least 4 rows, every scan 4 rows per unit.
    const ebs = Math.ceil(capacity / 4);
    this.scanStartUs = new Float64Array(ebs);
    this.scanEndUs = new Float64Array(ebs);
    this.groundT = new Float32Array(ebs);
    this.groundP = new Float32Array(ebs);
    this.groundRh = new Float32Array(ebs);
    this.freqLoGhz = new Float64Array(ebs * 4);
    this.freqHiGhz = new Float64Array(ebs * 4);
  }
}

/** Spectra of the rows of EBs with spectra: keys, and `channels` floats per row and polarisation. */
export class SpectrumRows {
  length = 0;
  readonly eb: Int32Array;
  readonly caldataid: Int32Array;
  readonly antenna: Int32Array;
  readonly baseband: Int32Array;
  readonly x: Float32Array;
  readonly y: Float32Array;

  constructor(
    readonly capacity: number,
    readonly channels: number,
  ) {
    this.eb = new Int32Array(capacity);
    this.caldataid = new Int32Array(capacity);
    this.antenna = new Int32Array(capacity);
    this.baseband = new Int32Array(capacity);
    this.x = new Float32Array(capacity * channels);
    this.y = new Float32Array(capacity * channels);
  }
}

/** Channel shape of each baseband: depends on channel and baseband only. */
function spectrumShapes(channels: number): Float64Array[] {
  return [0, 1, 2, 3].map((k) =>
    Float64Array.from({ length: channels }, (_, ch) => {
      const u = ((ch + 0.5) / channels) * 2 - 1;
      return 1 + 0.06 * (u * u - 1 / 3) + 0.01 * Math.sin(ch * 0.37 + k);
    }),
  );
}

/** Spectrum noise keys live far from the scalar ones (cellKey … + 3) of the same cell. */
const SPECTRUM_KEY_OFFSET = 0x6a09e667;

export interface ExpandedTrec {
  rows: TrecRows;
  spectra: SpectrumRows | null;
}

/** Per-baseband plan columns, gathered once per call. */
interface BasebandColumns {
  nx: Float64Array[];
  ny: Float64Array[];
  lo: Float64Array[];
  hi: Float64Array[];
  sb: Float64Array[];
  tf: Float64Array[];
}

/**
 * Expands units [0, plan.length) of a joined plan. `channels` null: no spectra; else the
 * rows of EBs with `spectra` = 1 also get spectra of that many channels. `reuse`: the
 * previous call's result, whose arrays are overwritten when they are large enough (a
 * worker expanding chunk after chunk then allocates almost nothing).
 */
export function expandTrecUnits(
  plan: ColumnTable<TrecPlanColumn>,
  channels: number | null,
  reuse?: ExpandedTrec,
): ExpandedTrec {
  const P = plan.columns;
  const units = plan.length;
  let total = 0;
  let spectrumTotal = 0;
  for (let u = 0; u < units; u++) {
    const n = P.n_scans[u] * 4;
    total += n;
    if (P.spectra[u] === 1) spectrumTotal += n;
  }
  const out = reuse && reuse.rows.capacity >= total ? reuse.rows : new TrecRows(total);
  out.length = 0;
  let spectra: SpectrumRows | null = null;
  if (channels !== null)
    spectra =
      reuse?.spectra && reuse.spectra.channels === channels && reuse.spectra.capacity >= spectrumTotal
        ? reuse.spectra
        : new SpectrumRows(spectrumTotal, channels);
  if (spectra) spectra.length = 0;
  const shapes = channels !== null ? spectrumShapes(channels) : [];
  const bb: BasebandColumns = {
    nx: [P.nx0, P.nx1, P.nx2, P.nx3],
    ny: [P.ny0, P.ny1, P.ny2, P.ny3],
    lo: [P.lo0, P.lo1, P.lo2, P.lo3],
    hi: [P.hi0, P.hi1, P.hi2, P.hi3],
    sb: [P.sb0, P.sb1, P.sb2, P.sb3],
    tf: [P.tf0, P.tf1, P.tf2, P.tf3],
  };
  out.scans = 0;
  out.ebs = 0;
  out.maxScans = 0;
  const eb: EbState = {
    eb: -1,
    ref: -1,
    scanBase: 0,
    airmass: new Float64Array(MAX_ATM_SCANS),
    tatm: new Float64Array(MAX_ATM_SCANS),
  };
  let r = 0;
  for (let u = 0; u < units; u++) {
    if (P.eb[u] !== eb.eb) startEb(P, bb, u, eb, out);
    const first = r;
    r = expandUnit(P, bb, u, eb, out, r);
    if (spectra !== null && P.spectra[u] === 1) expandSpectra(P, u, out, first, r, shapes, spectra);
  }
  out.length = r;
  return { rows: out, spectra };
}

/**
 * The rows of unit `u` from row `r` on; returns the next row. One small function per unit
 * (rather than one loop over all units) lets V8 optimise it after a few units.
 */
/** The EB whose units are being expanded: its scans' values and its rows in the per-EB tables. */
interface EbState {
  eb: number;
  ref: number;
  scanBase: number;
  airmass: Float64Array;
  tatm: Float64Array;
}

/** Enters unit u's EB: its scans (start, end, airmass, T_atm) and per-EB values, once for all its antennas. */
function startEb(
  P: Record<TrecPlanColumn, Float64Array>,
  bb: BasebandColumns,
  u: number,
  eb: EbState,
  out: TrecRows,
): void {
  const n = P.n_scans[u];
  const scan: ScanValues = { startMs: 0, endMs: 0, airmass: 0, tatm: 0 };
  eb.eb = P.eb[u];
  eb.ref = out.ebs++;
  eb.scanBase = out.scans;
  for (let s = 0; s < n; s++) {
    scanValues(P.eb_seed[u], s, n, P.start_ms[u], P.duration_ms[u], P.ground_t[u], scan);
    out.scanStartUs[out.scans] = scan.startMs * 1000;
    out.scanEndUs[out.scans] = scan.endMs * 1000;
    out.scans++;
    eb.airmass[s] = scan.airmass;
    eb.tatm[s] = scan.tatm;
  }
  out.maxScans = Math.max(out.maxScans, n);
  out.groundT[eb.ref] = P.ground_t[u];
  out.groundP[eb.ref] = P.ground_p[u];
  out.groundRh[eb.ref] = P.ground_rh[u];
  for (let k = 0; k < 4; k++) {
    out.freqLoGhz[eb.ref * 4 + k] = bb.lo[k][u];
    out.freqHiGhz[eb.ref * 4 + k] = bb.hi[k][u];
  }
}

function expandUnit(
  P: Record<TrecPlanColumn, Float64Array>,
  bb: BasebandColumns,
  u: number,
  ebState: EbState,
  out: TrecRows,
  r: number,
): number {
  const n = P.n_scans[u];
  const seed = P.seed[u];
  const outliers = P.outliers[u];
  const eb = P.eb[u];
  const antenna = P.antenna[u];
  const family = P.family[u];
  const band = P.band[u];
  const cartridge = P.cartridge[u];
  const frontend = P.frontend[u];
  const groundT = P.ground_t[u];
  const eta = P.eta[u];
  const noise = P.noise[u];
  const gainNum = P.gain_num[u];
  const tauZenith = P.tau_zenith[u];
  const water0 = P.pwv[u] / 1000;
  const first = r;
  // The unit's per-baseband values, read once instead of per row.
  const nx = unitScratch.nx;
  const ny = unitScratch.ny;
  const sb = unitScratch.sb;
  const tf = unitScratch.tf;
  for (let k = 0; k < 4; k++) {
    nx[k] = bb.nx[k][u];
    ny[k] = bb.ny[k][u];
    sb[k] = bb.sb[k][u];
    tf[k] = bb.tf[k][u];
  }
  const {
    scan_index,
    scan_ref,
    freq_ref,
    baseband,
    sideband,
    trec_x,
    trec_y,
    tsys_x,
    tsys_y,
    tatm_x,
    tatm_y,
    tau: tauColumn,
    water,
  } = out;
  const freqBase = ebState.ref * 4;
  for (let s = 0; s < n; s++) {
    const scanRef = ebState.scanBase + s;
    const airmass = ebState.airmass[s];
    const tatm = ebState.tatm[s];
    for (let k = 0; k < 4; k++) {
      const cell = s * 4 + k;
      const key = cellKey(seed, cell);
      // One hash per cell; two xorshift32 steps give the other two pairs of normals.
      const h0 = mix32(key);
      let h1 = h0 ^ (h0 << 13);
      h1 ^= h1 >>> 17;
      h1 ^= h1 << 5;
      let h2 = h1 ^ (h1 << 13);
      h2 ^= h2 >>> 17;
      h2 ^= h2 << 5;
      let trecX = nx[k] * (1 + noise * normalLo(h0));
      let trecY = ny[k] * (1 + noise * normalHi(h0));
      if (outliers !== 0 && hasBit(outliers, cell)) {
        const o = cellOutlier(seed, cell, P.outlier_factor_lo[u], P.outlier_factor_hi[u], P.non_physical_share[u]);
        if (o.pol === 0) trecX = o.nonPhysical ? o.value : trecX * o.value;
        else trecY = o.nonPhysical ? o.value : trecY * o.value;
      }
      const tau = tauZenith * tf[k] * (1 + 0.02 * normalLo(h1));
      const trans = Math.exp(-tau * airmass);
      const sky = eta * tatm * (1 - trans) + (1 - eta) * groundT;
      const gain = gainNum / (eta * trans);
      scan_index[r] = s;
      scan_ref[r] = scanRef;
      freq_ref[r] = freqBase + k;
      baseband[r] = k;
      sideband[r] = sb[k];
      trec_x[r] = trecX;
      trec_y[r] = trecY;
      tsys_x[r] = gain * (Math.max(trecX, 1) + sky);
      tsys_y[r] = gain * (Math.max(trecY, 1) + sky);
      tatm_x[r] = tatm + 0.5 * normalLo(h2);
      tatm_y[r] = tatm + 0.5 * normalHi(h2);
      tauColumn[r] = tau;
      water[r] = water0 * (1 + 0.02 * normalHi(h1));
      r++;
    }
  }
  // Constants of the unit: one fill per column instead of a store per row.
  out.eb.fill(eb, first, r);
  out.antenna.fill(antenna, first, r);
  out.family.fill(family, first, r);
  out.band.fill(band, first, r);
  out.eb_ref.fill(ebState.ref, first, r);
  out.cartridge.fill(cartridge, first, r);
  out.frontend.fill(frontend, first, r);
  return r;
}

const unitScratch = {
  nx: new Float64Array(4),
  ny: new Float64Array(4),
  sb: new Float64Array(4),
  tf: new Float64Array(4),
};

/** Bit `bit` (0–51) of a mask held in a double. */
function hasBit(mask: number, bit: number): boolean {
  return Math.floor(mask / 2 ** bit) % 2 === 1;
}

/** Spectra of rows [first, end) (one unit's): the row's scalar Trec across the channels, plus noise. */
function expandSpectra(
  P: Record<TrecPlanColumn, Float64Array>,
  u: number,
  rows: TrecRows,
  first: number,
  end: number,
  shapes: Float64Array[],
  spectra: SpectrumRows,
): void {
  const channels = spectra.channels;
  const spread = 2 * P.noise[u];
  const seed = P.seed[u];
  const x = spectra.x;
  const y = spectra.y;
  for (let r = first; r < end; r++) {
    const cell = r - first;
    const k = cell & 3;
    const shape = shapes[k];
    const trecX = rows.trec_x[r];
    const trecY = rows.trec_y[r];
    // One hash seeds the row; a xorshift32 stream (three shifts per channel) gives the
    // channels' noise, a normal per polarisation from each 16-bit half.
    let h = mix32(cellKey(seed, cell) + SPECTRUM_KEY_OFFSET) | 1;
    const sr = spectra.length++;
    const at = sr * channels;
    const noiseX = trecX * spread;
    const noiseY = trecY * spread;
    for (let ch = 0; ch < channels; ch++) {
      h ^= h << 13;
      h ^= h >>> 17;
      h ^= h << 5;
      x[at + ch] = trecX * shape[ch] + noiseX * normalLo(h);
      y[at + ch] = trecY * shape[ch] + noiseY * normalHi(h);
    }
    spectra.eb[sr] = rows.eb[r];
    spectra.caldataid[sr] = rows.scan_index[r] + 1;
    spectra.antenna[sr] = rows.antenna[r];
    spectra.baseband[sr] = k;
  }
}

/** All measurement rows of a plan (one day's, as `DayBatch.trec` gives them). */
export function expandTrecPlan(plan: TrecPlan): TrecRows {
  const joined = new ColumnTable<TrecPlanColumn>(TREC_PLAN_COLUMNS, Math.max(1, plan.unit.length));
  plan.appendJoinedTo(joined);
  return expandTrecUnits(joined, null).rows;
}
