import { AnalyticsInputError, checkInteger, checkNumber } from '../common/errors.js';
import { logGamma } from '../common/gamma.js';
import { feedBatch, type BatchResult, type OnlineDetector, type OnlineStep } from './detector.js';

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
  /** At most this many run lengths are kept (memory bound). Default 400. */
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

  constructor(options: BocpdOptions = {}) {
    const prior = options.prior ?? {};
    this.options = {
      expectedRunLength: checkNumber(options.expectedRunLength ?? 250, 'expectedRunLength', 1),
      recentWindow: checkInteger(options.recentWindow ?? 10, 'recentWindow', 1),
      threshold: checkNumber(options.threshold ?? 0.5, 'threshold', 0, 1),
      pruneBelow: checkNumber(options.pruneBelow ?? 1e-10, 'pruneBelow', 0, 0.01),
      maxRunLengths: checkInteger(options.maxRunLengths ?? 400, 'maxRunLengths', 2),
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
  }

  update(value: number): OnlineStep {
    if (!Number.isFinite(value)) throw new AnalyticsInputError(`BOCPD needs finite values, got ${value} after index ${this.index}`);
    this.index++;
    if (this.count === 0) this.startRun(value);
    else this.step(value);
    const changeProbability = this.recentChangeProbability();
    const crossing = changeProbability >= this.options.threshold;
    const alarm = crossing && !this.inAlarm;
    this.inAlarm = crossing;
    return { index: this.index, changeProbability, alarm };
  }

  updateBatch(values: ArrayLike<number>): BatchResult {
    return feedBatch(this, values);
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
    };
  }

  /** Rebuilds a detector from {@link BocpdDetector.toJSON} output, checking its shape. */
  static fromJSON(state: unknown): BocpdDetector {
    const s = state as BocpdState;
    if (!s || typeof s !== 'object' || s.kind !== 'bocpd' || s.version !== 1) throw new AnalyticsInputError('not a version 1 BOCPD state');
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
  }

  private step(value: number): void {
    if (this.count >= this.capacity - 1) this.dropLeastProbable();
    const { runLength, probability, mu, kappa, alpha, beta, gammaTerm } = this;
    const prior = this.options.prior;
    const priorMu = prior.mu0 ?? this.firstValueEstimate();
    const h = this.hazard;
    // Predictive densities of `value` under each run, and under a fresh run (the prior).
    let change = 0;
    let total = 0;
    for (let i = 0; i < this.count; i++) {
      const pred = studentDensity(value, mu[i], kappa[i], alpha[i], beta[i], gammaTerm[i]);
      const joint = probability[i] * pred;
      change += joint * h;
      probability[i] = joint * (1 - h);
      total += joint;
    }
    const fresh = studentDensity(value, priorMu, prior.kappa0, prior.alpha0, prior.beta0, this.priorGammaTerm);
    change *= fresh / (total > 0 ? total : 1);
    // The weights above share the factor 1/total so nothing underflows on an outlier.
    for (let i = 0; i < this.count; i++) probability[i] /= total > 0 ? total : 1;
    // Shift every run one place to make room for the new run at index 0.
    const keep = this.count;
    runLength.copyWithin(1, 0, keep);
    probability.copyWithin(1, 0, keep);
    mu.copyWithin(1, 0, keep);
    kappa.copyWithin(1, 0, keep);
    alpha.copyWithin(1, 0, keep);
    beta.copyWithin(1, 0, keep);
    gammaTerm.copyWithin(1, 0, keep);
    this.count = keep + 1;
    runLength[0] = 0;
    probability[0] = change;
    mu[0] = priorMu;
    kappa[0] = prior.kappa0;
    alpha[0] = prior.alpha0;
    beta[0] = prior.beta0;
    gammaTerm[0] = this.priorGammaTerm;
    for (let i = 0; i < this.count; i++) this.absorb(i, value);
    this.normaliseAndPrune();
  }

  /** Frees a slot at the memory bound by removing the run with the least posterior mass. */
  private dropLeastProbable(): void {
    let arg = 0;
    for (let i = 1; i < this.count; i++) if (this.probability[i] < this.probability[arg]) arg = i;
    for (let i = arg + 1; i < this.count; i++) this.move(i, i - 1);
    this.count--;
  }

  /** Prior mean for new runs when none was configured: the oldest surviving run's mean. */
  private firstValueEstimate(): number {
    return this.mu[this.count - 1];
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

  private normaliseAndPrune(): void {
    const { probability } = this;
    let total = 0;
    for (let i = 0; i < this.count; i++) total += probability[i];
    let kept = 0;
    const floor = this.options.pruneBelow * total;
    for (let i = 0; i < this.count; i++) {
      if (probability[i] < floor && i !== 0) continue;
      if (kept !== i) this.move(i, kept);
      kept++;
    }
    this.count = kept;
    total = 0;
    for (let i = 0; i < this.count; i++) total += probability[i];
    for (let i = 0; i < this.count; i++) probability[i] /= total;
  }

  private move(from: number, to: number): void {
    this.runLength[to] = this.runLength[from];
    this.probability[to] = this.probability[from];
    this.mu[to] = this.mu[from];
    this.kappa[to] = this.kappa[from];
    this.alpha[to] = this.alpha[from];
    this.beta[to] = this.beta[from];
    this.gammaTerm[to] = this.gammaTerm[from];
  }
}

/** Student-t predictive density of a Normal-Gamma(μ, κ, α, β) posterior at x. */
function studentDensity(x: number, mu: number, kappa: number, alpha: number, beta: number, gammaTerm: number): number {
  const nu = 2 * alpha;
  const scale2 = (beta * (kappa + 1)) / (alpha * kappa);
  const d = x - mu;
  const logDensity = gammaTerm - 0.5 * Math.log(nu * Math.PI * scale2) - (alpha + 0.5) * Math.log1p((d * d) / (nu * scale2));
  return Math.exp(logDensity);
}

/** Creates a BOCPD detector with the given options (see {@link BocpdOptions} for defaults). */
export function createBocpd(options: BocpdOptions = {}): BocpdDetector {
  return new BocpdDetector(options);
}
