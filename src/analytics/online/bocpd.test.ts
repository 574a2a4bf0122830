import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { piecewiseGaussian } from '../common/synthetic.js';
import { logGamma } from '../common/gamma.js';
import { BocpdDetector, createBocpd, type BocpdState } from './bocpd.js';

/**
 * The textbook recursion (Adams & MacKay 2007), written plainly with one array of runs:
 * the reference the optimised detector must agree with.
 */
function referenceBocpd(values: Float64Array, lambda: number, maxRuns: number, pruneBelow: number): Float64Array {
  type Run = { r: number; p: number; mu: number; kappa: number; alpha: number; beta: number };
  const density = (x: number, run: Run) => {
    const nu = 2 * run.alpha;
    const scale2 = (run.beta * (run.kappa + 1)) / (run.alpha * run.kappa);
    const d = x - run.mu;
    return Math.exp(
      logGamma(run.alpha + 0.5) -
        logGamma(run.alpha) -
        0.5 * Math.log(nu * Math.PI * scale2) -
        (run.alpha + 0.5) * Math.log1p((d * d) / (nu * scale2)),
    );
  };
  const absorb = (run: Run, x: number): Run => {
    const d = x - run.mu;
    return {
      r: run.r + 1,
      p: run.p,
      mu: run.mu + d / (run.kappa + 1),
      kappa: run.kappa + 1,
      alpha: run.alpha + 0.5,
      beta: run.beta + (run.kappa * d * d) / (2 * (run.kappa + 1)),
    };
  };
  const prior = (mu: number): Run => ({ r: 0, p: 1, mu, kappa: 0.1, alpha: 1, beta: 1 });
  const out = new Float64Array(values.length);
  let runs: Run[] = [];
  values.forEach((x, t) => {
    if (runs.length === 0) runs = [absorb(prior(x), x)];
    else {
      if (runs.length >= maxRuns) {
        let arg = 0;
        runs.forEach((run, i) => (run.p < runs[arg].p ? (arg = i) : 0));
        runs.splice(arg, 1);
      }
      const h = 1 / lambda;
      const joints = runs.map((run) => run.p * density(x, run));
      const total = joints.reduce((a, b) => a + b, 0);
      const fresh = prior(runs[runs.length - 1].mu);
      const change = joints.reduce((a, b) => a + b * h, 0) * density(x, fresh);
      runs = [{ ...fresh, p: change }, ...runs.map((run, i) => ({ ...run, p: joints[i] * (1 - h) }))].map((run) =>
        absorb(run, x),
      );
      const mass = runs.reduce((a, run) => a + run.p, 0);
      runs = runs.filter((run, i) => i === 0 || run.p >= pruneBelow * mass);
      const kept = runs.reduce((a, run) => a + run.p, 0);
      for (const run of runs) run.p /= kept;
      void total;
    }
    out[t] = Math.min(
      1,
      runs.reduce((a, run) => a + (run.r <= 10 && run.r <= t ? run.p : 0), 0),
    );
  });
  return out;
}

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

  it('agrees with the textbook recursion to 1e-12 (one log1p and one exp per run and point, tables for the α and κ terms)', () => {
    const { values } = piecewiseGaussian({ n: 3000, changes: 5, seed: 21, meanShift: 2.5, scaleFactor: 1.5 });
    for (const [maxRunLengths, pruneBelow] of [
      [400, 1e-10],
      [60, 0],
    ] as const) {
      const expected = referenceBocpd(values, 250, maxRunLengths, pruneBelow);
      const { changeProbability } = createBocpd({ maxRunLengths, pruneBelow }).updateBatch(values);
      let worst = 0;
      for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(changeProbability[i] - expected[i]));
      expect(worst, `maxRunLengths ${maxRunLengths}`).toBeLessThan(1e-12);
    }
  });

  it('still reads a state saved without logBeta (written before it was kept)', () => {
    const { values } = piecewiseGaussian({ n: 800, changes: 2, seed: 3, meanShift: 3 });
    const uninterrupted = createBocpd().updateBatch(values);
    const first = createBocpd();
    first.updateBatch(values.subarray(0, 400));
    const { logBeta, ...older } = JSON.parse(JSON.stringify(first)) as BocpdState;
    expect(logBeta).toHaveLength(older.beta.length);
    const after = BocpdDetector.fromJSON(older).updateBatch(values.subarray(400));
    expect(after.alarms).toEqual(uninterrupted.alarms.filter((a) => a >= 400));
    for (let i = 0; i < 400; i++)
      expect(after.changeProbability[i]).toBeCloseTo(uninterrupted.changeProbability[400 + i], 12);
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
