import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { detectChangePoints } from './detect.js';
import { pruneWanderingChanges, wanderingNoise } from './random-walk.js';

/** Level = random walk with increments of SD `q` (plus `jump` from index `at`) and unit noise. */
function walk(n: number, q: number, seed: number, jump = 0, at = n): Float64Array {
  const random = createRandom(seed);
  let level = 0;
  return Float64Array.from(
    { length: n },
    (_, i) => (level += q * random.normal()) + (i >= at ? jump : 0) + random.normal(),
  );
}

describe('wandering level (random walk) in the default change points', () => {
  it('reads the walk from the variogram, and none from white noise', () => {
    const w = wanderingNoise(walk(4000, 0.3, 1), [], 10);
    expect(w.walkVariance).toBeGreaterThan(0.05);
    expect(w.walkVariance).toBeLessThan(0.2);
    expect(w.noiseVariance).toBeGreaterThan(0.7);
    expect(wanderingNoise(walk(4000, 0, 2), [], 10).walkVariance).toBeLessThan(0.005);
  });

  it('drops a cut that the wandering explains and keeps a jump that stands out', () => {
    const values = walk(400, 0.1, 3, 6, 250);
    const noise = { noiseVariance: 1, walkVariance: 0.01 };
    expect(pruneWanderingChanges(values, [100, 250], 18, noise)).toEqual([250]);
    expect(pruneWanderingChanges(values, [100, 250], 18, { noiseVariance: 1, walkVariance: 0 })).toEqual([100, 250]);
  });

  it('a noisy random walk without jumps gets at most one change in most seeds; a 6σ jump is found', () => {
    let quiet = 0;
    for (let seed = 1; seed <= 20; seed++)
      if (detectChangePoints(walk(400, 0.1, seed)).changepoints.length <= 1) quiet++;
    expect(quiet).toBeGreaterThanOrEqual(15);
    const found = detectChangePoints(walk(400, 0.1, 5, 6, 200)).changepoints;
    expect(found.some((c) => Math.abs(c - 200) <= 2)).toBe(true);
  });
});
