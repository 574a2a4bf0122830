import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { estimatePeriod, pointsToRefine, refinePeriod, seasonalShape } from './seasonal-baseline.js';

const series = (n: number, seed: number, value: (i: number, normal: () => number, previous: number) => number) => {
  const random = createRandom(seed);
  let previous = 0;
  return Float64Array.from({ length: n }, (_, i) => (previous = value(i, () => random.normal(), previous)));
};
const sine = (period: number, amplitude: number) => (i: number) => amplitude * Math.sin((2 * Math.PI * i) / period);

describe('seasonal baseline', () => {
  it('finds the period of a 3σ cycle in 400 points, not its multiples, through a trend', () => {
    for (let seed = 1; seed <= 20; seed++) {
      // The autocorrelation's peak is within a point; the lags 24, 48… of 16 cycles make it exact.
      for (const values of [
        series(400, seed, (i, normal) => sine(24, 3)(i) + normal()),
        series(400, seed, (i, normal) => sine(24, 3)(i) + 0.02 * i + normal()),
      ]) {
        const rough = estimatePeriod(values);
        expect(Math.abs(rough - 24)).toBeLessThanOrEqual(1);
        expect(refinePeriod(values, rough)).toBe(24);
      }
      // Two and a half cycles of 168: the peak is broad, within ±10 % (refinePeriod makes it exact later).
      const rough = estimatePeriod(series(400, seed, (i, normal) => sine(168, 3)(i) + normal()));
      expect(Math.abs(rough - 168)).toBeLessThanOrEqual(17);
    }
  });

  it('finds no period in noise, trends, heavy tails or counts, and rarely in AR(1) φ = 0.9 (20 series each)', () => {
    const t3 = (normal: () => number) => normal() / Math.sqrt((normal() ** 2 + normal() ** 2 + normal() ** 2) / 3);
    for (let seed = 1; seed <= 20; seed++) {
      expect(estimatePeriod(series(400, seed, (_i, normal) => normal()))).toBe(0);
      expect(estimatePeriod(series(400, seed, (i, normal) => 0.01 * i + normal()))).toBe(0);
      expect(estimatePeriod(series(400, seed, (_i, normal) => t3(normal)))).toBe(0);
      expect(estimatePeriod(series(400, seed, (_i, normal) => Math.round(3 + Math.abs(normal()))))).toBe(0);
    }
    let spurious = 0;
    for (let seed = 1; seed <= 20; seed++)
      if (estimatePeriod(series(400, seed, (_i, normal, p) => 0.9 * p + 0.436 * normal())) > 0) spurious++;
    expect(spurious).toBeLessThanOrEqual(2);
    expect(estimatePeriod(new Float64Array(400))).toBe(0);
    expect(estimatePeriod([1, 2, 3])).toBe(0);
  });

  it('refines a rough period to the exact one once 8 cycles are seen (period 168, 20 series)', () => {
    let exact = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const values = series(pointsToRefine(160), seed, (i, normal) => sine(168, 3)(i) + normal());
      if (refinePeriod(values, 160) === 168) exact++;
    }
    expect(exact).toBeGreaterThanOrEqual(19);
  });

  it("fits the cycle's shape, centred on 0, from a few cycles with a level and a trend", () => {
    const values = series(480, 3, (i, normal) => 10 + 0.01 * i + sine(48, 3)(i) + 0.3 * normal());
    const shape = seasonalShape(values, 48);
    expect(shape).toHaveLength(48);
    expect(Math.abs(shape.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9);
    for (let j = 0; j < 48; j++) expect(Math.abs(shape[j] - sine(48, 3)(j))).toBeLessThan(0.4);
    // An odd period: the moving average has no half weights.
    const odd = seasonalShape(
      series(350, 4, (i) => sine(35, 2)(i)),
      35,
    );
    for (let j = 0; j < 35; j++) expect(Math.abs(odd[j] - sine(35, 2)(j))).toBeLessThan(0.05);
  });
});
