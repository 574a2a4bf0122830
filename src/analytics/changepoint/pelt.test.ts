import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { COST_KINDS, createCost } from './costs.js';
import { optimalPartitioning } from './optimal-partitioning.js';
import { penaltyValue } from './penalties.js';
import { pelt } from './pelt.js';

/** A short random series with a few random shifts in mean and scale. */
function randomSeries(seed: number, poisson: boolean): Float64Array {
  const random = createRandom(seed);
  const n = 20 + random.integer(130);
  const x = new Float64Array(n);
  let mean = 0;
  let scale = 1;
  for (let i = 0; i < n; i++) {
    if (random.next() < 0.04) {
      mean = random.normal() * 3;
      scale = 0.3 + random.next() * 3;
    }
    x[i] = poisson ? Math.round(Math.abs(mean) * 2 + random.next() * 3 * scale) : mean + scale * random.normal();
  }
  return x;
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
