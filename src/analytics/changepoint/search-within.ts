import type { ChangePointMethod } from './detect.js';
import { createCost, type CostKind } from './costs.js';
import { binarySegmentation } from './binseg.js';
import { fpop } from './fpop.js';
import { optimalPartitioning } from './optimal-partitioning.js';
import { pelt } from './pelt.js';
import type { SearchResult } from './search.js';
import { F64, type ChangePointWorkspace } from './workspace.js';

/**
 * One search on the prepared series; with `maxChanges`, exact searches that find more raise
 * the penalty: doubling until at most that many remain, then bisection to the smallest such
 * penalty (to 0.1 %). Binary segmentation simply stops after `maxChanges`.
 */
export function searchWithin(
  method: Exclude<ChangePointMethod, 'auto'>,
  kind: CostKind,
  series: Float64Array,
  penalty: number,
  minSize: number,
  maxChanges: number | undefined,
  ws: ChangePointWorkspace,
  /** Poisson cost only: prefix sums of a relative rate per point (see ExposedPoissonCost). */
  exposure?: Float64Array,
): { found: SearchResult; penalty: number } {
  // The prefix sums in the workspace (FPOP's slots: it never runs next to this cost): a search
  // per call of the noise model's rounds allocated two arrays of n + 1 each.
  const n = series.length;
  const cost =
    method === 'fpop'
      ? undefined
      : createCost(
          kind,
          series,
          { sum: ws.float64(F64.sum, n + 1), sumSquares: ws.float64(F64.sumSquares, n + 1) },
          exposure,
        );
  const once = (beta: number): SearchResult => {
    if (cost === undefined) return fpop({ data: series, penalty: beta, minSize, workspace: ws });
    if (method === 'pelt') return pelt({ cost, penalty: beta, minSize, workspace: ws });
    if (method === 'binseg') return binarySegmentation({ cost, penalty: beta, minSize, maxChanges, workspace: ws });
    return optimalPartitioning({ cost, penalty: beta, minSize });
  };
  const found = once(penalty);
  if (maxChanges === undefined || method === 'binseg' || found.changes.length <= maxChanges) return { found, penalty };
  let low = penalty;
  let high = Math.max(penalty, 1) * 2;
  let best = once(high);
  while (best.changes.length > maxChanges) {
    low = high;
    high *= 2;
    best = once(high);
  }
  while (high - low > 1e-3 * high) {
    const middle = 0.5 * (low + high);
    const tried = once(middle);
    if (tried.changes.length <= maxChanges) {
      high = middle;
      best = tried;
    } else low = middle;
  }
  return { found: best, penalty: high };
}
