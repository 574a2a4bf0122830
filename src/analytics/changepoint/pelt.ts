import { backtrack, cheapestStart, type SearchParameters, type SearchResult } from './search.js';
import { ChangePointWorkspace, F64, I32 } from './workspace.js';

/** Options of {@link pelt} beyond the common search parameters. */
export interface PeltParameters extends SearchParameters {
  /**
   * Candidates per leaf of the bound tree (default 16); 0 turns the bounds off (plain PELT).
   * Any value gives the same result; it only trades bound evaluations against cost evaluations.
   */
  leafSize?: number;
}

const NEVER = 0x7fffffff;
const DEFAULT_LEAF_SIZE = 16;

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
 * Pruning alone keeps every candidate since the last change, so plain PELT costs
 * n × (segment length). On top of it, candidates are grouped (in arrival order) into a
 * binary tree of blocks; a block sealed at time b stores the floor
 * A = min over its candidates of F(s) + cost(s, b). Sub-additivity gives, for every later t,
 *
 *   F(s) + cost(s, t) ≥ F(s) + cost(s, b) + cost(b, t) ≥ A + cost(b, t),
 *
 * one cost evaluation bounding the whole block. Blocks are opened best bound first and a
 * block whose bound exceeds the best value found so far (plus a rounding margin) is skipped:
 * none of its candidates can be the minimum, so the result stays exact. Inside a segment
 * the skipped blocks hold every candidate but the few near the last change (their bound is
 * about β above it), which makes the search near-linear when changes are not rare. The
 * robust cost evaluates all starts in one pass anyway, so it runs plain PELT.
 */
export function pelt(parameters: PeltParameters): SearchResult {
  const leafSize = parameters.leafSize ?? DEFAULT_LEAF_SIZE;
  if (!(Number.isInteger(leafSize) && leafSize >= 0))
    throw new RangeError(`leafSize must be an integer ≥ 0, got ${leafSize}`);
  if (leafSize === 0 || parameters.cost.kind === 'robust') return plainPelt(parameters);
  return boundedPelt(parameters, leafSize);
}

/** PELT as published (with the delayed pruning for m > 1): every surviving candidate is evaluated at every step. */
function plainPelt({ cost, penalty, minSize, workspace }: SearchParameters): SearchResult {
  const n = cost.length;
  const ws = workspace ?? new ChangePointWorkspace();
  const { best, last, prunedFrom } = searchArrays(ws, n, penalty);
  const candidates = ws.int32(I32.candidates, n + 1);
  const values = ws.float64(F64.values, n + 1);
  let count = 0;
  for (let t = minSize; t <= n; t++) {
    const newest = t - minSize;
    if (best[newest] < Infinity) candidates[count++] = newest;
    // Drop the candidates whose pruning has become effective (in place, order kept).
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const s = candidates[i];
      if (prunedFrom[s] > t) candidates[kept++] = s;
    }
    count = kept;

    cost.costsEndingAt(t, candidates, count, values);
    const pick = cheapestStart(best, candidates, count, values);
    const value = pick < 0 ? Infinity : best[candidates[pick]] + values[pick] + penalty;
    best[t] = value;
    last[t] = pick < 0 ? 0 : candidates[pick];
    if (value < Infinity) pruneDominated(best, prunedFrom, candidates, values, count, value, t + minSize);
  }
  return { changes: backtrack(last, n), cost: best[n] };
}

/** PELT with block bounds (see {@link pelt}). */
function boundedPelt({ cost, penalty, minSize, workspace }: SearchParameters, leafSize: number): SearchResult {
  const n = cost.length;
  const ws = workspace ?? new ChangePointWorkspace();
  const { best, last, prunedFrom } = searchArrays(ws, n, penalty);
  // Candidates in arrival order; never moved, so a block is a range of this array.
  const arrived = ws.int32(I32.candidates, n + 1);
  // The candidates looked at in the current step and F(s) + cost(s, t) of each (or a lower bound of it), for pruning.
  const evaluated = ws.int32(I32.spare, n + 1);
  const totals = ws.float64(F64.values, n + 1);
  const leafStarts = ws.int32(I32.leafStarts, leafSize);
  const leafValues = ws.float64(F64.leafValues, leafSize);
  // Tree nodes: at most one leaf per leafSize arrivals and one parent per merge.
  const maxNodes = 2 * (Math.floor((n + 1) / leafSize) + 2);
  const nodeFrom = ws.int32(I32.nodeFrom, maxNodes);
  const nodeTo = ws.int32(I32.nodeTo, maxNodes);
  const nodeAnchor = ws.int32(I32.nodeAnchor, maxNodes);
  const nodeLeft = ws.int32(I32.nodeLeft, maxNodes);
  const nodeRight = ws.int32(I32.nodeRight, maxNodes);
  const nodeLevel = ws.int32(I32.nodeLevel, maxNodes);
  const nodePruned = ws.int32(I32.nodePruned, maxNodes);
  const nodeFloor = ws.float64(F64.nodeFloor, maxNodes);
  const roots = ws.int32(I32.roots, maxNodes);
  const heapNode = ws.int32(I32.heapNode, maxNodes);
  const heapKey = ws.float64(F64.heapKey, maxNodes);
  const skippedNode = ws.int32(I32.skippedNode, maxNodes);
  const skippedKey = ws.float64(F64.skippedKey, maxNodes);
  // With the mean cost, cost(s, t) never falls as t grows (one more point cannot lower a residual
  // sum of squares), so a candidate's value or a block's bound computed at an earlier step is
  // still a lower bound: while it is above the best value of this step, the candidate or block
  // is passed over without computing anything. Within a long segment that is most of them: their
  // values sit about β above the minimum and grow at its pace. Other costs recompute every time.
  const reuseBounds = cost.kind === 'mean';
  const candidateBound = ws.float64(F64.lowerBound, n + 1);
  const nodeKey = ws.float64(F64.nodeKey, maxNodes);
  // A leaf's lowest reused candidate bound, over its live candidates but `leafExcluded` (the seed
  // when it was last scanned, itself evaluated first): while above the minimum, the leaf needs no scan.
  const leafLow = ws.float64(F64.leafLow, maxNodes);
  const leafExcluded = ws.int32(I32.leafExcluded, maxNodes);
  // Whether block k's range of arrivals (ascending) takes in candidate s.
  const holds = (k: number, s: number) => s >= 0 && arrived[nodeFrom[k]] <= s && s <= arrived[nodeTo[k] - 1];
  let nodes = 0;
  let rootCount = 0;
  let arrivedCount = 0;
  let tailFrom = 0;

  for (let t = minSize; t <= n; t++) {
    const newest = t - minSize;
    if (best[newest] < Infinity) {
      arrived[arrivedCount++] = newest;
      candidateBound[newest] = -Infinity;
    }
    let minimum = Infinity;
    // The minimum plus a rounding margin: a bound above it rules a candidate or block out.
    let limit = Infinity;
    let arg = -1;
    // 0. The last change of the previous step is usually this step's too: evaluated first, its
    //    value lets the reused bounds pass over everything else. The blocks holding it have a
    //    bound at most its value (sub-additivity), so they are opened without computing one,
    //    and it is not evaluated again in its leaf.
    let seed = -1;
    if (reuseBounds && t > minSize) {
      const s = last[t - 1];
      if (prunedFrom[s] > t && best[s] < Infinity) {
        minimum = best[s] + cost.cost(s, t);
        limit = minimum + 1e-9 * (1 + Math.abs(minimum));
        candidateBound[s] = minimum;
        arg = s;
        seed = s;
      }
    }

    // 1. The open tail (not yet in a block) is always looked at.
    let count = 0;
    for (let from = tailFrom; from < arrivedCount; from += leafSize) {
      const to = Math.min(from + leafSize, arrivedCount);
      let batch = 0;
      for (let i = from; i < to; i++) {
        const s = arrived[i];
        if (prunedFrom[s] <= t || s === seed) continue;
        const bound = candidateBound[s];
        if (reuseBounds && bound > limit) {
          evaluated[count] = s;
          totals[count++] = bound;
        } else leafStarts[batch++] = s;
      }
      cost.costsEndingAt(t, leafStarts, batch, leafValues);
      for (let i = 0; i < batch; i++) {
        const s = leafStarts[i];
        const v = best[s] + leafValues[i];
        candidateBound[s] = v;
        evaluated[count] = s;
        totals[count++] = v;
        if (v < minimum || (v === minimum && s < arg)) {
          minimum = v;
          limit = v + 1e-9 * (1 + Math.abs(v));
          arg = s;
        }
      }
    }

    // 2. Blocks, best bound first; stop at the first bound above the minimum found so far.
    let kept = 0;
    let heapSize = 0;
    let skipped = 0;
    for (let r = 0; r < rootCount; r++) {
      const k = roots[r];
      if (nodePruned[k] <= t) continue;
      roots[kept++] = k;
      if (reuseBounds && nodeKey[k] > limit) {
        skippedNode[skipped] = k;
        skippedKey[skipped++] = nodeKey[k];
        continue;
      }
      const key = holds(k, seed) ? -Infinity : nodeFloor[k] + cost.cost(nodeAnchor[k], t);
      nodeKey[k] = key;
      heapSize = heapPush(heapNode, heapKey, heapSize, k, key);
    }
    rootCount = kept;
    while (heapSize > 0) {
      const k = heapNode[0];
      const key = heapKey[0];
      if (key > limit) break;
      heapSize = heapPop(heapNode, heapKey, heapSize);
      const left = nodeLeft[k];
      if (left >= 0) {
        for (let side = 0; side < 2; side++) {
          const child = side === 0 ? left : nodeRight[k];
          if (nodePruned[child] <= t) continue;
          if (reuseBounds && nodeKey[child] > limit) {
            skippedNode[skipped] = child;
            skippedKey[skipped++] = nodeKey[child];
            continue;
          }
          const childKey = holds(child, seed) ? -Infinity : nodeFloor[child] + cost.cost(nodeAnchor[child], t);
          nodeKey[child] = childKey;
          heapSize = heapPush(heapNode, heapKey, heapSize, child, childKey);
        }
        continue;
      }
      if (reuseBounds) {
        // The leaf's lowest reused bound (with the candidate it left out, unless that is the
        // seed again) above the minimum: none of its candidates can win, so it is not scanned.
        const excluded = leafExcluded[k];
        let low = leafLow[k];
        if (excluded >= 0 && excluded !== seed && candidateBound[excluded] < low) low = candidateBound[excluded];
        if (low > limit) continue;
      }
      let batch = 0;
      let low = Infinity;
      for (let i = nodeFrom[k]; i < nodeTo[k]; i++) {
        const s = arrived[i];
        if (prunedFrom[s] <= t || s === seed) continue;
        const bound = candidateBound[s];
        if (reuseBounds && bound > limit) {
          evaluated[count] = s;
          totals[count++] = bound;
          if (bound < low) low = bound;
        } else leafStarts[batch++] = s;
      }
      cost.costsEndingAt(t, leafStarts, batch, leafValues);
      for (let i = 0; i < batch; i++) {
        const s = leafStarts[i];
        const v = best[s] + leafValues[i];
        candidateBound[s] = v;
        evaluated[count] = s;
        totals[count++] = v;
        if (v < low) low = v;
        if (v < minimum || (v === minimum && s < arg)) {
          minimum = v;
          limit = v + 1e-9 * (1 + Math.abs(v));
          arg = s;
        }
      }
      leafLow[k] = low;
      leafExcluded[k] = seed;
    }
    // Whatever is left in the heap was skipped: its bound is above the minimum.
    for (let i = 0; i < heapSize; i++) {
      skippedNode[skipped] = heapNode[i];
      skippedKey[skipped++] = heapKey[i];
    }

    const value = arg < 0 ? Infinity : minimum + penalty;
    best[t] = value;
    last[t] = arg < 0 ? 0 : arg;

    // 3. Pruning, as in plain PELT, on values or their lower bounds; a skipped block whose bound
    //    is above F(t) goes as a whole.
    if (value < Infinity) {
      const bound = value + 1e-9 * (1 + Math.abs(value));
      const effective = t + minSize;
      for (let i = 0; i < count; i++) {
        const s = evaluated[i];
        if (totals[i] > bound && prunedFrom[s] > effective) prunedFrom[s] = effective;
      }
      for (let i = 0; i < skipped; i++) {
        const k = skippedNode[i];
        if (skippedKey[i] > bound && nodePruned[k] > effective) nodePruned[k] = effective;
      }
    }

    // 4. Seal a full tail into a leaf anchored at t; merge equal levels like a binary counter.
    if (arrivedCount - tailFrom >= leafSize) {
      // The floor of the tail's values at t, computed afresh (a reused bound would weaken it).
      let floor = Infinity;
      let live = 0;
      for (let i = tailFrom; i < arrivedCount; i++) {
        const s = arrived[i];
        if (prunedFrom[s] > t) leafStarts[live++] = s;
      }
      cost.costsEndingAt(t, leafStarts, live, leafValues);
      for (let i = 0; i < live; i++) {
        const v = best[leafStarts[i]] + leafValues[i];
        candidateBound[leafStarts[i]] = v;
        if (v < floor) floor = v;
      }
      if (live > 0) {
        const k = nodes++;
        nodeFrom[k] = tailFrom;
        nodeTo[k] = arrivedCount;
        nodeAnchor[k] = t;
        nodeFloor[k] = floor;
        nodeKey[k] = -Infinity;
        leafLow[k] = -Infinity;
        leafExcluded[k] = -1;
        nodeLeft[k] = -1;
        nodeRight[k] = -1;
        nodeLevel[k] = 0;
        nodePruned[k] = NEVER;
        roots[rootCount++] = k;
      }
      tailFrom = arrivedCount;
      while (rootCount >= 2 && nodeLevel[roots[rootCount - 1]] === nodeLevel[roots[rootCount - 2]]) {
        const left = roots[rootCount - 2];
        const right = roots[rootCount - 1];
        const anchor = nodeAnchor[right];
        // The parent's floor at the right block's anchor: exact over the left block's live candidates.
        let floor = nodeFloor[right];
        for (let from = nodeFrom[left]; from < nodeTo[left]; from += leafSize) {
          const to = Math.min(from + leafSize, nodeTo[left]);
          let leafCount = 0;
          for (let i = from; i < to; i++) {
            const s = arrived[i];
            if (prunedFrom[s] > t) leafStarts[leafCount++] = s;
          }
          cost.costsEndingAt(anchor, leafStarts, leafCount, leafValues);
          for (let i = 0; i < leafCount; i++) {
            const v = best[leafStarts[i]] + leafValues[i];
            if (v < floor) floor = v;
          }
        }
        const k = nodes++;
        nodeFrom[k] = nodeFrom[left];
        nodeTo[k] = nodeTo[right];
        nodeAnchor[k] = anchor;
        nodeFloor[k] = floor;
        nodeKey[k] = -Infinity;
        nodeLeft[k] = left;
        nodeRight[k] = right;
        nodeLevel[k] = nodeLevel[left] + 1;
        nodePruned[k] = Math.max(nodePruned[left], nodePruned[right]);
        roots[rootCount - 2] = k;
        rootCount--;
      }
    }
  }
  return { changes: backtrack(last, n), cost: best[n] };
}

/** F(t) (−β at 0, +∞ until reached), the last change before t and when each candidate stops counting. */
function searchArrays(
  ws: ChangePointWorkspace,
  n: number,
  penalty: number,
): { best: Float64Array; last: Int32Array; prunedFrom: Int32Array } {
  const best = ws.float64(F64.best, n + 1).fill(Infinity);
  best[0] = -penalty;
  return { best, last: ws.int32(I32.last, n + 1).fill(0), prunedFrom: ws.int32(I32.prunedFrom, n + 1).fill(NEVER) };
}

/**
 * PELT's rule on the candidates evaluated at t (F(t) = `value`): those with F(s) + cost(s, t)
 * above F(t) stop counting from `effective` = t + m on. Returns the bound used: F(t) plus a
 * small tolerance, which keeps rounding in the prefix sums from pruning a true tie.
 */
function pruneDominated(
  best: Float64Array,
  prunedFrom: Int32Array,
  starts: Int32Array,
  values: Float64Array,
  count: number,
  value: number,
  effective: number,
): number {
  const bound = value + 1e-9 * (1 + Math.abs(value));
  for (let i = 0; i < count; i++) {
    const s = starts[i];
    if (best[s] + values[i] > bound && prunedFrom[s] > effective) prunedFrom[s] = effective;
  }
  return bound;
}

/** Pushes (node, key) on a binary min-heap of `size` entries; returns the new size. */
function heapPush(nodes: Int32Array, keys: Float64Array, size: number, node: number, key: number): number {
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (keys[parent] <= key) break;
    keys[i] = keys[parent];
    nodes[i] = nodes[parent];
    i = parent;
  }
  keys[i] = key;
  nodes[i] = node;
  return size + 1;
}

/** Removes the top of a binary min-heap of `size` entries; returns the new size. */
function heapPop(nodes: Int32Array, keys: Float64Array, size: number): number {
  const n = size - 1;
  const lastKey = keys[n];
  const lastNode = nodes[n];
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && keys[child + 1] < keys[child]) child++;
    if (keys[child] >= lastKey) break;
    keys[i] = keys[child];
    nodes[i] = nodes[child];
    i = child;
  }
  keys[i] = lastKey;
  nodes[i] = lastNode;
  return n;
}
