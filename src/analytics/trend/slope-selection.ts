import { selectKth } from '../common/order-statistics.js';
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
 * O(n log n) expected time (randomised slope selection, Dillencourt, Mount & Netanyahu 1992):
 *
 * 1. a random sample of slopes brackets the wanted ranks in [a, b];
 * 2. with points in x order, the pairs whose slope is below t are the inversions of
 *    u = y − t·x, so one merge sort at a counts the slopes below the bracket, and a second merge
 *    sort, in the order of u at a by u at b, meets the pairs inside it: it draws a stratified
 *    sample of their slopes (a second round, after Matoušek 1991), which brackets each rank again
 *    within [a, b], far more narrowly;
 * 3. a third merge sort meets the same pairs again and keeps only the slopes inside those narrow
 *    brackets, counting those below them; the ranks are selected among the few kept.
 *
 * The pairs inside [a, b] are ~n^1.5 (Sen's interval alone spans that many ranks): listing and
 * selecting among them all was most of the time; now they are only counted and compared, and
 * nothing of their size is stored.
 *
 * Step 2's comparisons of u are rounded where the divisions are not: the bracket is widened by
 * a bound on that rounding, and an answer is accepted only when it lies inside the unwidened
 * bracket, where the two cannot disagree; otherwise a new sample is drawn with a wider bracket,
 * ending at the whole set of pairs.
 */
export function selectSlopes(x: ArrayLike<number>, y: ArrayLike<number>, ranks: readonly number[]): SelectedSlopes {
  const n = x.length;
  const { sx, sy } = byXThenY(x, y);
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
  const selection = new BracketSelection(sx, sy, pairs, createRandom(1));
  const order = ranks.map((_, i) => i).sort((i, j) => ranks[i] - ranks[j]);
  const m = SAMPLE_PER_POINT * n;
  let sample = selection.sample(m);
  // Ranks far apart (the median and the interval's ends) get a bracket each: one bracket around
  // all would hold every slope between them.
  const apart = (4 * pairs) / Math.sqrt(m);
  for (let first = 0; first < order.length;) {
    let last = first + 1;
    while (
      last < order.length &&
      last - first < RANKS_PER_SEARCH &&
      ranks[order[last]] - ranks[order[last - 1]] <= apart
    )
      last++;
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
const SAMPLE_PER_POINT = 4;

/** The slope of pair (i, j), computed as the quadratic definition does. */
const slope = (sx: Float64Array, sy: Float64Array, i: number, j: number) => (sy[j] - sy[i]) / (sx[j] - sx[i]);

/** The points sorted by x, ties by y (copies; already sorted input, the usual case, is copied as is). */
function byXThenY(x: ArrayLike<number>, y: ArrayLike<number>): { sx: Float64Array; sy: Float64Array } {
  const n = x.length;
  let inOrder = true;
  for (let i = 1; i < n && inOrder; i++) inOrder = x[i - 1] < x[i] || (x[i - 1] === x[i] && y[i - 1] <= y[i]);
  if (inOrder) return { sx: Float64Array.from(x), sy: Float64Array.from(y) };
  const index = Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i] - x[j] || y[i] - y[j]);
  return { sx: Float64Array.from(index, (i) => x[i]), sy: Float64Array.from(index, (i) => y[i]) };
}

/** What a merge pass does with the pairs it inverts (see {@link BracketSelection.mergeSort}). */
const COUNT = 0;
/** Draws a stratified sample of their slopes. */
const DRAW = 1;
/** Compares every slope with the narrow brackets: counts those below, keeps those inside. */
const SIFT = 2;
type MergeMode = typeof COUNT | typeof DRAW | typeof SIFT;

/** Most ranks one bracket search takes: the sifting loop keeps a counter per bracket in a local. */
const RANKS_PER_SEARCH = 4;

/** Narrow brackets of the second round: one per wanted rank at most, sorted and disjoint. */
class Brackets {
  count = 0;
  /** Unused brackets are [+∞, +∞]: no slope is above or inside them. */
  readonly low = new Float64Array(RANKS_PER_SEARCH);
  readonly high = new Float64Array(RANKS_PER_SEARCH);
  /** gaps[j]: the slopes between bracket j − 1 and bracket j (gaps[count]: above the last). */
  readonly gaps = new Float64Array(RANKS_PER_SEARCH + 1);
  readonly kept = Array.from({ length: RANKS_PER_SEARCH }, () => new GrowingSample());

  reset(): void {
    this.count = 0;
    this.low.fill(Infinity);
    this.high.fill(Infinity);
    this.gaps.fill(0);
  }

  add(low: number, high: number): void {
    const j = this.count++;
    this.low[j] = low;
    this.high[j] = high;
    this.kept[j].clear();
  }

  /** The slopes below bracket j. */
  below(j: number): number {
    let total = 0;
    for (let i = 0; i <= j; i++) total += this.gaps[i];
    for (let i = 0; i < j; i++) total += this.kept[i].length;
    return total;
  }
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
  private readonly scratch: Int32Array;
  private readonly key: Float64Array;
  private readonly sortedKey: Float64Array;
  private readonly scratchKey: Float64Array;
  /** The second round's sample of the slopes inside the bracket, and where the next one is drawn. */
  private readonly drawn = new GrowingSample();
  private stride = 1;
  private stratum = 0;
  private nextDraw = 0;
  private readonly brackets = new Brackets();

  constructor(
    private readonly sx: Float64Array,
    private readonly sy: Float64Array,
    private readonly pairs: number,
    private readonly random: Random,
  ) {
    const n = sx.length;
    this.n = n;
    const centre = sx[n >> 1];
    this.cx = sx.map((v) => v - centre);
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
    this.seq = new Int32Array(n);
    this.lowOrder = new Int32Array(n);
    this.scratch = new Int32Array(n);
    this.key = new Float64Array(n);
    this.sortedKey = new Float64Array(n);
    this.scratchKey = new Float64Array(n);
  }

  /** `m` slopes of pairs drawn at random (with distinct x). */
  sample(m: number): Float64Array {
    const { n, sx, sy, random } = this;
    const sample = new Float64Array(m);
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
    const { pairs } = this;
    const m = sample.length;
    let a = -Infinity;
    let b = Infinity;
    if (!whole) {
      const reach = spread * 0.5 * Math.sqrt(m);
      const lo = Math.floor((ranks[0] / pairs) * m - reach);
      const hi = Math.ceil((ranks[ranks.length - 1] / pairs) * m + reach);
      if (lo >= 0) a = selectKth(sample, m, lo);
      if (hi < m) b = selectKth(sample, m, hi);
    }
    const below = this.sortBy(a - this.margin(a));
    this.lowOrder.set(this.seq);
    const high = b + this.margin(b);
    // Far more inside than a good sample leaves: a poor draw; try again rather than go through them all.
    const expected = ranks[ranks.length - 1] - ranks[0] + (4 * spread * pairs) / Math.sqrt(m);
    const cap = whole ? Infinity : 4 * expected + 1024;
    // About K^(2/3) of the K slopes inside: then sorting out the sample and the kept slopes cost alike.
    this.drawn.clear();
    this.stride = Math.max(1, expected / Math.max(256, Math.cbrt(expected) ** 2));
    this.stratum = 0;
    this.nextDraw = Math.floor(this.random.next() * this.stride);
    const inside = this.mergeAt(high, DRAW, cap);
    if (inside < 0) return null;
    const local = ranks.map((k) => k - below);
    if (local[0] < 0 || local[local.length - 1] >= inside) return null;
    for (let widen = 1; ; widen *= 4) {
      const owner = this.placeBrackets(local, inside, widen);
      this.mergeAt(high, SIFT, Infinity);
      const out = this.pick(local, owner);
      if (out) {
        // Outside [a, b] a pair left out of the inside set may belong between: not trusted.
        for (const v of out) if (!(v >= a && v <= b)) return null;
        return out;
      }
      // Every bracket unbounded holds the whole inside set: it cannot miss.
      if (owner.every((j) => this.brackets.low[j] === -Infinity && this.brackets.high[j] === Infinity))
        throw new Error('slope selection: the inside set lost a pair');
    }
  }

  /**
   * Narrow brackets around the `local` ranks (sorted) among the `inside` slopes, from the drawn
   * sample: `widen` × 2 of its spreads each side, unbounded where that passes its ends; brackets
   * that overlap are joined. Returns each rank's bracket.
   */
  private placeBrackets(local: number[], inside: number, widen: number): number[] {
    const { brackets } = this;
    const sample = this.drawn.values;
    const s = this.drawn.length;
    const reach = widen * Math.sqrt(s);
    brackets.reset();
    const owner: number[] = [];
    let from = 0;
    let lastHi = -1;
    for (const r of local) {
      const lo = Math.floor((r / inside) * s - reach);
      const hi = Math.ceil((r / inside) * s + reach);
      if (brackets.count > 0 && lo <= lastHi) {
        // Joined with the previous bracket: its high end moves up.
        const j = brackets.count - 1;
        if (hi > lastHi) {
          brackets.high[j] = hi < s ? selectKth(sample.subarray(from), s - from, hi - from) : Infinity;
          if (hi < s) from = hi;
          lastHi = hi;
        }
        owner.push(j);
        continue;
      }
      const low = lo >= 0 ? selectKth(sample.subarray(from), s - from, lo - from) : -Infinity;
      if (lo >= 0) from = lo;
      const high = hi < s ? selectKth(sample.subarray(from), s - from, hi - from) : Infinity;
      if (hi < s) from = hi;
      lastHi = hi;
      brackets.add(low, high);
      owner.push(brackets.count - 1);
    }
    return owner;
  }

  /** The slopes of the `local` ranks among those the last sifting kept, or null when a bracket missed. */
  private pick(local: number[], owner: number[]): number[] | null {
    const { brackets } = this;
    const out: number[] = [];
    let from = 0;
    let last = -1;
    for (let r = 0; r < local.length; r++) {
      const j = owner[r];
      const kept = brackets.kept[j];
      if (j !== last) from = 0;
      last = j;
      const i = local[r] - brackets.below(j);
      if (i < from || i >= kept.length) return null;
      out.push(selectKth(kept.values.subarray(from), kept.length - from, i - from));
      from = i;
    }
    return out;
  }

  /**
   * Puts the points (in x order) into `seq` in the order of u(t) = y − t·x, ties in x order
   * (t = −∞: x order itself), and returns the number of strict inversions: the slopes below t.
   */
  private sortBy(t: number): number {
    const { n, seq, key, cx, sy } = this;
    for (let i = 0; i < n; i++) seq[i] = i;
    if (t === -Infinity) return 0;
    for (let i = 0; i < n; i++) key[i] = sy[i] - t * cx[i];
    return this.mergeSort(COUNT, Infinity);
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
    return this.mergeSort(mode, cap);
  }

  /**
   * Stable bottom-up merge sort of `seq` by `key`, counting strict inversions, and handing the
   * inverted pairs to {@link draw} or {@link sift} by `mode`; −1 once there are more than `cap`.
   * The keys move along with the points, so that comparisons read memory in order.
   */
  private mergeSort(mode: MergeMode, cap: number): number {
    const { n } = this;
    let src = this.seq;
    let dst = this.scratch;
    let srcKey = this.sortedKey;
    let dstKey = this.scratchKey;
    for (let i = 0; i < n; i++) srcKey[i] = this.key[src[i]];
    let inversions = 0;
    for (let width = 1; width < n; width *= 2) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = Math.min(lo + width, n);
        const hi = Math.min(lo + 2 * width, n);
        let i = lo;
        let j = mid;
        let k = lo;
        while (i < mid && j < hi) {
          const kj = srcKey[j];
          if (kj < srcKey[i]) {
            const q = src[j++];
            // q passes src[i … mid): each of those pairs is inverted.
            if (mode === DRAW) this.draw(src, i, mid, q, inversions);
            else if (mode === SIFT) this.sift(src, i, mid, q);
            inversions += mid - i;
            if (inversions > cap) return -1;
            dstKey[k] = kj;
            dst[k++] = q;
          } else {
            dstKey[k] = srcKey[i];
            dst[k++] = src[i++];
          }
        }
        while (i < mid) {
          dstKey[k] = srcKey[i];
          dst[k++] = src[i++];
        }
        while (j < hi) {
          dstKey[k] = srcKey[j];
          dst[k++] = src[j++];
        }
      }
      [src, dst] = [dst, src];
      [srcKey, dstKey] = [dstKey, srcKey];
    }
    if (src !== this.seq) this.seq.set(src);
    return inversions;
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

  /** Counts the slopes of the inverted pairs (src[p], q), p in [from, to), between the brackets, and keeps those inside one. */
  private sift(src: Int32Array, from: number, to: number, q: number): void {
    const { sx, sy, brackets } = this;
    const { low, high, gaps, kept } = brackets;
    // The slope's place among the brackets' ends, counted without branching on it (most slopes
    // fall between brackets, in no predictable one): odd = inside bracket (place − 1)/2.
    const l0 = low[0];
    const h0 = high[0];
    const l1 = low[1];
    const h1 = high[1];
    const l2 = low[2];
    const h2 = high[2];
    const l3 = low[3];
    const h3 = high[3];
    const xq = sx[q];
    const yq = sy[q];
    for (let p = from; p < to; p++) {
      const o = src[p];
      const v = (yq - sy[o]) / (xq - sx[o]);
      const place = +(v >= l0) + +(v > h0) + +(v >= l1) + +(v > h1) + +(v >= l2) + +(v > h2) + +(v >= l3) + +(v > h3);
      if ((place & 1) === 0) gaps[place >> 1]++;
      else kept[place >> 1].push(v);
    }
  }
}
