import { selectKth } from '../common/order-statistics.js';
import { createRandom, type Random } from '../common/random.js';
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
 *    sort, in the order of u at a by u at b, lists the pairs inside it;
 * 3. the ranks are selected among those few.
 *
 * Steps 2's comparisons of u are rounded where the divisions are not: the bracket is widened by
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
  const selection = new BracketSelection(sx, sy, pairs);
  const order = ranks.map((_, i) => i).sort((i, j) => ranks[i] - ranks[j]);
  const random = createRandom(1);
  const m = SAMPLE_PER_POINT * n;
  let sample = selection.sample(m, random);
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
      sample = selection.sample(m, random);
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

class BracketSelection {
  private readonly n: number;
  /** x − its median: u = y − t·x keeps its precision. */
  private readonly cx: Float64Array;
  private readonly maxAbsY: number;
  private readonly maxAbsX: number;
  private readonly minGap: number;
  private readonly seq: Int32Array;
  private readonly scratch: Int32Array;
  private readonly key: Float64Array;
  private readonly sortedKey: Float64Array;
  private readonly scratchKey: Float64Array;
  private inside = new Float64Array(1024);
  private insideCount = 0;

  constructor(
    private readonly sx: Float64Array,
    private readonly sy: Float64Array,
    private readonly pairs: number,
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
    this.scratch = new Int32Array(n);
    this.key = new Float64Array(n);
    this.sortedKey = new Float64Array(n);
    this.scratchKey = new Float64Array(n);
  }

  /** `m` slopes of pairs drawn at random (with distinct x). */
  sample(m: number, random: Random): Float64Array {
    const { n, sx, sy } = this;
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
  attempt(ranks: number[], sample: Float64Array, spread: number, whole: boolean) {
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
    // Far more inside than a good sample leaves: a poor draw; try again rather than hold them all.
    const expected = ranks[ranks.length - 1] - ranks[0] + (4 * spread * pairs) / Math.sqrt(m);
    this.insideCount = 0;
    if (!this.listInside(b + this.margin(b), whole ? Infinity : 4 * expected + 1024)) return null;
    const inside = this.inside.subarray(0, this.insideCount);
    const out: number[] = [];
    let from = 0;
    for (const k of ranks) {
      const r = k - below;
      if (r < from || r >= inside.length) return null;
      const v = selectKth(inside.subarray(from), inside.length - from, r - from);
      // Outside [a, b] a pair left out of the list may belong between: not trusted.
      if (!(v >= a && v <= b)) return null;
      out.push(v);
      from = r;
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
    return this.mergeSort(null);
  }

  /**
   * Sorts `seq` (in the order of u at the bracket's low end) by u(t) and lists the slopes of the
   * pairs it inverts: those in the bracket. False when there are more than `cap`.
   */
  private listInside(t: number, cap: number): boolean {
    const { n, key, cx, sx, sy } = this;
    // t = +∞: u ~ −t·x, so the order of −x (not centred: that could round two x into one).
    for (let i = 0; i < n; i++) key[i] = t === Infinity ? -sx[i] : sy[i] - t * cx[i];
    return this.mergeSort(cap) >= 0;
  }

  /**
   * Stable bottom-up merge sort of `seq` by `key`, counting strict inversions; with a `cap`, also
   * appends each inverted pair's slope to `inside` and returns −1 once there are more than `cap`.
   * The keys move along with the points, so that comparisons read memory in order.
   */
  private mergeSort(cap: number | null): number {
    const { n, sx, sy } = this;
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
            inversions += mid - i;
            if (cap !== null) {
              if (this.insideCount + mid - i > cap) return -1;
              if (this.insideCount + mid - i > this.inside.length) this.grow(this.insideCount + mid - i);
              const inside = this.inside;
              let count = this.insideCount;
              const xq = sx[q];
              const yq = sy[q];
              for (let p = i; p < mid; p++) {
                const o = src[p];
                if (sx[o] !== xq) inside[count++] = (yq - sy[o]) / (xq - sx[o]);
              }
              this.insideCount = count;
            }
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

  private grow(capacity: number): void {
    const bigger = new Float64Array(Math.max(capacity, this.inside.length * 2));
    bigger.set(this.inside.subarray(0, this.insideCount));
    this.inside = bigger;
  }
}
