import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { piecewiseGaussian } from '../common/synthetic.js';
import { createCost } from './costs.js';
import { fpop } from './fpop.js';
import { optimalPartitioning } from './optimal-partitioning.js';
import { segmentationCost } from './search.js';
import { ChangePointWorkspace } from './workspace.js';

describe('FPOP', () => {
  it('returns exactly the optimal-partitioning segmentation for the mean cost on 400 random series', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const random = createRandom(seed);
      const n = 10 + random.integer(190);
      const { values } = piecewiseGaussian({
        n,
        changes: random.integer(5),
        seed,
        meanShift: 0.5 + random.next() * 3,
        minGap: 3,
      });
      const minSize = 1 + (seed % 5);
      const penalty = [0.5, 2 * Math.log(n), 3 * Math.log(n), 10][seed % 4];
      const exact = optimalPartitioning({ cost: createCost('mean', values), penalty, minSize });
      const functional = fpop({ data: values, penalty, minSize });
      expect(functional.changes, `seed ${seed}`).toEqual(exact.changes);
      expect(functional.cost).toBeCloseTo(exact.cost, 6);
    }
  });

  it('copying pieces where the entering candidate loses everywhere (no roots) changes nothing: equal to optimal partitioning on 150 longer series, shared workspace', () => {
    const workspace = new ChangePointWorkspace();
    for (let seed = 1; seed <= 150; seed++) {
      const random = createRandom(5000 + seed);
      const n = 200 + random.integer(800);
      // Quantised values make exact ties between candidates common.
      const { values } = piecewiseGaussian({
        n,
        changes: random.integer(6),
        seed,
        meanShift: 0.5 + random.next() * 4,
        minGap: 5,
      });
      const data = seed % 3 === 0 ? values.map((v) => Math.round(v * 2) / 2) : values;
      const minSize = 1 + (seed % 6);
      const penalty = [0.5, 2 * Math.log(n), 3 * Math.log(n), 25][seed % 4];
      const cost = createCost('mean', data);
      const exact = optimalPartitioning({ cost, penalty, minSize });
      const functional = fpop({ data, penalty, minSize, workspace });
      expect(functional.cost).toBeCloseTo(exact.cost, 6);
      if (seed % 3 !== 0) expect(functional.changes, `seed ${seed}`).toEqual(exact.changes);
      else {
        // Quantised data with a tiny penalty have segmentations whose costs tie up to rounding
        // (1e-13); FPOP and optimal partitioning round differently, so either may be returned
        // (this was so before the insertion shortcut as well). It must still be an optimum.
        expect(Math.abs(segmentationCost(cost, functional.changes, penalty) - exact.cost), `seed ${seed}`).toBeLessThan(
          1e-9,
        );
      }
    }
  });

  it('handles a constant series and a series shorter than two minimum segments', () => {
    expect(fpop({ data: new Float64Array(50).fill(3), penalty: 5, minSize: 1 }).changes).toEqual([]);
    expect(fpop({ data: Float64Array.from([0, 0, 9, 9]), penalty: 1, minSize: 3 }).changes).toEqual([]);
    expect(fpop({ data: Float64Array.from([0, 0, 9, 9]), penalty: 1, minSize: 2 }).changes).toEqual([2]);
  });
});
