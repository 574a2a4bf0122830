import { describe, expect, it } from 'vitest';
import { changePointF1, piecewiseGaussian } from '../common/synthetic.js';
import { binarySegmentation } from './binseg.js';
import { createCost } from './costs.js';
import { optimalPartitioning } from './optimal-partitioning.js';

describe('binary segmentation', () => {
  it('finds well-separated mean shifts and never beats the exact optimum', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { values, changes } = piecewiseGaussian({ n: 600, changes: 3, seed, meanShift: 3 });
      const cost = createCost('mean', values);
      const penalty = 3 * Math.log(600);
      const greedy = binarySegmentation({ cost, penalty, minSize: 5 });
      expect(changePointF1(changes, greedy.changes)).toBeGreaterThanOrEqual(0.8);
      expect(greedy.cost).toBeGreaterThanOrEqual(optimalPartitioning({ cost, penalty, minSize: 5 }).cost - 1e-6);
    }
  });

  it('stops at maxChanges, splitting the largest gain first', () => {
    const x = Float64Array.from([
      ...Array<number>(30).fill(0),
      ...Array<number>(30).fill(10),
      ...Array<number>(30).fill(11),
    ]);
    const result = binarySegmentation({ cost: createCost('mean', x), penalty: 0.1, minSize: 2, maxChanges: 1 });
    expect(result.changes).toEqual([30]);
  });

  it('works with the robust cost and its heap-based prefix costs', () => {
    const x = Float64Array.from([
      ...Array(40)
        .fill(0)
        .map((_, i) => (i === 7 ? 50 : i % 3)),
      ...Array(40)
        .fill(0)
        .map((_, i) => 10 + (i % 3)),
    ]);
    expect(binarySegmentation({ cost: createCost('robust', x), penalty: 20, minSize: 3 }).changes).toEqual([40]);
  });
});
