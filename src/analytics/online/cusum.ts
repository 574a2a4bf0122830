import { AnalyticsInputError, checkInteger, checkNumber } from '../common/errors.js';
import { feedBatch, type BatchResult, type OnlineDetector, type OnlineStep } from './detector.js';

/** Options of {@link CusumDetector}. */
export interface CusumOptions {
  /** In-control mean; default: learnt from the first `warmup` points (and again after each alarm). */
  target?: number;
  /** In-control standard deviation; default: learnt with the mean. */
  scale?: number;
  /** Allowance k in standard deviations (half the shift to detect). Default 0.5. */
  drift?: number;
  /** Decision interval h in standard deviations. Default 5 (two-sided in-control average run length ≈ 465 points for k = 0.5). */
  threshold?: number;
  /** Points used to learn target and scale when they are not given. Default 25. */
  warmup?: number;
}

/** JSON state of a CUSUM detector (version 1). */
export interface CusumState {
  kind: 'cusum';
  version: 1;
  options: CusumOptions & { drift: number; threshold: number; warmup: number };
  index: number;
  upper: number;
  lower: number;
  target: number | null;
  scale: number | null;
  learnCount: number;
  learnMean: number;
  learnSquares: number;
}

/** CUSUM statistics after a point, with the side that alarmed. */
export interface CusumStep extends OnlineStep {
  upper: number;
  lower: number;
  /** `up` or `down` on an alarm, otherwise null. */
  direction: 'up' | 'down' | null;
}

/**
 * Two-sided tabular CUSUM (Page 1954; Montgomery's formulation) on standardised values
 * z = (x − target)/scale: S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k). Alarms when
 * either exceeds h, then resets both sums to 0; a learnt baseline is learnt again from the
 * next `warmup` points, so the detector follows the new level after a change.
 */
export class CusumDetector implements OnlineDetector<CusumState> {
  private readonly options: CusumState['options'];
  private index = -1;
  private upper = 0;
  private lower = 0;
  private target: number | null;
  private scale: number | null;
  private learnCount = 0;
  private learnMean = 0;
  private learnSquares = 0;

  constructor(options: CusumOptions = {}) {
    this.options = {
      ...options,
      drift: checkNumber(options.drift ?? 0.5, 'drift', 0),
      threshold: checkNumber(options.threshold ?? 5, 'threshold', Number.MIN_VALUE),
      warmup: checkInteger(options.warmup ?? 25, 'warmup', 2),
    };
    if (options.target !== undefined) checkNumber(options.target, 'target');
    if (options.scale !== undefined) checkNumber(options.scale, 'scale', Number.MIN_VALUE);
    this.target = options.target ?? null;
    this.scale = options.scale ?? null;
  }

  update(value: number): CusumStep {
    if (!Number.isFinite(value))
      throw new AnalyticsInputError(`CUSUM needs finite values, got ${value} after index ${this.index}`);
    this.index++;
    if (this.target === null || this.scale === null) {
      this.learn(value);
      return { index: this.index, changeProbability: 0, alarm: false, upper: 0, lower: 0, direction: null };
    }
    const z = (value - this.target) / this.scale;
    const k = this.options.drift;
    this.upper = Math.max(0, this.upper + z - k);
    this.lower = Math.max(0, this.lower - z - k);
    const h = this.options.threshold;
    const direction = this.upper > h ? 'up' : this.lower > h ? 'down' : null;
    const step: CusumStep = {
      index: this.index,
      changeProbability: Math.min(1, Math.max(this.upper, this.lower) / h),
      alarm: direction !== null,
      upper: this.upper,
      lower: this.lower,
      direction,
    };
    if (direction) this.restart();
    return step;
  }

  updateBatch(values: ArrayLike<number>): BatchResult {
    return feedBatch(this, values);
  }

  reset(): void {
    this.index = -1;
    this.restart();
  }

  toJSON(): CusumState {
    const { index, upper, lower, target, scale, learnCount, learnMean, learnSquares } = this;
    return {
      kind: 'cusum',
      version: 1,
      options: { ...this.options },
      index,
      upper,
      lower,
      target,
      scale,
      learnCount,
      learnMean,
      learnSquares,
    };
  }

  /** Rebuilds a detector from {@link CusumDetector.toJSON} output. */
  static fromJSON(state: unknown): CusumDetector {
    const s = state as CusumState;
    if (!s || typeof s !== 'object' || s.kind !== 'cusum' || s.version !== 1)
      throw new AnalyticsInputError('not a version 1 CUSUM state');
    const numbers = [s.index, s.upper, s.lower, s.learnCount, s.learnMean, s.learnSquares];
    if (numbers.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
      throw new AnalyticsInputError('CUSUM state has invalid numbers');
    const detector = new CusumDetector(s.options);
    Object.assign(detector, {
      index: s.index,
      upper: s.upper,
      lower: s.lower,
      target: s.target,
      scale: s.scale,
      learnCount: s.learnCount,
      learnMean: s.learnMean,
      learnSquares: s.learnSquares,
    });
    return detector;
  }

  /** Welford's running mean and variance over the warm-up points. */
  private learn(value: number): void {
    this.learnCount++;
    const d = value - this.learnMean;
    this.learnMean += d / this.learnCount;
    this.learnSquares += d * (value - this.learnMean);
    if (this.learnCount < this.options.warmup) return;
    this.target = this.options.target ?? this.learnMean;
    const sd = Math.sqrt(this.learnSquares / (this.learnCount - 1));
    this.scale = this.options.scale ?? (sd > 0 ? sd : 1);
  }

  private restart(): void {
    this.upper = this.lower = 0;
    this.learnCount = 0;
    this.learnMean = this.learnSquares = 0;
    this.target = this.options.target ?? null;
    this.scale = this.options.scale ?? null;
  }
}

/** Creates a two-sided CUSUM detector (see {@link CusumOptions} for defaults). */
export function createCusum(options: CusumOptions = {}): CusumDetector {
  return new CusumDetector(options);
}
