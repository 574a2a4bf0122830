import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { rollingReference } from '../common/rolling-reference.js';
import { robustScale } from './robust-z.js';
import { cycleProfile, findCycle, longestCycle } from './seasonal.js';

/** The period findCycle sees in the residuals of a series from its neighbours' median (h = 5), as localOutlierScores does. */
function periodOf(values: Float64Array): number {
  const local = new Float64Array(values.length);
  const others = new Float64Array(values.length);
  rollingReference(values, 5, local, others);
  const residuals = values.map((v, k) => v - others[k]);
  const { median, scale } = robustScale(residuals);
  return findCycle(residuals, longestCycle(5), median, scale);
}

const series = (n: number, at: (i: number, normal: () => number) => number, seed: number) => {
  const random = createRandom(seed);
  return Float64Array.from({ length: n }, (_, i) => at(i, () => random.normal()));
};

describe('cycles the rolling median cannot follow', () => {
  it('finds the period of a short cycle, not a multiple of it, also with spikes and a level shift', () => {
    // (Longer cycles leave little in the residuals: the median of 11 follows them.)
    for (const period of [3, 7, 9, 12])
      for (let seed = 1; seed <= 5; seed++) {
        const values = series(
          300,
          (i, normal) => 2 * Math.sin((2 * Math.PI * i) / period) + (i > 150 ? 6 : 0) + normal(),
          seed,
        );
        values[40] += 10;
        values[41 + period] -= 10;
        expect(periodOf(values), `period ${period}, seed ${seed}`).toBe(period);
      }
  });

  it('finds none in series without a cycle: noise, steps, trends, random walks, AR(1), heavy tails, ties', () => {
    const kinds: [string, (i: number, normal: () => number) => number][] = [
      ['white noise', (_, normal) => normal()],
      ['level shift', (i, normal) => (i > 120 ? 5 : 0) + normal()],
      ['trend', (i, normal) => 0.05 * i + normal()],
      ['quantised', (_, normal) => Math.round(normal())],
      ['heavy tails', (_, normal) => normal() / Math.sqrt((normal() ** 2 + normal() ** 2 + normal() ** 2) / 3)],
    ];
    for (const [name, at] of kinds)
      for (let seed = 1; seed <= 40; seed++) expect(periodOf(series(400, at, seed)), `${name} ${seed}`).toBe(0);
    for (let seed = 1; seed <= 40; seed++) {
      let walk = 0;
      let ar = 0;
      expect(periodOf(series(400, (_, normal) => (walk += 0.5 * normal()) + normal(), seed)), `walk ${seed}`).toBe(0);
      expect(periodOf(series(400, (_, normal) => (ar = 0.9 * ar + normal()), seed)), `AR(1) ${seed}`).toBe(0);
    }
  });

  it('tries only periods with four cycles in the series, and finds a noise-free cycle', () => {
    const cycle = Float64Array.from({ length: 40 }, (_, i) => [0, 3, 1, -2, 0][i % 5]);
    expect(findCycle(cycle, 10, 0, 1)).toBe(5);
    // Eleven values hold two cycles of 5 only.
    expect(findCycle(cycle.subarray(0, 11), 10, 0, 1)).toBe(0);
    expect(findCycle(new Float64Array(40), 10, 0, 0)).toBe(0);
  });

  it('profiles a cycle by the median value at each phase', () => {
    const values = Float64Array.from([1, 5, 9, 2, 6, 10, 3, 70, 11, 4]);
    expect(Array.from(cycleProfile(values, 3))).toEqual([2.5, 6, 10]);
  });
});
