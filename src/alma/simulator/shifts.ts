import { HOUR_MS, MINUTE_MS, cycleOf, isFebruary, isoDay } from './calendar.js';
import type { ArrayFamily, ResolvedOptions } from './options.js';
import type { Rng } from './rng.js';
import type { Weather } from './weather.js';

/**
 * Shifts and the shift log's time accounting (§4). Each shift is filled left to right
 * with non-overlapping segments: the handover, EBs, and gaps of every type, with a few
 * unlogged minutes in between. EBs that end FAIL / ABORTED / RUNNING are covered by
 * their own execution gap, so every minute belongs to at most one bucket.
 */

export const SHIFT_TYPES = ['night', 'morning', 'afternoon'] as const;
export type ShiftType = (typeof SHIFT_TYPES)[number];
export const SHIFT_HOURS = 8;
const HANDOVER_SUBJECT: Record<ShiftType, string> = {
  night: 'Afternoon to night shift',
  morning: 'Night to morning shift',
  afternoon: 'Morning to afternoon shift',
};

export type GapType =
  | 'Handover'
  | 'Array recreation'
  | 'Failed execution gap'
  | 'Aborted execution gap'
  | 'Running execution gap'
  | 'Weather downtime'
  | 'Technical downtime'
  | 'Scheduling downtime'
  | 'Testing time gap'
  | 'Other';

export type EbStatus = 'SUCCESS' | 'PARTIAL' | 'FAIL' | 'ABORTED' | 'TIMEOUT' | 'RUNNING';

export interface ShiftRow {
  shift_id: string;
  array_family: ArrayFamily;
  shift_date: string;
  start_ts: number;
  end_ts: number;
  shift_type: ShiftType;
  operator: string;
  aod: string;
  activity: string;
  alma_sw_version: string;
  handover_subject: string;
}

export interface GapRow {
  gap_id: string;
  shift_id: string;
  array_family: ArrayFamily;
  start_ts: number;
  end_ts: number;
  duration_h: number;
  class: 'GAP' | 'USER ERROR';
  type: GapType;
  tag: string;
  priority: string;
  related_eb_uid: string | null;
  comment: string;
  ticket: string | null;
}

/** An EB placed on the timeline; the execution generator fills in the rest. */
export interface EbSlot {
  ebUid: string;
  family: ArrayFamily;
  shiftId: string;
  startMs: number;
  endMs: number;
  isCalibration: boolean;
  status: EbStatus;
  /** The weather stopped it. */
  weatherAbort: boolean;
}

type Category =
  'science' | 'calibration' | 'technical' | 'testing' | 'scheduling' | 'arrayRecreation' | 'other' | 'userError';

const GAP_OF: Record<Exclude<Category, 'science' | 'calibration'>, GapType> = {
  technical: 'Technical downtime',
  testing: 'Testing time gap',
  scheduling: 'Scheduling downtime',
  arrayRecreation: 'Array recreation',
  other: 'Other',
  userError: 'Other',
};
// Median and range of each gap kind in minutes [A].
const GAP_MINUTES: Record<Exclude<Category, 'science' | 'calibration'>, [number, number, number]> = {
  technical: [45, 10, 300],
  testing: [90, 20, 300],
  scheduling: [20, 5, 90],
  arrayRecreation: [25, 10, 90],
  other: [20, 5, 90],
  userError: [15, 5, 45],
};
const TAG: Record<GapType, string> = {
  Handover: 'Operations',
  'Array recreation': 'Calibration',
  'Failed execution gap': 'PI science',
  'Aborted execution gap': 'PI science',
  'Running execution gap': 'PI science',
  'Weather downtime': 'Band_3_6_7',
  'Technical downtime': 'Engineering',
  'Scheduling downtime': 'PI science',
  'Testing time gap': 'Engineering',
  Other: 'Operations',
};
const COMMENTS: Partial<Record<GapType, string[]>> = {
  'Weather downtime': ['High PWV', 'Wind above limits', 'Snow on site', 'Phase instability'],
  'Technical downtime': [
    'Correlator fault',
    'Antenna control software crash',
    'Front-end cryostat alarm',
    'Power cut',
    'Photonic reference unlocked',
    'Network problem at AOS',
  ],
  'Testing time gap': ['EOC test', 'CSV observations', 'Software regression tests', 'Engineering time'],
  'Scheduling downtime': ['No SB observable', 'Queue exhausted for current LST', 'Waiting for LST range'],
  'Array recreation': ['Array destroyed and re-created after antenna fault', 'New antenna added to array'],
  Other: ['Maintenance', 'Operator briefing', 'Pad work'],
};
const USER_ERRORS = ['Wrong SB executed', 'Mistuned setup', 'Wrong array selected'];

export interface FamilyDayInput {
  dayMs: number;
  family: ArrayFamily;
  weather: Weather;
  options: ResolvedOptions;
  rng: Rng;
  newEbUid: () => string;
}

export interface FamilyDay {
  shifts: ShiftRow[];
  gaps: GapRow[];
  ebs: EbSlot[];
}

function priority(rng: Rng, type: GapType, shares: ResolvedOptions['observing']['gapPriorityShares']): string {
  if (type === 'Handover') return 'None';
  if (type === 'Weather downtime') return rng.weightedKey({ None: 60, Low: 35, Medium: 5 });
  if (type === 'Technical downtime') return rng.weightedKey({ Blocker: 10, High: 30, Medium: 50, Low: 10 });
  return rng.weightedKey(shares);
}

export function generateFamilyDay(input: FamilyDayInput): FamilyDay {
  const { dayMs, family, weather, options, rng } = input;
  const o = options.observing;
  const out: FamilyDay = { shifts: [], gaps: [], ebs: [] };
  const february = o.februaryShutdown && isFebruary(dayMs);
  const cycle = cycleOf(dayMs);
  const day = isoDay(dayMs);
  let gapCounter = 0;

  const addGap = (shiftId: string, startMs: number, endMs: number, type: GapType, fields: Partial<GapRow> = {}) => {
    if (endMs <= startMs) return;
    const comments = COMMENTS[type];
    out.gaps.push({
      gap_id: `${shiftId}-g${String(++gapCounter).padStart(2, '0')}`,
      shift_id: shiftId,
      array_family: family,
      start_ts: startMs,
      end_ts: endMs,
      duration_h: (endMs - startMs) / HOUR_MS,
      class: 'GAP',
      type,
      tag: TAG[type],
      priority: priority(rng, type, o.gapPriorityShares),
      related_eb_uid: null,
      comment: comments ? rng.pick(comments) : '',
      ticket: type === 'Technical downtime' && rng.chance(0.7) ? `PRTSPR-${rng.int(10000, 99999)}` : null,
      ...fields,
    });
  };

  for (let s = 0; s < SHIFT_TYPES.length; s++) {
    const shiftType = SHIFT_TYPES[s];
    const start = dayMs + s * SHIFT_HOURS * HOUR_MS;
    const end = start + SHIFT_HOURS * HOUR_MS;
    const shiftId = `${family}-${day}-${shiftType}`;
    const activity = february
      ? 'Engineering'
      : rng.chance(o.nonScienceShiftShare)
        ? rng.pick(['EOC', 'Engineering'])
        : 'SciOps';
    out.shifts.push({
      shift_id: shiftId,
      array_family: family,
      shift_date: day,
      start_ts: start,
      end_ts: end,
      shift_type: shiftType,
      operator: `op${String(rng.int(1, 16)).padStart(2, '0')}`,
      aod: `aod${String(rng.int(1, 8)).padStart(2, '0')}`,
      activity,
      alma_sw_version: `CYCLE${cycle.number}.${Math.floor((dayMs - Date.UTC(cycle.startYear, 9, 1)) / (60 * 24 * HOUR_MS)) + 1}`,
      handover_subject: HANDOVER_SUBJECT[shiftType],
    });

    // Time shares → draw weights: a category's weight is its share over its mean length.
    const b = o.timeBudget;
    const scienceFactor = february
      ? family === '12m'
        ? 0
        : o.februaryCompactArrayScience
      : activity === 'SciOps'
        ? 1
        : 0.1;
    const weights: Record<Category, number> = {
      science: (b.science * scienceFactor) / o.scienceEbMedianMinutes[family],
      calibration: b.calibration / o.calibrationEbMedianMinutes,
      technical: b.technical / GAP_MINUTES.technical[0],
      testing: (b.testing * (february ? 4 : activity === 'SciOps' ? 0.4 : 8)) / GAP_MINUTES.testing[0],
      scheduling: b.scheduling / GAP_MINUTES.scheduling[0],
      arrayRecreation: b.arrayRecreation / GAP_MINUTES.arrayRecreation[0],
      other: (b.other * (february ? 20 : 1)) / GAP_MINUTES.other[0],
      userError: b.userError / GAP_MINUTES.userError[0],
    };

    let t = start;
    const handoverEnd = t + Math.round(rng.uniform(o.handoverMinutes[0], o.handoverMinutes[1]) * MINUTE_MS);
    addGap(shiftId, t, handoverEnd, 'Handover', { comment: HANDOVER_SUBJECT[shiftType] });
    t = handoverEnd;
    while (end - t >= MINUTE_MS) {
      t = Math.min(end, t + Math.round(rng.uniform(o.unloggedMinutes[0], o.unloggedMinutes[1]) * MINUTE_MS));
      if (end - t < MINUTE_MS) break;
      if (weather.isBad(t)) {
        const until = Math.min(end, weather.badUntil(t));
        addGap(shiftId, t, until, 'Weather downtime');
        t = until;
        continue;
      }
      const stop = Math.min(end, weather.nextBad(t));
      const category = rng.weightedKey(weights);
      if (category === 'science' || category === 'calibration') {
        const isCalibration = category === 'calibration';
        const minutes = isCalibration
          ? rng.lognormalInRange(o.calibrationEbMedianMinutes, o.calibrationEbMinutes[0], o.calibrationEbMinutes[1])
          : rng.lognormalInRange(
              o.scienceEbMedianMinutes[family],
              o.scienceEbMinutes[family][0],
              o.scienceEbMinutes[family][1],
            );
        let ebEnd = t + Math.round(minutes * MINUTE_MS);
        let status = rng.weightedKey(o.ebStatusShares) as EbStatus;
        let weatherAbort = false;
        if (ebEnd > stop) {
          // Bad weather ahead: usually the operator runs a shorter SB; sometimes the EB is caught and aborted.
          ebEnd = stop;
          if (stop < end) {
            if (rng.chance(0.3)) {
              status = 'ABORTED';
              weatherAbort = true;
            }
          } else if (rng.chance(o.runningAtShiftEndProbability)) status = 'RUNNING';
        }
        if (ebEnd - t < MINUTE_MS) {
          t = ebEnd;
          continue;
        }
        const slot: EbSlot = {
          ebUid: input.newEbUid(),
          family,
          shiftId,
          startMs: t,
          endMs: ebEnd,
          isCalibration,
          status,
          weatherAbort,
        };
        out.ebs.push(slot);
        const gapType: GapType | null =
          status === 'FAIL'
            ? 'Failed execution gap'
            : status === 'ABORTED'
              ? 'Aborted execution gap'
              : status === 'RUNNING'
                ? 'Running execution gap'
                : null;
        if (gapType)
          addGap(shiftId, t, ebEnd, gapType, {
            related_eb_uid: slot.ebUid,
            comment: weatherAbort ? 'Aborted: weather' : `EB ended ${status}`,
          });
        t = ebEnd + Math.round(rng.uniform(o.interEbOverheadMinutes[0], o.interEbOverheadMinutes[1]) * MINUTE_MS);
        continue;
      }
      const [median, min, max] = GAP_MINUTES[category];
      const gapEnd = Math.min(stop, t + Math.round(rng.lognormalInRange(median, min, max) * MINUTE_MS));
      if (category === 'userError')
        addGap(shiftId, t, gapEnd, 'Other', { class: 'USER ERROR', tag: 'PI science', comment: rng.pick(USER_ERRORS) });
      else if (february && category === 'other')
        addGap(shiftId, t, gapEnd, 'Other', { comment: 'February maintenance shutdown', tag: 'Engineering' });
      else addGap(shiftId, t, gapEnd, GAP_OF[category]);
      t = gapEnd;
    }
  }
  return out;
}
