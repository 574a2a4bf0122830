import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { STEP_SPAN, StepTest } from './step-test.js';

/** Feeds 1 500 white-noise deviations (scale 1), shifted by `shift` from point 1 000 (with `spike` added there); the smallest log tail of the 32 points from 1 000. */
function smallestTailAfter(seed: number, shift: number, spike = 0): number {
  const random = createRandom(seed);
  const test = new StepTest(1 / 1000);
  let previous = 0;
  let smallest = 0;
  for (let i = 0; i < 1500; i++) {
    const x = random.normal() + (i >= 1000 ? shift : 0) + (i === 1000 ? spike : 0);
    const judged = test.judge(x, previous, 1);
    if (i >= 1000 && i < 1000 + STEP_SPAN) smallest = Math.min(smallest, judged.logTail);
    test.absorb(x, previous, judged);
    previous = x;
  }
  return smallest;
}

describe('step test', () => {
  it('sees a 1.5σ shift of the mean within 32 points; a single point, however large, is not a step', () => {
    for (let seed = 1; seed <= 10; seed++) {
      expect(smallestTailAfter(seed, 1.5)).toBeLessThan(Math.log(1e-6));
      // Clipped to 4.5σ, one point (with the noise after it) stays above the default threshold 1e-4 / 3.
      expect(smallestTailAfter(seed, 0, 1000)).toBeGreaterThan(Math.log(1e-4 / 3));
    }
    // No opinion before 100 points of history.
    expect(new StepTest(1 / 1000).judge(50, 0, 1).logTail).toBe(Math.log(0.5));
  });

  it('restores its JSON state exactly and rejects a damaged one', () => {
    const random = createRandom(2);
    const test = new StepTest(1 / 1000);
    let previous = 0;
    for (let i = 0; i < 300; i++) {
      const x = random.normal();
      test.absorb(x, previous, test.judge(x, previous, 1));
      previous = x;
    }
    const copy = new StepTest(1 / 1000);
    expect(copy.restore(JSON.parse(JSON.stringify(test.toJSON())))).toBe(true);
    expect(copy.judge(3, previous, 1)).toEqual(test.judge(3, previous, 1));
    expect(copy.restore({ ...test.toJSON(), recent: [1, 'x'] })).toBe(false);
    expect(copy.restore(null)).toBe(false);
  });
});
