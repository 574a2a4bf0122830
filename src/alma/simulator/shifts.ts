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
  /** SLT DOWN entries [S2]: the engineering group of a technical downtime (null otherwise). */
  engineering_group: string | null;
  /** SLT DOWN entries [S2]: "Is power cut?" — set on technical and weather downtime, null on other gaps. */
  is_power_cut: boolean | null;
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
// The SLT's engineering groups [S2], by the technical-downtime comment above.
const ENGINEERING_GROUP: Record<string, string> = {
  'Correlator fault': 'Correlator',
  'Antenna control software crash': 'Antenna control',
  'Front-end cryostat alarm': 'FrontEnd',
  'Power cut': 'BackEnd',
  'Photonic reference unlocked': 'BackEnd',
  'Network problem at AOS': 'Software',
};
/** Shortest science EB an operator starts (the §3.3 range minimum applies to planned SBs). */
const MIN_EB_MS = 2 * MINUTE_MS;

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
    const comment = fields.comment ?? (comments ? rng.pick(comments) : '');
    const downtime = type === 'Technical downtime' || type === 'Weather downtime';
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
      comment,
      ticket: type === 'Technical downtime' && rng.chance(0.7) ? `PRTSPR-${rng.int(10000, 99999)}` : null,
      engineering_group: type === 'Technical downtime' ? (ENGINEERING_GROUP[comment] ?? 'Software') : null,
      is_power_cut: downtime ? comment === 'Power cut' : null,
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
    // Arrays differ in how much science the queue holds for them (TP follows the 12-m / 7-m
    // parts of a request): the rest of the science share is time with no SB observable.
    const scienceShare = o.scienceShareByFamily[family];
    // A category's draw weight is its time share over its MEAN length (a clamped log-normal's
    // mean is well above its median: 83 vs 70 min for a 12-m EB, 68 vs 45 min for a fault),
    // so the drawn time comes out at the budget's shares.
    const gapMean = (c: keyof typeof GAP_MINUTES) =>
      meanMinutes(GAP_MINUTES[c][0], GAP_MINUTES[c][1], GAP_MINUTES[c][2]);
    const weights: Record<Category, number> = {
      science:
        (scienceShare * scienceFactor) /
        meanMinutes(o.scienceEbMedianMinutes[family], o.scienceEbMinutes[family][0], o.scienceEbMinutes[family][1]),
      calibration:
        b.calibration / meanMinutes(o.calibrationEbMedianMinutes, o.calibrationEbMinutes[0], o.calibrationEbMinutes[1]),
      technical: b.technical / gapMean('technical'),
      testing: (b.testing * (february ? 4 : activity === 'SciOps' ? 0.4 : 8)) / gapMean('testing'),
      scheduling: (b.scheduling + Math.max(0, b.science - scienceShare)) / gapMean('scheduling'),
      arrayRecreation: b.arrayRecreation / gapMean('arrayRecreation'),
      other: (b.other * (february ? 20 : 1)) / gapMean('other'),
      userError: b.userError / gapMean('userError'),
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
        let isCalibration = category === 'calibration';
        const draw = (calibration: boolean, roomMinutes = Infinity): number => {
          const [min, max] = calibration ? o.calibrationEbMinutes : o.scienceEbMinutes[family];
          const median = calibration ? o.calibrationEbMedianMinutes : o.scienceEbMedianMinutes[family];
          // The operator picks an SB that fits the window: a draw from the same law, below the room left.
          for (let tries = 0; tries < 6; tries++) {
            const m = rng.lognormalInRange(median, min, max);
            if (m <= roomMinutes) return m;
          }
          return rng.uniform(min, Math.min(max, roomMinutes));
        };
        let minutes = draw(isCalibration);
        let status = rng.weightedKey(o.ebStatusShares) as EbStatus;
        let weatherAbort = false;
        let ebEnd = t + Math.round(minutes * MINUTE_MS);
        if (ebEnd > stop) {
          const room = (stop - t) / MINUTE_MS;
          if (stop < end && rng.chance(0.3)) {
            // Caught by the weather: the EB is aborted when it turns.
            ebEnd = stop;
            status = 'ABORTED';
            weatherAbort = true;
          } else if (stop >= end && rng.chance(o.runningAtShiftEndProbability)) {
            ebEnd = stop;
            status = 'RUNNING';
          } else if (room >= o.scienceEbMinutes[family][0] || (isCalibration && room >= o.calibrationEbMinutes[0])) {
            minutes = draw(isCalibration, room);
            ebEnd = Math.min(stop, t + Math.round(minutes * MINUTE_MS));
          } else if (room >= o.calibrationEbMinutes[0]) {
            // No science SB fits before the weather or the shift end: a short calibration does.
            isCalibration = true;
            minutes = draw(true, room);
            ebEnd = Math.min(stop, t + Math.round(minutes * MINUTE_MS));
          } else {
            addGap(shiftId, t, stop, 'Scheduling downtime', {
              comment: stop < end ? 'No SB fits before the weather turns' : 'No SB fits before the shift end',
            });
            t = stop;
            continue;
          }
        }
        if (ebEnd - t < MIN_EB_MS) {
          addGap(shiftId, t, ebEnd, 'Scheduling downtime', { comment: 'No SB fits before the shift end' });
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
        // Set-up of the next SB (array creation, tuning) is logged time, not unlogged.
        const setupEnd = Math.min(
          stop,
          ebEnd + Math.round(rng.uniform(o.interEbOverheadMinutes[0], o.interEbOverheadMinutes[1]) * MINUTE_MS),
        );
        addGap(shiftId, ebEnd, setupEnd, 'Other', { comment: 'Set-up between EBs', priority: 'None' });
        t = setupEnd;
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

/** Mean of `Rng.lognormalInRange(median, min, max)` (a log-normal clamped to [min, max]), by quadrature. */
export function meanMinutes(median: number, min: number, max: number): number {
  const sigma = Math.max(Math.log(max / median), Math.log(median / min)) / 1.96;
  let sum = 0;
  let weight = 0;
  for (let z = -6; z <= 6; z += 0.05) {
    const w = Math.exp(-0.5 * z * z);
    sum += w * Math.min(max, Math.max(min, median * Math.exp(sigma * z)));
    weight += w;
  }
  return sum / weight;
}
