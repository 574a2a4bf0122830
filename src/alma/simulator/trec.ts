import { MINUTE_MS } from './calendar.js';
import type { DeviceFleet } from './devices.js';
import { bandName } from './identifiers.js';
import type { ArrayFamily, ResolvedOptions } from './options.js';
import { BAND_RANGE_GHZ } from './projects.js';
import type { Rng } from './rng.js';
import type { TrecBatch } from './trec-batch.js';
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
  spectra: boolean;
}

export interface TrecContext {
  options: ResolvedOptions;
  fleet: DeviceFleet;
  weather: Weather;
  antennaNames: readonly string[];
  rng: Rng;
  /** Spectra noise has its own stream, so turning spectra on leaves every scalar unchanged. */
  spectraRng: Rng;
}

/** Sky frequency range of each baseband (GHz) and its sideband code (0 none, 1 LSB, 2 USB). */
export function basebandLayout(band: number, repFreqGhz: number): { lo: Float64Array; hi: Float64Array; sideband: Int32Array } {
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
  return Math.round(ctx.rng.lognormalInRange(ctx.options.trec.atmScansMedian[eb.family], min, max));
}

/** Appends the EB's rows to `batch`; returns the number of rows. */
export function generateTrecForEb(ctx: TrecContext, eb: TrecEb, batch: TrecBatch): number {
  const { options, fleet, weather, rng } = ctx;
  const t = options.trec;
  const model = t.bands[String(eb.band)];
  const nScans = atmScanCount(ctx, eb);
  const nAnt = eb.antennas.length;
  const rows = nScans * nAnt * 4;
  if (rows === 0) return 0;
  batch.reserve(rows);
  if (eb.spectra) batch.spectra.reserve(rows);
  const c = batch.columns;
  const [fMin, fMax] = BAND_RANGE_GHZ[eb.band];
  const mid = (fMin + fMax) / 2;
  const half = (fMax - fMin) / 2;
  const layout = basebandLayout(eb.band, eb.repFreqGhz);
  const shape = new Float64Array(4);
  const tauFactor = new Float64Array(4);
  for (let k = 0; k < 4; k++) {
    const x = (layout.lo[k] + 1 - mid) / half;
    shape[k] = 1 + t.loEdgeExcess * x * x;
    tauFactor[k] = 1 + 0.3 * x;
  }
  const g = DSB_BANDS.has(eb.band) ? 1 : 0;
  const eta = t.forwardEfficiency;
  const pwv = weather.pwvAt(eb.startMs);
  const tauZenith = model.tauDry + model.tauWet * pwv;
  const h = weather.hourIndex(eb.startMs);
  const groundT = weather.groundTemperatureK[h];
  const groundP = weather.groundPressurePa[h];
  const groundRh = weather.groundRelHumidity[h];
  const familyCode = FAMILY_CODE[eb.family];
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

  const nominal = new Float64Array(8);
  const perAntennaNominal = new Float64Array(nAnt * 8);
  const cartridge = new Float64Array(nAnt);
  const frontEnd = new Float64Array(nAnt);
  for (let ai = 0; ai < nAnt; ai++) {
    const a = eb.antennas[ai];
    fleet.nominalTrec(a, eb.band, eb.startMs, nominal);
    perAntennaNominal.set(nominal, ai * 8);
    cartridge[ai] = fleet.cartridgeId(a, eb.band);
    frontEnd[ai] = fleet.frontEndNumber(a);
  }

  const outlierRate = t.scanOutlierRate;
  const nonPhysicalShare = outlierRate > 0 ? t.nonPhysicalRate / outlierRate : 0;
  const noise = model.noise;
  const duration = eb.endMs - eb.startMs;
  let r = batch.length;
  for (let s = 0; s < nScans; s++) {
    const scanStart = eb.startMs + Math.floor((s * duration) / nScans) + (s === 0 ? MINUTE_MS / 2 : 0);
    const scanEnd = scanStart + Math.round(rng.uniform(20, 40) * 1000);
    const scanNumber = 1 + 3 * s + (s > 0 ? 1 : 0);
    const airmass = rng.uniform(1.05, 1.7);
    const tatm = groundT - rng.uniform(8, 14);
    for (let ai = 0; ai < nAnt; ai++) {
      const a = eb.antennas[ai];
      const base = ai * 8;
      for (let k = 0; k < 4; k++) {
        let trecX = perAntennaNominal[base + k] * shape[k] * ebFactor[ai * 2] * (1 + noise * rng.normalFast());
        let trecY = perAntennaNominal[base + 4 + k] * shape[k] * ebFactor[ai * 2 + 1] * (1 + noise * rng.normalFast());
        if (rng.next() < outlierRate) {
          const pol = rng.int(0, 1);
          const nonPhysical = rng.next() < nonPhysicalShare;
          const before = pol === 0 ? trecX : trecY;
          const value = nonPhysical ? (rng.chance(0.5) ? -rng.uniform(0, 50) : rng.uniform(2000, 20000)) : before * rng.uniform(t.scanOutlierFactor[0], t.scanOutlierFactor[1]);
          if (pol === 0) trecX = value;
          else trecY = value;
          fleet.addTruth({
            kind: nonPhysical ? 'non_physical' : 'scan_outlier',
            antennaname: ctx.antennaNames[a],
            receiverband: band,
            polarization: pol === 0 ? 'X' : 'Y',
            basebandname: `BB_${k + 1}`,
            start_ts: scanStart,
            end_ts: scanEnd,
            magnitude: value / before,
            event_id: null,
            eb_uid: eb.ebUid,
            caldataid: s + 1,
            comment: nonPhysical ? 'Non-physical value (bad load reading)' : 'Single-scan outlier (load reading, saturation or LO unlock)',
          });
        }
        const tau = tauZenith * tauFactor[k] * (1 + 0.02 * rng.normalFast());
        const trans = Math.exp(-tau * airmass);
        const sky = eta * tatm * (1 - trans) + (1 - eta) * groundT;
        const gain = (1 + g) / (eta * trans);
        c.eb[r] = eb.ebIndex;
        c.caldataid[r] = s + 1;
        c.scan[r] = scanNumber;
        c.start_ms[r] = scanStart;
        c.end_ms[r] = scanEnd;
        c.antenna[r] = a;
        c.family[r] = familyCode;
        c.band[r] = eb.band;
        c.baseband[r] = k;
        c.sideband[r] = layout.sideband[k];
        c.freq_lo_ghz[r] = layout.lo[k];
        c.freq_hi_ghz[r] = layout.hi[k];
        c.trec_x[r] = trecX;
        c.trec_y[r] = trecY;
        c.tsys_x[r] = gain * (Math.max(trecX, 1) + sky);
        c.tsys_y[r] = gain * (Math.max(trecY, 1) + sky);
        c.tatm_x[r] = tatm + 0.5 * rng.normalFast();
        c.tatm_y[r] = tatm + 0.5 * rng.normalFast();
        c.tau[r] = tau;
        c.water[r] = (pwv / 1000) * (1 + 0.02 * rng.normalFast());
        c.groundtemperature[r] = groundT;
        c.groundpressure[r] = groundP;
        c.groundrelhumidity[r] = groundRh;
        c.cartridge[r] = cartridge[ai];
        c.frontend[r] = frontEnd[ai];
        if (eb.spectra) addSpectra(batch, eb, s + 1, a, k, trecX, trecY, model.noise, ctx.spectraRng);
        r++;
      }
    }
  }
  batch.length = r;
  return rows;
}

/**
 * Spectra of one measurement: the scalar Trec shaped across the baseband (IF-slope
 * U-shape with zero mean, a standing-wave ripple) plus channel noise twice the scalar's.
 */
function addSpectra(batch: TrecBatch, eb: TrecEb, caldataid: number, antenna: number, baseband: number, trecX: number, trecY: number, noise: number, rng: Rng): void {
  const sp = batch.spectra;
  const i = sp.length++;
  sp.keys.eb[i] = eb.ebIndex;
  sp.keys.caldataid[i] = caldataid;
  sp.keys.antenna[i] = antenna;
  sp.keys.baseband[i] = baseband;
  const n = sp.channels;
  const offset = i * n;
  const channelNoise = 2 * noise;
  for (let ch = 0; ch < n; ch++) {
    const u = ((ch + 0.5) / n) * 2 - 1;
    const shape = 1 + 0.06 * (u * u - 1 / 3) + 0.01 * Math.sin(ch * 0.37 + baseband);
    sp.x[offset + ch] = trecX * (shape + channelNoise * rng.normalFast());
    sp.y[offset + ch] = trecY * (shape + channelNoise * rng.normalFast());
  }
}
