import { isReusable, meanCost as importedMeanCost, MeanCost, type ReusableCost, type SegmentCost } from './costs.js';
import {
  backtrack,
  marginAbove as importedMarginAbove,
  NEVER,
  searchArrays,
  type SearchParameters,
  type SearchResult,
} from './search.js';

// The functions the hot loops call, bound once here: a module loader that keeps ES live bindings
// with getters (tsx, vitest) would otherwise run a getter on every call (~30 % of this search's
// time at n = 10⁴ under tsx; a plain ESM import has no getter, and these never change).
const marginAbove = importedMarginAbove;
const meanCost = importedMeanCost;
import { F64, I32, sharedWorkspace } from './workspace.js';

/**
 * A candidate evaluated within this share of β of the minimum becomes hot. Any share gives the
 * same result; 0.1 was the fastest of 0 … 0.75 on staircases and AR(1) noise with leaves of 16
 * (bench/analytics.ts). With leaves of 24 and merges by branch and bound, 0.03 (of 0.01 … 0.1,
 * alternated in one process): 4–10 % less search than 0.1 at 10⁴ (5 equal segments, AR(1),
 * segments of 100), within 1 % of the best at 10⁵. A larger share keeps too many candidates
 * hot, a smaller one leaves blocks to be opened for them.
 */
const HOT_SHARE = 0.03;

/**
 * PELT with block bounds (the algorithm is described at {@link pelt}): candidates in arrival
 * order, grouped into a binary tree of blocks whose sub-additive bound rules out a whole block
 * with one cost evaluation.
 *
 * With the mean cost, cost(s, t) never falls as t grows (one more point cannot lower a residual
 * sum of squares), so any value or bound computed at an earlier step is still a lower bound.
 * The search keeps one for every candidate and every block (`nodeKey`, the best known: after a
 * block is opened, the larger of its own bound and the least of its children's), and passes
 * over whatever is above the minimum of the step without computing anything. Inside a long
 * segment that is nearly everything: values sit about β above the minimum and grow at its pace,
 * so a block is opened only every few dozen steps. The exceptions are the candidates close to
 * the last change, whose values stay within a few units of the minimum: they would open the
 * blocks holding them every few steps. So a candidate found close to the minimum becomes
 * `hot`: it is looked at directly at every step (its reused bound, and its value when that is
 * not enough), the last step's change first, and block and tail bounds leave the hot candidates
 * out. Other costs recompute every bound at every step.
 */
export function boundedPelt(parameters: SearchParameters, leafSize: number): SearchResult {
  const search = new BoundedSearch(parameters, leafSize);
  const n = parameters.cost.length;
  for (let t = parameters.minSize; t <= n; t++) search.step(t);
  return { changes: backtrack(search.last, n), cost: search.best[n] };
}

/** The state of {@link boundedPelt} between steps; one method a part of a step. */
class BoundedSearch {
  private readonly cost: SegmentCost;
  private readonly penalty: number;
  private readonly minSize: number;
  private readonly leafSize: number;
  /** Whether earlier values and bounds stay lower bounds (see {@link boundedPelt}). */
  private readonly reuseBounds: boolean;
  /** The mean cost's prefix sums (empty for other costs): the single costs are evaluated in place with {@link meanCost}. */
  private readonly sum: Float64Array;
  private readonly sumSquares: Float64Array;
  readonly best: Float64Array;
  readonly last: Int32Array;
  private readonly prunedFrom: Int32Array;
  /** Candidates in arrival order; never moved, so a block is a range of this array. */
  private readonly arrived: Int32Array;
  private arrivedCount = 0;
  /** Start of the open tail: the arrivals not yet sealed into a leaf. */
  private tailFrom = 0;
  /** Lower bound of each candidate's F(s) + cost(s, t) (reused bounds only), up to step `candidateExpiry` (expiring bounds). */
  private readonly candidateBound: Float64Array;
  /** Candidates looked at in this step and their value or lower bound, for pruning. */
  private readonly evaluated: Int32Array;
  private readonly totals: Float64Array;
  private count = 0;
  private readonly leafStarts: Int32Array;
  private readonly leafValues: Float64Array;
  // Tree nodes: at most one leaf per leafSize arrivals and one parent per merge.
  private readonly nodeFrom: Int32Array;
  private readonly nodeTo: Int32Array;
  private readonly nodeAnchor: Int32Array;
  private readonly nodeLeft: Int32Array;
  private readonly nodeRight: Int32Array;
  private readonly nodeLevel: Int32Array;
  /** Step from which every candidate of the block is pruned. */
  private readonly nodePruned: Int32Array;
  /** min over the block's candidates of F(s) + cost(s, anchor), exact when sealed or merged. */
  private readonly nodeFloor: Float64Array;
  /** Lower bound of the block's live candidates that are not hot, up to step `nodeExpiry` (expiring bounds). */
  private readonly nodeKey: Float64Array;
  private nodes = 0;
  private readonly roots: Int32Array;
  private rootCount = 0;
  private readonly heapNode: Int32Array;
  private readonly heapKey: Float64Array;
  private heapSize = 0;
  /** Blocks passed over in this step and a lower bound of all their candidates, for pruning. */
  private readonly skippedNode: Int32Array;
  private readonly skippedKey: Float64Array;
  private skipped = 0;
  /** Inner blocks opened in this step, parents before children (their keys are refreshed children first). */
  private readonly opened: Int32Array;
  private openedCount = 0;
  /** Blocks still to look at, and their bounds, while a merge computes its floor (depth ≤ 2 per tree level). */
  private readonly floorStack = new Int32Array(128);
  private readonly floorStackBound = new Float64Array(128);
  /** The tail's key, like a block's (reused bounds only). */
  private tailKey = Infinity;
  /** Candidates looked at directly (reused bounds only): 1 in `hot`, listed in `hotList`. */
  private readonly hot: Int32Array;
  private readonly hotList: Int32Array;
  private hotCount = 0;
  /** A candidate within this of the minimum becomes hot. */
  private readonly hotRange: number;
  /** Candidates evaluated in this step within `hotRange` of the minimum then: they may become hot. */
  private readonly nearList: Int32Array;
  private nearCount = 0;
  // The step: its end t, the minimum so far and its rounding limit.
  private t = 0;
  private minimum = Infinity;
  private limit = Infinity;
  private arg = -1;
  // The expiring bounds' fields come last: declared among the others, the mean cost's search
  // measured 5–15 % slower than before them, last within ±7 % (alternated in one process, 6 runs;
  // the code it runs is the same either way).
  /** Reused bounds that hold only up to a horizon (the Gaussian variance costs): each carries the step it expires after. */
  private readonly expiring: boolean;
  /** The cost as one with horizons (the same object; only used when `expiring`). */
  private readonly reusable: ReusableCost | undefined;
  private readonly candidateExpiry: Float64Array;
  private readonly nodeExpiry: Float64Array;
  private tailExpiry = Infinity;
  /** When the least value or bound the last {@link scanLeaf} returned expires. */
  private scanExpiry = Infinity;

  constructor({ cost, penalty, minSize, workspace }: SearchParameters, leafSize: number) {
    const n = cost.length;
    const ws = workspace ?? sharedWorkspace();
    this.cost = cost;
    this.penalty = penalty;
    this.minSize = minSize;
    this.leafSize = leafSize;
    this.reuseBounds = isReusable(cost);
    this.expiring = this.reuseBounds && !(cost instanceof MeanCost);
    this.reusable = isReusable(cost) ? cost : undefined;
    ({ sum: this.sum, sumSquares: this.sumSquares } =
      cost instanceof MeanCost ? cost.prefixSums() : { sum: new Float64Array(0), sumSquares: new Float64Array(0) });
    ({ best: this.best, last: this.last, prunedFrom: this.prunedFrom } = searchArrays(ws, n, penalty));
    this.arrived = ws.int32(I32.candidates, n + 1);
    this.candidateBound = ws.float64(F64.lowerBound, n + 1);
    this.candidateExpiry = ws.float64(F64.candidateExpiry, this.expiring ? n + 1 : 0);
    this.evaluated = ws.int32(I32.spare, n + 1);
    this.totals = ws.float64(F64.values, n + 1);
    this.leafStarts = ws.int32(I32.leafStarts, leafSize);
    this.leafValues = ws.float64(F64.leafValues, leafSize);
    const maxNodes = 2 * (Math.floor((n + 1) / leafSize) + 2);
    this.nodeFrom = ws.int32(I32.nodeFrom, maxNodes);
    this.nodeTo = ws.int32(I32.nodeTo, maxNodes);
    this.nodeAnchor = ws.int32(I32.nodeAnchor, maxNodes);
    this.nodeLeft = ws.int32(I32.nodeLeft, maxNodes);
    this.nodeRight = ws.int32(I32.nodeRight, maxNodes);
    this.nodeLevel = ws.int32(I32.nodeLevel, maxNodes);
    this.nodePruned = ws.int32(I32.nodePruned, maxNodes);
    this.nodeFloor = ws.float64(F64.nodeFloor, maxNodes);
    this.nodeKey = ws.float64(F64.nodeKey, maxNodes);
    this.nodeExpiry = ws.float64(F64.nodeExpiry, this.expiring ? maxNodes : 0);
    this.roots = ws.int32(I32.roots, maxNodes);
    this.heapNode = ws.int32(I32.heapNode, maxNodes);
    this.heapKey = ws.float64(F64.heapKey, maxNodes);
    this.skippedNode = ws.int32(I32.skippedNode, maxNodes);
    this.skippedKey = ws.float64(F64.skippedKey, maxNodes);
    this.opened = ws.int32(I32.opened, maxNodes);
    this.hot = ws.int32(I32.hot, this.reuseBounds ? n + 1 : 0).fill(0);
    this.hotList = ws.int32(I32.hotList, this.reuseBounds ? n + 1 : 0);
    // A candidate is considered at most twice a step (the newest arrival may be scanned again).
    this.nearList = ws.int32(I32.nearList, this.reuseBounds ? 2 * (n + 1) : 0);
    this.hotRange = HOT_SHARE * penalty;
  }

  step(t: number): void {
    this.t = t;
    this.minimum = Infinity;
    this.limit = Infinity;
    this.arg = -1;
    this.nearCount = 0;
    this.count = 0;
    this.skipped = 0;
    this.heapSize = 0;
    this.openedCount = 0;
    const newest = t - this.minSize;
    const arrives = this.best[newest] < Infinity;
    if (arrives) this.arrived[this.arrivedCount++] = newest;
    if (this.reuseBounds) this.lookFirst(newest, arrives);
    this.searchTail();
    this.searchBlocks();
    const value = this.arg < 0 ? Infinity : this.minimum + this.penalty;
    this.best[t] = value;
    this.last[t] = this.arg < 0 ? 0 : this.arg;
    if (value < Infinity) this.prune(marginAbove(value));
    if (this.reuseBounds) {
      this.refreshOpenedKeys();
      this.markHot();
    }
    if (this.arrivedCount - this.tailFrom >= this.leafSize) this.sealTail();
  }

  /**
   * Reused bounds: the hot candidates, the last change of the previous step first (it is usually
   * this step's too, and its value lets the bounds pass over everything else). They are pruned
   * here on the previous step's values (their bounds then), as the pruning of that step would
   * have done. The newest arrival has no bound yet: its value is computed here, which keeps the
   * tail's key valid without a scan.
   */
  private lookFirst(newest: number, arrives: boolean): void {
    const { best, prunedFrom, hot, hotList, evaluated, totals, candidateBound, candidateExpiry, expiring } = this;
    const t = this.t;
    const seed = t > this.minSize ? this.last[t - 1] : -1;
    if (seed >= 0 && hot[seed] && prunedFrom[seed] > t) this.consider(seed, best[seed] + this.valueAt(seed, t));
    const previous = t > this.minSize ? best[t - 1] : Infinity;
    const pruneAbove = previous < Infinity ? marginAbove(previous) : Infinity;
    const effective = t - 1 + this.minSize;
    let kept = 0;
    for (let i = 0; i < this.hotCount; i++) {
      const s = hotList[i];
      if (prunedFrom[s] <= t) continue;
      hotList[kept++] = s;
      if (s === seed) continue;
      // (A bound that holds at t held at t − 1 too. This is boundOf in place: the mean cost's
      // hottest loop.)
      const bound = expiring && candidateExpiry[s] < t ? -Infinity : candidateBound[s];
      if (bound > pruneAbove && prunedFrom[s] > effective) prunedFrom[s] = effective;
      if (bound <= this.limit) this.consider(s, best[s] + this.valueAt(s, t));
    }
    this.hotCount = kept;
    if (!arrives) return;
    const v = best[newest] + this.valueAt(newest, t);
    this.consider(newest, v);
    evaluated[this.count] = newest;
    totals[this.count++] = v;
    const first = this.arrivedCount - 1 === this.tailFrom;
    if (first || v < this.tailKey) this.tailKey = v;
    if (this.expiring) {
      const expiry = this.candidateExpiry[newest];
      this.tailExpiry = first || expiry < this.tailExpiry ? expiry : this.tailExpiry;
    }
  }

  /** F(s) + cost(s, t) minus F(s): the mean cost in place (no call through the cost object). */
  private valueAt(s: number, t: number): number {
    // (The call through the object in a method of its own keeps this one small enough to inline.)
    return this.expiring ? this.costAt(s, t) : meanCost(this.sum, this.sumSquares, s, t);
  }

  private costAt(s: number, t: number): number {
    return this.cost.cost(s, t);
  }

  /** The step up to which candidate s's value at t stays a bound. (Out of {@link consider}, which must stay small enough to inline.) */
  private noteHorizon(s: number): void {
    this.candidateExpiry[s] = this.reusable!.horizon(s, this.t);
  }

  /** Candidate s's stored bound, or −∞ once it has expired. */
  private boundOf(s: number): number {
    return this.expiring && this.candidateExpiry[s] < this.t ? -Infinity : this.candidateBound[s];
  }

  /** Block k's key, or −∞ once it has expired. */
  private keyOf(k: number): number {
    return this.expiring && this.nodeExpiry[k] < this.t ? -Infinity : this.nodeKey[k];
  }

  /** Sets block k's key to `key`, valid up to step `expiry`. */
  private setKeyTo(k: number, key: number, expiry: number): void {
    this.nodeKey[k] = key;
    if (this.expiring) this.nodeExpiry[k] = expiry;
  }

  /** Records value v of candidate s: its bound from now on, and the minimum (earliest start on ties). */
  private consider(s: number, v: number): void {
    this.candidateBound[s] = v;
    if (this.expiring) this.noteHorizon(s);
    if (v < this.minimum || (v === this.minimum && s < this.arg)) {
      this.minimum = v;
      this.limit = marginAbove(v);
      this.arg = s;
    }
    if (this.reuseBounds && v <= this.minimum + this.hotRange && !this.hot[s]) this.nearList[this.nearCount++] = s;
  }

  /** The candidates evaluated within `hotRange` of the step's minimum become hot (and stay so until pruned). */
  private markHot(): void {
    const { nearList, hot, hotList, candidateBound } = this;
    const top = this.minimum + this.hotRange;
    for (let i = 0; i < this.nearCount; i++) {
      const s = nearList[i];
      if (hot[s] || !(candidateBound[s] <= top)) continue;
      hot[s] = 1;
      hotList[this.hotCount++] = s;
    }
  }

  /** The open tail, unless its key rules it out. */
  private searchTail(): void {
    const from = this.tailFrom;
    const to = this.arrivedCount;
    if (from === to) return;
    if (!this.reuseBounds) {
      this.scanLeaf(from, to);
      return;
    }
    if (this.tailKey > this.limit && !(this.expiring && this.tailExpiry < this.t)) return;
    this.tailKey = this.scanLeaf(from, to);
    this.tailExpiry = this.scanExpiry;
  }

  /**
   * The live candidates of arrivals [from, to) (at most one leaf) that are not hot: each reused
   * bound above the limit passes its candidate over, the others are evaluated in one batch.
   * Every one goes on the pruning list; returns the least of their values and bounds.
   */
  private scanLeaf(from: number, to: number): number {
    const { arrived, prunedFrom, candidateBound, evaluated, totals, leafStarts, best } = this;
    const t = this.t;
    const hot = this.hot;
    const reuseBounds = this.reuseBounds;
    const limit = this.limit;
    const expiring = this.expiring;
    const candidateExpiry = this.candidateExpiry;
    let low = Infinity;
    let lowExpiry = Infinity;
    let batch = 0;
    let count = this.count;
    for (let i = from; i < to; i++) {
      const s = arrived[i];
      if (prunedFrom[s] <= t) continue;
      if (!reuseBounds) {
        leafStarts[batch++] = s;
        continue;
      }
      if (hot[s]) continue;
      const bound = candidateBound[s];
      if (bound > limit && !(expiring && candidateExpiry[s] < t)) {
        evaluated[count] = s;
        totals[count++] = bound;
        if (bound < low) low = bound;
        if (expiring && candidateExpiry[s] < lowExpiry) lowExpiry = candidateExpiry[s];
      } else leafStarts[batch++] = s;
    }
    const values = this.leafValues;
    this.cost.costsEndingAt(t, leafStarts, batch, values);
    for (let i = 0; i < batch; i++) {
      const s = leafStarts[i];
      const v = best[s] + values[i];
      this.consider(s, v);
      evaluated[count] = s;
      totals[count++] = v;
      if (v < low) low = v;
      if (expiring && candidateExpiry[s] < lowExpiry) lowExpiry = candidateExpiry[s];
    }
    this.count = count;
    this.scanExpiry = lowExpiry;
    return low;
  }

  /** Roots, then blocks best bound first; stops at the first bound above the minimum found so far. */
  private searchBlocks(): void {
    const { roots, nodePruned, heapNode, heapKey } = this;
    const t = this.t;
    let kept = 0;
    for (let r = 0; r < this.rootCount; r++) {
      const k = roots[r];
      if (nodePruned[k] <= t) continue;
      roots[kept++] = k;
      this.visit(k);
    }
    this.rootCount = kept;
    while (this.heapSize > 0) {
      const k = heapNode[0];
      if (heapKey[0] > this.limit) break;
      this.heapSize = heapPop(heapNode, heapKey, this.heapSize);
      const left = this.nodeLeft[k];
      if (left < 0) {
        const low = this.scanLeaf(this.nodeFrom[k], this.nodeTo[k]);
        if (this.reuseBounds) this.setKey(k, low, this.scanExpiry);
        continue;
      }
      if (this.reuseBounds) this.opened[this.openedCount++] = k;
      if (nodePruned[left] > t) this.visit(left);
      const right = this.nodeRight[k];
      if (nodePruned[right] > t) this.visit(right);
    }
    // Whatever is left in the heap was passed over: its bound is above the minimum.
    for (let i = 0; i < this.heapSize; i++) this.skip(heapNode[i], heapKey[i]);
  }

  /**
   * Block k: passed over on its key or its own bound, else queued. (Pruning a block as a whole
   * leaves its hot candidates alone: they are pruned on their own values.)
   */
  private visit(k: number): void {
    if (this.reuseBounds && this.nodeKey[k] > this.limit && !(this.expiring && this.nodeExpiry[k] < this.t)) {
      this.skip(k, this.nodeKey[k]);
      return;
    }
    const anchor = this.nodeAnchor[k];
    const t = this.t;
    // Sub-additivity makes this a bound at every step; as a key it is reused while cost(anchor, ·) does not fall.
    const own =
      this.nodeFloor[k] + (this.reuseBounds && !this.expiring ? this.valueAt(anchor, t) : this.cost.cost(anchor, t));
    this.setKeyTo(k, own, this.expiring ? this.reusable!.horizon(anchor, t) : Infinity);
    if (own > this.limit) this.skip(k, own);
    else this.heapSize = heapPush(this.heapNode, this.heapKey, this.heapSize, k, own);
  }

  private skip(k: number, key: number): void {
    this.skippedNode[this.skipped] = k;
    this.skippedKey[this.skipped++] = key;
  }

  /** Block k's key after it was opened: the larger of its own bound and `low` (valid up to `expiry`), the least over its candidates. */
  private setKey(k: number, low: number, expiry: number): void {
    if (low > this.keyOf(k)) this.setKeyTo(k, low, expiry);
  }

  /** A child's key for its parent's: +∞ once pruned. */
  private childKey(k: number): number {
    return this.nodePruned[k] <= this.t ? Infinity : this.keyOf(k);
  }

  /** When {@link childKey} expires. */
  private childExpiry(k: number): number {
    return !this.expiring || this.nodePruned[k] <= this.t ? Infinity : this.nodeExpiry[k];
  }

  /** The least of two children's keys, as the parent's key (it holds while both do). */
  private setKeyFromChildren(k: number, left: number, right: number): void {
    this.setKey(
      k,
      Math.min(this.childKey(left), this.childKey(right)),
      Math.min(this.childExpiry(left), this.childExpiry(right)),
    );
  }

  /** The opened inner blocks, children first: key from the children's, pruned once both are. */
  private refreshOpenedKeys(): void {
    const { opened, nodeLeft, nodeRight, nodePruned } = this;
    for (let i = this.openedCount - 1; i >= 0; i--) {
      const k = opened[i];
      const left = nodeLeft[k];
      const right = nodeRight[k];
      this.setKeyFromChildren(k, left, right);
      nodePruned[k] = Math.max(nodePruned[left], nodePruned[right]);
    }
  }

  /**
   * PELT's rule on the values or lower bounds of this step (F(t) plus the rounding margin is
   * `bound`): a candidate above it stops counting at t + m, a skipped block above it as a whole.
   */
  private prune(bound: number): void {
    const { evaluated, totals, prunedFrom, skippedNode, skippedKey, nodePruned } = this;
    const effective = this.t + this.minSize;
    for (let i = 0; i < this.count; i++) {
      const s = evaluated[i];
      if (totals[i] > bound && prunedFrom[s] > effective) prunedFrom[s] = effective;
    }
    for (let i = 0; i < this.skipped; i++) {
      const k = skippedNode[i];
      if (skippedKey[i] > bound && nodePruned[k] > effective) nodePruned[k] = effective;
    }
  }

  /** Seals the full tail into a leaf anchored at t; merges equal levels like a binary counter. */
  private sealTail(): void {
    const { leafStarts, leafValues, best, candidateBound, roots, nodeLevel } = this;
    const t = this.t;
    // The floor of the tail's values at t, computed afresh (a reused bound would weaken it).
    let floor = Infinity;
    let floorExpiry = Infinity;
    const live = this.liveColdStarts(this.tailFrom, this.arrivedCount);
    this.cost.costsEndingAt(t, leafStarts, live, leafValues);
    for (let i = 0; i < live; i++) {
      const s = leafStarts[i];
      const v = best[s] + leafValues[i];
      candidateBound[s] = v;
      if (v < floor) floor = v;
      if (this.expiring) {
        const expiry = this.reusable!.horizon(s, t);
        this.candidateExpiry[s] = expiry;
        if (expiry < floorExpiry) floorExpiry = expiry;
      }
    }
    if (live > 0) {
      const k = this.newNode(this.tailFrom, this.arrivedCount, t, floor, -1, -1, floorExpiry);
      roots[this.rootCount++] = k;
    }
    this.tailFrom = this.arrivedCount;
    this.tailKey = Infinity;
    this.tailExpiry = Infinity;
    while (this.rootCount >= 2 && nodeLevel[roots[this.rootCount - 1]] === nodeLevel[roots[this.rootCount - 2]]) {
      const left = roots[this.rootCount - 2];
      const right = roots[this.rootCount - 1];
      const k = this.newNode(
        this.nodeFrom[left],
        this.nodeTo[right],
        this.nodeAnchor[right],
        this.mergedFloor(left, right),
        left,
        right,
        // The floor is exact at t, but which of the block's values may fall later is not known
        // (branch and bound left most of them out): as a key it holds at t only.
        t,
      );
      if (this.reuseBounds) this.setKeyFromChildren(k, left, right);
      roots[this.rootCount - 2] = k;
      this.rootCount--;
    }
  }

  /** The floor of left ∪ right at the right block's anchor: exact over the left block's live candidates that are not hot. */
  private mergedFloor(left: number, right: number): number {
    const { leafStarts, leafValues, best } = this;
    const anchor = this.nodeAnchor[right];
    let floor = this.nodeFloor[right];
    const end = this.nodeTo[left];
    if (this.reuseBounds) return this.boundedFloor(left, anchor, floor);
    for (let from = this.nodeFrom[left]; from < end; from += this.leafSize) {
      const count = this.liveColdStarts(from, Math.min(from + this.leafSize, end));
      this.cost.costsEndingAt(anchor, leafStarts, count, leafValues);
      for (let i = 0; i < count; i++) {
        const v = best[leafStarts[i]] + leafValues[i];
        if (v < floor) floor = v;
      }
    }
    return floor;
  }

  /**
   * Mean cost: the least of `floor` and the values at `anchor` of block k's live candidates that
   * are not hot, by branch and bound over the block's tree. A block's values at the anchor are at
   * least its key (a bound from an earlier step: the cost never falls as the end moves on) and its
   * floor plus cost(its anchor, anchor) (sub-additivity), a candidate's at least its last value;
   * a block or candidate whose bound is not below the least value found so far cannot lower it.
   * So the minimum is the one of evaluating every candidate (as before: 2.8 evaluations a step on
   * 5 equal segments at 10⁴, a third of the search's), and most of the tree is passed over.
   */
  private boundedFloor(k: number, anchor: number, floor: number): number {
    const { floorStack, floorStackBound, nodeLeft, nodeRight } = this;
    let depth = 0;
    floorStack[depth] = k;
    floorStackBound[depth++] = this.boundAt(k, anchor);
    while (depth > 0) {
      const node = floorStack[--depth];
      if (floorStackBound[depth] >= floor) continue;
      const left = nodeLeft[node];
      if (left < 0) {
        floor = this.leafFloor(node, anchor, floor);
        continue;
      }
      const right = nodeRight[node];
      const leftBound = this.boundAt(left, anchor);
      const rightBound = this.boundAt(right, anchor);
      // The lower bound on top, so that the least value is found early and prunes the rest.
      const [first, firstBound, second, secondBound] =
        leftBound <= rightBound ? [right, rightBound, left, leftBound] : [left, leftBound, right, rightBound];
      floorStack[depth] = first;
      floorStackBound[depth++] = firstBound;
      floorStack[depth] = second;
      floorStackBound[depth++] = secondBound;
    }
    return floor;
  }

  /** Lower bound of block k's values at `anchor` (its live candidates that are not hot; +∞ once pruned). */
  private boundAt(k: number, anchor: number): number {
    if (this.nodePruned[k] <= this.t) return Infinity;
    const split = this.nodeFloor[k] + this.valueAt(this.nodeAnchor[k], anchor);
    const key = this.keyOf(k);
    return split > key ? split : key;
  }

  /** The least of `floor` and the values at `anchor` of leaf k's live candidates that are not hot; the values become their bounds. */
  private leafFloor(k: number, anchor: number, floor: number): number {
    const { arrived, prunedFrom, hot, candidateBound, best } = this;
    const t = this.t;
    const end = this.nodeTo[k];
    for (let i = this.nodeFrom[k]; i < end; i++) {
      const s = arrived[i];
      if (prunedFrom[s] <= t || hot[s] || this.boundOf(s) >= floor) continue;
      const v = best[s] + this.valueAt(s, anchor);
      candidateBound[s] = v;
      if (this.expiring) this.candidateExpiry[s] = this.reusable!.horizon(s, anchor);
      if (v < floor) floor = v;
    }
    return floor;
  }

  /** Puts the live candidates of arrivals [from, to) (at most a leaf) that are not hot in `leafStarts`; returns how many. */
  private liveColdStarts(from: number, to: number): number {
    const { arrived, prunedFrom, leafStarts, hot } = this;
    const t = this.t;
    let count = 0;
    for (let i = from; i < to; i++) {
      const s = arrived[i];
      if (prunedFrom[s] > t && !(this.reuseBounds && hot[s])) leafStarts[count++] = s;
    }
    return count;
  }

  /** A block over arrivals [from, to) anchored at `anchor`; its key is its floor (exact at the anchor). */
  private newNode(
    from: number,
    to: number,
    anchor: number,
    floor: number,
    left: number,
    right: number,
    floorExpiry: number,
  ): number {
    const k = this.nodes++;
    this.nodeFrom[k] = from;
    this.nodeTo[k] = to;
    this.nodeAnchor[k] = anchor;
    this.nodeFloor[k] = floor;
    this.setKeyTo(k, floor, floorExpiry);
    this.nodeLeft[k] = left;
    this.nodeRight[k] = right;
    this.nodeLevel[k] = left < 0 ? 0 : this.nodeLevel[left] + 1;
    this.nodePruned[k] = left < 0 ? NEVER : Math.max(this.nodePruned[left], this.nodePruned[right]);
    return k;
  }
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
