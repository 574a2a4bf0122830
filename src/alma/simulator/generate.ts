import { fitBandWeights } from './band-priority.js';
import { DAY_MS, parseDay } from './calendar.js';
import { DeviceFleet, type DeviceChangeRow, type TruthRow } from './devices.js';
import { buildExecution, type ExecutionRow } from './executions.js';
import { uid } from './identifiers.js';
import {
  buildAntennas,
  buildConfigurations,
  buildPads,
  type Antenna,
  type Configuration,
  type Pad,
} from './inventory.js';
import { JobSimulator, type JobRunRow } from './jobs.js';
import type { MousRow } from './mous.js';
import { obscoreRow, type ObscoreRow } from './obscore.js';
import { projectRows, type ProjectRow } from './project-states.js';
import { SchedBlockLedger, type SchedBlockRow } from './sb-states.js';
import { ARRAY_FAMILIES, resolveOptions, type ResolvedOptions, type SimulationOptionsInput } from './options.js';
import { ProjectPool, type CompletedMous } from './projects.js';
import { Rng } from './rng.js';
import { generateFamilyDay, type EbSlot, type GapRow, type ShiftRow } from './shifts.js';
import { TrecPlan } from './trec-batch.js';
import { expandTrecPlan, type TrecRows } from './trec-expand.js';
import { planTrecForEb } from './trec.js';
import { Weather } from './weather.js';

/**
 * The simulation as a stream of days. Each day's batch holds that day's rows of every
 * table; the Trec rows come as a compact plan (per EB and EB × antenna) that the writer's
 * worker threads expand, or `trec` expands on first access. Nothing is kept across days except
 * the state the model needs (device fleet, weather, backlogs), so any length of
 * history streams in bounded memory.
 */

export interface DayBatch {
  day: string;
  shifts: ShiftRow[];
  gaps: GapRow[];
  executions: ExecutionRow[];
  deviceChanges: DeviceChangeRow[];
  truth: TruthRow[];
  jobRuns: JobRunRow[];
  /** MOUS fully observed that day, with their life cycle as of the end of the simulation. */
  mous: MousRow[];
  /** Obscore rows of the day's MOUS that were delivered by the end of the simulation. */
  obscore: ObscoreRow[];
  /** The day's Trec measurements as plan rows; reused between days, so consume it before pulling the next day. */
  trecPlan: TrecPlan;
  /** The day's Trec measurement rows, expanded in JS from `trecPlan` on first access (same values as the file). */
  readonly trec: TrecRows;
}

export interface StaticTables {
  antennas: Antenna[];
  pads: Pad[];
  configurations: Configuration[];
}

export class Simulation {
  readonly options: ResolvedOptions;
  readonly startMs: number;
  readonly endMs: number;
  readonly antennas: Antenna[];
  readonly pads: Pad[];
  readonly configurations: Configuration[];
  readonly fleet: DeviceFleet;
  /** EB UIDs in generation order: the Trec batch refers to an EB by its index here. */
  readonly ebUids: string[] = [];
  /** The SBs' EBs so far, and the pool they came from: `endStates()` reads them after the last day. */
  private readonly ledger = new SchedBlockLedger();
  private pool: ProjectPool | null = null;
  private readonly rng: Rng;

  constructor(input: SimulationOptionsInput) {
    this.options = resolveOptions(input);
    this.rng = new Rng(this.options.seed);
    this.startMs = parseDay(this.options.start);
    this.endMs = this.startMs + this.options.days * DAY_MS;
    this.antennas = buildAntennas(this.options.antennas);
    this.pads = buildPads(this.rng.fork('pads'));
    this.configurations = buildConfigurations(this.startMs, this.endMs, this.options.devices.reconfigurationEveryDays);
    this.fleet = new DeviceFleet(
      this.antennas,
      this.pads,
      this.configurations,
      this.startMs,
      this.endMs,
      this.options,
      this.rng.fork('devices'),
    );
  }

  staticTables(): StaticTables {
    return { antennas: this.antennas, pads: this.pads, configurations: this.configurations };
  }

  /** SB and project states at the end of the period (§3.2); call once `days()` has run to its end. */
  endStates(): { schedBlocks: SchedBlockRow[]; projects: ProjectRow[] } {
    const schedBlocks = this.ledger.rows(this.pool?.scienceBlocks() ?? [], this.endMs);
    return { schedBlocks, projects: projectRows(schedBlocks, this.endMs) };
  }

  /** Yields one batch per simulated day, in order. */
  *days(): Generator<DayBatch> {
    const o = this.options;
    const weather = new Weather(this.startMs, o.days * 24 + 24, o.weather, this.rng.fork('weather'));
    const pool = new ProjectPool(this.rng.fork('projects'), o.observing);
    this.pool = pool;
    const jobs = new JobSimulator(o, this.startMs, this.endMs, this.rng.fork('jobs'));
    const timelineRng = this.rng.fork('timeline');
    const executionRng = this.rng.fork('executions');
    const trecRng = this.rng.fork('trec');
    const spectraRng = this.rng.fork('spectra');
    const plan = new TrecPlan();
    const antennaNames = this.antennas.map((a) => a.name);
    const executionContext = {
      options: o,
      antennas: this.antennas,
      configurations: this.configurations,
      fleet: this.fleet,
      pool,
      weather,
      rng: executionRng,
      endMs: this.endMs,
      bandWeights: {
        '12m': fitBandWeights(o.observing.bandMix['12m'], o.trec.bands, weather),
        '7m': fitBandWeights(o.observing.bandMix['7m'], o.trec.bands, weather),
        TP: fitBandWeights(o.observing.bandMix.TP, o.trec.bands, weather),
      },
    };
    const trecContext = { options: o, fleet: this.fleet, weather, antennaNames, rng: trecRng };
    let previousDayRows = 0;
    // EB UIDs: the middle block advances by day like the real archive's; the item counts EBs.
    let ebCounter = 0;
    for (let d = 0; d < o.days; d++) {
      const dayMs = this.startMs + d * DAY_MS;
      const block = 0xd00000 + Math.floor((dayMs - Date.UTC(2000, 0, 1)) / DAY_MS) * 16;
      const newEbUid = () => uid('A002', block, 0x100 + ++ebCounter);
      const shifts: ShiftRow[] = [];
      const gaps: GapRow[] = [];
      const slots: EbSlot[] = [];
      for (const family of ARRAY_FAMILIES) {
        const day = generateFamilyDay({ dayMs, family, weather, options: o, rng: timelineRng, newEbUid });
        shifts.push(...day.shifts);
        gaps.push(...day.gaps);
        slots.push(...day.ebs);
      }
      // Device state advances in time order per antenna, so EBs of all arrays are merged first.
      slots.sort((a, b) => a.startMs - b.startMs || a.ebUid.localeCompare(b.ebUid));
      plan.clear();
      const executions: ExecutionRow[] = [];
      const trecRowsByEb = new Map<string, number>();
      const completed: CompletedMous[] = [];
      let arrayNumber = 0;
      for (const slot of slots) {
        const execution = buildExecution(executionContext, slot, ++arrayNumber);
        executions.push(execution.row);
        if (execution.row.qa0_status === 'Pass') {
          const done = pool.recordPass(execution.sb, slot.endMs);
          if (done) completed.push(done);
        }
        this.ebUids.push(slot.ebUid);
        const rows = planTrecForEb(
          trecContext,
          {
            ebIndex: this.ebUids.length - 1,
            ebUid: slot.ebUid,
            family: slot.family,
            band: execution.band,
            repFreqGhz: execution.sb.repFreqGhz,
            startMs: slot.startMs,
            endMs: slot.endMs,
            antennas: execution.antennaIndexes,
            isCalibration: slot.isCalibration,
            spectra: o.spectraShare > 0 && spectraRng.next() < o.spectraShare,
          },
          plan,
        );
        trecRowsByEb.set(slot.ebUid, rows);
      }
      this.fleet.advanceAll(dayMs + DAY_MS - 1);
      const { deviceChanges, truth } = this.fleet.drain();
      const jobRuns = jobs.day(dayMs, executions, trecRowsByEb, previousDayRows, completed);
      const mous = jobs.drainMous();
      this.ledger.observe(executions);
      const passes = this.ledger.complete(mous);
      const obscore: ObscoreRow[] = [];
      for (const m of mous) {
        const row = obscoreRow(m, passes.get(m.mous_uid) ?? [], this.endMs);
        if (row) obscore.push(row);
      }
      previousDayRows = shifts.length + gaps.length + executions.length;
      let expanded: TrecRows | null = null;
      yield {
        day: new Date(dayMs).toISOString().slice(0, 10),
        shifts,
        gaps,
        executions,
        deviceChanges,
        truth,
        jobRuns,
        mous,
        obscore,
        trecPlan: plan,
        get trec() {
          expanded ??= expandTrecPlan(plan);
          return expanded;
        },
      };
    }
  }
}
