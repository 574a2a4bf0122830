import { backtrack, cheapestStart, type SearchParameters, type SearchResult } from './search.js';

/**
 * Optimal partitioning (Jackson et al. 2005): the exact minimiser of
 * Σ cost(segment) + β·(changes) by dynamic programming over every possible last change,
 * O(n²) cost evaluations. Slow but obviously right: it is the reference PELT and FPOP
 * are tested against. Ties go to the earliest last change.
 */
export function optimalPartitioning({ cost, penalty, minSize }: SearchParameters): SearchResult {
  const n = cost.length;
  const best = new Float64Array(n + 1).fill(Infinity);
  const last = new Int32Array(n + 1);
  const starts = new Int32Array(n + 1);
  const values = new Float64Array(n + 1);
  best[0] = -penalty;
  for (let t = minSize; t <= n; t++) {
    let count = 0;
    for (let s = 0; s <= t - minSize; s++) if (best[s] < Infinity) starts[count++] = s;
    cost.costsEndingAt(t, starts, count, values);
    const pick = cheapestStart(best, starts, count, values);
    const value = pick < 0 ? Infinity : best[starts[pick]] + values[pick] + penalty;
    best[t] = value;
    last[t] = pick < 0 ? 0 : starts[pick];
  }
  return { changes: backtrack(last, n), cost: best[n] };
}
