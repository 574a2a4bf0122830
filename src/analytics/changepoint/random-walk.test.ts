import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { detectChangePoints } from './detect.js';
import { pruneWanderingChanges } from './random-walk.js';

/** Level = random walk with increments of SD `q` (plus `jump` from index `at`) and unit noise. */
function walk(n: number, q: number, seed: number, jump = 0, at = n): Float64Array {
  const random = createRandom(seed);
  let level = 0;
  return Float64Array.from(
    { length: n },
    (_, i) => (level += q * random.normal()) + (i >= at ? jump : 0) + random.normal(),
  );
}

/** AR(1) noise with coefficient `phi` and unit innovations, plus `jump` from index `at`. */
function autoregressive(n: number, phi: number, seed: number, jump: number, at: number): Float64Array {
  const random = createRandom(seed);
  let e = 0;
  return Float64Array.from({ length: n }, (_, i) => (e = phi * e + random.normal()) + (i >= at ? jump : 0));
}

describe('wandering level (random walk) in the default change points', () => {
  it('merges a walk cut in several places whole, and keeps a jump that stands out', () => {
    const values = walk(400, 0.3, 3, 8, 250);
    expect(pruneWanderingChanges(values, [60, 130, 250, 330], 18)).toEqual([250]);
  });

  it('leaves the changes alone on white noise and on AR(1) noise with steps', () => {
    const random = createRandom(4);
    const steps = Float64Array.from(
      { length: 300 },
      (_, i) => (i >= 100 ? 4 : 0) + (i >= 200 ? -4 : 0) + random.normal(),
    );
    expect(pruneWanderingChanges(steps, [100, 200], 17)).toEqual([100, 200]);
    const ar = autoregressive(400, 0.8, 5, 8, 200);
    expect(pruneWanderingChanges(ar, [200], 18)).toEqual([200]);
  });

  it('passing over the ratios whose bound is above the best walk so far changes nothing: 200 walks, AR(1) and steps, random changes and penalties', () => {
    let merged = 0;
    for (let seed = 0; seed < 200; seed++) {
      const random = createRandom(seed);
      const n = 30 + random.integer(400);
      const q = [0, 0.02, 0.1, 0.5][seed % 4];
      const phi = [0, 0.6, 0.9][seed % 3];
      let level = 0;
      let e = 0;
      const values = Float64Array.from(
        { length: n },
        (_, i) => (level += q * random.normal()) + (e = phi * e + random.normal()) + (i > n / 2 ? 3 * (seed % 2) : 0),
      );
      const picked = new Set<number>();
      const count = 1 + random.integer(Math.min(20, Math.floor(n / 10)));
      while (picked.size < count) picked.add(1 + random.integer(n - 2));
      const changes = [...picked].sort((a, b) => a - b);
      const penalty = [0, 6, 20, 60][seed % 4];
      const everyRatio = pruneWanderingChanges(values, changes, penalty, undefined, false);
      expect(pruneWanderingChanges(values, changes, penalty), `seed ${seed}`).toEqual(everyRatio);
      if (everyRatio.length < changes.length) merged++;
    }
    // Both outcomes occur: the walk merges in some, and leaves the changes in others.
    expect(merged).toBeGreaterThan(30);
    expect(merged).toBeLessThan(170);
  });

  it('a noisy random walk without jumps gets at most one change in most seeds; a 6σ jump is found', () => {
    let quiet = 0;
    for (let seed = 1; seed <= 20; seed++)
      if (detectChangePoints(walk(400, 0.1, seed)).changepoints.length <= 1) quiet++;
    expect(quiet).toBeGreaterThanOrEqual(18);
    const found = detectChangePoints(walk(400, 0.1, 5, 6, 200)).changepoints;
    expect(found.some((c) => Math.abs(c - 200) <= 2)).toBe(true);
  });
});
