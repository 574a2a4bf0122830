import { cycleOf, type Cycle } from './calendar.js';
import { projectCode, schedBlockName, uid } from './identifiers.js';
import type { ArrayFamily, ResolvedOptions } from './options.js';
import type { Rng } from './rng.js';

/** Projects and scheduling blocks (§3.1): the pool each cycle's EBs are drawn from. */

export interface SchedBlock {
  sbUid: string;
  sbName: string;
  mousUid: string;
  gousUid: string;
  projectCode: string;
  cycle: number;
  grade: 'A' | 'B' | 'C';
  executive: string;
  family: ArrayFamily;
  band: number;
  repFreqGhz: number;
  isCalibration: boolean;
  /** QA0 Pass EBs the SB needs before its MOUS is FullyObserved [A]. */
  requiredExecutions: number;
}

/** A MOUS whose SB got its last needed QA0 Pass EB. */
export interface CompletedMous {
  sb: SchedBlock;
  observedMs: number;
}

/** RF range of each band (GHz), §2.1 / astroquery. */
export const BAND_RANGE_GHZ: Record<number, [number, number]> = {
  1: [35, 50],
  3: [84, 116],
  4: [125, 163],
  5: [163, 211],
  6: [211, 275],
  7: [275, 373],
  8: [385, 500],
  9: [602, 720],
  10: [787, 950],
};

const TARGETS = [
  'M83',
  'NGC253',
  'OrionKL',
  'HLTau',
  'SgrA',
  'TWHya',
  'Arp220',
  'NGC1068',
  'A2744-20',
  'J1337-1257',
  'IRAS16293',
  'ElGordo',
  'W51e2',
  'G34.26',
  'NGC6334I',
  'HD163296',
  'AS209',
  'SPT0346-52',
  'COSMOS-12',
  'Betelgeuse',
  'M87',
  'NGC4945',
  'Elias2-27',
  'L1527',
  'B335',
  'CenA',
  'SMC-N66',
  'LMC-30Dor',
  'GOODS-S',
  'SSA22',
];
const ARRAY_CODE: Record<ArrayFamily, 'TM1' | '7M' | 'TP'> = { '12m': 'TM1', '7m': '7M', TP: 'TP' };
/** Share of 12-m SBs that are the compact part (TM2) of a request whose extended part is TM1 [A]. */
const TM2_SHARE = 0.35;
const CALIBRATION_TARGETS = ['PointingCal', 'FocusCal', 'ArrayCheckout', 'DelayCal', 'BandpassCheck'];
const PROJECT_TYPES = { S: 93, L: 3, T: 3, V: 0.5, P: 0.5 };

export class ProjectPool {
  private readonly cycles = new Map<number, Map<string, SchedBlock[]>>();
  /** QA0 Pass EBs so far per SB UID, and the SBs fully observed. */
  private readonly passes = new Map<string, number>();
  private readonly done = new Set<string>();

  constructor(
    private readonly rng: Rng,
    private readonly observing: ResolvedOptions['observing'],
  ) {}

  /** A science SB of the family observable in `band`, for the cycle in force at `ms`. */
  scienceBlock(ms: number, family: ArrayFamily, band: number, rng: Rng): SchedBlock {
    const pool = this.poolFor(cycleOf(ms));
    const list = pool.get(`${family}:${band}`) ?? pool.get(`${family}:3`)!;
    // Like the DSA, finish what is started (so MOUS complete), else any SB not fully observed.
    const open = list.filter((sb) => !this.done.has(sb.sbUid));
    const started = open.filter((sb) => this.passes.has(sb.sbUid));
    if (started.length > 0 && rng.chance(0.6)) return rng.pick(started);
    return rng.pick(open.length > 0 ? open : list);
  }

  /** Counts a QA0 Pass EB of a science SB; returns its MOUS when that completes the SB. */
  recordPass(sb: SchedBlock, endMs: number): CompletedMous | null {
    if (sb.isCalibration || this.done.has(sb.sbUid)) return null;
    const n = (this.passes.get(sb.sbUid) ?? 0) + 1;
    this.passes.set(sb.sbUid, n);
    if (n < sb.requiredExecutions) return null;
    this.done.add(sb.sbUid);
    this.passes.delete(sb.sbUid);
    return { sb, observedMs: endMs };
  }

  /** Every science SB of the cycles drawn so far, with the end of its cycle (1 October). */
  scienceBlocks(): { cycleEndMs: number; sb: SchedBlock }[] {
    const out: { cycleEndMs: number; sb: SchedBlock }[] = [];
    for (const [startYear, pool] of this.cycles) {
      const cycleEndMs = Date.UTC(startYear + 1, 9, 1);
      for (const [key, list] of pool) if (!key.endsWith(':cal')) for (const sb of list) out.push({ cycleEndMs, sb });
    }
    return out;
  }

  calibrationBlock(ms: number, family: ArrayFamily, rng: Rng): SchedBlock {
    return rng.pick(this.poolFor(cycleOf(ms)).get(`${family}:cal`)!);
  }

  private poolFor(cycle: Cycle): Map<string, SchedBlock[]> {
    const cached = this.cycles.get(cycle.startYear);
    if (cached) return cached;
    const rng = this.rng.fork(`cycle-${cycle.startYear}`);
    const o = this.observing;
    const projects = Array.from({ length: o.projectsPerCycle }, (_, p) => {
      const ddt = rng.chance(0.02);
      const prefix = ddt ? `${cycle.prefix.slice(0, 4)}.A` : cycle.prefix;
      return {
        code: projectCode(
          prefix,
          ddt ? 1 + p : 1 + Math.floor((p * 2500) / o.projectsPerCycle) + rng.int(0, 5),
          ddt ? 'S' : rng.weightedKey(PROJECT_TYPES),
        ),
        block: 0x1000 + (cycle.startYear - 2010) * 0x400 + p,
        items: 0x10,
        grade: (['A', 'B', 'C'] as const)[rng.weightedIndex([35, 45, 20])],
        executive: rng.weightedKey(o.executiveShares),
        target: rng.chance(0.7)
          ? rng.pick(TARGETS)
          : `J${rng.int(1000, 2359)}${rng.chance(0.5) ? '+' : '-'}${rng.int(1000, 8959)}`,
      };
    });
    const pool = new Map<string, SchedBlock[]>();
    const add = (key: string, sb: SchedBlock) => {
      const list = pool.get(key) ?? [];
      list.push(sb);
      pool.set(key, list);
    };
    const families: ArrayFamily[] = ['12m', '7m', 'TP'];
    for (const family of families) {
      const mix = o.bandMix[family];
      const bands = Object.keys(mix).map(Number);
      const weights = bands.map((b) => mix[String(b)]);
      const count = o.schedBlocksPerCycle[family];
      for (let i = 0; i < count + bands.length; i++) {
        // The first SBs cover every band once, so any band the sky allows has an SB.
        const band = i < bands.length ? bands[i] : bands[rng.weightedIndex(weights)];
        const project = rng.pick(projects);
        const gous = project.items;
        project.items += 0x10;
        const letter = String.fromCharCode(97 + rng.int(0, 5));
        const [lo, hi] = BAND_RANGE_GHZ[band];
        add(`${family}:${band}`, {
          sbUid: uid('A001', project.block, gous + 8),
          sbName: schedBlockName(
            project.target,
            letter,
            band,
            family === '12m' && rng.chance(TM2_SHARE) ? 'TM2' : ARRAY_CODE[family],
          ),
          mousUid: uid('A001', project.block, gous + 1),
          gousUid: uid('A001', project.block, gous),
          projectCode: project.code,
          cycle: cycle.number,
          grade: project.grade,
          executive: project.executive,
          family,
          band,
          repFreqGhz: Math.round(rng.uniform(lo + 0.1 * (hi - lo), hi - 0.1 * (hi - lo)) * 1000) / 1000,
          isCalibration: false,
          requiredExecutions: rng.weightedIndex([25, 25, 25, 15, 10]) + 1,
        });
      }
      // Observatory calibration SBs: one observatory project per cycle.
      const calBlock = 0x1000 + (cycle.startYear - 2010) * 0x400 + 0x3ff;
      CALIBRATION_TARGETS.forEach((target, t) => {
        const band = t === 4 ? 6 : 3;
        const [lo, hi] = BAND_RANGE_GHZ[band];
        const item = 0x10 * (1 + families.indexOf(family) * CALIBRATION_TARGETS.length + t);
        add(`${family}:cal`, {
          sbUid: uid('A001', calBlock, item + 8),
          sbName: schedBlockName(target, 'a', band, ARRAY_CODE[family]),
          mousUid: uid('A001', calBlock, item + 1),
          gousUid: uid('A001', calBlock, item),
          projectCode: projectCode(cycle.prefix, 1, 'CSV'),
          cycle: cycle.number,
          grade: 'A',
          executive: 'OTHER',
          family,
          band,
          repFreqGhz: (lo + hi) / 2,
          isCalibration: true,
          requiredExecutions: 1,
        });
      });
    }
    this.cycles.set(cycle.startYear, pool);
    return pool;
  }
}
