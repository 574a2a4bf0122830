import { describe, expect, it } from 'vitest';
import { cover, coverSingle, f1Score, scoreEvents, truePositives } from './metrics.js';

// Every expected value below is worked out by hand from the definitions in metrics.ts.
describe('change-point metrics (van den Burg & Williams 2020)', () => {
  it('scores a correct "no change" prediction 1 on both metrics (index 0 counts as found)', () => {
    expect(f1Score([[]], [])).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(cover([[]], [], 100)).toBe(1);
  });

  it('scores the "no change" baseline on one true change: P = 1, R = 1/2, Cover 0.5', () => {
    const s = f1Score([[50]], []);
    expect(s.precision).toBe(1);
    expect(s.recall).toBe(0.5);
    expect(s.f1).toBeCloseTo(2 / 3, 12);
    // Two halves, each half covered by the whole series: Jaccard 50/100.
    expect(cover([[50]], [], 100)).toBe(0.5);
  });

  it('counts a detection within the margin, not one beyond it', () => {
    expect(f1Score([[50]], [53]).f1).toBe(1);
    expect(f1Score([[50]], [55]).f1).toBe(1);
    // 56 is 6 away: X = {0, 56}, only 0 matches: P = 1/2, R = 1/2.
    expect(f1Score([[50]], [56])).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(f1Score([[50]], [56], 6).f1).toBe(1);
  });

  it('never counts one prediction for two true changes', () => {
    expect([...truePositives([50, 52], [51], 5)]).toEqual([50]);
    // X = {0, 51}: both match (0 and 50) → P = 1; truth {0, 50, 52}: R = 2/3; F1 = 0.8.
    const s = f1Score([[50, 52]], [51]);
    expect(s.precision).toBe(1);
    expect(s.recall).toBeCloseTo(2 / 3, 12);
    expect(s.f1).toBeCloseTo(0.8, 12);
    // The nearest prediction wins; on a tie the earlier one.
    expect([...truePositives([10], [13, 8], 5)]).toEqual([10]);
    expect([...truePositives([10, 14], [12, 16], 5)]).toEqual([10, 14]);
  });

  it('penalises extra detections in precision only', () => {
    // X = {0, 50, 20, 80}: 2 of 4 match → P = 1/2, R = 1 → F1 = 2/3.
    const s = f1Score([[50]], [20, 50, 80]);
    expect(s).toMatchObject({ precision: 0.5, recall: 1 });
    expect(s.f1).toBeCloseTo(2 / 3, 12);
  });

  it('averages recall and cover over annotators and takes precision against their union', () => {
    // Union {0, 30, 70}; X = {0, 30}: P = 1; R = (2/2 + 1/2) / 2 = 3/4; F1 = 1.5 / 1.75.
    const s = f1Score([[30], [70]], [30]);
    expect(s.precision).toBe(1);
    expect(s.recall).toBe(0.75);
    expect(s.f1).toBeCloseTo(6 / 7, 12);
    // Annotator 2: [0,70) best matched by [30,100) (40/100) or [0,30) (30/70 ≈ 0.4286) → 30;
    // [70,100) by [30,100): 30/70 → 30·3/7. Cover = (30 + 90/7) / 100 = 3/7. Mean with 1: 5/7.
    expect(coverSingle([70], [30], 100)).toBeCloseTo(3 / 7, 12);
    expect(cover([[30], [70]], [30], 100)).toBeCloseTo(5 / 7, 12);
  });

  it('computes cover for a near miss from the Jaccard indices of the matching segments', () => {
    // [0,50) vs [0,53): 50/53; [50,100) vs [53,100): 47/50.
    expect(coverSingle([50], [53], 100)).toBeCloseTo((50 * (50 / 53) + 50 * (47 / 50)) / 100, 12);
    // Over-segmentation: [0,100) against [0,25),[25,50),[50,100): best Jaccard 1/2.
    expect(coverSingle([], [25, 50], 100)).toBe(0.5);
    // Change points at 0, at n or beyond it, and duplicates are ignored.
    expect(coverSingle([50, 50], [0, 50, 100, 120], 100)).toBe(1);
  });

  it('rejects a missing annotation or a series length that is not positive', () => {
    expect(() => f1Score([], [])).toThrow(/annotation/);
    expect(() => cover([[1]], [], 0)).toThrow(/length/);
  });

  it('scores timed detections: recall on events of interest, precision against every known change', () => {
    // Events at 10 and 50 (days); a smaller known step at 80. Detections at 12, 47, 49, 79, 200.
    // Recall: 10 ← 12, 50 ← 49 (nearest) → 2/2. Precision: 12, 47, 49, 79 are near a known change → 4/5.
    const at = (...ts: number[]) => ts.map((t): [number, number] => [t, t]);
    expect(scoreEvents([10, 50], [10, 50, 80], at(12, 47, 49, 79, 200), 7)).toEqual({
      found: 2,
      events: 2,
      explained: 4,
      detections: 5,
      precision: 0.8,
      recall: 1,
    });
    expect(scoreEvents([10], [10], [], 7)).toMatchObject({ precision: 1, recall: 0 });
    expect(scoreEvents([], [], at(3), 7)).toMatchObject({ precision: 0, recall: 1 });
    // A change found between samples at 0 and 30 matches an event at 15 (inside) and one at 36
    // (6 after the interval), not one at 38.
    expect(scoreEvents([15], [15], [[0, 30]], 7).recall).toBe(1);
    expect(scoreEvents([36], [36], [[0, 30]], 7).recall).toBe(1);
    expect(scoreEvents([38], [38], [[0, 30]], 7)).toMatchObject({ recall: 0, precision: 0 });
  });
});
