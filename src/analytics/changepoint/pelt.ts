import { backtrack, cheapestStart, type SearchParameters, type SearchResult } from './search.js';

/**
 * PELT (Killick, Fearnhead & Eckley 2012): optimal partitioning with inequality pruning.
 * A candidate last change s is dropped once F(s) + cost(s, t) > F(t): for any later end
 * T the path through t is then at least as good, because costs are sub-additive.
 *
 * With a minimum segment length m, t itself only becomes a legal last change for ends
 * T ≥ t + m, so a candidate found dominated at time t is removed from the set at t + m,
 * not at once. That keeps the result identical to optimal partitioning (the property test
 * checks this), while the original rule can drop the true optimum when m > 1.
 *
 * Linear time when the number of changes grows with n; quadratic on long change-free
 * stretches (use FPOP for the mean cost there).
 */
export function pelt({ cost, penalty, minSize }: SearchParameters): SearchResult {
  const n = cost.length;
  const best = new Float64Array(n + 1).fill(Infinity);
  const last = new Int32Array(n + 1);
  const prunedFrom = new Int32Array(n + 1).fill(0x7fffffff);
  let candidates = new Int32Array(n + 1);
  let spare = new Int32Array(n + 1);
  const values = new Float64Array(n + 1);
  let count = 0;
  best[0] = -penalty;
  for (let t = minSize; t <= n; t++) {
    const newest = t - minSize;
    if (best[newest] < Infinity) candidates[count++] = newest;
    // Drop the candidates whose pruning has become effective.
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const s = candidates[i];
      if (prunedFrom[s] > t) spare[kept++] = s;
    }
    [candidates, spare] = [spare, candidates];
    count = kept;

    cost.costsEndingAt(t, candidates, count, values);
    const pick = cheapestStart(best, candidates, count, values);
    const value = pick < 0 ? Infinity : best[candidates[pick]] + values[pick] + penalty;
    best[t] = value;
    last[t] = pick < 0 ? 0 : candidates[pick];
    if (value === Infinity) continue;
    // A small tolerance keeps rounding in the prefix sums from pruning a true tie.
    const bound = value + 1e-9 * (1 + Math.abs(value));
    const effective = t + minSize;
    for (let i = 0; i < count; i++) {
      const s = candidates[i];
      if (best[s] + values[i] > bound && prunedFrom[s] > effective) prunedFrom[s] = effective;
    }
  }
  return { changes: backtrack(last, n), cost: best[n] };
}
