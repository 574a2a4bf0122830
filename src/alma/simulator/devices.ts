import { DAY_MS, HOUR_MS, YEAR_MS, isoDay } from './calendar.js';
import { bandName, cartridgeSerial, frontEndSerial, wcaSerial } from './identifiers.js';
import { padPoolForLevel, type Antenna, type Configuration, type Pad } from './inventory.js';
import { BANDS, type ResolvedOptions } from './options.js';
import type { Rng } from './rng.js';

/**
 * The receiver hardware of every antenna and the events that change it (§2.3, §6
 * `device_change`). Events are planned for the whole period up front, then applied per
 * antenna as time advances; applying one emits its `device_change` row and, when it
 * moves Trec, the ground-truth rows detectors are scored against.
 */

/** Per-band receiver status as in the DSA dashboard [S4]: B1Status, B3Status … B10Status. */
export type BandStatusType = `B${number}Status`;

export type ChangeType =
  | 'CartridgeReplaced'
  | 'WCAReplaced'
  | 'FrontEndSwap'
  | 'SISRetune'
  | 'CryostatWarmup'
  | 'PadMove'
  | 'ArrayElementStatus'
  | BandStatusType;

export interface DeviceChangeRow {
  event_id: number;
  antennaname: string;
  eventtime: number;
  change_type: ChangeType;
  receiverband: string | null;
  old_serial: string | null;
  new_serial: string | null;
  new_value: string | null;
  comment: string;
}

export type TruthKind = 'step' | 'drift' | 'excursion' | 'eb_outlier' | 'scan_outlier' | 'non_physical';

export interface TruthRow {
  truth_id: number;
  kind: TruthKind;
  antennaname: string;
  /** Null = every band of the antenna (a warm-up heats the whole cryostat). */
  receiverband: string | null;
  polarization: 'X' | 'Y' | null;
  basebandname: string | null;
  start_ts: number;
  end_ts: number | null;
  /** Relative change (step: new/old − 1; drift: fraction per year; excursion/outliers: factor). */
  magnitude: number;
  event_id: number | null;
  eb_uid: string | null;
  caldataid: number | null;
  comment: string;
}

interface Cartridge {
  /** Index into `cartridgeSerials`. */
  id: number;
  serial: string;
  band: number;
  base: number;
  basebandOffset: number[];
  polarisationOffset: number;
  driftPerYear: number;
  driftOriginMs: number;
  retune: number;
}

interface FrontEnd {
  serial: string;
  cartridges: Map<number, Cartridge>;
  wca: Map<number, { serial: string; factor: number }>;
}

interface PlannedEvent {
  ms: number;
  type: ChangeType;
  band: number | null;
  /** PadMove: the pad; BandStatus: 'O' / 'C'. */
  value?: string;
  endMs?: number;
  factor?: number;
  comment?: string;
}

interface Excursion {
  startMs: number;
  endMs: number;
  factor: number;
}

export class DeviceFleet {
  readonly deviceChanges: DeviceChangeRow[] = [];
  readonly truth: TruthRow[] = [];
  /** Every cartridge serial ever built, by cartridge id (the Trec table stores the id). */
  readonly cartridgeSerials: string[] = [];
  private nextEventId = 1;
  private nextTruthId = 1;
  private readonly frontEnds: FrontEnd[] = [];
  private readonly spareQueue: FrontEnd[] = [];
  private readonly installed: FrontEnd[] = [];
  private readonly pads: string[] = [];
  private readonly plans: PlannedEvent[][] = [];
  private readonly cursor: number[] = [];
  private readonly excursions: Excursion[][] = [];
  private readonly outOfService: [number, number][][] = [];
  private readonly nextCartridgeUnit = new Map<number, number>();
  private readonly nextWcaUnit = new Map<number, number>();

  constructor(
    private readonly antennas: readonly Antenna[],
    allPads: readonly Pad[],
    configurations: readonly Configuration[],
    private readonly startMs: number,
    private readonly endMs: number,
    private readonly options: ResolvedOptions,
    private readonly rng: Rng,
  ) {
    const n = antennas.length;
    for (let f = 0; f < n + options.devices.spareFrontEnds; f++) this.frontEnds.push(this.newFrontEnd(f + 1));
    for (let a = 0; a < n; a++) this.installed.push(this.frontEnds[a]);
    for (let f = n; f < this.frontEnds.length; f++) this.spareQueue.push(this.frontEnds[f]);
    for (let a = 0; a < n; a++) {
      this.plans.push([]);
      this.cursor.push(0);
      this.excursions.push([]);
      this.outOfService.push([]);
    }
    this.planPads(allPads, configurations);
    this.planHardware();
    for (const p of this.plans) p.sort((x, y) => x.ms - y.ms);
    for (let a = 0; a < n; a++) {
      for (const c of this.installed[a].cartridges.values()) this.emitDrift(a, c, startMs);
    }
  }

  /** Applies every planned event of antenna `a` up to and including `ms`. */
  advance(a: number, ms: number): void {
    const plan = this.plans[a];
    while (this.cursor[a] < plan.length && plan[this.cursor[a]].ms <= ms) {
      this.apply(a, plan[this.cursor[a]]);
      this.cursor[a]++;
    }
  }

  advanceAll(ms: number): void {
    for (let a = 0; a < this.antennas.length; a++) this.advance(a, ms);
  }

  isAvailable(a: number, ms: number): boolean {
    for (const [s, e] of this.outOfService[a]) if (ms >= s && ms < e) return false;
    return true;
  }

  padOf(a: number): string {
    return this.pads[a];
  }

  cartridgeSerial(a: number, band: number): string {
    return this.installed[a].cartridges.get(band)!.serial;
  }

  cartridgeId(a: number, band: number): number {
    return this.installed[a].cartridges.get(band)!.id;
  }

  frontEndSerial(a: number): string {
    return this.installed[a].serial;
  }

  /** Frontend serial numbers are `FE-nnn`: the number, for columnar output. */
  frontEndNumber(a: number): number {
    return Number(this.installed[a].serial.slice(3));
  }

  /**
   * Noise-free Trec of antenna `a` in `band` at `ms` (call `advance` first), for
   * X then Y, basebands 1–4: `out[pol * 4 + bb]`.
   */
  nominalTrec(a: number, band: number, ms: number, out: Float64Array): void {
    const fe = this.installed[a];
    const c = fe.cartridges.get(band)!;
    const wca = fe.wca.get(band)!.factor;
    let excursion = 1;
    for (const e of this.excursions[a]) if (ms >= e.startMs && ms < e.endMs) excursion *= e.factor;
    const drift = 1 + c.driftPerYear * Math.max(0, (ms - c.driftOriginMs) / YEAR_MS);
    const common = c.base * wca * c.retune * drift * excursion;
    for (let bb = 0; bb < 4; bb++) {
      const x = common * (1 + c.basebandOffset[bb]);
      out[bb] = x;
      out[4 + bb] = x * (1 + c.polarisationOffset);
    }
  }

  addTruth(row: Omit<TruthRow, 'truth_id'>): void {
    this.truth.push({ truth_id: this.nextTruthId++, ...row });
  }

  /** Empties the emitted rows (the caller writes them out day by day). */
  drain(): { deviceChanges: DeviceChangeRow[]; truth: TruthRow[] } {
    const out = { deviceChanges: this.deviceChanges.splice(0), truth: this.truth.splice(0) };
    return out;
  }

  private newCartridge(band: number, originMs: number): Cartridge {
    const m = this.options.trec.bands[String(band)];
    const t = this.options.trec;
    const unit = (this.nextCartridgeUnit.get(band) ?? 0) + 1;
    this.nextCartridgeUnit.set(band, unit);
    const drifting = this.rng.chance(t.driftingUnitShare);
    const serial = cartridgeSerial(band, unit);
    this.cartridgeSerials.push(serial);
    // Acceptance test: a unit is installed only if no measurement of a healthy unit can exceed
    // the band's any-frequency limit (worst baseband and pol, LO band edge, the best-to-worst
    // WCA, the largest noise the quantile table gives). Values above it then come only from
    // injected, recorded faults (outliers, excursions, drift).
    const worstCase = (1 + t.loEdgeExcess) * (1 + Math.max(0, t.wcaStep[1]) / 2) * (1 + 4.2 * m.noise);
    let base = 0;
    let basebandOffset: number[] = [];
    let polarisationOffset = 0;
    for (let tries = 0; tries < 50; tries++) {
      base = Math.max(0.5 * m.trecMedian, this.rng.gaussian(m.trecMedian, m.trecSd));
      basebandOffset = [0, 1, 2, 3].map(() => this.rng.gaussian(0, t.basebandOffsetSd));
      polarisationOffset = this.rng.gaussian(0, t.polarisationOffsetSd);
      const worst = base * (1 + Math.max(...basebandOffset)) * Math.max(1, 1 + polarisationOffset) * worstCase;
      if (worst <= m.specAnyFrequency) break;
    }
    return {
      id: this.cartridgeSerials.length - 1,
      serial,
      band,
      base,
      basebandOffset,
      polarisationOffset,
      driftPerYear: drifting ? this.rng.uniform(0.002, t.maxDriftPerYear) : 0,
      driftOriginMs: originMs,
      retune: 1,
    };
  }

  private newWca(band: number): { serial: string; factor: number } {
    const unit = (this.nextWcaUnit.get(band) ?? 0) + 1;
    this.nextWcaUnit.set(band, unit);
    return {
      serial: wcaSerial(band, unit),
      factor: 1 + this.rng.uniform(this.options.trec.wcaStep[0], this.options.trec.wcaStep[1]) / 2,
    };
  }

  private newFrontEnd(number: number): FrontEnd {
    const fe: FrontEnd = { serial: frontEndSerial(number), cartridges: new Map(), wca: new Map() };
    for (const band of BANDS) {
      fe.cartridges.set(band, this.newCartridge(band, this.startMs));
      fe.wca.set(band, this.newWca(band));
    }
    return fe;
  }

  private planPads(allPads: readonly Pad[], configurations: readonly Configuration[]): void {
    const rng = this.rng.fork('pads');
    const twelve = this.antennas.filter((a) => a.family === '12m');
    const configs = configurations.filter((c) => c.family === '12m');
    const occupied = new Set<string>();
    const first = configs[0];
    const initial = rng.sample(padPoolForLevel(allPads, first.level), twelve.length);
    twelve.forEach((a, i) => {
      this.pads[a.index] = initial[i].name;
      occupied.add(initial[i].name);
    });
    const fixed = (family: '7m' | 'TP') => {
      const pads = allPads.filter((p) => p.family === family);
      this.antennas
        .filter((a) => a.family === family)
        .forEach((a, i) => (this.pads[a.index] = pads[i % pads.length].name));
    };
    fixed('7m');
    fixed('TP');
    const d = this.options.devices;
    const current = new Map(twelve.map((a) => [a.index, this.pads[a.index]]));
    for (const config of configs.slice(1)) {
      if (config.startMs >= this.endMs) break;
      const pool = padPoolForLevel(allPads, config.level).filter((p) => !occupied.has(p.name));
      const moving = rng.sample(twelve, Math.round(twelve.length * rng.uniform(d.padMoveShare[0], d.padMoveShare[1])));
      const days = rng.uniform(d.reconfigurationDays[0], d.reconfigurationDays[1]);
      const targets = rng.sample(pool, moving.length);
      moving.slice(0, targets.length).forEach((a, i) => {
        const ms = config.startMs + Math.floor(rng.next() * days * DAY_MS);
        occupied.delete(current.get(a.index)!);
        occupied.add(targets[i].name);
        current.set(a.index, targets[i].name);
        if (ms >= this.startMs)
          this.plans[a.index].push({
            ms,
            type: 'PadMove',
            band: null,
            value: targets[i].name,
            comment: `Reconfiguration to ${config.name}`,
          });
        else this.pads[a.index] = targets[i].name;
      });
    }
  }

  private planHardware(): void {
    const rng = this.rng.fork('hardware');
    const d = this.options.devices;
    const t = this.options.trec;
    const years = (this.endMs - this.startMs) / YEAR_MS;
    const at = () => this.startMs + Math.floor(rng.next() * (this.endMs - this.startMs));
    const bands = BANDS.length;
    for (const antenna of this.antennas) {
      const plan = this.plans[antenna.index];
      const perBand = (rate: number, type: ChangeType) => {
        for (let k = rng.poisson(rate * bands * years); k > 0; k--)
          plan.push({ ms: at(), type, band: rng.pick(BANDS) });
      };
      perBand(d.cartridgeReplacementsPerCartridgeYear, 'CartridgeReplaced');
      perBand(d.wcaReplacementsPerCartridgeYear, 'WCAReplaced');
      perBand(d.sisRetunesPerCartridgeYear, 'SISRetune');
      for (let k = rng.poisson(d.frontEndSwapsPerAntennaYear * years); k > 0; k--)
        plan.push({ ms: at(), type: 'FrontEndSwap', band: null });
      for (let k = rng.poisson(d.cryostatWarmupsPerAntennaYear * years); k > 0; k--) {
        const ms = at();
        const endMs = ms + Math.round(rng.uniform(t.excursionHours[0], t.excursionHours[1]) * HOUR_MS);
        const factor = rng.uniform(t.excursionFactor[0], t.excursionFactor[1]);
        plan.push({ ms, type: 'CryostatWarmup', band: null, endMs, factor });
        // After the excursion the antenna is usually taken out for a few days.
        const backMs = endMs + Math.round(rng.uniform(d.outAfterWarmupDays[0], d.outAfterWarmupDays[1]) * DAY_MS);
        this.outOfService[antenna.index].push([endMs, backMs]);
        planStatus(plan, endMs, 'C', 'Taken out after cryostat warm-up');
        planStatus(plan, backMs, 'O', 'Back in the array');
      }
    }
    // Antenna overhauls (~10-year cycle): a few antennas a year out for weeks.
    for (let k = rng.poisson(d.overhaulsPerYear * years); k > 0 && this.antennas.length > 0; k--) {
      const a = rng.int(0, this.antennas.length - 1);
      const ms = at();
      const backMs = ms + Math.round(rng.uniform(d.overhaulDays[0], d.overhaulDays[1]) * DAY_MS);
      this.outOfService[a].push([ms, backMs]);
      planStatus(this.plans[a], ms, 'C', 'Antenna overhaul');
      planStatus(this.plans[a], backMs, 'O', 'Back from overhaul');
    }
  }

  private meanNominal(a: number, band: number, ms: number): number {
    const buf = new Float64Array(8);
    this.nominalTrec(a, band, ms, buf);
    let s = 0;
    for (const v of buf) s += v;
    return s / 8;
  }

  private emitChange(
    a: number,
    e: PlannedEvent,
    oldSerial: string | null,
    newSerial: string | null,
    comment: string,
  ): number {
    const id = this.nextEventId++;
    this.deviceChanges.push({
      event_id: id,
      antennaname: this.antennas[a].name,
      eventtime: e.ms,
      change_type: e.type,
      receiverband: e.band === null ? null : bandName(e.band),
      old_serial: oldSerial,
      new_serial: newSerial,
      new_value: e.value ?? null,
      comment,
    });
    return id;
  }

  private emitStep(a: number, band: number, ms: number, before: number, eventId: number, comment: string): void {
    const after = this.meanNominal(a, band, ms);
    this.addTruth({
      kind: 'step',
      antennaname: this.antennas[a].name,
      receiverband: bandName(band),
      polarization: null,
      basebandname: null,
      start_ts: ms,
      end_ts: null,
      magnitude: after / before - 1,
      event_id: eventId,
      eb_uid: null,
      caldataid: null,
      comment,
    });
  }

  private emitDrift(a: number, c: Cartridge, ms: number): void {
    if (c.driftPerYear <= 0) return;
    this.addTruth({
      kind: 'drift',
      antennaname: this.antennas[a].name,
      receiverband: bandName(c.band),
      polarization: null,
      basebandname: null,
      start_ts: ms,
      end_ts: null,
      magnitude: c.driftPerYear,
      event_id: null,
      eb_uid: null,
      caldataid: null,
      comment: `Upward drift of ${c.serial} (fraction per year) while installed on ${this.antennas[a].name}`,
    });
  }

  private apply(a: number, e: PlannedEvent): void {
    const fe = this.installed[a];
    switch (e.type) {
      case 'PadMove': {
        const old = this.pads[a];
        this.pads[a] = e.value!;
        this.emitChange(a, e, null, null, `${e.comment ?? 'Pad move'} (from ${old})`);
        return;
      }
      case 'ArrayElementStatus':
        this.emitChange(a, e, null, null, e.comment ?? '');
        return;
      case 'CryostatWarmup': {
        const id = this.emitChange(a, e, null, null, `Cryostat warm-up until ${new Date(e.endMs!).toISOString()}`);
        this.excursions[a].push({ startMs: e.ms, endMs: e.endMs!, factor: e.factor! });
        this.addTruth({
          kind: 'excursion',
          antennaname: this.antennas[a].name,
          receiverband: null,
          polarization: null,
          basebandname: null,
          start_ts: e.ms,
          end_ts: e.endMs!,
          magnitude: e.factor!,
          event_id: id,
          eb_uid: null,
          caldataid: null,
          comment: 'Temporary Trec excursion on every band during a cryostat warm-up',
        });
        return;
      }
      case 'FrontEndSwap': {
        const before = new Map(BANDS.map((b) => [b, this.meanNominal(a, b, e.ms)]));
        const next = this.spareQueue.shift()!;
        this.spareQueue.push(fe);
        this.installed[a] = next;
        const id = this.emitChange(a, e, fe.serial, next.serial, `Front end swapped on ${isoDay(e.ms)}`);
        for (const b of BANDS) this.emitStep(a, b, e.ms, before.get(b)!, id, `Front end ${fe.serial} → ${next.serial}`);
        for (const c of next.cartridges.values()) this.emitDrift(a, c, e.ms);
        return;
      }
      case 'CartridgeReplaced': {
        const band = e.band!;
        const before = this.meanNominal(a, band, e.ms);
        const old = fe.cartridges.get(band)!;
        const fresh = this.newCartridge(band, e.ms);
        fe.cartridges.set(band, fresh);
        const id = this.emitChange(a, e, old.serial, fresh.serial, 'Cold cartridge replaced');
        this.emitStep(a, band, e.ms, before, id, `Cartridge ${old.serial} → ${fresh.serial}`);
        this.emitDrift(a, fresh, e.ms);
        this.emitChange(
          a,
          { ms: e.ms, type: bandStatusType(band), band, value: 'O' },
          null,
          null,
          'New cartridge operational',
        );
        return;
      }
      case 'WCAReplaced': {
        const band = e.band!;
        const before = this.meanNominal(a, band, e.ms);
        const old = fe.wca.get(band)!;
        const fresh = this.newWca(band);
        fe.wca.set(band, fresh);
        const id = this.emitChange(a, e, old.serial, fresh.serial, 'Warm cartridge (LO) replaced');
        this.emitStep(a, band, e.ms, before, id, `WCA ${old.serial} → ${fresh.serial}`);
        return;
      }
      case 'SISRetune': {
        const band = e.band!;
        const before = this.meanNominal(a, band, e.ms);
        const c = fe.cartridges.get(band)!;
        c.retune *= 1 + this.rng.uniform(this.options.trec.retuneStep[0], this.options.trec.retuneStep[1]);
        const id = this.emitChange(a, e, c.serial, c.serial, 'SIS bias re-optimised');
        this.emitStep(a, band, e.ms, before, id, 'SIS re-tune');
        return;
      }
      default:
        // B<n>Status: one band's receiver status.
        this.emitChange(a, e, null, null, e.comment ?? '');
    }
  }
}

export const bandStatusType = (band: number): BandStatusType => `B${band}Status`;

/** The antenna out of (C) or back in (O) the array: its element status and every band's status [S4]. */
function planStatus(plan: PlannedEvent[], ms: number, value: 'O' | 'C', comment: string): void {
  plan.push({ ms, type: 'ArrayElementStatus', band: null, value, comment });
  for (const band of BANDS) plan.push({ ms, type: bandStatusType(band), band, value, comment });
}
