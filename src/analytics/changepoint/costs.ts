import { AnalyticsInputError } from '../common/errors.js';
import { rangeMedian } from '../common/order-statistics.js';

/** The segment models a change-point search can compare. */
export type CostKind = 'mean' | 'meanvar' | 'var' | 'poisson' | 'robust';

/** Every cost kind, for validation and help texts. */
export const COST_KINDS: readonly CostKind[] = ['mean', 'meanvar', 'var', 'poisson', 'robust'];

/** What a cost model adds per change and the shortest segment it can estimate, known without data. */
export const COST_SHAPES: Readonly<
  Record<CostKind, { readonly parametersPerChange: number; readonly shortestSegment: number }>
> = {
  mean: { parametersPerChange: 1, shortestSegment: 1 },
  meanvar: { parametersPerChange: 2, shortestSegment: 2 },
  var: { parametersPerChange: 1, shortestSegment: 2 },
  poisson: { parametersPerChange: 1, shortestSegment: 1 },
  robust: { parametersPerChange: 1, shortestSegment: 1 },
};

/**
 * A segment cost: twice the negative maximised log-likelihood of `data[start..end)`
 * (constants dropped), so that penalties on the usual information-criterion scale apply.
 * Every cost here is the minimum over the segment's parameters, which makes it
 * sub-additive: cost(s, e) ≥ cost(s, k) + cost(k, e). PELT's pruning relies on that.
 */
export interface SegmentCost {
  readonly kind: CostKind;
  /** Number of data points. */
  readonly length: number;
  /** Parameters a new segment adds (used by the information-criterion penalties). */
  readonly parametersPerChange: number;
  /** Shortest segment the model can estimate (2 when a variance is fitted). */
  readonly shortestSegment: number;
  /** Cost of `data[start..end)`. */
  cost(start: number, end: number): number;
  /** `out[i] = cost(starts[i], end)` for `i < count`; `starts` ascending. One call per time step keeps hot loops monomorphic. */
  costsEndingAt(end: number, starts: Int32Array, count: number, out: Float64Array): void;
  /** `out[k] = cost(start, start + k)` for k = 1 … end − start. */
  prefixCosts(start: number, end: number, out: Float64Array): void;
  /** `out[k] = cost(start + k, end)` for k = 0 … end − start − 1. */
  suffixCosts(start: number, end: number, out: Float64Array): void;
}

/**
 * A cost whose value at one end is a lower bound of its values at later ends, up to a horizon:
 * a search can then reuse a value instead of computing it again (bounded-pelt.ts).
 */
export interface ReusableCost extends SegmentCost {
  /**
   * The last end up to which cost(start, ·) cannot fall below cost(start, end) (at least `end`;
   * Infinity when it never falls, as the mean cost: one more point never lowers a residual sum of squares).
   */
  horizon(start: number, end: number): number;
}

/** Whether `cost` can lend its values as later lower bounds (see {@link ReusableCost}). */
export const isReusable = (cost: SegmentCost): cost is ReusableCost =>
  typeof (cost as Partial<ReusableCost>).horizon === 'function';

/**
 * The horizon of a Gaussian cost g(S, m) = m·(log 2π + 1 + log(S/m)) whose sum of squares S over
 * the m points [start, end) can only grow with the end: g grows with S, and with m while
 * ∂g/∂m = log(2π·S/m) ≥ 0, i.e. up to m = 2π·S. (The variance floor never binds there: S/m ≥ 1/2π.)
 */
const TWO_PI = 2 * Math.PI;

function gaussianHorizon(start: number, end: number, squares: number): number {
  const last = start + TWO_PI * squares;
  return last > end ? last : end;
}

/** Log-variance floor: keeps a constant stretch from having cost −∞ (data are on a unit noise scale). */
const VARIANCE_FLOOR = 1e-8;
const LOG_2PI_PLUS_1 = Math.log(2 * Math.PI) + 1;

/** Gaussian cost of n points with maximum-likelihood variance v: n·(log 2π + log v + 1). */
function gaussianCost(n: number, v: number): number {
  return n * (LOG_2PI_PLUS_1 + Math.log(v > VARIANCE_FLOOR ? v : VARIANCE_FLOOR));
}

/** Memory for a cost's prefix sums Σx and Σx² (n + 1 values each), e.g. from a {@link ChangePointWorkspace}. */
export interface PrefixBuffers {
  sum: Float64Array;
  sumSquares: Float64Array;
}

/** Shared prefix-sum machinery: Σx and Σx² make every Gaussian segment cost O(1). */
abstract class PrefixSumCost implements SegmentCost {
  abstract readonly kind: CostKind;
  abstract readonly parametersPerChange: number;
  abstract readonly shortestSegment: number;
  readonly length: number;
  protected readonly sum: Float64Array;
  protected readonly sumSquares: Float64Array;

  /** `buffers` (n + 1 values each, contents overwritten) hold the prefix sums instead of new arrays. */
  constructor(data: Float64Array, shift = 0, buffers?: PrefixBuffers) {
    const n = data.length;
    this.length = n;
    this.sum = buffers?.sum ?? new Float64Array(n + 1);
    this.sumSquares = buffers?.sumSquares ?? new Float64Array(n + 1);
    this.sum[0] = 0;
    this.sumSquares[0] = 0;
    let s = 0;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const x = data[i] - shift;
      s += x;
      q += x * x;
      this.sum[i + 1] = s;
      this.sumSquares[i + 1] = q;
    }
  }

  abstract cost(start: number, end: number): number;
  abstract costsEndingAt(end: number, starts: Int32Array, count: number, out: Float64Array): void;

  prefixCosts(start: number, end: number, out: Float64Array): void {
    for (let k = 1; k <= end - start; k++) out[k] = this.cost(start, start + k);
  }

  suffixCosts(start: number, end: number, out: Float64Array): void {
    for (let k = 0; k < end - start; k++) out[k] = this.cost(start + k, end);
  }
}

/**
 * The L2 cost of data[start..end) from prefix sums Σx and Σx²: a plain function, so that the
 * searches' hottest loops can call it without going through a cost object.
 */
export function meanCost(sum: Float64Array, sumSquares: Float64Array, start: number, end: number): number {
  const s = sum[end] - sum[start];
  const c = sumSquares[end] - sumSquares[start] - (s * s) / (end - start);
  return c > 0 ? c : 0;
}

/** Change in mean, known unit variance: Σ(x − x̄)² (the L2 cost). */
export class MeanCost extends PrefixSumCost implements ReusableCost {
  readonly kind = 'mean';
  readonly parametersPerChange = COST_SHAPES.mean.parametersPerChange;
  readonly shortestSegment = COST_SHAPES.mean.shortestSegment;

  cost(start: number, end: number): number {
    return meanCost(this.sum, this.sumSquares, start, end);
  }

  horizon(): number {
    return Infinity;
  }

  /** Σx and Σx² (prefix sums, n + 1 each), for a search that evaluates {@link meanCost} in its own loop. */
  prefixSums(): { sum: Float64Array; sumSquares: Float64Array } {
    return { sum: this.sum, sumSquares: this.sumSquares };
  }

  costsEndingAt(end: number, starts: Int32Array, count: number, out: Float64Array): void {
    const sum = this.sum;
    const sq = this.sumSquares;
    const se = sum[end];
    const qe = sq[end];
    for (let i = 0; i < count; i++) {
      const start = starts[i];
      const s = se - sum[start];
      const c = qe - sq[start] - (s * s) / (end - start);
      out[i] = c > 0 ? c : 0;
    }
  }
}

/** Change in mean and variance, Gaussian likelihood: n·(log 2π + log σ̂² + 1). */
export class MeanVarianceCost extends PrefixSumCost implements ReusableCost {
  readonly kind = 'meanvar';
  readonly parametersPerChange = COST_SHAPES.meanvar.parametersPerChange;
  readonly shortestSegment = COST_SHAPES.meanvar.shortestSegment;

  cost(start: number, end: number): number {
    const n = end - start;
    const s = this.sum[end] - this.sum[start];
    const v = (this.sumSquares[end] - this.sumSquares[start] - (s * s) / n) / n;
    return gaussianCost(n, v);
  }

  /** Sum of squares around the segment's own mean: grows with every point added. */
  horizon(start: number, end: number): number {
    const s = this.sum[end] - this.sum[start];
    return gaussianHorizon(start, end, this.sumSquares[end] - this.sumSquares[start] - (s * s) / (end - start));
  }

  costsEndingAt(end: number, starts: Int32Array, count: number, out: Float64Array): void {
    const sum = this.sum;
    const sq = this.sumSquares;
    for (let i = 0; i < count; i++) {
      const start = starts[i];
      const n = end - start;
      const s = sum[end] - sum[start];
      const v = (sq[end] - sq[start] - (s * s) / n) / n;
      out[i] = gaussianCost(n, v);
    }
  }
}

/** Change in variance around a known common mean (the series mean): n·(log 2π + log σ̂² + 1). */
export class VarianceCost extends PrefixSumCost implements ReusableCost {
  readonly kind = 'var';
  readonly parametersPerChange = COST_SHAPES.var.parametersPerChange;
  readonly shortestSegment = COST_SHAPES.var.shortestSegment;

  constructor(data: Float64Array, buffers?: PrefixBuffers) {
    let mean = 0;
    for (let i = 0; i < data.length; i++) mean += data[i];
    super(data, data.length ? mean / data.length : 0, buffers);
  }

  cost(start: number, end: number): number {
    const n = end - start;
    const v = (this.sumSquares[end] - this.sumSquares[start]) / n;
    return gaussianCost(n, v);
  }

  horizon(start: number, end: number): number {
    return gaussianHorizon(start, end, this.sumSquares[end] - this.sumSquares[start]);
  }

  costsEndingAt(end: number, starts: Int32Array, count: number, out: Float64Array): void {
    const sq = this.sumSquares;
    for (let i = 0; i < count; i++) {
      const n = end - starts[i];
      const v = (sq[end] - sq[starts[i]]) / n;
      out[i] = gaussianCost(n, v);
    }
  }
}

/** Change in the rate of a Poisson count series: 2·(Σx − Σx·log(Σx / n)). */
export class PoissonCost extends PrefixSumCost {
  readonly kind = 'poisson';
  readonly parametersPerChange = COST_SHAPES.poisson.parametersPerChange;
  readonly shortestSegment = COST_SHAPES.poisson.shortestSegment;

  constructor(data: Float64Array, buffers?: PrefixBuffers) {
    for (let i = 0; i < data.length; i++) {
      if (data[i] < 0) throw new AnalyticsInputError(`the poisson cost needs counts ≥ 0, got ${data[i]} at index ${i}`);
    }
    super(data, 0, buffers);
  }

  cost(start: number, end: number): number {
    const s = this.sum[end] - this.sum[start];
    return s > 0 ? 2 * (s - s * Math.log(s / (end - start))) : 0;
  }

  costsEndingAt(end: number, starts: Int32Array, count: number, out: Float64Array): void {
    const sum = this.sum;
    for (let i = 0; i < count; i++) {
      const s = sum[end] - sum[starts[i]];
      out[i] = s > 0 ? 2 * (s - s * Math.log(s / (end - starts[i]))) : 0;
    }
  }
}

/**
 * Poisson cost with a known relative rate per point (its exposure eᵢ, e.g. exp(b·i) for a
 * log-linear trend b): the segment's rate is λ·eᵢ, so its cost is 2·(Σx − Σx·log(Σx / Σe)).
 * The term −2·Σx·log eᵢ of the likelihood is left out: it is the same for every segmentation
 * (callers comparing exposures add it themselves). Still a minimum over λ, so sub-additive.
 */
export class ExposedPoissonCost extends PoissonCost {
  /** `exposure`: prefix sums of the per-point exposures (n + 1 values, exposure[0] = 0). */
  constructor(
    data: Float64Array,
    private readonly exposure: Float64Array,
    buffers?: PrefixBuffers,
  ) {
    super(data, buffers);
  }

  override cost(start: number, end: number): number {
    const s = this.sum[end] - this.sum[start];
    return s > 0 ? 2 * (s - s * Math.log(s / (this.exposure[end] - this.exposure[start]))) : 0;
  }

  override costsEndingAt(end: number, starts: Int32Array, count: number, out: Float64Array): void {
    const sum = this.sum;
    const exposure = this.exposure;
    for (let i = 0; i < count; i++) {
      const s = sum[end] - sum[starts[i]];
      out[i] = s > 0 ? 2 * (s - s * Math.log(s / (exposure[end] - exposure[starts[i]]))) : 0;
    }
  }
}

/**
 * Laplace scale of unit-variance Gaussian noise, E|x − median| = √(2/π). Dividing by it puts
 * the robust cost on the same scale as the L2 cost, so the same penalties apply.
 */
const LAPLACE_SCALE = Math.sqrt(2 / Math.PI);

/**
 * Robust change in location: 2·Σ|x − median| / b (Laplace likelihood, b = √(2/π)).
 * One outlier moves it linearly, not quadratically, so single spikes do not become segments.
 * Segment medians come from a two-heap running median, so batch queries cost O(length · log length).
 */
export class RobustCost implements SegmentCost {
  readonly kind = 'robust';
  readonly parametersPerChange = COST_SHAPES.robust.parametersPerChange;
  readonly shortestSegment = COST_SHAPES.robust.shortestSegment;
  readonly length: number;
  private readonly running: RunningMedian;
  private readonly scratch: Float64Array;

  constructor(private readonly data: Float64Array) {
    this.length = data.length;
    this.running = new RunningMedian(data.length);
    this.scratch = new Float64Array(data.length);
  }

  cost(start: number, end: number): number {
    const m = rangeMedian(this.data, start, end, this.scratch);
    let total = 0;
    for (let i = start; i < end; i++) total += Math.abs(this.data[i] - m);
    return (2 * total) / LAPLACE_SCALE;
  }

  costsEndingAt(end: number, starts: Int32Array, count: number, out: Float64Array): void {
    if (count === 0) return;
    const running = this.running;
    running.clear();
    let next = count - 1;
    for (let k = end - 1; k >= starts[0] && next >= 0; k--) {
      running.push(this.data[k]);
      while (next >= 0 && starts[next] === k) out[next--] = (2 * running.absoluteDeviation()) / LAPLACE_SCALE;
    }
  }

  prefixCosts(start: number, end: number, out: Float64Array): void {
    this.running.clear();
    for (let k = 1; k <= end - start; k++) {
      this.running.push(this.data[start + k - 1]);
      out[k] = (2 * this.running.absoluteDeviation()) / LAPLACE_SCALE;
    }
  }

  suffixCosts(start: number, end: number, out: Float64Array): void {
    this.running.clear();
    for (let k = end - start - 1; k >= 0; k--) {
      this.running.push(this.data[start + k]);
      out[k] = (2 * this.running.absoluteDeviation()) / LAPLACE_SCALE;
    }
  }
}

/**
 * Running median with Σ|x − median| in O(1) after each O(log n) push: a max-heap of the
 * lower half and a min-heap of the upper half, with their sums.
 */
export class RunningMedian {
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private lowerCount = 0;
  private upperCount = 0;
  private lowerSum = 0;
  private upperSum = 0;

  constructor(capacity: number) {
    this.lower = new Float64Array(capacity + 1);
    this.upper = new Float64Array(capacity + 1);
  }

  clear(): void {
    this.lowerCount = this.upperCount = 0;
    this.lowerSum = this.upperSum = 0;
  }

  push(x: number): void {
    if (this.lowerCount === 0 || x <= -this.lower[0]) {
      heapPush(this.lower, this.lowerCount++, -x);
      this.lowerSum += x;
    } else {
      heapPush(this.upper, this.upperCount++, x);
      this.upperSum += x;
    }
    // Lower holds ⌈n/2⌉ values; the heaps store the lower half negated so both are min-heaps.
    if (this.lowerCount > this.upperCount + 1) {
      const v = -heapPop(this.lower, this.lowerCount--);
      this.lowerSum -= v;
      heapPush(this.upper, this.upperCount++, v);
      this.upperSum += v;
    } else if (this.upperCount > this.lowerCount) {
      const v = heapPop(this.upper, this.upperCount--);
      this.upperSum -= v;
      heapPush(this.lower, this.lowerCount++, -v);
      this.lowerSum += v;
    }
  }

  /** Median of the values pushed so far (the lower middle value for an even count is as good for Σ|x − m|). */
  median(): number {
    return -this.lower[0];
  }

  /** Σ|x − median| over the values pushed so far. */
  absoluteDeviation(): number {
    const m = -this.lower[0];
    return m * this.lowerCount - this.lowerSum + (this.upperSum - m * this.upperCount);
  }
}

function heapPush(heap: Float64Array, size: number, value: number): void {
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= value) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = value;
}

function heapPop(heap: Float64Array, size: number): number {
  const top = heap[0];
  const last = heap[size - 1];
  const n = size - 1;
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap[child + 1] < heap[child]) child++;
    if (heap[child] >= last) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = last;
  return top;
}

const COST_FACTORIES: Record<
  CostKind,
  (data: Float64Array, buffers?: PrefixBuffers, exposure?: Float64Array) => SegmentCost
> = {
  mean: (data, buffers) => new MeanCost(data, 0, buffers),
  meanvar: (data, buffers) => new MeanVarianceCost(data, 0, buffers),
  var: (data, buffers) => new VarianceCost(data, buffers),
  poisson: (data, buffers, exposure) =>
    exposure ? new ExposedPoissonCost(data, exposure, buffers) : new PoissonCost(data, buffers),
  robust: (data) => new RobustCost(data),
};

/**
 * Builds the cost of `kind` over `data` (already normalised to unit noise where that matters).
 * With `buffers` the prefix sums are written there (the cost is valid until they are reused).
 * `exposure` (poisson only): prefix sums of a relative rate per point, see {@link ExposedPoissonCost}.
 */
export function createCost(
  kind: CostKind,
  data: Float64Array,
  buffers?: PrefixBuffers,
  exposure?: Float64Array,
): SegmentCost {
  const factory = COST_FACTORIES[kind];
  if (!factory) throw new AnalyticsInputError(`unknown cost "${String(kind)}"; use one of ${COST_KINDS.join(', ')}`);
  return factory(data, buffers, exposure);
}
