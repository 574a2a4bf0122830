import { describe, expect, it } from 'vitest';
import { createCost } from './costs.js';
import { optimalPartitioning } from './optimal-partitioning.js';
import { segmentationCost } from './search.js';

describe('optimal partitioning', () => {
  it('finds the hand-checked optimum of a tiny series', () => {
    // [1,1,1,5,5,5]: one change at 3 costs 0 + β; no change costs Σ(x − 3)² = 24.
    const cost = createCost('mean', Float64Array.from([1, 1, 1, 5, 5, 5]));
    expect(optimalPartitioning({ cost, penalty: 10, minSize: 1 })).toEqual({ changes: [3], cost: 10 });
    // With β = 30 the change is not worth its penalty.
    expect(optimalPartitioning({ cost, penalty: 30, minSize: 1 })).toEqual({ changes: [], cost: 24 });
  });

  it('beats or equals every other segmentation (exhaustive check on 10 points)', () => {
    const x = Float64Array.from([0.3, -0.2, 2.1, 2.4, 1.9, -1, -0.7, 3, 3.2, 2.8]);
    const cost = createCost('mean', x);
    const best = optimalPartitioning({ cost, penalty: 1.5, minSize: 2 });
    for (let mask = 0; mask < 1 << 9; mask++) {
      const changes = [...Array(9).keys()].map((i) => i + 1).filter((c) => mask & (1 << (c - 1)));
      const lengths = [...changes, 10].map((c, i, a) => c - (i ? a[i - 1] : 0));
      if (lengths.some((l) => l < 2)) continue;
      expect(best.cost).toBeLessThanOrEqual(segmentationCost(cost, changes, 1.5) + 1e-12);
    }
    expect(best.cost).toBeCloseTo(segmentationCost(cost, best.changes, 1.5), 12);
  });
});
