import { describe, expect, it } from 'vitest';
import { MAD_TO_SD } from '../common/order-statistics.js';
import { createRandom } from '../common/random.js';
import { piecewiseGaussian } from '../common/synthetic.js';
import { detectChangePoints } from './detect.js';
import { rollingReference } from '../common/rolling-reference.js';
import { blockMeanScale, clipToRollingMedian, commonTrend, residualNoise } from './noise-model.js';

/** Stationary AR(1) with unit innovations, started from its stationary distribution. */
function ar1(n: number, phi: number, seed: number): Float64Array {
  const random = createRandom(seed);
  let e = random.normal() / Math.sqrt(1 - phi * phi);
  return Float64Array.from({ length: n }, () => (e = phi * e + random.normal()));
}

// The reproductions of issue 13: the earlier default (MAD of first differences) cut these into
// 39 and 17 segments.
describe('default change points on series that are not piecewise constant', () => {
  it('i + N(0, 0.1²) for i < 200: no change (a trend, not steps)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const random = createRandom(seed);
      const values = Array.from({ length: 200 }, (_, i) => i + 0.1 * random.normal());
      const r = detectChangePoints(values);
      expect(r.changepoints.length, `seed ${seed}`).toBeLessThanOrEqual(1);
      expect(r.trend).toBeCloseTo(1, 2);
    }
  });

  it('stationary AR(1), φ = 0.9, n = 300: at most one change in at least 9 seeds of 10', () => {
    let quiet = 0;
    for (let seed = 1; seed <= 10; seed++)
      if (detectChangePoints(ar1(300, 0.9, seed)).changepoints.length <= 1) quiet++;
    expect(quiet).toBeGreaterThanOrEqual(9);
    expect(detectChangePoints(ar1(300, 0.9, 1)).autocorrelation).toBeGreaterThan(0.6);
  });

  it('a spike on the first or last point, on flat noise or a trend, is no change (the newest point of a growing series)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const random = createRandom(100 + seed);
      const flat = Array.from({ length: 300 }, () => random.normal());
      const trend = Array.from({ length: 300 }, (_, i) => 0.05 * i + random.normal());
      for (const [name, values] of [
        ['flat', flat],
        ['trend', trend],
      ] as const) {
        for (const at of [0, 299]) {
          const spiked = [...values];
          spiked[at] += (seed % 2 ? 1 : -1) * (15 + seed);
          expect(detectChangePoints(spiked).changepoints, `${name}, seed ${seed}, spike at ${at}`).toEqual(
            detectChangePoints(values).changepoints,
          );
        }
      }
    }
  });

  it('a step under a repeating pattern (most differences equal, their MAD rounding error) is one change', () => {
    // (i % 3) · 0.1: the differences 0.1, 0.1, −0.2 have a MAD of ~4e-16 in doubles, not 0.
    const values = Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : 10) + (i % 3) * 0.1);
    const r = detectChangePoints(values);
    expect(r.changepoints).toEqual([50]);
    expect(r.clippedPoints).toBe(0);
  });

  it('still finds a clean step exactly, and several 4σ steps where they are', () => {
    const step = Array.from({ length: 200 }, (_, i) => (i < 120 ? 10 : 13) + 0.3 * createRandom(i).normal());
    expect(detectChangePoints(step).changepoints).toEqual([120]);
    const { values, changes } = piecewiseGaussian({ n: 1000, changes: 4, seed: 7, meanShift: 4 });
    for (const method of ['pelt', 'fpop'] as const)
      expect(detectChangePoints(values, { method }).changepoints, method).toEqual(changes);
    // Binary segmentation is greedy: the same changes, each within a point or two.
    const greedy = detectChangePoints(values, { method: 'binseg' }).changepoints;
    expect(greedy).toHaveLength(changes.length);
    greedy.forEach((c, i) => expect(Math.abs(c - changes[i])).toBeLessThanOrEqual(2));
  });

  it('ignores isolated spikes with the default (clipped) mean cost; clipOutliers: false keeps them', () => {
    const values = piecewiseGaussian({ n: 400, changes: 0, seed: 3 }).values;
    for (const i of [50, 150, 151, 300]) values[i] += 15;
    const r = detectChangePoints(values);
    expect(r.changepoints).toEqual([]);
    expect(r.clippedPoints).toBeGreaterThanOrEqual(4);
    expect(
      detectChangePoints(values, { clipOutliers: false, noiseModel: 'white', minSize: 1 }).changepoints.length,
    ).toBeGreaterThan(0);
  });

  it('noiseModel white and a given noiseScale keep the scale as given or as the MAD of differences', () => {
    const values = ar1(300, 0.9, 2);
    const white = detectChangePoints(values, { noiseModel: 'white' });
    expect(white.autocorrelation).toBe(0);
    expect(white.changepoints.length).toBeGreaterThan(1);
    expect(detectChangePoints(values, { noiseScale: 2.5 }).noiseScale).toBe(2.5);
    expect(() => detectChangePoints(values, { noiseModel: 'pink' as never })).toThrow(/unknown noise model/);
  });
});

describe('maxChanges and the method that ran', () => {
  const { values } = piecewiseGaussian({ n: 2000, changes: 6, seed: 11, meanShift: 3 });

  it('caps the number of changes for every search, raising the penalty of the exact ones', () => {
    for (const method of ['pelt', 'fpop', 'binseg', 'auto'] as const) {
      const r = detectChangePoints(values, { method, maxChanges: 2 });
      expect(r.changepoints.length, method).toBeLessThanOrEqual(2);
      expect(r.changepoints.length, method).toBeGreaterThan(0);
      if (method !== 'binseg') expect(r.penalty, method).toBeGreaterThan(detectChangePoints(values).penalty);
    }
    expect(detectChangePoints(values, { maxChanges: 0 }).changepoints).toEqual([]);
    expect(() => detectChangePoints(values, { maxChanges: -1 })).toThrow(/maxChanges/);
  });

  it('runs and reports exactly the method asked for (auto: fpop for the mean cost, pelt otherwise)', () => {
    expect(detectChangePoints(values).method).toBe('fpop');
    expect(detectChangePoints(values, { method: 'pelt' }).method).toBe('pelt');
    expect(detectChangePoints(values, { method: 'fpop' }).method).toBe('fpop');
    expect(detectChangePoints(values, { cost: 'meanvar' }).method).toBe('pelt');
    expect(detectChangePoints(values, { method: 'pelt' }).changepoints).toEqual(
      detectChangePoints(values, { method: 'fpop' }).changepoints,
    );
  });
});

describe('noise model parts', () => {
  it('clips a spike to the rolling median ± limit, keeps a step and the ends of a trend', () => {
    const out = new Float64Array(12);
    const spike = Float64Array.from({ length: 12 }, (_, i) => (i === 5 ? 10 : 0));
    expect(clipToRollingMedian(spike, 4, 1, out)).toBe(1);
    expect(out[5]).toBe(1);
    const step = Float64Array.from({ length: 12 }, (_, i) => (i < 6 ? 0 : 5));
    expect(clipToRollingMedian(step, 4, 1, out)).toBe(0);
    const trend = Float64Array.from({ length: 12 }, (_, i) => i);
    expect(clipToRollingMedian(trend, 4, 0.5, out)).toBe(0);
  });

  it('clips every point exactly as against the sorted window median (a neighbours’ robust line near the ends), ties and every half-window included; rollingReference is that reference', () => {
    const random = createRandom(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + random.integer(trial < 200 ? 40 : 600);
      // Half of the series quantised to halves (many equal values), a few large spikes.
      const quantised = trial % 2 === 0;
      const data = Float64Array.from({ length: n }, () => {
        const v = random.normal() * (random.next() < 0.05 ? 8 : 1);
        return quantised ? Math.round(v * 2) / 2 : v;
      });
      const h = random.integer(27);
      // Limits on the quantisation grid put values exactly at median ± limit (not moved).
      const limit = quantised && trial % 4 === 0 ? 0.5 * (1 + random.integer(3)) : 0.1 + 3 * random.next();
      const expected = new Float64Array(n);
      const reference = new Float64Array(n);
      let expectedMoved = 0;
      const median = (a: number[]) => {
        const s = [...a].sort((x, y) => x - y);
        return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
      };
      for (let i = 0; i < n; i++) {
        let m: number;
        if (h === 0 || n < 3) m = data[i];
        else if (i >= h && i < n - h) m = median(Array.from(data.subarray(i - h, i + h + 1)));
        else {
          // Near an end: the Theil–Sen line through the neighbours within h (the point left out), at i.
          const xs: number[] = [];
          for (let q = Math.max(0, i - h); q <= Math.min(n - 1, i + h); q++) if (q !== i) xs.push(q);
          const slopes = xs.flatMap((a, j) => xs.slice(j + 1).map((b) => (data[b] - data[a]) / (b - a)));
          const slope = slopes.length ? median(slopes) : 0;
          m = median(xs.map((q) => data[q] - slope * (q - i)));
        }
        reference[i] = m;
        expected[i] = data[i] > m + limit ? m + limit : data[i] < m - limit ? m - limit : data[i];
        if (expected[i] !== data[i]) expectedMoved++;
      }
      const out = new Float64Array(n);
      expect(clipToRollingMedian(data, h, limit, out), `trial ${trial}`).toBe(expectedMoved);
      expect(Array.from(out), `trial ${trial}`).toEqual(Array.from(expected));
      // The reference itself, bit for bit (the clipping copies series shorter than 3 instead).
      if (n >= 3 || h === 0) {
        const neighbours = new Float64Array(n);
        rollingReference(data, h, out, h > 0 ? neighbours : undefined);
        // (+ 0: a median of equal values may be −0 or 0, whichever the sort put in the middle.)
        expect(
          Array.from(out, (v) => v + 0),
          `trial ${trial}`,
        ).toEqual(Array.from(reference, (v) => v + 0));
        // Without the point itself: the median of the 2h neighbours (the same edge line near the ends).
        for (let i = h; h > 0 && i < n - h; i++) {
          const others = [...data.subarray(i - h, i), ...data.subarray(i + 1, i + h + 1)];
          expect(neighbours[i] + 0, `trial ${trial}, point ${i}`).toBe(median(others) + 0);
        }
        for (let i = 0; h > 0 && i < n; i++)
          if (i < h || i >= n - h) expect(neighbours[i] + 0, `trial ${trial}, end ${i}`).toBe(reference[i] + 0);
      }
    }
  });

  it('measures the residual autocorrelation within segments and the common slope across them', () => {
    const noise = residualNoise(ar1(5000, 0.5, 3), []);
    expect(noise.phi).toBeGreaterThan(0.45);
    expect(noise.phi).toBeLessThan(0.55);
    expect(noise.longRun / noise.sd).toBeCloseTo(Math.sqrt(1.5 / 0.5), 0);
    // Slope 0.5 inside two segments at very different levels: the level shift does not bias it.
    const values = Float64Array.from({ length: 100 }, (_, i) => 0.5 * i + (i < 50 ? 0 : 1000));
    expect(commonTrend(values, [50]).slope).toBeCloseTo(0.5, 12);
  });

  it('residualNoise equals its definition computed pass by pass: winsorised at 3 MAD SDs, lag pairs within segments', () => {
    const sortedMedian = (xs: number[]) => {
      const a = xs.slice().sort((x, y) => x - y);
      return a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    };
    const reference = (data: Float64Array, changes: number[]) => {
      const n = data.length;
      const bounds = [0, ...changes, n];
      const residuals: number[] = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        const part = Array.from(data.subarray(bounds[k], bounds[k + 1]));
        let mean = 0;
        for (const x of part) mean += x;
        mean /= part.length;
        for (const x of part) residuals.push(x - mean);
      }
      const limit = 3 * MAD_TO_SD * sortedMedian(residuals.map(Math.abs));
      const kept = limit > 0 ? residuals.map((r) => Math.min(limit, Math.max(-limit, r))) : residuals;
      let squares = 0;
      let lagged = 0;
      for (let k = 0; k + 1 < bounds.length; k++) {
        squares += kept[bounds[k]] * kept[bounds[k]];
        for (let i = bounds[k] + 1; i < bounds[k + 1]; i++) {
          squares += kept[i] * kept[i];
          lagged += kept[i] * kept[i - 1];
        }
      }
      const segments = changes.length + 1;
      const sd = Math.sqrt(squares / (n - segments));
      let phi = squares > 0 ? lagged / squares : 0;
      phi = Math.min(Math.max(phi + (1 + 3 * Math.max(phi, 0)) / (n / segments), 0), 0.98);
      return { sd, phi, longRun: sd * Math.sqrt((1 + phi) / (1 - phi)) };
    };
    const spiky = ar1(3000, 0.3, 8).map((x, i) => x + (i % 97 === 0 ? 40 : 0) + (i >= 1000 ? 5 : 0));
    const quantised = Float64Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? 1 : 0) + (i >= 200 ? 3 : 0));
    for (const [data, changes] of [
      [spiky, [1000]],
      [spiky, [500, 1000, 2999]],
      [quantised, [200]],
      // More than half the residuals exactly 0: no limit, nothing winsorised.
      [Float64Array.from({ length: 400 }, (_, i) => (i < 300 ? 2 : i % 5)), [300]],
    ] as [Float64Array, number[]][])
      expect(residualNoise(data, changes)).toEqual(reference(data, changes));
  });

  it('sees autocorrelation in block means and ignores a level shift', () => {
    const white = piecewiseGaussian({ n: 4000, changes: 1, seed: 5, meanShift: 10 }).values;
    expect(blockMeanScale(white, 63)).toBeGreaterThan(0.8);
    expect(blockMeanScale(white, 63)).toBeLessThan(1.25);
    // AR(1) φ = 0.8: long-run SD 1/(1 − φ) = 5.
    expect(blockMeanScale(ar1(20000, 0.8, 4), 141)).toBeGreaterThan(3.5);
    expect(blockMeanScale(new Float64Array(10), 5)).toBe(0);
  });
});
