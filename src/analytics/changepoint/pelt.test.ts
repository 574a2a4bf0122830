import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { COST_KINDS, createCost, type SegmentCost } from './costs.js';
import { optimalPartitioning } from './optimal-partitioning.js';
import { penaltyValue } from './penalties.js';
import { pelt } from './pelt.js';
import { ChangePointWorkspace } from './workspace.js';

/** A random series with a few random shifts in mean and scale (short ones by default). */
function randomSeries(
  seed: number,
  poisson: boolean,
  { minLength = 20, extraLength = 130, changeRate = 0.04 } = {},
): Float64Array {
  const random = createRandom(seed);
  const n = minLength + random.integer(extraLength);
  const x = new Float64Array(n);
  let mean = 0;
  let scale = 1;
  for (let i = 0; i < n; i++) {
    if (random.next() < changeRate) {
      mean = random.normal() * 3;
      scale = 0.3 + random.next() * 3;
    }
    x[i] = poisson ? Math.round(Math.abs(mean) * 2 + random.next() * 3 * scale) : mean + scale * random.normal();
  }
  return x;
}

/** `cost` with every evaluation counted (single costs and batches): `evaluations()` since the last `reset()`. */
function countingCost(cost: SegmentCost): { counting: SegmentCost; evaluations: () => number; reset: () => void } {
  let evaluations = 0;
  const counting = Object.assign(Object.create(Object.getPrototypeOf(cost) as object) as SegmentCost, cost, {
    cost(start: number, end: number) {
      evaluations++;
      return cost.cost(start, end);
    },
    costsEndingAt(end: number, starts: Int32Array, count: number, out: Float64Array) {
      evaluations += count;
      cost.costsEndingAt(end, starts, count, out);
    },
  });
  return { counting, evaluations: () => evaluations, reset: () => (evaluations = 0) };
}

describe('PELT', () => {
  it('returns exactly the optimal-partitioning segmentation on 600 random series (every cost, penalty and min size)', () => {
    const penalties = ['bic', 'mbic', 'aic', 'hq', 0.5] as const;
    let withChanges = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const kind = COST_KINDS[seed % COST_KINDS.length];
      const x = randomSeries(seed, kind === 'poisson');
      const cost = createCost(kind, x);
      const minSize = Math.max(cost.shortestSegment, 1 + (seed % 4));
      const penalty = penaltyValue(penalties[seed % penalties.length], x.length, cost.parametersPerChange);
      const exact = optimalPartitioning({ cost, penalty, minSize });
      const pruned = pelt({ cost, penalty, minSize });
      expect(pruned.changes, `seed ${seed} ${kind}`).toEqual(exact.changes);
      expect(pruned.cost).toBeCloseTo(exact.cost, 6);
      if (exact.changes.length > 0) withChanges++;
    }
    // The property is only meaningful if most series do have change points.
    expect(withChanges).toBeGreaterThan(400);
  });

  it('block bounds change nothing: equal to optimal partitioning and to plain PELT on 160 longer series, any leaf size, one shared workspace', () => {
    // Long change-free stretches are where the bounds skip most candidates, so use few changes.
    const workspace = new ChangePointWorkspace();
    const kinds = ['mean', 'meanvar', 'var', 'poisson'] as const;
    const penalties = ['mbic', 'bic', 'aic', 2] as const;
    let skippedSome = 0;
    for (let seed = 1; seed <= 160; seed++) {
      const kind = kinds[seed % kinds.length];
      const x = randomSeries(1000 + seed, kind === 'poisson', { minLength: 300, extraLength: 700, changeRate: 0.006 });
      const n = x.length;
      const cost = createCost(kind, x);
      const minSize = Math.max(cost.shortestSegment, 1 + (seed % 3));
      const penalty = penaltyValue(penalties[seed % penalties.length], n, cost.parametersPerChange);
      const exact = optimalPartitioning({ cost, penalty, minSize });
      const plain = pelt({ cost, penalty, minSize, leafSize: 0 });
      expect(plain.changes, `seed ${seed} ${kind} plain`).toEqual(exact.changes);
      const { counting, evaluations, reset } = countingCost(cost);
      for (const leafSize of [1, 3, 16, 24]) {
        reset();
        const bounded = pelt({ cost: counting, penalty, minSize, leafSize, workspace });
        expect(bounded.changes, `seed ${seed} ${kind} leaf ${leafSize}`).toEqual(exact.changes);
        expect(bounded.cost).toBe(plain.cost);
        if (leafSize === 3 && evaluations() < n * 20) skippedSome++;
      }
    }
    // The bounds must actually skip work on most series, or this test checks nothing.
    expect(skippedSome).toBeGreaterThan(100);
  });

  it('mean cost, reused bounds and hot candidates: equal to plain PELT on long staircases, trends, AR(1) noise and spikes, with far fewer evaluations', () => {
    // Thousands of points between changes: most blocks are passed over on their reused bounds and
    // the candidates near each change are looked at directly, which is what this checks.
    const workspace = new ChangePointWorkspace();
    let fewer = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const random = createRandom(5000 + seed);
      const n = 3000 + random.integer(3000);
      const x = new Float64Array(n);
      const shape = seed % 4; // 0 staircase, 1 trend, 2 AR(1) noise, 3 spikes
      let level = 0;
      let noise = 0;
      for (let i = 0; i < n; i++) {
        if (random.next() < 0.001) level = random.normal() * 2;
        noise = (shape === 2 ? 0.8 * noise : 0) + random.normal();
        x[i] = level + noise + (shape === 1 ? 0.002 * i : 0) + (shape === 3 && random.next() < 0.01 ? 8 : 0);
      }
      const cost = createCost('mean', x);
      const { counting, evaluations, reset } = countingCost(cost);
      const minSize = 1 + (seed % 5);
      const penalty = penaltyValue(seed % 2 ? 'mbic' : 'bic', n, 1);
      const plain = pelt({ cost: counting, penalty, minSize, leafSize: 0 });
      const plainEvaluations = evaluations();
      for (const leafSize of [1, 16]) {
        reset();
        const bounded = pelt({ cost: counting, penalty, minSize, leafSize, workspace });
        expect(bounded.changes, `seed ${seed} leaf ${leafSize}`).toEqual(plain.changes);
        expect(bounded.cost).toBe(plain.cost);
        // (AR(1) noise on the unit-noise cost is cut into many segments, which plain PELT prunes well.)
        if (leafSize === 16 && shape !== 2 && evaluations() * 10 < plainEvaluations) fewer++;
      }
    }
    expect(fewer).toBe(18);
  });

  it('variance costs, bounds reused up to their horizons: equal to plain PELT on long series with spread changes, quiet and constant stretches, with far fewer evaluations', () => {
    // Quiet stretches (spread 0.1 on the unit scale) make values fall as segments grow, so bounds
    // expire at once there; constant stretches hit the variance floor.
    const workspace = new ChangePointWorkspace();
    let fewer = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const random = createRandom(7000 + seed);
      const n = 2000 + random.integer(2000);
      const x = new Float64Array(n);
      let spread = 1;
      let level = 0;
      for (let i = 0; i < n; i++) {
        if (random.next() < 0.0015) spread = [0.1, 0.5, 1, 2, 4][random.integer(5)];
        if (seed % 4 === 1 && random.next() < 0.001) level = random.normal() * 2;
        x[i] = seed % 4 === 3 && i > n / 2 && i < n / 2 + 200 ? 0.5 : level + spread * random.normal();
      }
      for (const kind of ['meanvar', 'var'] as const) {
        const cost = createCost(kind, x);
        const { counting, evaluations, reset } = countingCost(cost);
        const minSize = 2 + (seed % 4);
        const penalty = penaltyValue(seed % 2 ? 'mbic' : 'bic', n, cost.parametersPerChange);
        const plain = pelt({ cost: counting, penalty, minSize, leafSize: 0 });
        const plainEvaluations = evaluations();
        for (const leafSize of [1, 24]) {
          reset();
          const bounded = pelt({ cost: counting, penalty, minSize, leafSize, workspace });
          expect(bounded.changes, `seed ${seed} ${kind} leaf ${leafSize}`).toEqual(plain.changes);
          expect(bounded.cost).toBe(plain.cost);
          if (leafSize === 24 && evaluations() * 10 < plainEvaluations) fewer++;
        }
      }
    }
    expect(fewer).toBe(16);
  });

  it('respects the minimum segment length', () => {
    const x = Float64Array.from([0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 5, 5, 5, 5]);
    const cost = createCost('mean', x);
    const { changes } = pelt({ cost, penalty: 1, minSize: 3 });
    let start = 0;
    for (const c of [...changes, x.length]) {
      expect(c - start).toBeGreaterThanOrEqual(3);
      start = c;
    }
    expect(changes).toContain(10);
  });
});
