import { segmentationCost, type SearchParameters, type SearchResult } from './search.js';
import { F64, sharedWorkspace } from './workspace.js';

/** Binary segmentation options beyond the common search parameters. */
export interface BinarySegmentationParameters extends SearchParameters {
  /** Stop after this many change points (default: no limit besides the penalty). */
  maxChanges?: number;
}

interface Candidate {
  start: number;
  end: number;
  split: number;
  gain: number;
}

/**
 * Binary segmentation (Scott & Knott 1974; greedy order as in Fryzlewicz 2014):
 * repeatedly split the segment whose best single split lowers the cost most, as long as
 * that gain exceeds the penalty β. O(n log n) for prefix-sum costs. Approximate: it can
 * miss short segments between two nearby changes, which PELT finds.
 */
export function binarySegmentation({
  cost,
  penalty,
  minSize,
  maxChanges = Infinity,
  workspace,
}: BinarySegmentationParameters): SearchResult {
  const n = cost.length;
  // Two scratch rows for the whole search (a workspace keeps them across calls).
  const ws = workspace ?? sharedWorkspace();
  const left = ws.float64(F64.values, n + 1);
  const right = ws.float64(F64.leafValues, n + 1);
  const bestSplit = (start: number, end: number): Candidate | null => {
    if (end - start < 2 * minSize) return null;
    cost.prefixCosts(start, end, left);
    cost.suffixCosts(start, end, right);
    const whole = left[end - start];
    let gain = -Infinity;
    let split = -1;
    for (let k = start + minSize; k <= end - minSize; k++) {
      const g = whole - left[k - start] - right[k - start];
      if (g > gain) {
        gain = g;
        split = k;
      }
    }
    return split < 0 ? null : { start, end, split, gain };
  };

  const queue: Candidate[] = [];
  const push = (c: Candidate | null) => {
    if (c && c.gain > penalty) queue.push(c);
  };
  push(bestSplit(0, n));
  const changes: number[] = [];
  while (queue.length > 0 && changes.length < maxChanges) {
    let top = 0;
    for (let i = 1; i < queue.length; i++) if (queue[i].gain > queue[top].gain) top = i;
    const chosen = queue[top];
    queue[top] = queue[queue.length - 1];
    queue.pop();
    changes.push(chosen.split);
    push(bestSplit(chosen.start, chosen.split));
    push(bestSplit(chosen.split, chosen.end));
  }
  changes.sort((a, b) => a - b);
  return { changes, cost: segmentationCost(cost, changes, penalty) };
}
