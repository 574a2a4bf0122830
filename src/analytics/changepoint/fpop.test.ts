import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { piecewiseGaussian } from '../common/synthetic.js';
import { createCost } from './costs.js';
import { fpop } from './fpop.js';
import { optimalPartitioning } from './optimal-partitioning.js';

describe('FPOP', () => {
  it('returns exactly the optimal-partitioning segmentation for the mean cost on 400 random series', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const random = createRandom(seed);
      const n = 10 + random.integer(190);
      const { values } = piecewiseGaussian({ n, changes: random.integer(5), seed, meanShift: 0.5 + random.next() * 3, minGap: 3 });
      const minSize = 1 + (seed % 5);
      const penalty = [0.5, 2 * Math.log(n), 3 * Math.log(n), 10][seed % 4];
      const exact = optimalPartitioning({ cost: createCost('mean', values), penalty, minSize });
      const functional = fpop({ data: values, penalty, minSize });
      expect(functional.changes, `seed ${seed}`).toEqual(exact.changes);
      expect(functional.cost).toBeCloseTo(exact.cost, 6);
    }
  });

  it('handles a constant series and a series shorter than two minimum segments', () => {
    expect(fpop({ data: new Float64Array(50).fill(3), penalty: 5, minSize: 1 }).changes).toEqual([]);
    expect(fpop({ data: Float64Array.from([0, 0, 9, 9]), penalty: 1, minSize: 3 }).changes).toEqual([]);
    expect(fpop({ data: Float64Array.from([0, 0, 9, 9]), penalty: 1, minSize: 2 }).changes).toEqual([2]);
  });
});
