import { describe, expect, it } from 'vitest';
import { quantileSorted } from '../common/order-statistics.js';
import { createRandom } from '../common/random.js';
import { mannKendall } from './mann-kendall.js';
import { ewma, rollingMean, rollingMedian, rollingQuantile } from './smoothing.js';
import { theilSen } from './theil-sen.js';

const SMALL = [4.1, 5.0, 4.8, 6.2, 5.9, 7.1, 6.6, 7.9, 8.4, 8.0, 9.3, 9.1, 9.1, 10.5, 10.2];

/** R datasets::Nile (annual flow at Aswan 1871–1970), see changepoint/detect.test.ts. */
const NILE = [
  1120, 1160, 963, 1210, 1160, 1160, 813, 1230, 1370, 1140, 995, 935, 1110, 994, 1020, 960, 1180, 799, 958, 1140, 1100,
  1210, 1150, 1250, 1260, 1220, 1030, 1100, 774, 840, 874, 694, 940, 833, 701, 916, 692, 1020, 1050, 969, 831, 726, 456,
  824, 702, 1120, 1100, 832, 764, 821, 768, 845, 864, 862, 698, 845, 744, 796, 1040, 759, 781, 865, 845, 944, 984, 897,
  822, 1010, 771, 676, 649, 846, 812, 742, 801, 1040, 860, 874, 848, 890, 744, 749, 838, 1050, 918, 986, 797, 923, 975,
  815, 1020, 906, 901, 1170, 912, 746, 919, 718, 714, 740,
];

describe('Mann–Kendall', () => {
  it('agrees with the textbook formulas on the Nile series (reference: numpy double loop for S, ties-corrected Var(S), scipy.stats.norm.sf for p)', () => {
    // Python 3.11: S = Σ sign(y[j] − y[i]) = −1387, Var = (n(n−1)(2n+5) − Σt(t−1)(2t+5))/18 = 112728.333…,
    // z = (S + 1)/√Var = −4.128066522844101, p = 2·norm.sf(|z|) = 3.658262921664327e-05, τ = −0.2802020202…
    const r = mannKendall(NILE);
    expect(r.s).toBe(-1387);
    expect(r.variance).toBeCloseTo(112728.33333333333, 6);
    expect(r.z).toBeCloseTo(-4.128066522844101, 10);
    expect(r.pValue).toBeCloseTo(3.658262921664327e-5, 9);
    expect(r.tau).toBeCloseTo(-0.2802020202020202, 12);
  });

  it('matches Kendall τ (scipy.stats.kendalltau = 0.861253877644822 with one tie) and a brute-force S on random data', () => {
    const r = mannKendall(SMALL);
    expect(r.s).toBe(90); // 105 pairs, one tied
    // τ-b = S / √((N − 0)(N − 1)) with N = 105 pairs and one tied pair in y.
    expect(r.s / Math.sqrt(105 * 104)).toBeCloseTo(0.861253877644822, 12);
    const random = createRandom(3);
    const values = Array.from({ length: 300 }, () => Math.round(random.normal() * 5));
    let s = 0;
    for (let i = 0; i < values.length; i++)
      for (let j = i + 1; j < values.length; j++) s += Math.sign(values[j] - values[i]);
    expect(mannKendall(values).s).toBe(s);
  });

  it('handles degenerate input: constant series (no trend), too few points and NaN', () => {
    expect(mannKendall([3, 3, 3, 3])).toMatchObject({ s: 0, variance: 0, z: 0, pValue: 1 });
    expect(() => mannKendall([1])).toThrow(/at least 2 points/);
    expect(() => mannKendall([1, NaN, 3])).toThrow(/non-finite/);
  });
});

describe('Theil–Sen', () => {
  it('matches scipy.stats.theilslopes(y, x, 0.95) on a hand-sized series', () => {
    // scipy 1.17: slope 0.44, intercept 4.82, interval [0.375, 0.49230769230769234]
    const r = theilSen(SMALL);
    expect(r.slope).toBeCloseTo(0.44, 12);
    expect(r.intercept).toBeCloseTo(4.82, 12);
    expect(r.lower).toBeCloseTo(0.375, 12);
    expect(r.upper).toBeCloseTo(0.49230769230769234, 12);
  });

  it('matches scipy on the Nile series: slope −2.6, interval [−3.6279…, −1.4286]', () => {
    const r = theilSen(
      NILE,
      NILE.map((_, i) => 1871 + i),
    );
    expect(r.slope).toBeCloseTo(-2.6, 12);
    expect(r.lower).toBeCloseTo(-3.627906976744186, 12);
    expect(r.upper).toBeCloseTo(-1.4285714285714286, 12);
    expect(r.pairs).toBe((100 * 99) / 2);
  });

  it('is exact on long series: the same slope and interval as every pair sorted (the quadratic definition)', () => {
    const random = createRandom(8);
    const n = 1500;
    const y = Array.from({ length: n }, (_, i) => 0.01 * i + random.normal());
    const r = theilSen(y);
    const sorted = new Float64Array((n * (n - 1)) / 2);
    for (let i = 0, k = 0; i < n; i++) for (let j = i + 1; j < n; j++) sorted[k++] = (y[j] - y[i]) / (j - i);
    sorted.sort();
    expect(r.pairs).toBe(sorted.length);
    expect(r.slope).toBe(quantileSorted(sorted, 0.5));
    expect(sorted.includes(r.lower) && sorted.includes(r.upper)).toBe(true);
    expect(r.lower).toBeLessThan(r.slope);
    expect(r.upper).toBeGreaterThan(r.slope);
  });

  it('rejects mismatched lengths, one point and identical x', () => {
    expect(() => theilSen([1, 2], [1])).toThrow(/x has 1 values/);
    expect(() => theilSen([1])).toThrow(/at least 2 points/);
    expect(() => theilSen([1, 2], [5, 5])).toThrow(/distinct x/);
  });
});

describe('smoothing', () => {
  it('EWMA follows its recursion and skips NaN', () => {
    expect(Array.from(ewma([1, 3, NaN, 5], 0.5))).toEqual([1, 2, 2, 3.5]);
    expect(() => ewma([1], 0)).toThrow(/alpha/);
  });

  it('rolling mean, median and quantile match pandas-style trailing windows', () => {
    const x = [1, 5, 2, 8, NaN, 3, 9];
    expect(Array.from(rollingMean(x, { window: 3 }))).toEqual([NaN, NaN, 8 / 3, 5, NaN, NaN, NaN]);
    expect(Array.from(rollingMean(x, { window: 3, minPeriods: 2 }))).toEqual([NaN, 3, 8 / 3, 5, 5, 5.5, 6]);
    expect(Array.from(rollingMedian(x, { window: 3, minPeriods: 1 }))).toEqual([1, 3, 2, 5, 5, 5.5, 6]);
    // numpy.quantile([2, 8, 3], 0.9) = 7.0
    expect(rollingQuantile([1, 2, 8, 3], 0.9, { window: 3 })[3]).toBeCloseTo(7, 12);
    expect(() => rollingMean(x, { window: 0 })).toThrow(/window/);
  });
});
