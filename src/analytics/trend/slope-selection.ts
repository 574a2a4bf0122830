import { selectBand, selectKth } from '../common/order-statistics.js';
import { createRandom, type Random } from '../common/random.js';
import { GrowingSample } from './growing-sample.js';
import { ties } from './ties.js';

/** Order statistics of the pairwise slopes, see {@link selectSlopes}. */
export interface SelectedSlopes {
  /** Number of pairs with distinct x (the number of slopes). */
  pairs: number;
  /** values[r] is the ranks[r]-th smallest slope (0-based). */
  values: Float64Array;
}

/** Up to this many pairs every slope is computed and sorted: below it that is quicker than selecting. */
const ENUMERATE_PAIRS = 20_000;
const EPSILON = 2 ** -52;

/**
 * Order statistics of the slopes (y_j − y_i)/(x_j − x_i) over all pairs with x_i ≠ x_j, exactly
 * the values of the quadratic definition (every slope computed by that same division), in
 * O(n log n) expected time (randomised slope selection: Matoušek 1991; Dillencourt, Mount &
 * Netanyahu 1992):
 *
 * 1. a random sample of slopes brackets the wanted ranks in [a, b];
 * 2. with points in x order, the pairs whose slope is below t are the inversions of
 *    u = y − t·x, so one merge sort at a counts the slopes below the bracket, and a second merge
 *    sort, in the order of u at a by u at b, meets the K pairs inside it (K ~ n^1.5): it draws a
 *    stratified sample of ~4n of their slopes, which brackets each rank again within [a, b], so
 *    narrowly that each narrow bracket holds ~2K/√(4n) ~ n pairs;
 * 3. for each narrow bracket the same two merge sorts count the slopes below it and list those
 *    inside it, and its ranks are selected among those.
 *
 * So a handful of O(n log n) merge sorts and nothing of size n^1.5 is computed or stored.
 *
 * The comparisons of u are rounded where the divisions are not: each bracket is widened by a
 * bound on that rounding, and an answer is accepted only when it lies inside the unwidened
 * bracket, where the two cannot disagree; otherwise the narrow brackets are widened, and then a
 * new sample is drawn with a wider first bracket, ending at the whole set of pairs.
 */
export function selectSlopes(x: ArrayLike<number>, y: ArrayLike<number>, ranks: readonly number[]): SelectedSlopes {
  const n = x.length;
  const shared = sharedBuffers(n);
  const sx = shared.points[0].subarray(0, n);
  const sy = shared.points[1].subarray(0, n);
  byXThenY(x, y, sx, sy);
  const pairs = (n * (n - 1)) / 2 - ties(sx).pairs;
  const values = new Float64Array(ranks.length);
  if (pairs === 0) return { pairs, values: values.fill(NaN) };
  for (const k of ranks)
    if (!Number.isInteger(k) || k < 0 || k >= pairs) throw new RangeError(`slope rank ${k} is not in [0, ${pairs})`);
  if (pairs <= ENUMERATE_PAIRS) {
    const all = new Float64Array(pairs);
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (sx[j] !== sx[i]) all[k++] = slope(sx, sy, i, j);
    all.sort();
    ranks.forEach((r, i) => (values[i] = all[r]));
    return { pairs, values };
  }
  const selection = new BracketSelection(sx, sy, pairs, createRandom(1), shared);
  const order = ranks.map((_, i) => i).sort((i, j) => ranks[i] - ranks[j]);
  const m = SAMPLE_PER_POINT * n;
  let sample = selection.sample(m);
  // Ranks far apart (the median and the interval's ends) get a bracket each: one bracket around
  // all would hold every slope between them.
  const apart = (4 * pairs) / Math.sqrt(m);
  for (let first = 0; first < order.length;) {
    let last = first + 1;
    while (last < order.length && ranks[order[last]] - ranks[order[last - 1]] <= apart) last++;
    const cluster = order.slice(first, last);
    for (let attempt = 0; ; attempt++) {
      // The sample's spread around a rank is ~√m/2 slopes; the bracket reaches 2, 4, 8… of those.
      const found = selection.attempt(
        cluster.map((i) => ranks[i]),
        sample,
        2 ** (attempt + 1),
        attempt >= 4,
      );
      if (found) {
        cluster.forEach((i, r) => (values[i] = found[r]));
        break;
      }
      sample = selection.sample(m);
    }
    first = last;
  }
  return { pairs, values };
}

/** Slopes sampled per point to place a bracket: more narrows it, each costs a division and a select. */
const SAMPLE_PER_POINT = 2;

/** Moves the least of a[from..to) to a[from] and returns it (what selectKth does for rank 0, in one pass). */
function takeLeast(a: Float64Array, from: number, to: number): number {
  let at = from;
  for (let i = from + 1; i < to; i++) if (a[i] < a[at]) at = i;
  const v = a[at];
  a[at] = a[from];
  a[from] = v;
  return v;
}

/**
 * Merges runs [lo, mid) and [mid, hi) of points and keys into `dst`; returns the pairs inverted.
 * Without a branch on the comparison: the side taken is computed (`c` is 0 or 1), because on
 * keys in no particular order a branch is mispredicted every other step (measured: the merge
 * passes of a sort from x order take a third less time).
 */
function countingMerge(
  src: Int32Array,
  dst: Int32Array,
  srcKey: Float64Array,
  dstKey: Float64Array,
  lo: number,
  mid: number,
  hi: number,
): number {
  let inversions = 0;
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    const c = +(srcKey[j] < srcKey[i]);
    const at = i + c * (j - i);
    dstKey[k] = srcKey[at];
    dst[k++] = src[at];
    inversions += c * (mid - i);
    i += 1 - c;
    j += c;
  }
  copyRest(src, dst, srcKey, dstKey, i, mid, k);
  copyRest(src, dst, srcKey, dstKey, j, hi, k + mid - i);
  return inversions;
}

/** Copies points and keys [from, to) of `src` to `dst` from `at` on: what is left of a run after a merge. */
function copyRest(
  src: Int32Array,
  dst: Int32Array,
  srcKey: Float64Array,
  dstKey: Float64Array,
  from: number,
  to: number,
  at: number,
): void {
  for (let p = from; p < to; p++, at++) {
    dstKey[at] = srcKey[p];
    dst[at] = src[p];
  }
}

/** The slope of pair (i, j), computed as the quadratic definition does. */
const slope = (sx: Float64Array, sy: Float64Array, i: number, j: number) => (sy[j] - sy[i]) / (sx[j] - sx[i]);

/** Writes the points sorted by x, ties by y, to `sx` and `sy` (already sorted input, the usual case, is copied as is). */
function byXThenY(x: ArrayLike<number>, y: ArrayLike<number>, sx: Float64Array, sy: Float64Array): void {
  const n = x.length;
  let inOrder = true;
  for (let i = 1; i < n && inOrder; i++) inOrder = x[i - 1] < x[i] || (x[i - 1] === x[i] && y[i - 1] <= y[i]);
  const index = inOrder ? null : Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i] - x[j] || y[i] - y[j]);
  for (let i = 0; i < n; i++) {
    const at = index ? index[i] : i;
    sx[i] = x[at];
    sy[i] = y[at];
  }
}

/** The working arrays of a selection, kept between calls (a recipe selects in thousands of series). */
interface Buffers {
  orders: Int32Array[];
  keys: Float64Array[];
  /** The points' x, y and centred x. */
  points: Float64Array[];
  /** The first sample of slopes ({@link SAMPLE_PER_POINT} per point). */
  sample: Float64Array;
  drawn: GrowingSample;
}
let buffers: Buffers | null = null;

/** The shared working arrays, grown to hold `n` points; their contents are not kept. */
function sharedBuffers(n: number): Buffers {
  if (!buffers || buffers.keys[0].length < n) {
    const size = Math.max(n, 2 * (buffers?.keys[0].length ?? 0));
    buffers = {
      orders: Array.from({ length: 4 }, () => new Int32Array(size)),
      keys: Array.from({ length: 3 }, () => new Float64Array(size)),
      points: Array.from({ length: 3 }, () => new Float64Array(size)),
      sample: new Float64Array(SAMPLE_PER_POINT * size),
      drawn: buffers?.drawn ?? new GrowingSample(),
    };
  }
  buffers.drawn.clear();
  return buffers;
}

/** What a merge pass does with the pairs it inverts (see {@link BracketSelection.mergeSort}): counts them only. */
const COUNT = 0;
/** Draws a stratified sample of their slopes. */
const DRAW = 1;
/** Keeps every one of their slopes. */
const KEEP = 2;
type MergeMode = typeof COUNT | typeof DRAW | typeof KEEP;

/**
 * Slopes drawn per point from the pairs inside the first bracket. The narrow brackets they place
 * hold ~2·K/√(that·n) of the K pairs inside, so with K ~ n^1.5 a few times n: listing those costs
 * less than the merge sort that meets them.
 */
const DRAW_PER_POINT = 4;

/**
 * Places an insertion sort may move points, per point, before the merge passes take over: a
 * start with more inverted pairs than that is not nearly sorted.
 */
const INSERTION_BUDGET = 4;

/** Points per run sorted by insertion before a merge sort's passes (fewer passes over the array). */
const RUN = 16;

/** The points in the order of u = y − t·x at a threshold t, and the number of slopes below t. */
interface Ordered {
  order: Int32Array;
  t: number;
  below: number;
}

/** A narrow bracket of the second round and the wanted ranks (positions in `local`) it holds. */
interface NarrowBracket {
  low: number;
  high: number;
  /** The pairs of the first bracket expected inside it (from the drawn sample): its cap. */
  expected: number;
  members: number[];
}

class BracketSelection {
  private readonly n: number;
  /** x − its median: u = y − t·x keeps its precision. */
  private readonly cx: Float64Array;
  private readonly maxAbsY: number;
  private readonly maxAbsX: number;
  private readonly minGap: number;
  private readonly seq: Int32Array;
  /** `seq` at the bracket's low end, where the second and third merge passes start. */
  private readonly lowOrder: Int32Array;
  /** `seq` at the first bracket's low end, where the narrow brackets' counts start from. */
  private readonly firstOrder: Int32Array;
  private readonly scratch: Int32Array;
  private readonly key: Float64Array;
  private readonly sortedKey: Float64Array;
  private readonly scratchKey: Float64Array;
  /** The second round's sample of the slopes inside the bracket, and where the next one is drawn. */
  private readonly drawn: GrowingSample;
  private readonly sampleBuffer: Float64Array;
  private stride = 1;
  private stratum = 0;
  private nextDraw = 0;

  constructor(
    private readonly sx: Float64Array,
    private readonly sy: Float64Array,
    private readonly pairs: number,
    private readonly random: Random,
    buffers: Buffers,
  ) {
    const n = sx.length;
    this.n = n;
    const centre = sx[n >> 1];
    this.cx = buffers.points[2].subarray(0, n);
    for (let i = 0; i < n; i++) this.cx[i] = sx[i] - centre;
    let maxAbsY = 0;
    let maxAbsX = 0;
    let minGap = Infinity;
    for (let i = 0; i < n; i++) {
      maxAbsY = Math.max(maxAbsY, Math.abs(sy[i]));
      maxAbsX = Math.max(maxAbsX, Math.abs(sx[i]));
      if (i > 0 && sx[i] > sx[i - 1]) minGap = Math.min(minGap, sx[i] - sx[i - 1]);
    }
    this.maxAbsY = maxAbsY;
    this.maxAbsX = maxAbsX;
    this.minGap = minGap;
    this.seq = buffers.orders[0].subarray(0, n);
    this.lowOrder = buffers.orders[1].subarray(0, n);
    this.firstOrder = buffers.orders[2].subarray(0, n);
    this.scratch = buffers.orders[3].subarray(0, n);
    this.key = buffers.keys[0].subarray(0, n);
    this.sortedKey = buffers.keys[1].subarray(0, n);
    this.scratchKey = buffers.keys[2].subarray(0, n);
    this.drawn = buffers.drawn;
    this.sampleBuffer = buffers.sample;
  }

  /** `m` slopes of pairs drawn at random (with distinct x), in the shared sample array: a new draw overwrites the last. */
  sample(m: number): Float64Array {
    const { n, sx, sy, random } = this;
    const sample = this.sampleBuffer.subarray(0, m);
    for (let k = 0; k < m;) {
      const i = random.integer(n);
      const j = random.integer(n);
      if (sx[i] !== sx[j]) sample[k++] = slope(sx, sy, i, j);
    }
    return sample;
  }

  /**
   * How far a slope compared through u may be from t and still be misjudged: the rounding of
   * y − t·x (and of centring x), over the closest two distinct x, with a wide safety factor.
   */
  private margin(t: number): number {
    if (!Number.isFinite(t)) return 0;
    return 64 * EPSILON * ((this.maxAbsY + Math.abs(t) * this.maxAbsX) / this.minGap + Math.abs(t));
  }

  /**
   * One try with a sample of slopes and a bracket `spread` × the sample's spread each side of
   * the ranks (all pairs when `whole`). Returns the ranks' slopes (ranks sorted), or null when the
   * bracket missed or a check failed.
   */
  attempt(ranks: number[], sample: Float64Array, spread: number, whole: boolean): number[] | null {
    const { pairs, n } = this;
    const m = sample.length;
    let a = -Infinity;
    let b = Infinity;
    if (!whole) {
      const reach = spread * 0.5 * Math.sqrt(m);
      const lo = Math.floor((ranks[0] / pairs) * m - reach);
      const hi = Math.ceil((ranks[ranks.length - 1] / pairs) * m + reach);
      // Both ends lie in a band of the sample, moved to its front; past the first end the band
      // holds the values from a up, among which the second end is selected.
      const { below, inside: length } = selectBand(sample, m, Math.max(lo, 0), Math.min(hi, m - 1));
      if (lo >= 0) a = selectKth(sample, length, lo - below);
      const past = Math.max(lo - below + 1, 0);
      if (hi < m) b = selectKth(sample.subarray(past), length - past, hi - below - past);
    }
    // Far more inside than a good sample leaves: a poor draw; try again rather than go through them all.
    const expected = ranks[ranks.length - 1] - ranks[0] + (4 * spread * pairs) / Math.sqrt(m);
    const cap = whole ? Infinity : 4 * expected + 1024;
    const keepAll = expected <= DRAW_PER_POINT * n;
    this.drawn.clear();
    this.stride = keepAll ? 1 : expected / (DRAW_PER_POINT * n);
    this.stratum = 0;
    this.nextDraw = Math.floor(this.random.next() * this.stride);
    const first = this.within(a, b, keepAll ? KEEP : DRAW, cap, null);
    if (!first) return null;
    this.firstOrder.set(this.lowOrder);
    const local = ranks.map((k) => k - first.below);
    if (local[0] < 0 || local[local.length - 1] >= first.inside) return null;
    if (keepAll) return this.pick(local, a, b);
    for (let widen = 1; ; widen *= 4) {
      const narrow = this.placeBrackets(local, first.inside, widen);
      const out: number[] = [];
      // Each bracket's count starts from the order at the previous bracket's high end, or the first one's low end.
      let from: Ordered = { order: this.firstOrder, t: first.low, below: first.below };
      for (const bracket of narrow) {
        // Past the sample's ends the first bracket still bounds the ranks.
        if (bracket.low === -Infinity) bracket.low = a;
        if (bracket.high === Infinity) bracket.high = b;
        const found = this.narrowed(bracket, ranks, widen > 16 ? Infinity : 4 * bracket.expected + 1024, from);
        if (!found) break;
        out.push(...found.values);
        from = { order: this.seq, t: found.high, below: found.below + found.inside };
      }
      if (out.length === ranks.length) return out;
      if (narrow.every((bracket) => bracket.low === a && bracket.high === b)) {
        // As wide as the first bracket and still missed: a slope outside [a, b], where rounding may misplace pairs.
        if (whole) throw new Error('slope selection: the whole set of pairs lost a pair');
        return null;
      }
    }
  }

  /**
   * The pairs whose slopes are in [low, high], widened by the rounding bound to the thresholds
   * `low` and `high` returned: `below` counts the slopes under them, `inside` the pairs
   * themselves, whose slopes `mode` draws or keeps in `drawn`; null once there are more than
   * `cap`. The count below starts from the order `from` when it can (see {@link orderAt}).
   */
  private within(
    low: number,
    high: number,
    mode: MergeMode,
    cap: number,
    from: Ordered | null,
  ): { low: number; high: number; below: number; inside: number } | null {
    const t = low - this.margin(low);
    const below = this.orderAt(t, from);
    this.lowOrder.set(this.seq);
    const th = high + this.margin(high);
    const inside = this.mergeAt(th, mode, cap);
    return inside < 0 ? null : { low: t, high: th, below, inside };
  }

  /**
   * The slopes of the bracket's ranks (positions in `ranks`), all of whose pairs are listed, or
   * null when one is not inside it or there were more than `cap` pairs.
   */
  private narrowed(
    bracket: NarrowBracket,
    ranks: number[],
    cap: number,
    from: Ordered,
  ): { values: number[]; high: number; below: number; inside: number } | null {
    const { low, high } = bracket;
    this.drawn.clear();
    const found = this.within(low, high, KEEP, cap, from);
    if (!found) return null;
    const local = bracket.members.map((r) => ranks[r] - found.below);
    if (local[0] < 0 || local[local.length - 1] >= found.inside) return null;
    const values = this.pick(local, low, high);
    return values && { ...found, values };
  }

  /**
   * The `local` ranks (sorted) among the slopes in `drawn` (all those in the bracket [low, high]),
   * or null when one lies outside [low, high]: a pair left out there by rounding may belong between.
   */
  private pick(local: number[], low: number, high: number): number[] | null {
    const kept = this.drawn.values;
    // The ranks' slopes lie in a band of the kept ones, moved to their front: select among those.
    const { below, inside: length } = selectBand(kept, this.drawn.length, local[0], local[local.length - 1]);
    const out: number[] = [];
    let from = 0;
    for (const r of local) {
      const i = r - below;
      // The next rank after one just selected is the least of those after it.
      const v =
        i === from + 1 && out.length > 0
          ? takeLeast(kept, i, length)
          : selectKth(kept.subarray(from), length - from, i - from);
      if (!(v >= low && v <= high)) return null;
      out.push(v);
      from = i;
    }
    return out;
  }

  /**
   * Narrow brackets around the `local` ranks (sorted) among the `inside` slopes, from the drawn
   * sample: `widen` × its spread each side, unbounded where that passes its ends; brackets that
   * overlap are joined. Each holds its ranks as positions in `local`.
   */
  private placeBrackets(local: number[], inside: number, widen: number): NarrowBracket[] {
    const sample = this.drawn.values;
    const s = this.drawn.length;
    const reach = widen * Math.sqrt(s);
    // Sample positions of each bracket's ends, joined where they overlap; ends outside the sample unbounded.
    const spans: { lo: number; hi: number; members: number[] }[] = [];
    local.forEach((r, position) => {
      const lo = Math.floor((r / inside) * s - reach);
      const hi = Math.ceil((r / inside) * s + reach);
      const last = spans[spans.length - 1];
      if (last && lo <= last.hi) {
        last.hi = Math.max(last.hi, hi);
        last.members.push(position);
      } else spans.push({ lo, hi, members: [position] });
    });
    // The ends' ranks lie in a band of the sample, moved to its front: select among those.
    const { below, inside: length } = selectBand(
      sample,
      s,
      Math.max(0, spans[0].lo),
      Math.min(s - 1, spans[spans.length - 1].hi),
    );
    let from = 0;
    return spans.map(({ lo, hi, members }) => {
      const low = lo >= 0 ? selectKth(sample.subarray(from), length - from, lo - below - from) : -Infinity;
      if (lo >= 0) from = lo - below;
      const high = hi < s ? selectKth(sample.subarray(from), length - from, hi - below - from) : Infinity;
      if (hi < s) from = hi - below;
      const expected = ((Math.min(hi, s) - Math.max(lo, 0)) / s) * inside;
      return { low, high, expected, members };
    });
  }

  /**
   * Puts the points into `seq` in the order of u(t) = y − t·x, ties in x order (t = −∞: x order
   * itself), and returns the number of slopes below t: the strict inversions from x order. When
   * every pair inverted at `from` is surely inverted at t too (the rounding bounds of the two
   * comparisons do not overlap), the order at `from` is merged on instead, adding the pairs that
   * change places: far fewer, so the merges run on nearly sorted runs.
   */
  private orderAt(t: number, from: Ordered | null): number {
    const { n, seq, key, cx, sy } = this;
    const onward = from !== null && from.t + this.margin(from.t) <= t - this.margin(t);
    if (onward) seq.set(from.order);
    else for (let i = 0; i < n; i++) seq[i] = i;
    if (t === -Infinity) return 0;
    for (let i = 0; i < n; i++) key[i] = sy[i] - t * cx[i];
    const r = (onward ? from.below : 0) + this.mergeSort(COUNT, Infinity);
    return r;
  }

  /**
   * Sorts the points from the order at the bracket's low end by u(t) and returns the number of
   * pairs it inverts (those in the bracket), treating each as `mode` says; −1 once there are more
   * than `cap`.
   */
  private mergeAt(t: number, mode: MergeMode, cap: number): number {
    const { n, key, cx, sx, sy } = this;
    this.seq.set(this.lowOrder);
    // t = +∞: u ~ −t·x, so the order of −x (not centred: that could round two x into one).
    for (let i = 0; i < n; i++) key[i] = t === Infinity ? -sx[i] : sy[i] - t * cx[i];
    // Kept pairs are few (a narrow bracket's), so the order at the low end is nearly sorted at t.
    return this.mergeSort(mode, cap, mode === KEEP);
  }

  /**
   * Stable bottom-up merge sort of `seq` by `key`, counting strict inversions, and handing the
   * inverted pairs to {@link draw} or {@link keep} by `mode`; −1 once there are more than `cap`.
   * The keys move along with the points, so that comparisons read memory in order. A
   * `nearlySorted` start (few pairs change places) is first sorted by insertion, O(n + pairs
   * inverted), where the merge passes cost n · log n whatever the order; past a budget the
   * insertion stops and the merge passes sort the rest: each pair is inverted once either way.
   * Counting merges go without a branch on the comparison ({@link countingMerge}); those that
   * draw or keep pairs branch: a branch-free drawing merge measured no quicker on the recipe's
   * series (it starts from the order at the bracket's low end, far from random).
   */
  private mergeSort(mode: MergeMode, cap: number, nearlySorted = false): number {
    const { n } = this;
    let src = this.seq;
    let dst = this.scratch;
    let srcKey = this.sortedKey;
    let dstKey = this.scratchKey;
    for (let i = 0; i < n; i++) srcKey[i] = this.key[src[i]];
    let inversions = 0;
    let start = 1;
    if (nearlySorted) {
      const sorted = this.insertionSort(mode, cap, 0, n, INSERTION_BUDGET * n, 0);
      if (sorted.inversions > cap) return -1;
      if (sorted.done) return sorted.inversions;
      inversions = sorted.inversions;
    } else {
      // Runs of RUN points by insertion first: the merge passes over the whole array start wider.
      for (let lo = 0; lo < n; lo += RUN) {
        inversions = this.insertionSort(mode, cap, lo, Math.min(lo + RUN, n), Infinity, inversions).inversions;
        if (inversions > cap) return -1;
      }
      start = RUN;
    }
    for (let width = start; width < n; width *= 2) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = Math.min(lo + width, n);
        const hi = Math.min(lo + 2 * width, n);
        if (mid === hi || srcKey[mid - 1] <= srcKey[mid]) {
          // Already in order (common when merging on from a nearby order): nothing inverted.
          copyRest(src, dst, srcKey, dstKey, lo, hi, lo);
          continue;
        }
        if (mode === COUNT) {
          inversions += countingMerge(src, dst, srcKey, dstKey, lo, mid, hi);
          continue;
        }
        let i = lo;
        let j = mid;
        let k = lo;
        while (i < mid && j < hi) {
          const kj = srcKey[j];
          if (kj < srcKey[i]) {
            const q = src[j++];
            // q passes src[i … mid): each of those pairs is inverted.
            if (mode === DRAW) {
              if (this.nextDraw < inversions + mid - i) this.draw(src, i, mid, q, inversions);
            } else this.keep(src, i, mid, q);
            inversions += mid - i;
            if (inversions > cap) return -1;
            dstKey[k] = kj;
            dst[k++] = q;
          } else {
            dstKey[k] = srcKey[i];
            dst[k++] = src[i++];
          }
        }
        copyRest(src, dst, srcKey, dstKey, i, mid, k);
        copyRest(src, dst, srcKey, dstKey, j, hi, k + mid - i);
      }
      [src, dst] = [dst, src];
      [srcKey, dstKey] = [dstKey, srcKey];
    }
    if (src !== this.seq) this.seq.set(src);
    return inversions;
  }

  /**
   * Insertion sort of `seq` by `sortedKey` (stable: a point passes only greater keys), handing each
   * point's passed points to {@link draw} or {@link keep} as a merge does; stops once it has moved
   * points {@link INSERTION_BUDGET} × n places (or passed `cap` pairs), with a sorted prefix and the
   * rest as it was.
   */
  private insertionSort(
    mode: MergeMode,
    cap: number,
    from: number,
    to: number,
    budget: number,
    first: number,
  ): { inversions: number; done: boolean } {
    const { seq } = this;
    const key = this.sortedKey;
    let inversions = first;
    for (let j = from + 1; j < to; j++) {
      const kq = key[j];
      if (!(kq < key[j - 1])) continue;
      let p = j - 1;
      while (p > from && kq < key[p - 1]) p--;
      const q = seq[j];
      if (mode === DRAW) this.draw(seq, p, j, q, inversions);
      else if (mode === KEEP) this.keep(seq, p, j, q);
      inversions += j - p;
      // Points move a few places: a loop is quicker than copyWithin's call.
      for (let k = j; k > p; k--) {
        seq[k] = seq[k - 1];
        key[k] = key[k - 1];
      }
      seq[p] = q;
      key[p] = kq;
      if (inversions > cap || inversions - first > budget) return { inversions, done: false };
    }
    return { inversions, done: true };
  }

  /**
   * Draws from the inverted pairs (src[p], q), p in [from, to), numbered from `first` on: one at
   * a random place in each stretch of `stride` pairs (a stratified sample).
   */
  private draw(src: Int32Array, from: number, to: number, q: number, first: number): void {
    const end = first + to - from;
    const { sx, sy } = this;
    while (this.nextDraw < end) {
      const o = src[from + this.nextDraw - first];
      if (sx[o] !== sx[q]) this.drawn.push((sy[q] - sy[o]) / (sx[q] - sx[o]));
      this.nextDraw = Math.floor((++this.stratum + this.random.next()) * this.stride);
    }
  }

  /** Keeps the slopes of the inverted pairs (src[p], q), p in [from, to). */
  private keep(src: Int32Array, from: number, to: number, q: number): void {
    const { sx, sy, drawn } = this;
    const xq = sx[q];
    const yq = sy[q];
    const values = drawn.reserve(to - from);
    let k = drawn.length;
    for (let p = from; p < to; p++) {
      const o = src[p];
      values[k++] = (yq - sy[o]) / (xq - sx[o]);
    }
    drawn.length = k;
  }
}
