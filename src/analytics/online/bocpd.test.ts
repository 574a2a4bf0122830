import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { piecewiseGaussian } from '../common/synthetic.js';
import { BocpdDetector, createBocpd } from './bocpd.js';

describe('BOCPD', () => {
  it('raises an alarm within a few points of a 3σ mean shift and puts the run length at the change', () => {
    const detector = createBocpd();
    const random = createRandom(11);
    const values = Float64Array.from({ length: 400 }, (_, i) => (i >= 200 ? 3 : 0) + random.normal());
    const { alarms } = detector.updateBatch(values);
    const first = alarms.find((a) => a >= 200);
    expect(first).toBeDefined();
    expect(first! - 200).toBeLessThanOrEqual(10);
    expect(alarms.filter((a) => a < 200)).toEqual([]);
    // At the end the most probable run started at the change.
    expect(Math.abs(detector.mostProbableRunLength() - 200)).toBeLessThanOrEqual(5);
  });

  it('detects a variance change (unknown variance in the Normal-Gamma model)', () => {
    const random = createRandom(5);
    const values = Float64Array.from({ length: 600 }, (_, i) => (i >= 300 ? 5 : 1) * random.normal());
    const { alarms } = createBocpd().updateBatch(values);
    expect(alarms.some((a) => a >= 300 && a <= 330)).toBe(true);
  });

  it('keeps its false-alarm rate on stationary unit noise below 1 per 2 000 points (measured over 40 000 points)', () => {
    let alarms = 0;
    let points = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const { values } = piecewiseGaussian({ n: 2000, changes: 0, seed });
      alarms += createBocpd().updateBatch(values).alarms.length;
      points += values.length;
    }
    const perThousand = (1000 * alarms) / points;
    expect(perThousand).toBeLessThan(0.5);
  });

  it('keeps memory bounded: never more run lengths than maxRunLengths', () => {
    const detector = createBocpd({ maxRunLengths: 50, pruneBelow: 0 });
    const { values } = piecewiseGaussian({ n: 3000, changes: 0, seed: 2 });
    detector.updateBatch(values);
    const posterior = detector.runLengthPosterior();
    expect(posterior.runLength.length).toBeLessThanOrEqual(50);
    expect(posterior.probability.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // The long run survives the bound: it is the most probable one.
    expect(detector.mostProbableRunLength()).toBeGreaterThan(2500);
  });

  it('resumes from JSON mid-stream with exactly the outputs of an uninterrupted run', () => {
    const { values } = piecewiseGaussian({ n: 1200, changes: 4, seed: 9, meanShift: 2.5 });
    const uninterrupted = createBocpd({ expectedRunLength: 100 }).updateBatch(values);
    const first = createBocpd({ expectedRunLength: 100 });
    const before = first.updateBatch(values.subarray(0, 555));
    const restored = BocpdDetector.fromJSON(JSON.parse(JSON.stringify(first)));
    const after = restored.updateBatch(values.subarray(555));
    expect([...before.alarms, ...after.alarms]).toEqual(uninterrupted.alarms);
    expect([...before.changeProbability, ...after.changeProbability]).toEqual([...uninterrupted.changeProbability]);
    expect(uninterrupted.alarms.length).toBeGreaterThanOrEqual(3);
  });

  it('resets at a known device change and starts over', () => {
    const detector = createBocpd();
    detector.updateBatch([1, 2, 1, 2, 1]);
    detector.reset();
    expect(detector.runLengthPosterior().runLength.length).toBe(0);
    expect(detector.update(50)).toEqual({ index: 0, changeProbability: 0, alarm: false });
  });

  it('rejects non-finite values without changing its state, and bad options or state', () => {
    const detector = createBocpd();
    detector.update(1);
    const state = JSON.stringify(detector);
    expect(() => detector.update(NaN)).toThrow(/finite values/);
    expect(JSON.stringify(detector)).toBe(state);
    expect(() => createBocpd({ threshold: 2 })).toThrow(/threshold/);
    expect(() => BocpdDetector.fromJSON({ kind: 'cusum' })).toThrow(/BOCPD state/);
    expect(() => BocpdDetector.fromJSON({ ...JSON.parse(state), mu: [] })).toThrow(/inconsistent/);
  });
});
