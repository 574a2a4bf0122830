import { describe, expect, it } from 'vitest';
import { AnalyticsInputError } from '../common/errors.js';
import { changePointF1, piecewiseGaussian } from '../common/synthetic.js';
import { detectChangePoints } from './detect.js';
import { ChangePointWorkspace, sharedWorkspace } from './workspace.js';

/**
 * Annual flow of the Nile at Aswan, 1871–1970 (10⁸ m³): R `datasets::Nile` (Cobb 1978,
 * Balke 1993), typed in from R's print-out; mean 919.35 and sd 169.23 as R reports. The
 * accepted change is the dam works of 1898: the new regime starts in 1899 (index 28).
 */
const NILE = [
  1120, 1160, 963, 1210, 1160, 1160, 813, 1230, 1370, 1140, 995, 935, 1110, 994, 1020, 960, 1180, 799, 958, 1140, 1100,
  1210, 1150, 1250, 1260, 1220, 1030, 1100, 774, 840, 874, 694, 940, 833, 701, 916, 692, 1020, 1050, 969, 831, 726, 456,
  824, 702, 1120, 1100, 832, 764, 821, 768, 845, 864, 862, 698, 845, 744, 796, 1040, 759, 781, 865, 845, 944, 984, 897,
  822, 1010, 771, 676, 649, 846, 812, 742, 801, 1040, 860, 874, 848, 890, 744, 749, 838, 1050, 918, 986, 797, 923, 975,
  815, 1020, 906, 901, 1170, 912, 746, 919, 718, 714, 740,
];

describe('detectChangePoints', () => {
  it('finds 2σ mean shifts in series of 1000–3000 points with F1 ≥ 0.95 (5-point margin), defaults only', () => {
    const scores: number[] = [];
    for (let seed = 1; seed <= 30; seed++) {
      const n = 1000 + 500 * (seed % 5);
      const { values, changes } = piecewiseGaussian({ n, changes: 2 + (seed % 6), seed, meanShift: 2 });
      scores.push(changePointF1(changes, detectChangePoints(values).changepoints));
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    expect(mean).toBeGreaterThanOrEqual(0.95);
  });

  it('finds changes in variance with the var and meanvar costs', () => {
    for (const cost of ['var', 'meanvar'] as const) {
      const scores: number[] = [];
      for (let seed = 1; seed <= 15; seed++) {
        const { values, changes } = piecewiseGaussian({ n: 2000, changes: 3, seed, meanShift: 0, scaleFactor: 3 });
        scores.push(changePointF1(changes, detectChangePoints(values, { cost }).changepoints, 10));
      }
      expect(scores.reduce((a, b) => a + b, 0) / scores.length, cost).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('finds the accepted 1898 change in the Nile series with every exact method and with binary segmentation', () => {
    for (const method of ['auto', 'pelt', 'fpop', 'binseg', 'optimal-partitioning'] as const) {
      const result = detectChangePoints(NILE, { method });
      expect(result.changepoints, method).toEqual([28]);
      expect(1871 + result.changepoints[0] - 1).toBe(1898);
      expect(result.segments[0]).toMatchObject({ start: 0, end: 28, n: 28, mean: 1097.75 });
      expect(result.segments[1].mean).toBeCloseTo(849.9722, 3);
    }
    expect(detectChangePoints(NILE, { cost: 'robust' }).changepoints).toEqual([28]);
  });

  it('shrugs off single spikes with the robust cost, where the L2 cost cuts them out', () => {
    const values = piecewiseGaussian({ n: 400, changes: 0, seed: 3 }).values;
    for (const i of [50, 150, 151, 300]) values[i] += 15;
    expect(detectChangePoints(values, { cost: 'robust' }).changepoints).toEqual([]);
    expect(detectChangePoints(values, { cost: 'mean', minSize: 1 }).changepoints.length).toBeGreaterThan(0);
  });

  it('detects a rate change in Poisson counts', () => {
    const counts = Array.from({ length: 300 }, (_, i) => (i < 150 ? [1, 2, 0, 3, 1][i % 5] : [6, 8, 7, 5, 9][i % 5]));
    expect(detectChangePoints(counts, { cost: 'poisson' }).changepoints).toEqual([150]);
  });

  it('calls without a workspace share one, and their results are those of a fresh workspace: long and short series in turn, every search', () => {
    const shared = sharedWorkspace();
    for (const [k, n] of [3000, 200, 5000, 40, 1200].entries()) {
      const { values } = piecewiseGaussian({ n, changes: 1 + (k % 4), seed: 7 + k, meanShift: 2 });
      for (const method of ['auto', 'pelt', 'fpop', 'binseg'] as const) {
        const options = { method, maxChanges: method === 'binseg' ? 3 : undefined };
        const fresh = detectChangePoints(values, { ...options, workspace: new ChangePointWorkspace() });
        expect(detectChangePoints(values, options), `${method}, n = ${n}`).toEqual(fresh);
      }
    }
    expect(sharedWorkspace()).toBe(shared);
  });

  it('reports segments in original units and the penalty and noise scale it used', () => {
    const r = detectChangePoints([10, 10.1, 9.9, 10, 10.2, 20, 20.1, 19.9, 20, 20.2], { minSize: 2, penalty: 10 });
    expect(r.changepoints).toEqual([5]);
    expect(r.segments.map((s) => [s.start, s.end, s.n])).toEqual([
      [0, 5, 5],
      [5, 10, 5],
    ]);
    expect(r.segments[0].mean).toBeCloseTo(10.04, 10);
    expect(r.segments[0].std).toBeCloseTo(Math.sqrt(0.013), 10);
    expect(r.penalty).toBe(10);
    expect(r.noiseScale).toBeGreaterThan(0);
  });

  describe('degenerate input', () => {
    it('rejects an empty series, NaN and Infinity with a clear message', () => {
      expect(() => detectChangePoints([])).toThrow(/empty series/);
      expect(() => detectChangePoints([1, NaN, 2])).toThrow(/non-finite value \(NaN\) at index 1/);
      expect(() => detectChangePoints([1, 2, Infinity])).toThrow(AnalyticsInputError);
    });

    it('returns one segment for a single point and for a constant series', () => {
      expect(detectChangePoints([4]).segments).toEqual([{ start: 0, end: 1, n: 1, mean: 4, std: 0 }]);
      for (const cost of ['mean', 'meanvar', 'var', 'robust', 'poisson'] as const) {
        expect(detectChangePoints(new Array(500).fill(7), { cost }).changepoints, cost).toEqual([]);
      }
    });

    it('rejects a minimum segment larger than the series, or too small for the cost', () => {
      expect(() => detectChangePoints([1, 2, 3], { minSize: 4 })).toThrow(/larger than the series/);
      expect(() => detectChangePoints([1, 2, 3, 4], { cost: 'meanvar', minSize: 1 })).toThrow(/at least 2/);
      expect(() => detectChangePoints([1], { cost: 'meanvar' })).toThrow(/needs at least 2 points/);
    });

    it('rejects unknown names and FPOP with a non-mean cost', () => {
      expect(() => detectChangePoints([1, 2], { cost: 'median' as never })).toThrow(/unknown cost/);
      expect(() => detectChangePoints([1, 2], { method: 'fast' as never })).toThrow(/unknown method/);
      expect(() => detectChangePoints([1, 2], { method: 'fpop', cost: 'var' })).toThrow(/mean cost only/);
      expect(() => detectChangePoints([1, 2], { noiseScale: 0 })).toThrow(/positive/);
    });
  });
});
