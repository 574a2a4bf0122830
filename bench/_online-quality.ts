// False alarms per 1 000 points and detection delays of online detectors on the synthetic stream
// families (src/analytics/online/stream-families.ts): printed by `analytics-online` (every
// detector) and by `analytics-quality` (the evaluation kit, with its acceptance line).
import { STREAM_FAMILIES, scoreAlarms } from '../src/analytics/online/stream-families.js';

/** A detector as the benches see it: fed a whole series, returns the indices of its alarms. */
export interface OnlineCandidate {
  name: string;
  run(values: Float64Array): number[];
}

export const flaggedIndices = (flags: Uint8Array) => flags.reduce<number[]>((a, f, i) => (f ? [...a, i] : a), []);
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

export interface OnlineQuality {
  /** One row per family: name, kind, then one cell per candidate. */
  rows: (string | number)[][];
  /** Per candidate, the highest false-alarm rate (per 1 000 points) over the no-change families. */
  worstNoChange: number[];
  /** Per family with anomalies: how many each candidate found (within 50 points), of how many. */
  detection: { family: string; kind: string; found: number[]; anomalies: number }[];
  seeds: number;
  points: number;
}

export function onlineQuality(candidates: OnlineCandidate[], seeds = 20, points = 5000): OnlineQuality {
  const rows: (string | number)[][] = [];
  const worstNoChange = candidates.map(() => 0);
  const detection: OnlineQuality['detection'] = [];
  for (const family of STREAM_FAMILIES) {
    const found = candidates.map(() => 0);
    let planted = 0;
    const cells = candidates.map((c, k) => {
      let falseAlarms = 0;
      let anomalies = 0;
      const delays: number[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const stream = family.make(seed, points);
        const score = scoreAlarms(c.run(stream.values), stream.anomalies);
        falseAlarms += score.falseAlarms;
        anomalies += stream.anomalies.length;
        for (const d of score.delays) if (d !== null) delays.push(d);
      }
      const rate = (1000 * falseAlarms) / (seeds * points);
      found[k] = delays.length;
      planted = anomalies;
      if (family.kind === 'no-change') worstNoChange[k] = Math.max(worstNoChange[k], rate);
      return family.kind === 'no-change'
        ? rate.toFixed(2)
        : `${rate.toFixed(2)}; found ${delays.length}/${anomalies}, delay ${delays.length ? median(delays) : '–'}`;
    });
    rows.push([family.name, family.kind, ...cells]);
    if (family.kind !== 'no-change')
      detection.push({ family: family.name, kind: family.kind, found, anomalies: planted });
  }
  return { rows, worstNoChange, detection, seeds, points };
}

export const onlineQualityTitle = (q: OnlineQuality) =>
  `### False alarms per 1 000 points (and, with anomalies, found within 50 points / median delay), ${q.seeds} × ${q.points} points per family\n`;
