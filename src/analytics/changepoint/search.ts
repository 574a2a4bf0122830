import type { SegmentCost } from './costs.js';
import { F64, I32, type ChangePointWorkspace } from './workspace.js';

/** What a change-point search returns before segment statistics are attached. */
export interface SearchResult {
  /** 0-based index of the first point of each new segment, ascending. */
  changes: number[];
  /** Penalised objective: Σ segment costs + β · (number of changes). */
  cost: number;
}

/** Inputs common to every search. */
export interface SearchParameters {
  cost: SegmentCost;
  /** Penalty β per change point. */
  penalty: number;
  /** Minimum segment length (≥ the cost's shortest segment). */
  minSize: number;
  /** Scratch memory to reuse across calls (see {@link ChangePointWorkspace}); default: one shared by the calls that pass none. */
  workspace?: ChangePointWorkspace;
}

/** Walks the `last` back-pointers from n to 0 into ascending change indices. */
export function backtrack(last: Int32Array, n: number): number[] {
  const changes: number[] = [];
  for (let t = last[n]; t > 0; t = last[t]) changes.push(t);
  return changes.reverse();
}

/** Penalised cost of a given segmentation, for tests and for binary segmentation's total. */
export function segmentationCost(cost: SegmentCost, changes: readonly number[], penalty: number): number {
  let total = penalty * changes.length;
  let start = 0;
  for (const c of [...changes, cost.length]) {
    total += cost.cost(start, c);
    start = c;
  }
  return total;
}

/**
 * Index i minimising best[starts[i]] + values[i] (−1 when none is finite). Strict comparison in
 * ascending order keeps the earliest start on ties, so every exact search breaks ties alike.
 */
export function cheapestStart(best: Float64Array, starts: Int32Array, count: number, values: Float64Array): number {
  let value = Infinity;
  let arg = -1;
  for (let i = 0; i < count; i++) {
    const v = best[starts[i]] + values[i];
    if (v < value) {
      value = v;
      arg = i;
    }
  }
  return arg;
}

/**
 * A value plus the relative rounding margin of the exact searches: a value or bound above it is
 * ruled out, one within it is kept, so rounding in the prefix sums never drops a true tie.
 */
export const marginAbove = (v: number): number => v + 1e-9 * (1 + Math.abs(v));

/** `prunedFrom` of a candidate that is never pruned. */
export const NEVER = 0x7fffffff;

/** F(t) (−β at 0, +∞ until reached), the last change before t and when each candidate stops counting. */
export function searchArrays(
  ws: ChangePointWorkspace,
  n: number,
  penalty: number,
): { best: Float64Array; last: Int32Array; prunedFrom: Int32Array } {
  const best = ws.float64(F64.best, n + 1).fill(Infinity);
  best[0] = -penalty;
  return { best, last: ws.int32(I32.last, n + 1).fill(0), prunedFrom: ws.int32(I32.prunedFrom, n + 1).fill(NEVER) };
}
