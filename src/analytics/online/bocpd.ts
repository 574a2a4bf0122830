import { AnalyticsInputError, checkInteger, checkNumber } from '../common/errors.js';
import { logGamma } from '../common/gamma.js';
import { type BatchResult, type OnlineDetector, type OnlineStep } from './detector.js';

/** Normal-Gamma prior on a run's unknown mean and precision. */
export interface NormalGammaPrior {
  /** Prior mean of a new run; default: the mean of the oldest surviving run (at the start, the first value). */
  mu0?: number;
  /** Pseudo-observations behind mu0. Default 0.1 (vague). */
  kappa0: number;
  /** Gamma shape of the precision. Default 1. */
  alpha0: number;
  /** Gamma rate of the precision; α0/β0 is the prior precision. Default 1 (unit noise). */
  beta0: number;
}

/** Options of {@link createBocpd}. */
export interface BocpdOptions {
  /** Expected run length λ; the constant hazard is 1/λ. Default 250. */
  expectedRunLength?: number;
  prior?: Partial<NormalGammaPrior>;
  /** A change is "recent" if the current run has at most this many points. Default 10. */
  recentWindow?: number;
  /** Alarm when P(recent change) reaches this. Default 0.5. */
  threshold?: number;
  /** Run lengths whose posterior falls below this are dropped. Default 1e-10. */
  pruneBelow?: number;
  /**
   * At most this many run lengths are kept (the least probable is dropped). Default 32: on
   * stationary data one long run holds ~98 % of the mass and every other run ~1e-4 or less, so
   * the alarms on the test families are the same as with 400 kept, at 8–10× the speed.
   */
  maxRunLengths?: number;
}

/** JSON state of a BOCPD detector (version 1). */
export interface BocpdState {
  kind: 'bocpd';
  version: 1;
  options: Required<Omit<BocpdOptions, 'prior'>> & { prior: NormalGammaPrior };
  index: number;
  inAlarm: boolean;
  runLength: number[];
  probability: number[];
  mu: number[];
  kappa: number[];
  alpha: number[];
  beta: number[];
  gammaTerm: number[];
  /** log β per run (optional: recomputed from β when absent). */
  logBeta?: number[];
}

/** Run-length posterior: P(current run has `runLength[i]` points) = `probability[i]`. */
export interface RunLengthPosterior {
  runLength: Int32Array;
  probability: Float64Array;
}

/**
 * Bayesian online change-point detection (Adams & MacKay 2007) with a Normal-Gamma model
 * (unknown mean and variance per run) and a constant hazard. Keeps the posterior over the
 * current run length; run lengths with negligible mass are pruned and at most
 * `maxRunLengths` are kept, so memory and time per point are bounded.
 */
export class BocpdDetector implements OnlineDetector<BocpdState> {
  private readonly options: BocpdState['options'];
  private readonly hazard: number;
  private readonly priorGammaTerm: number;
  /** log α0, for the first update of a new run. */
  private readonly logAlpha0: number;
  /**
   * Per run length r < RUN_TABLE (grown on demand): α and κ of a run that has absorbed r
   * points (α0 + ½ and κ0 + 1 added r times), log α, and ½·log(2π(κ + 1)/κ), the part of the
   * Student-t normalising constant that depends on κ only. Used when a run's α or κ equals the
   * tabulated one (always, unless a state was edited by hand).
   */
  private alphaByRun: Float64Array;
  private logAlphaByRun: Float64Array;
  private kappaByRun: Float64Array;
  private halfLogScaleByRun: Float64Array;
  private capacity: number;
  private count = 0;
  private index = -1;
  private inAlarm = false;
  private runLength: Int32Array;
  private probability: Float64Array;
  private mu: Float64Array;
  private kappa: Float64Array;
  private alpha: Float64Array;
  private beta: Float64Array;
  /** log Γ(α + ½) − log Γ(α) per run, kept by the recurrence L(α + ½) = log α − L(α) to avoid log Γ calls. */
  private gammaTerm: Float64Array;
  /**
   * log β per run, carried as log β + log1p(z) (the same log1p the density needs) and
   * recomputed exactly every 64 points of a run, so the rounding drift stays below 1e-13.
   */
  private logBeta: Float64Array;
  /** Second set of the same columns: each step writes the shifted, updated runs there and swaps. */
  private spare: RunColumns;
  /** P(recent change) after the last step, summed while normalising. */
  private recent = 0;

  constructor(options: BocpdOptions = {}) {
    const prior = options.prior ?? {};
    this.options = {
      expectedRunLength: checkNumber(options.expectedRunLength ?? 250, 'expectedRunLength', 1),
      recentWindow: checkInteger(options.recentWindow ?? 10, 'recentWindow', 1),
      threshold: checkNumber(options.threshold ?? 0.5, 'threshold', 0, 1),
      pruneBelow: checkNumber(options.pruneBelow ?? 1e-10, 'pruneBelow', 0, 0.01),
      maxRunLengths: checkInteger(options.maxRunLengths ?? 32, 'maxRunLengths', 2),
      prior: {
        ...(prior.mu0 !== undefined ? { mu0: checkNumber(prior.mu0, 'prior.mu0') } : {}),
        kappa0: checkNumber(prior.kappa0 ?? 0.1, 'prior.kappa0', Number.MIN_VALUE),
        alpha0: checkNumber(prior.alpha0 ?? 1, 'prior.alpha0', Number.MIN_VALUE),
        beta0: checkNumber(prior.beta0 ?? 1, 'prior.beta0', Number.MIN_VALUE),
      },
    };
    this.hazard = 1 / this.options.expectedRunLength;
    this.priorGammaTerm = logGamma(this.options.prior.alpha0 + 0.5) - logGamma(this.options.prior.alpha0);
    this.capacity = this.options.maxRunLengths + 1;
    this.runLength = new Int32Array(this.capacity);
    this.probability = new Float64Array(this.capacity);
    this.mu = new Float64Array(this.capacity);
    this.kappa = new Float64Array(this.capacity);
    this.alpha = new Float64Array(this.capacity);
    this.beta = new Float64Array(this.capacity);
    this.gammaTerm = new Float64Array(this.capacity);
    this.logBeta = new Float64Array(this.capacity);
    this.spare = newColumns(this.capacity);
    this.logAlpha0 = Math.log(this.options.prior.alpha0);
    this.alphaByRun = new Float64Array(0);
    this.logAlphaByRun = new Float64Array(0);
    this.kappaByRun = new Float64Array(0);
    this.halfLogScaleByRun = new Float64Array(0);
  }

  update(value: number): OnlineStep {
    const changeProbability = this.advance(value);
    const crossing = changeProbability >= this.options.threshold;
    const alarm = crossing && !this.inAlarm;
    this.inAlarm = crossing;
    return { index: this.index, changeProbability, alarm };
  }

  /** Same as calling {@link update} on each value, without an object per point. */
  updateBatch(values: ArrayLike<number>): BatchResult {
    const alarms: number[] = [];
    const changeProbability = new Float64Array(values.length);
    const threshold = this.options.threshold;
    for (let i = 0; i < values.length; i++) {
      const p = this.advance(values[i]);
      changeProbability[i] = p;
      const crossing = p >= threshold;
      if (crossing && !this.inAlarm) alarms.push(this.index);
      this.inAlarm = crossing;
    }
    return { alarms, changeProbability };
  }

  /** Feeds one value; returns P(recent change). Throws before touching the state on a non-finite value. */
  private advance(value: number): number {
    if (!Number.isFinite(value))
      throw new AnalyticsInputError(`BOCPD needs finite values, got ${value} after index ${this.index}`);
    this.index++;
    if (this.count === 0) {
      this.startRun(value);
      this.recent = this.recentChangeProbability();
    } else this.step(value);
    return this.recent;
  }

  reset(): void {
    this.count = 0;
    this.index = -1;
    this.inAlarm = false;
  }

  /** The current run-length posterior (copies). */
  runLengthPosterior(): RunLengthPosterior {
    return { runLength: this.runLength.slice(0, this.count), probability: this.probability.slice(0, this.count) };
  }

  /** Most probable current run length (0 before any data). */
  mostProbableRunLength(): number {
    let arg = 0;
    for (let i = 1; i < this.count; i++) if (this.probability[i] > this.probability[arg]) arg = i;
    return this.count ? this.runLength[arg] : 0;
  }

  /** P(the current run started within the last `recentWindow` points, after the first point). */
  recentChangeProbability(): number {
    let p = 0;
    for (let i = 0; i < this.count; i++) {
      const r = this.runLength[i];
      if (r <= this.options.recentWindow && r <= this.index) p += this.probability[i];
    }
    return Math.min(1, p);
  }

  toJSON(): BocpdState {
    const list = (a: Int32Array | Float64Array) => Array.from(a.subarray(0, this.count));
    return {
      kind: 'bocpd',
      version: 1,
      options: { ...this.options, prior: { ...this.options.prior } },
      index: this.index,
      inAlarm: this.inAlarm,
      runLength: list(this.runLength),
      probability: list(this.probability),
      mu: list(this.mu),
      kappa: list(this.kappa),
      alpha: list(this.alpha),
      beta: list(this.beta),
      gammaTerm: list(this.gammaTerm),
      logBeta: list(this.logBeta),
    };
  }

  /** Rebuilds a detector from {@link BocpdDetector.toJSON} output, checking its shape. */
  static fromJSON(state: unknown): BocpdDetector {
    const s = state as BocpdState;
    if (!s || typeof s !== 'object' || s.kind !== 'bocpd' || s.version !== 1)
      throw new AnalyticsInputError('not a version 1 BOCPD state');
    const detector = new BocpdDetector(s.options);
    const n = Array.isArray(s.runLength) ? s.runLength.length : -1;
    const columns = [s.probability, s.mu, s.kappa, s.alpha, s.beta, s.gammaTerm];
    if (n < 0 || n > detector.capacity || columns.some((c) => !Array.isArray(c) || c.length !== n)) {
      throw new AnalyticsInputError('BOCPD state has inconsistent run-length arrays');
    }
    if (!Number.isInteger(s.index) || s.index < -1) throw new AnalyticsInputError('BOCPD state has an invalid index');
    detector.count = n;
    detector.index = s.index;
    detector.inAlarm = Boolean(s.inAlarm);
    detector.runLength.set(s.runLength);
    detector.probability.set(s.probability);
    detector.mu.set(s.mu);
    detector.kappa.set(s.kappa);
    detector.alpha.set(s.alpha);
    detector.beta.set(s.beta);
    detector.gammaTerm.set(s.gammaTerm);
    // States written before logBeta was kept: take the logarithms now.
    if (Array.isArray(s.logBeta) && s.logBeta.length === n) detector.logBeta.set(s.logBeta);
    else for (let i = 0; i < n; i++) detector.logBeta[i] = Math.log(detector.beta[i]);
    return detector;
  }

  private startRun(value: number): void {
    const prior = this.options.prior;
    this.count = 1;
    this.runLength[0] = 0;
    this.probability[0] = 1;
    this.mu[0] = prior.mu0 ?? value;
    this.kappa[0] = prior.kappa0;
    this.alpha[0] = prior.alpha0;
    this.beta[0] = prior.beta0;
    this.gammaTerm[0] = this.priorGammaTerm;
    this.absorb(0, value);
    this.logBeta[0] = Math.log(this.beta[0]);
  }

  /**
   * One step of the recursion in three passes over the runs:
   * 1. predictive density of `value` under each run (Student t), the growth and change
   *    masses, and each run's posterior update written one place further into the spare
   *    columns (that is the shift making room for the new run at index 0);
   * 2. pruning of negligible runs (compaction in place, rare);
   * 3. normalisation, which also sums P(recent change).
   * At the memory bound the least probable run is left out of pass 1. Per run and point it
   * costs one log1p and one exp: log β is carried (log β' = log β + log1p(z), the log1p the
   * density needs anyway), the α and κ terms come from per-run-length tables and the
   * evidence is not divided out separately (it cancels in the normalisation). The sufficient
   * statistics are updated exactly as before; the probabilities agree with the textbook
   * formula to about 1e-15.
   */
  private step(value: number): void {
    const { runLength, probability, mu, kappa, alpha, beta, gammaTerm } = this;
    const next = this.spare;
    const count = this.count;
    // At the memory bound the least probable run goes (ties: the newest).
    let drop = -1;
    if (count >= this.capacity - 1) {
      drop = 0;
      for (let i = 1; i < count; i++) if (probability[i] < probability[drop]) drop = i;
    }
    const prior = this.options.prior;
    // Prior mean for new runs when none was configured: the oldest surviving run's mean.
    const priorMu = prior.mu0 ?? mu[drop === count - 1 ? count - 2 : count - 1];
    const h = this.hazard;
    const stay = 1 - h;
    // Runs are ordered newest first, so the last one is the longest.
    const longest = runLength[count - 1];
    if (longest >= this.alphaByRun.length && this.alphaByRun.length < RUN_TABLE) this.growTables(longest + 1);
    const alphaByRun = this.alphaByRun;
    const logAlphaByRun = this.logAlphaByRun;
    const kappaByRun = this.kappaByRun;
    const halfLogScaleByRun = this.halfLogScaleByRun;
    const logBeta = this.logBeta;
    const tabulated = alphaByRun.length;
    const nextProbability = next.probability;
    const nextBeta = next.beta;
    const nextLogBeta = next.logBeta;
    const nextMu = next.mu;
    const nextKappa = next.kappa;
    const nextGammaTerm = next.gammaTerm;
    const nextAlpha = next.alpha;
    const nextRunLength = next.runLength;
    let change = 0;
    let total = 0;
    let j = 1;
    for (let i = 0; i < count; i++) {
      if (i === drop) continue;
      const m = mu[i];
      const k = kappa[i];
      const a = alpha[i];
      const b = beta[i];
      const g = gammaTerm[i];
      const r = runLength[i];
      // Student-t log density with ν = 2α, scale² = β(κ + 1)/(ακ):
      // log Γ(α + ½) − log Γ(α) − ½·log(2π(κ + 1)/κ) − ½·log β − (α + ½)·log1p(z),
      // z = κ d² / (2β(κ + 1)); the κ and α terms come from the tables.
      const d = value - m;
      const kdd = k * d * d;
      const increment = kdd / (2 * (k + 1));
      const z = increment / b;
      const growth = Math.log1p(z);
      const inTable = r < tabulated;
      const halfLogScale =
        inTable && kappaByRun[r] === k ? halfLogScaleByRun[r] : 0.5 * Math.log((2 * Math.PI * (k + 1)) / k);
      const joint = probability[i] * Math.exp(g - halfLogScale - 0.5 * logBeta[i] - (a + 0.5) * growth);
      change += joint * h;
      const grown = joint * stay;
      nextProbability[j] = grown;
      total += grown;
      // Normal-Gamma update with the value (as in absorb); β' = β(1 + z).
      const updatedBeta = b + increment;
      nextBeta[j] = updatedBeta;
      nextLogBeta[j] = ((r + 1) & 63) === 0 ? Math.log(updatedBeta) : logBeta[i] + growth;
      nextMu[j] = m + d / (k + 1);
      nextKappa[j] = k + 1;
      nextGammaTerm[j] = (inTable && alphaByRun[r] === a ? logAlphaByRun[r] : Math.log(a)) - g;
      nextAlpha[j] = a + 0.5;
      nextRunLength[j] = r + 1;
      j++;
    }
    const fresh = studentDensity(value, priorMu, prior.kappa0, prior.alpha0, prior.beta0, this.priorGammaTerm);
    // Masses are left unnormalised (the evidence cancels in the final normalisation).
    change *= fresh;
    // The new run (index 0): the prior updated with the value.
    const d0 = value - priorMu;
    next.runLength[0] = 1;
    next.beta[0] = prior.beta0 + (prior.kappa0 * d0 * d0) / (2 * (prior.kappa0 + 1));
    next.logBeta[0] = Math.log(next.beta[0]);
    next.mu[0] = priorMu + d0 / (prior.kappa0 + 1);
    next.kappa[0] = prior.kappa0 + 1;
    next.gammaTerm[0] = this.logAlpha0 - this.priorGammaTerm;
    next.alpha[0] = prior.alpha0 + 0.5;
    nextProbability[0] = change;
    this.swapColumns();
    this.count = j;
    this.normaliseAndPrune(change + total);
  }

  /** Makes the spare columns current (and the current ones spare). */
  private swapColumns(): void {
    const next = this.spare;
    this.spare = {
      runLength: this.runLength,
      probability: this.probability,
      mu: this.mu,
      kappa: this.kappa,
      alpha: this.alpha,
      beta: this.beta,
      gammaTerm: this.gammaTerm,
      logBeta: this.logBeta,
    };
    this.runLength = next.runLength;
    this.probability = next.probability;
    this.mu = next.mu;
    this.kappa = next.kappa;
    this.alpha = next.alpha;
    this.beta = next.beta;
    this.gammaTerm = next.gammaTerm;
    this.logBeta = next.logBeta;
  }

  /** Extends the per-run-length tables to at least `length` entries (at most RUN_TABLE). */
  private growTables(length: number): void {
    const old = this.alphaByRun.length;
    const size = Math.min(RUN_TABLE, Math.max(length, 2 * old, 64));
    const grow = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    const alpha = grow(this.alphaByRun);
    const logAlpha = grow(this.logAlphaByRun);
    const kappa = grow(this.kappaByRun);
    const halfLogScale = grow(this.halfLogScaleByRun);
    const prior = this.options.prior;
    for (let r = old; r < size; r++) {
      alpha[r] = r === 0 ? prior.alpha0 : alpha[r - 1] + 0.5;
      kappa[r] = r === 0 ? prior.kappa0 : kappa[r - 1] + 1;
      logAlpha[r] = Math.log(alpha[r]);
      halfLogScale[r] = 0.5 * Math.log((2 * Math.PI * (kappa[r] + 1)) / kappa[r]);
    }
    this.alphaByRun = alpha;
    this.logAlphaByRun = logAlpha;
    this.kappaByRun = kappa;
    this.halfLogScaleByRun = halfLogScale;
  }

  /** Normal-Gamma posterior update of run i with one observation. */
  private absorb(i: number, x: number): void {
    const k = this.kappa[i];
    const d = x - this.mu[i];
    this.beta[i] += (k * d * d) / (2 * (k + 1));
    this.mu[i] += d / (k + 1);
    this.kappa[i] = k + 1;
    this.gammaTerm[i] = Math.log(this.alpha[i]) - this.gammaTerm[i];
    this.alpha[i] += 0.5;
    this.runLength[i]++;
  }

  /** Drops runs below `pruneBelow` of the mass `total` (never the newest), renormalises and sums P(recent change). */
  private normaliseAndPrune(total: number): void {
    const { probability, runLength } = this;
    const floor = this.options.pruneBelow * total;
    let kept = 0;
    let sum = 0;
    for (let i = 0; i < this.count; i++) {
      if (probability[i] < floor && i !== 0) continue;
      if (kept !== i) this.move(i, kept);
      sum += probability[kept];
      kept++;
    }
    this.count = kept;
    const window = this.options.recentWindow;
    // Multiply by the reciprocal unless it would overflow (a mass near the subnormal range).
    const scale = sum > 1e-300 ? 1 / sum : 0;
    let recent = 0;
    for (let i = 0; i < kept; i++) {
      if (scale > 0) probability[i] *= scale;
      else probability[i] /= sum;
      const r = runLength[i];
      if (r <= window && r <= this.index) recent += probability[i];
    }
    this.recent = Math.min(1, recent);
  }

  private move(from: number, to: number): void {
    this.runLength[to] = this.runLength[from];
    this.probability[to] = this.probability[from];
    this.mu[to] = this.mu[from];
    this.kappa[to] = this.kappa[from];
    this.alpha[to] = this.alpha[from];
    this.beta[to] = this.beta[from];
    this.gammaTerm[to] = this.gammaTerm[from];
    this.logBeta[to] = this.logBeta[from];
  }
}

/** Run lengths with tabulated α, κ terms (longer runs compute them). */
const RUN_TABLE = 4096;

/** One set of the per-run columns. */
interface RunColumns {
  runLength: Int32Array;
  probability: Float64Array;
  mu: Float64Array;
  kappa: Float64Array;
  alpha: Float64Array;
  beta: Float64Array;
  gammaTerm: Float64Array;
  logBeta: Float64Array;
}

function newColumns(capacity: number): RunColumns {
  return {
    runLength: new Int32Array(capacity),
    probability: new Float64Array(capacity),
    mu: new Float64Array(capacity),
    kappa: new Float64Array(capacity),
    alpha: new Float64Array(capacity),
    beta: new Float64Array(capacity),
    gammaTerm: new Float64Array(capacity),
    logBeta: new Float64Array(capacity),
  };
}

/** Student-t predictive density of a Normal-Gamma(μ, κ, α, β) posterior at x. */
function studentDensity(x: number, mu: number, kappa: number, alpha: number, beta: number, gammaTerm: number): number {
  const nu = 2 * alpha;
  const scale2 = (beta * (kappa + 1)) / (alpha * kappa);
  const d = x - mu;
  const logDensity =
    gammaTerm - 0.5 * Math.log(nu * Math.PI * scale2) - (alpha + 0.5) * Math.log1p((d * d) / (nu * scale2));
  return Math.exp(logDensity);
}

/** Creates a BOCPD detector with the given options (see {@link BocpdOptions} for defaults). */
export function createBocpd(options: BocpdOptions = {}): BocpdDetector {
  return new BocpdDetector(options);
}
