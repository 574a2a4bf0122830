import type { BandWeights } from './band-priority.js';
import { HOUR_MS } from './calendar.js';
import type { DeviceFleet } from './devices.js';
import { bandName } from './identifiers.js';
import type { Antenna, Configuration } from './inventory.js';
import type { ResolvedOptions } from './options.js';
import type { ProjectPool, SchedBlock } from './projects.js';
import type { Rng } from './rng.js';
import type { EbSlot } from './shifts.js';
import type { Weather } from './weather.js';

/** One row per EB (§4.2 `execution`): SB, antennas on their pads, band, outcome, QA0. */

export type Qa0Status = 'Pass' | 'SemiPass' | 'Fail' | 'Pending';

export interface ExecutionRow {
  eb_uid: string;
  sb_uid: string;
  sb_name: string;
  mous_uid: string;
  gous_uid: string;
  project_code: string;
  cycle: number;
  grade: string;
  executive: string;
  array_family: string;
  array_name: string;
  configuration: string;
  n_antennas: number;
  antennas: string;
  correlator: string;
  band: string;
  rep_freq_ghz: number;
  start_ts: number;
  end_ts: number;
  eb_status: string;
  qa0_status: Qa0Status;
  exec_fraction: number;
  is_calibration: boolean;
  pwv_mm: number;
  shift_id: string;
}

export interface ExecutionContext {
  options: ResolvedOptions;
  antennas: readonly Antenna[];
  configurations: readonly Configuration[];
  fleet: DeviceFleet;
  pool: ProjectPool;
  weather: Weather;
  rng: Rng;
  /** End of the simulated period: EBs not yet reviewed by then stay QA0 Pending. */
  endMs: number;
  /** The scheduler's band weights per array (`band-priority.ts`). */
  bandWeights: BandWeights;
}

export interface Execution {
  row: ExecutionRow;
  band: number;
  antennaIndexes: number[];
  sb: SchedBlock;
}

function chooseBand(ctx: ExecutionContext, family: EbSlot['family'], pwv: number): number {
  const { bands, weights } = ctx.bandWeights[family];
  const allowed = bands.map((b, i) => (pwv <= ctx.options.trec.bands[String(b)].maxPwvMm ? weights[i] : 0));
  if (!allowed.some((w) => w > 0)) return 3;
  const i = ctx.rng.weightedIndex(allowed);
  return allowed[i] > 0 ? bands[i] : 3;
}

function chooseAntennas(ctx: ExecutionContext, slot: EbSlot): number[] {
  const { rng, fleet } = ctx;
  const available = ctx.antennas
    .filter((a) => a.family === slot.family && fleet.isAvailable(a.index, slot.startMs))
    .map((a) => a.index);
  const [min, max] = ctx.options.observing.antennasPerEb[slot.family];
  const chosen = rng.sample(available, Math.min(available.length, rng.int(min, max)));
  if (slot.family === '12m' && rng.chance(ctx.options.observing.totalPowerJoinsTwelveMeterShare)) {
    const pm = ctx.antennas.filter((a) => a.family === 'TP' && fleet.isAvailable(a.index, slot.startMs));
    if (pm.length > 0) chosen.push(rng.pick(pm).index);
  }
  return chosen;
}

function qa0For(ctx: ExecutionContext, slot: EbSlot): Qa0Status {
  const { rng } = ctx;
  const o = ctx.options.observing;
  let qa0: Qa0Status;
  if (slot.status === 'RUNNING') return 'Pending';
  if (slot.status === 'FAIL' || slot.status === 'ABORTED') qa0 = rng.chance(0.7) ? 'Fail' : 'SemiPass';
  else qa0 = rng.weightedKey(o.qa0Shares);
  const reviewedAt = slot.endMs + rng.uniform(o.qa0ReviewHours[0], o.qa0ReviewHours[1]) * HOUR_MS;
  return reviewedAt > ctx.endMs ? 'Pending' : qa0;
}

function execFraction(rng: Rng, qa0: Qa0Status, slot: EbSlot, medianMinutes: number): number {
  const round = (v: number) => Math.round(v * 100) / 100;
  switch (qa0) {
    case 'Pass':
      return round(Math.min(1.6, Math.max(0.5, rng.gaussian(1.05, 0.2))));
    case 'SemiPass':
      return round(rng.uniform(0, 0.7));
    case 'Fail':
      return 0;
    case 'Pending':
      return round(Math.min(1.6, (slot.endMs - slot.startMs) / (medianMinutes * 60_000)));
  }
}

export function buildExecution(ctx: ExecutionContext, slot: EbSlot, arrayNumber: number): Execution {
  const { rng, fleet } = ctx;
  const pwv = ctx.weather.pwvAt(slot.startMs);
  const sb = slot.isCalibration
    ? ctx.pool.calibrationBlock(slot.startMs, slot.family, rng)
    : ctx.pool.scienceBlock(slot.startMs, slot.family, chooseBand(ctx, slot.family, pwv), rng);
  const antennaIndexes = chooseAntennas(ctx, slot);
  for (const a of antennaIndexes) fleet.advance(a, slot.startMs);
  const qa0 = qa0For(ctx, slot);
  const configuration = ctx.configurations.find(
    (c) => c.family === slot.family && slot.startMs >= c.startMs && slot.startMs < c.endMs,
  );
  const medianMinutes = slot.isCalibration
    ? ctx.options.observing.calibrationEbMedianMinutes
    : ctx.options.observing.scienceEbMedianMinutes[slot.family];
  const row: ExecutionRow = {
    eb_uid: slot.ebUid,
    sb_uid: sb.sbUid,
    sb_name: sb.sbName,
    mous_uid: sb.mousUid,
    gous_uid: sb.gousUid,
    project_code: sb.projectCode,
    cycle: sb.cycle,
    grade: sb.grade,
    executive: sb.executive,
    array_family: slot.family,
    array_name: `Array${String(arrayNumber).padStart(3, '0')}`,
    configuration: configuration?.name ?? '',
    n_antennas: antennaIndexes.length,
    antennas: antennaIndexes.map((a) => `${fleet.padOf(a)}:${ctx.antennas[a].name}`).join(' '),
    correlator: slot.family === '12m' ? 'BL' : 'ACA',
    band: bandName(sb.band),
    rep_freq_ghz: sb.repFreqGhz,
    start_ts: slot.startMs,
    end_ts: slot.endMs,
    eb_status: slot.status,
    qa0_status: qa0,
    exec_fraction: execFraction(rng, qa0, slot, medianMinutes),
    is_calibration: slot.isCalibration,
    pwv_mm: Math.round(pwv * 1000) / 1000,
    shift_id: slot.shiftId,
  };
  return { row, band: sb.band, antennaIndexes, sb };
}
