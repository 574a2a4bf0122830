import { describe, expect, it } from 'vitest';
import { OUTLIER_FAMILIES } from '../evaluation/outlier-families.js';
import { outlierQuality, type OutlierQuality } from '../evaluation/outlier-metrics.js';
import { localOutlierScores } from './local.js';
import { robustZScores } from './robust-z.js';

/**
 * Floors of the outliers recipe's default along an order (`local`: running median of 11, after
 * a cycle too short for it is taken out, one robust scale per series, |z| > 3.5) on every family of bench/outliers-quality.ts, which prints
 * the full table (with the global robust z and Hampel beside it). Spikes are 6–12 noise units.
 * Floors sit a little under the bench's figures on 40 series, so that they catch a default that
 * got worse on one family, not the luck of 20 series.
 */
const SERIES = 20;

/** Per family: least precision, least recall, most false alarms per 1,000 points without spikes. */
const FLOORS: Record<string, [number, number, number]> = {
  'white noise': [0.85, 0.95, 1.5],
  'level shifts': [0.85, 0.95, 1.5],
  trend: [0.85, 0.95, 1.5],
  'random walk': [0.85, 0.95, 1.5],
  'AR(1) φ 0.7–0.9': [0.85, 0.95, 1.5],
  // A cycle of 7 or 12 is taken out as a profile first (seasonal.ts); the median follows 24.
  seasonal: [0.85, 0.9, 1.5],
  // Student t, 3 degrees of freedom: its own far values are flagged too, as by any robust z.
  'heavy tails': [0.2, 0.9, 40],
  quantised: [0.9, 0.95, 1.5],
  // Runs of 2–3 outliers: a window of 11 still has its median among the clean values.
  bursts: [0.85, 0.95, 1.5],
  'short (n 8–30)': [0.8, 0.85, 8],
};

const local = (v: Float64Array) => localOutlierScores(v).flags;
const global = (v: Float64Array) => robustZScores(v).flags;
const show = (q: OutlierQuality) =>
  `precision ${q.precision.toFixed(2)}, recall ${q.recall.toFixed(2)}, ${q.falseAlarmsPer1000.toFixed(1)} false alarms per 1,000`;

describe('outlier defaults on families of real behaviour', () => {
  it('has a floor for every family', () => {
    expect(Object.keys(FLOORS).sort()).toEqual(OUTLIER_FAMILIES.map((f) => f.name).sort());
  });

  for (const family of OUTLIER_FAMILIES)
    it(`local (the default with orderBy) holds on ${family.name}`, () => {
      const q = outlierQuality(family, local, SERIES);
      const [precision, recall, falseAlarms] = FLOORS[family.name];
      expect(q.precision, show(q)).toBeGreaterThanOrEqual(precision);
      expect(q.recall, show(q)).toBeGreaterThanOrEqual(recall);
      expect(q.falseAlarmsPer1000, show(q)).toBeLessThanOrEqual(falseAlarms);
    });

  it('the global robust z fails where the series moves (why it is not the default along an order)', () => {
    const family = (name: string) => OUTLIER_FAMILIES.find((f) => f.name === name)!;
    const shifts = outlierQuality(family('level shifts'), global, SERIES);
    const trend = outlierQuality(family('trend'), global, SERIES);
    const walk = outlierQuality(family('random walk'), global, SERIES);
    expect(shifts.precision, show(shifts)).toBeLessThan(0.5);
    expect(trend.recall, show(trend)).toBeLessThan(0.5);
    expect(walk.recall, show(walk)).toBeLessThan(0.5);
  });
});
