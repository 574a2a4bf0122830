import { describe, expect, it } from 'vitest';
import { AnalyticsInputError } from '../common/errors.js';
import { createRandom } from '../common/random.js';
import { bocpdChangePoints } from './bocpd-segmentation.js';

/** Gaussian noise with the given means, each held for its length. */
function steps(seed: number, ...segments: [length: number, mean: number][]): Float64Array {
  const random = createRandom(seed);
  return Float64Array.from(segments.flatMap(([length, mean]) => Array.from({ length }, () => mean + random.normal())));
}

describe('BOCPD change points (MAP segmentation of the run-length posterior)', () => {
  it('puts a change at the index of the first point of the new segment, without a bias (100 series)', () => {
    const errors: number[] = [];
    let extra = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const found = bocpdChangePoints(steps(seed, [200, 0], [200, 3], [200, 0]));
      for (const truth of [200, 400]) {
        const near = found.filter((c) => Math.abs(c - truth) <= 3);
        expect(near, `seed ${seed}`).toHaveLength(1);
        errors.push(near[0] - truth);
      }
      extra += found.length - 2;
    }
    expect(extra).toBeLessThanOrEqual(3);
    // Before the refinement 93 of 200 were one early and 4 one late.
    expect(errors.filter((e) => e === 0).length).toBeGreaterThanOrEqual(170);
    expect(Math.abs(errors.reduce((a, b) => a + b, 0) / errors.length)).toBeLessThan(0.1);
  });

  it('finds every 3 SD step between long segments, also a step back to an earlier level', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const found = bocpdChangePoints(steps(seed, [500, 0], [500, 3], [500, 0]));
      expect(found.length, `seed ${seed}`).toBe(2);
      expect(Math.abs(found[0] - 500)).toBeLessThanOrEqual(2);
      expect(Math.abs(found[1] - 1000)).toBeLessThanOrEqual(2);
    }
    const found = bocpdChangePoints(steps(4, [300, 10], [300, 7], [300, 13], [300, 10]));
    expect(found.map((c, i) => Math.abs(c - 300 * (i + 1)) <= 3)).toEqual([true, true, true]);
  });

  it('reports no change on stationary noise in most series, and keeps segments of at least minSize', () => {
    let changes = 0;
    for (let seed = 1; seed <= 50; seed++) changes += bocpdChangePoints(steps(100 + seed, [600, 5])).length;
    expect(changes).toBeLessThanOrEqual(2);
    const withShort = bocpdChangePoints(steps(8, [100, 0], [3, 8], [100, 0]), { minSize: 5 });
    expect(withShort.every((c, i) => c - (i ? withShort[i - 1] : 0) >= 5)).toBe(true);
  });

  it('reports no change for isolated spikes (30 series), and still finds a 3 SD step among them', () => {
    let changes = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const values = steps(200 + seed, [800, 0]);
      // Single-point spikes of 6 to 15 SD, up and down.
      for (const [at, size] of [
        [100, 8],
        [250, -12],
        [400, 15],
        [401, 6],
        [650, -9],
      ])
        values[at] += size;
      changes += bocpdChangePoints(values).length;
    }
    expect(changes).toBeLessThanOrEqual(1);
    for (let seed = 1; seed <= 10; seed++) {
      const values = steps(300 + seed, [400, 0], [400, 3]);
      for (const [at, size] of [
        [100, 10],
        [600, -10],
      ])
        values[at] += size;
      const found = bocpdChangePoints(values);
      expect(found.length, `seed ${seed}`).toBe(1);
      expect(Math.abs(found[0] - 400), `seed ${seed}`).toBeLessThanOrEqual(2);
    }
  });

  it("takes a given noise scale (the prior learns each segment's variance, so the step stays) and refuses bad options", () => {
    expect(bocpdChangePoints(steps(2, [300, 0], [300, 3]), { noiseScale: 1 })).toEqual([300]);
    expect(bocpdChangePoints(steps(2, [300, 0], [300, 3]), { noiseScale: 10 })).toEqual([300]);
    expect(() => bocpdChangePoints(new Float64Array(10), { minSize: 0 })).toThrow(AnalyticsInputError);
    expect(() => bocpdChangePoints(new Float64Array(10), { noiseScale: -1 })).toThrow(/noiseScale/);
    expect(bocpdChangePoints(new Float64Array(0))).toEqual([]);
  });
});
