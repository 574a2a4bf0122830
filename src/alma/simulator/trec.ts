import type { DeviceFleet } from './devices.js';
import { bandName } from './identifiers.js';
import type { ArrayFamily, ResolvedOptions } from './options.js';
import { BAND_RANGE_GHZ } from './projects.js';
import type { Rng } from './rng.js';
import {
  MAX_ATM_SCANS,
  cellOutlier,
  scanValues,
  type ScanValues,
  type TrecEbColumn,
  type TrecPlan,
} from './trec-batch.js';
import type { Weather } from './weather.js';

/**
 * Receiver-temperature measurements of one EB (§2.3, §6): one row per ATM-calibration
 * scan × antenna × baseband, X and Y side by side. The noise-free value comes from the
 * device fleet (unit base, baseband / pol offsets, drift, steps, excursions); this adds
 * the LO-frequency U-shape, measurement noise and the injected outliers.
 */

export const FAMILY_CODE: Record<ArrayFamily, number> = { '12m': 0, '7m': 1, TP: 2 };
const DSB_BANDS = new Set([9, 10]);

export interface TrecEb {
  /** Index of the EB UID in the run's UID list. */
  ebIndex: number;
  ebUid: string;
  family: ArrayFamily;
  band: number;
  repFreqGhz: number;
  startMs: number;
  endMs: number;
  antennas: readonly number[];
  isCalibration: boolean;
  /** The EB's rows also get spectra (written to `trec_spectrum`). */
  spectra: boolean;
}

export interface TrecContext {
  options: ResolvedOptions;
  fleet: DeviceFleet;
  weather: Weather;
  antennaNames: readonly string[];
  rng: Rng;
}

/** Sky frequency range of each baseband (GHz) and its sideband code (0 none, 1 LSB, 2 USB). */
export function basebandLayout(
  band: number,
  repFreqGhz: number,
): { lo: Float64Array; hi: Float64Array; sideband: Int32Array } {
  const [fMin, fMax] = BAND_RANGE_GHZ[band];
  const lo = new Float64Array(4);
  const hi = new Float64Array(4);
  const sideband = new Int32Array(4);
  const clamp = (v: number, a: number, b: number) => Math.min(b, Math.max(a, v));
  if (band === 1 || DSB_BANDS.has(band)) {
    // IF 4–12 GHz: four 2-GHz basebands; Band 1 is single sideband (USB), Bands 9/10 fold both.
    const lo1 = band === 1 ? clamp(repFreqGhz - 8, fMin - 4, fMax - 12) : clamp(repFreqGhz - 8, fMin + 12, fMax - 12);
    for (let k = 0; k < 4; k++) {
      lo[k] = lo1 + 4 + 2 * k;
      hi[k] = lo[k] + 2;
      sideband[k] = band === 1 ? 2 : 0;
    }
  } else {
    // 2SB with IF 4–8 GHz: BB_1/BB_2 in the lower sideband, BB_3/BB_4 in the upper.
    const lo1 = clamp(repFreqGhz - 6, fMin + 8, fMax - 8);
    const starts = [lo1 - 8, lo1 - 6, lo1 + 4, lo1 + 6];
    for (let k = 0; k < 4; k++) {
      lo[k] = starts[k];
      hi[k] = starts[k] + 2;
      sideband[k] = k < 2 ? 1 : 2;
    }
  }
  return { lo, hi, sideband };
}

function atmScanCount(ctx: TrecContext, eb: TrecEb): number {
  if (eb.isCalibration) return 1;
  const [min, max] = ctx.options.trec.atmScans[eb.family];
  const drawn = Math.round(ctx.rng.lognormalInRange(ctx.options.trec.atmScansMedian[eb.family], min, max));
  // Scans come at most every ~6 min (§2.2: every 10–20 min), so a short EB holds fewer and
  // every scan (≤ 40 s, the first 30 s in) lies inside the EB.
  return Math.max(1, Math.min(drawn, Math.floor((eb.endMs - eb.startMs) / (6 * 60_000))));
}

/**
 * Plans the EB's rows into `plan` (one EB row, one unit row per antenna) and emits the
 * truth rows of its injected outliers; returns the number of measurement rows.
 */
export function planTrecForEb(ctx: TrecContext, eb: TrecEb, plan: TrecPlan): number {
  const { options, fleet, weather, rng } = ctx;
  const t = options.trec;
  const model = t.bands[String(eb.band)];
  const nScans = atmScanCount(ctx, eb);
  const nAnt = eb.antennas.length;
  const rows = nScans * nAnt * 4;
  if (rows === 0) return 0;
  if (nScans > MAX_ATM_SCANS)
    throw new Error(`trec.atmScans: at most ${MAX_ATM_SCANS} ATM scans per EB are supported (got ${nScans})`);
  const [fMin, fMax] = BAND_RANGE_GHZ[eb.band];
  const mid = (fMin + fMax) / 2;
  const half = (fMax - fMin) / 2;
  const layout = basebandLayout(eb.band, eb.repFreqGhz);
  const shape = new Float64Array(4);
  const E = plan.eb.columns;
  const e = plan.eb.push();
  // (Read after push: a push may grow, i.e. replace, the column arrays.)
  const perBaseband = (prefix: string) => [0, 1, 2, 3].map((k) => E[`${prefix}${k}` as TrecEbColumn]);
  const [TF, LO, HI, SB] = ['tf', 'lo', 'hi', 'sb'].map(perBaseband);
  for (let k = 0; k < 4; k++) {
    const x = (layout.lo[k] + 1 - mid) / half;
    shape[k] = 1 + t.loEdgeExcess * x * x;
    TF[k][e] = 1 + 0.3 * x;
    LO[k][e] = layout.lo[k];
    HI[k][e] = layout.hi[k];
    SB[k][e] = layout.sideband[k];
  }
  const g = DSB_BANDS.has(eb.band) ? 1 : 0;
  const pwv = weather.pwvAt(eb.startMs);
  const h = weather.hourIndex(eb.startMs);
  const groundT = weather.groundTemperatureK[h];
  const outlierRate = t.scanOutlierRate;
  const nonPhysicalShare = outlierRate > 0 ? t.nonPhysicalRate / outlierRate : 0;
  const ebSeed = (rng.next() * 4294967296) >>> 0;
  E.eb[e] = eb.ebIndex;
  E.family[e] = FAMILY_CODE[eb.family];
  E.band[e] = eb.band;
  E.n_scans[e] = nScans;
  E.start_ms[e] = eb.startMs;
  E.duration_ms[e] = eb.endMs - eb.startMs;
  E.seed[e] = ebSeed;
  E.pwv[e] = pwv;
  E.tau_zenith[e] = model.tauDry + model.tauWet * pwv;
  E.ground_t[e] = groundT;
  E.ground_p[e] = weather.groundPressurePa[h];
  E.ground_rh[e] = weather.groundRelHumidity[h];
  E.noise[e] = model.noise;
  E.gain_num[e] = 1 + g;
  E.eta[e] = t.forwardEfficiency;
  E.outlier_factor_lo[e] = t.scanOutlierFactor[0];
  E.outlier_factor_hi[e] = t.scanOutlierFactor[1];
  E.non_physical_share[e] = nonPhysicalShare;
  E.spectra[e] = eb.spectra ? 1 : 0;
  const band = bandName(eb.band);

  // EB-level antenna outliers: one (sometimes two) antenna × pol bad for the whole EB.
  const ebFactor = new Float64Array(nAnt * 2).fill(1);
  if (nAnt > 0 && rng.chance(t.ebOutlierRate)) {
    const bad = rng.chance(0.2) && nAnt > 1 ? 2 : 1;
    for (let i = 0; i < bad; i++) {
      const ai = rng.int(0, nAnt - 1);
      const pols = rng.weightedIndex([40, 40, 20]);
      const factor = rng.uniform(t.ebOutlierFactor[0], t.ebOutlierFactor[1]);
      for (let p = 0; p < 2; p++) {
        if (pols !== 2 && pols !== p) continue;
        if (ebFactor[ai * 2 + p] !== 1) continue;
        ebFactor[ai * 2 + p] = factor;
        fleet.addTruth({
          kind: 'eb_outlier',
          antennaname: ctx.antennaNames[eb.antennas[ai]],
          receiverband: band,
          polarization: p === 0 ? 'X' : 'Y',
          basebandname: null,
          start_ts: eb.startMs,
          end_ts: eb.endMs,
          magnitude: factor,
          event_id: null,
          eb_uid: eb.ebUid,
          caldataid: null,
          comment: 'Antenna mis-tuned for the whole EB',
        });
      }
    }
  }

  // Scan outliers: each cell (antenna × scan × baseband) independently with probability
  // `scanOutlierRate`, drawn by geometric skips so the cost is per outlier, not per row.
  const cells = nScans * 4;
  const logKeep = outlierRate > 0 && outlierRate < 1 ? Math.log(1 - outlierRate) : 0;
  const nextOutlier = (from: number): number => {
    if (outlierRate <= 0) return Infinity;
    if (outlierRate >= 1) return from;
    return from + Math.floor(Math.log(1 - rng.next()) / logKeep);
  };
  let next = nextOutlier(0);
  const nominal = new Float64Array(8);
  const U = plan.unit.columns;
  const scan: ScanValues = { startMs: 0, endMs: 0, airmass: 0, tatm: 0 };
  for (let ai = 0; ai < nAnt; ai++) {
    const a = eb.antennas[ai];
    fleet.nominalTrec(a, eb.band, eb.startMs, nominal);
    const u = plan.unit.push();
    // (Read after push: a push may grow, i.e. replace, the column arrays.)
    const NX = [U.nx0, U.nx1, U.nx2, U.nx3];
    const NY = [U.ny0, U.ny1, U.ny2, U.ny3];
    const seed = (rng.next() * 4294967296) >>> 0;
    U.eb[u] = eb.ebIndex;
    U.antenna[u] = a;
    U.cartridge[u] = fleet.cartridgeId(a, eb.band);
    U.frontend[u] = fleet.frontEndNumber(a);
    U.seed[u] = seed;
    for (let k = 0; k < 4; k++) {
      NX[k][u] = nominal[k] * shape[k] * ebFactor[ai * 2];
      NY[k][u] = nominal[4 + k] * shape[k] * ebFactor[ai * 2 + 1];
    }
    let mask = 0;
    while (next < (ai + 1) * cells) {
      const cell = next - ai * cells;
      mask += 2 ** cell;
      const s = Math.floor(cell / 4);
      const k = cell % 4;
      const o = cellOutlier(seed, cell, t.scanOutlierFactor[0], t.scanOutlierFactor[1], nonPhysicalShare);
      const nominalValue = o.pol === 0 ? NX[k][u] : NY[k][u];
      scanValues(ebSeed, s, nScans, eb.startMs, eb.endMs - eb.startMs, groundT, scan);
      fleet.addTruth({
        kind: o.nonPhysical ? 'non_physical' : 'scan_outlier',
        antennaname: ctx.antennaNames[a],
        receiverband: band,
        polarization: o.pol === 0 ? 'X' : 'Y',
        basebandname: `BB_${k + 1}`,
        start_ts: scan.startMs,
        end_ts: scan.endMs,
        // Scan outliers: the factor applied to the measured value; non-physical: value / nominal.
        magnitude: o.nonPhysical ? o.value / nominalValue : o.value,
        event_id: null,
        eb_uid: eb.ebUid,
        caldataid: s + 1,
        comment: o.nonPhysical
          ? 'Non-physical value (bad load reading)'
          : 'Single-scan outlier (load reading, saturation or LO unlock)',
      });
      next = nextOutlier(next + 1);
    }
    U.outliers[u] = mask;
  }
  plan.rows += rows;
  return rows;
}
