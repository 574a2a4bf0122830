import { AnalyticsInputError, checkInteger, checkNumber } from '../common/errors.js';
import { SortedWindow } from '../common/sorted-window.js';
import { MIN_PERIOD, estimatePeriod, pointsToRefine, refinePeriod, seasonalShape } from './seasonal-baseline.js';
import { StepTest, type StepJudgement, type StepTestState } from './step-test.js';
import { logNormalUpperTail, surpriseOfZ } from './tail.js';

/** Options of {@link AnomalyLikelihoodDetector}. */
export interface AnomalyLikelihoodOptions {
  /**
   * Target false alarms per point on data without anomalies: the one setting. An alarm is raised
   * when the tail probability of the recent raw scores falls below it. Default 0.0001, measured
   * ≤ 0.3 alarms per 1 000 points on Gaussian, AR(1), trend, seasonal, heavy-tailed and count series.
   */
  falseAlarmRate?: number;
  /** Past points the raw score compares each point with. Default 100. */
  window?: number;
  /** Raw scores averaged into the recent behaviour. Default 10. */
  shortWindow?: number;
  /** Effective length (points) of the exponentially weighted history of averaged raw scores. Default 1000. */
  longWindow?: number;
  /** Points during which the score is 0.5 and no alarm is raised. Default 400. */
  probation?: number;
  /** Points after an alarm during which no new alarm is raised. Default 100. */
  suppression?: number;
  /**
   * Points per cycle of the series' seasonal baseline (24 for hourly values with a daily cycle),
   * 0 for none, or `auto` (the default): found in the probation by autocorrelation, refined once
   * 8 cycles are seen (see seasonal-baseline.ts). Periods up to half the probation are found.
   */
  period?: number | 'auto';
}

/**
 * JSON state of an anomaly-likelihood detector. Version 2 added the history of single raw scores
 * (`tail…`), version 3 the seasonal baseline (`period`…); older states are still read, the
 * missing history starting empty and without a seasonal baseline.
 */
export interface AnomalyLikelihoodState {
  kind: 'anomaly-likelihood';
  version: 3;
  options: Required<AnomalyLikelihoodOptions>;
  /** Points fed since the start or the last reset. */
  count: number;
  /** The last `window` values, oldest first (minus the seasonal baseline once there is one). */
  values: number[];
  /** The last `shortWindow` raw scores, oldest first. */
  surprises: number[];
  historyMean: number;
  historyVariance: number;
  historyCount: number;
  /** Exponentially weighted share of points whose robust |z| exceeded {@link TAIL_FROM}. */
  tailRate: number;
  /** Exponentially weighted mean of ln(|z| / TAIL_FROM) over all points (0 for those below it). */
  tailLogExcess: number;
  /** Points in that history. */
  tailCount: number;
  /** Points left before another alarm may be raised. */
  quiet: number;
  inAlarm: boolean;
  /** Points per cycle of the seasonal baseline, 0 without one. */
  period: number;
  /** The baseline per phase (point index mod `period`), empty without one. */
  seasonal: number[];
  /** The point from which the baseline is updated (the points before it fitted it). */
  seasonFrom: number;
  /** Whether the period is settled; until then the values seen are kept in `learning`. */
  periodDecided: boolean;
  /** The point count at which the period is next looked at (the probation's end, then 8 cycles). */
  decideAt: number;
  learning: number[];
  /** The step test's history (step 5). */
  step: StepTestState;
}

/** What the detector reports after each point. */
export interface AnomalyStep {
  /** 0-based index of the point just fed. */
  index: number;
  /** Anomaly likelihood in [0, 1]: 1 − P(recent raw scores this high | the series' history); 0.5 in probation. */
  score: number;
  /** Raw score of the point: surprise in decimal digits of tail probability (0 = unremarkable, ≤ 12). */
  raw: number;
  /** True on the point where an alarm is raised (once per excursion, then `suppression` points of silence). */
  alarm: boolean;
  /**
   * On an alarm, the index of the point that caused it: this point when it is unusual on its own,
   * else the most surprising point of the recent window (a step is often known a few points after
   * it starts). −1 when there is no alarm.
   */
  cause: number;
}

/** Scores and alarm flags of a batch, without one object per point. */
export interface AnomalyBatch {
  scores: Float64Array;
  alarms: Uint8Array;
  /** Per point, the index (in the batch; negative if before it) of the alarm's cause, −1 without an alarm. */
  causes: Float64Array;
}

/** What {@link AnomalyLikelihoodDetector} makes of a point, before it is learned from. */
interface Judgement {
  /** False while the window is too short to score (no surprise, history or tail is learned). */
  scored: boolean;
  score: number;
  raw: number;
  alarm: boolean;
  /** Points back from this one to the alarm's cause. */
  lag: number;
  /** Robust |z| of the point against its one-step prediction (step 4), and the cube-rooted mean of the recent raw scores. */
  pointZ: number;
  recent: number;
  /** The innovation's signed z (pointZ is its size), and the step test of it (step 5). */
  signedZ: number;
  step: StepJudgement | null;
  /** The value before this one, minus its seasonal baseline. */
  previous: number;
  /** Whether either tail is below the threshold (an excursion goes on while it is). */
  crossing: boolean;
  /** The value minus the seasonal baseline, and the window's median and robust scale it was judged with. */
  deviation: number;
  centre: number;
  scale: number;
}

const RAW_CAP = 12;
/** Points of history before the raw score is computed (robust scales of fewer points are too noisy). */
const MIN_HISTORY = 10;
/**
 * Points in the tail history before one point alone may raise an alarm (~5 Gaussian points above
 * TAIL_FROM; restored version 1 states alarmed on a normal point 200 points after the restore with 50).
 */
const MIN_TAIL_HISTORY = 400;
/**
 * Robust |z| above which the tail of single points is fitted (~1.2 % of Gaussian points). From 2,
 * Poisson(3) counts (values just above it add almost no excess) alarmed 0.6 times per 1 000 points.
 */
const TAIL_FROM = 2.5;
/**
 * Share of a point's deviation from the window's median that moves the seasonal baseline of its
 * phase (an exponential average over ~10 cycles, so a slowly changing cycle is followed); the
 * deviation is clipped to ±TAIL_FROM robust SDs first, so a spike moves it little.
 */
const SEASONAL_RATE = 0.1;
/** Highest lag-1 autocorrelation of the one-step prediction (step 4): 1 would predict a constant series by its last value only. */
const MAX_PHI = 0.99;

/** |d| / scale: 0 when d is 0, ∞ when the scale is 0 and d is not (a constant window). */
const zOf = (d: number, scale: number) => (d === 0 ? 0 : scale > 0 ? Math.abs(d) / scale : Infinity);

/** log P(value this high or higher) under a Gaussian of this mean and variance (a zero variance: 0 or −∞). */
function logTailAgainst(x: number, mean: number, variance: number): number {
  const sd = Math.sqrt(variance);
  const z = sd > 0 ? (x - mean) / sd : x > mean ? Infinity : 0;
  return logNormalUpperTail(z);
}

/**
 * Streaming anomaly scoring with a calibrated alarm rate, after the "anomaly likelihood" of
 * published streaming detectors (Ahmad et al. 2017): a causal raw score is not thresholded
 * itself but compared with the distribution of its own recent averages on this series, so a
 * series whose raw scores are always high (a trend, heavy tails) does not alarm all the time.
 *
 * 0. Seasonal baseline: when the series has a cycle (see `period`), each value minus its phase's
 *    baseline (fitted once the period is settled, then moved by each point) is what the steps
 *    below see, so a level step is judged against the noise, not against the cycle's spread: a
 *    3σ step on a 3σ-amplitude cycle was found in 11 of 20 series without it, 19–20 of 20 with
 *    it, periods 24 to 168. The points seen before the period is settled are fed again through
 *    the baseline, so the state is the one the baseline would have given from the start.
 * 1. Raw score: the point's surprise, −log10 of the two-sided Gaussian tail of its robust z
 *    against the median and MAD of the previous `window` points (capped at 12 digits). On a
 *    trend or a random walk it is high most of the time; step 3 makes that the normal level
 *    for the series. (Taking the smaller of this and the surprise of the first difference was
 *    tried: it silences random walks but finds a 3 SD step in 1 of 20 series, against 20/20.)
 * 2. Recent behaviour: the mean of the last `shortWindow` raw scores, cube-rooted (sums of
 *    surprises are gamma-like; the Wilson–Hilferty cube root makes them nearly Gaussian, so the
 *    Gaussian tail below is calibrated far out).
 * 3. Likelihood: Gaussian upper-tail probability of that value against the exponentially
 *    weighted mean and variance of earlier values (effective length `longWindow`).
 * 4. The point alone: its robust z against a one-step AR(1) prediction from the previous value
 *    (φ the window's lag-1 autocorrelation; 0 on white noise, where this is the z of step 1), and
 *    the probability of a |z| this large under a Pareto tail fitted to earlier points above
 *    |z| = 2.5 (their weighted share p and Hill's mean log excess m:
 *    P(|z| > x) ≈ p · (x / 2.5)^(−1/m)). Averaging dilutes one isolated spike: with step 3 only, a
 *    20 SD spike reached a tail of 1.3e-4 on its own row and crossed 1e-4 two rows later, on a
 *    normal value. A power tail is exact for heavy-tailed noise (Student t3) and overstates a
 *    Gaussian tail, so the test is conservative on light tails (a Gaussian point needs |z| > ~6);
 *    a Gaussian fit of the single raw scores was tried first and alarmed 4 times per 1 000
 *    points on t3 noise. The prediction measures a spike against where the series was going, not
 *    against its spread: on AR(1) φ = 0.9 an 8 SD spike was found in 11 of 20 series with the z
 *    of step 1, 20 of 20 with it, a 3 SD step 8 → 14; on a seasonal series an 8 SD spike 4 → 16.
 *    Step 1 keeps the z about the median: a level shift stays away from it, where the prediction
 *    follows it after one point (a prediction z as the raw score found 3 SD steps on a seasonal
 *    series in 0 of 20, against 10 of 20).
 *    The innovations' scale is the mean absolute one-step residual of the window (× √(π/2)): the
 *    window's MAD × √(1 − φ²) varied by ±30 % on AR(1) φ = 0.9 (a window of 100 such points holds
 *    ~5 independent ones).
 *    A 3 SD step on AR(1) φ = 0.9 (a ~7σ innovation) was found in 14 of 20 series before that
 *    scale and step 5, in 19 of 20 after (37 of 40 on other seeds).
 * 5. A step seen through the prediction (step-test.ts): the likelihood ratio of a step started
 *    up to 32 points back, from the innovations against the series' long-run φ. On AR(1) φ = 0.7
 *    a 3 SD step is a 4σ innovation and then 1.3σ more per point, which the correlated level
 *    scores of steps 1–3 do not add up: found in 30 of 40 series without it, 37 of 40 with it;
 *    on φ = 0.9 (its ~7σ innovation clipped to 4.5σ, then 0.7σ more per point) 31 → 37 of 40.
 * Each test gets a third of the false-alarm rate. The score is 1 − the smallest tail; an alarm is
 * raised when it is below `falseAlarmRate` / 3, once per excursion, not during `probation`, and
 * not within `suppression` points of the previous alarm; its `cause` names the point (this one,
 * the most surprising of the window, or the step's most likely start).
 * Every step is causal: the point at index i is scored with points < i only. The state is plain
 * JSON; feeding a series in several batches with a save and restore between them gives exactly
 * the output of one pass.
 */
export class AnomalyLikelihoodDetector {
  private readonly options: Required<AnomalyLikelihoodOptions>;
  private readonly weight: number;
  private count = 0;
  // Ring of the last `window` values (oldest at `valueStart`) and its sorted copy.
  private readonly valueRing: Float64Array;
  private valueCount = 0;
  private valueStart = 0;
  private readonly sortedValues: SortedWindow;
  private readonly scratch: Float64Array;
  private readonly surpriseRing: Float64Array;
  private surpriseCount = 0;
  private surpriseStart = 0;
  private historyMean = 0;
  private historyVariance = 0;
  private historyCount = 0;
  private tailRate = 0;
  private tailLogExcess = 0;
  private tailCount = 0;
  private quiet = 0;
  private inAlarm = false;
  private period = 0;
  private seasonal = new Float64Array(0);
  private seasonFrom = 0;
  private periodDecided = false;
  private decideAt = 0;
  private learning: number[] = [];
  private stepTest: StepTest;
  /** The last value and innovations' scale of the window (set by predictionZ for the step test; not state). */
  private previous = 0;
  private innovationScale = 0;

  constructor(options: AnomalyLikelihoodOptions = {}) {
    this.options = {
      falseAlarmRate: checkNumber(options.falseAlarmRate ?? 1e-4, 'falseAlarmRate', 1e-12, 0.5),
      window: checkInteger(options.window ?? 100, 'window', MIN_HISTORY, 100_000),
      shortWindow: checkInteger(options.shortWindow ?? 10, 'shortWindow', 1, 10_000),
      longWindow: checkInteger(options.longWindow ?? 1000, 'longWindow', 10, 10_000_000),
      probation: checkInteger(options.probation ?? 400, 'probation', 0),
      suppression: checkInteger(options.suppression ?? 100, 'suppression', 0),
      period: options.period === 'auto' || options.period === undefined ? 'auto' : options.period,
    };
    const { period } = this.options;
    if (period !== 'auto' && period !== 0) checkInteger(period, 'period', 2, 100_000);
    const { window, shortWindow } = this.options;
    this.weight = 1 / this.options.longWindow;
    this.stepTest = new StepTest(this.weight);
    this.valueRing = new Float64Array(window);
    this.sortedValues = new SortedWindow(window);
    this.scratch = new Float64Array(window);
    this.surpriseRing = new Float64Array(shortWindow);
    this.startLearning();
  }

  /** Where the period is looked for: at the probation's end (auto), or once two given cycles are seen. */
  private startLearning(): void {
    const { period, probation } = this.options;
    this.period = 0;
    this.seasonal = new Float64Array(0);
    this.seasonFrom = 0;
    this.learning = [];
    this.decideAt = period === 'auto' ? probation : Math.max(probation, 2 * period);
    // Without a period to look for, or too short a probation to see two cycles of the shortest.
    this.periodDecided = period === 0 || (period === 'auto' && probation < 2 * MIN_PERIOD + 2);
  }

  /** Feeds one value. Non-finite values throw an AnalyticsInputError and leave the state untouched. */
  update(value: number): AnomalyStep {
    const index = this.count;
    const { score, raw, alarm, lag } = this.advance(value);
    return { index, score, raw, alarm, cause: alarm ? index - lag : -1 };
  }

  /** Same as {@link update} on each value. */
  updateBatch(values: ArrayLike<number>): AnomalyBatch {
    const scores = new Float64Array(values.length);
    const alarms = new Uint8Array(values.length);
    const causes = new Float64Array(values.length).fill(-1);
    for (let i = 0; i < values.length; i++) {
      const step = this.advance(values[i]);
      scores[i] = step.score;
      alarms[i] = step.alarm ? 1 : 0;
      if (step.alarm) causes[i] = i - step.lag;
    }
    return { scores, alarms, causes };
  }

  /** Forgets all history (e.g. at a device change); options are kept. */
  reset(): void {
    this.count = 0;
    this.valueCount = this.valueStart = 0;
    this.surpriseCount = this.surpriseStart = 0;
    this.sortedValues.clear();
    this.historyMean = this.historyVariance = this.historyCount = 0;
    this.tailRate = this.tailLogExcess = this.tailCount = 0;
    this.quiet = 0;
    this.inAlarm = false;
    this.stepTest = new StepTest(this.weight);
    this.startLearning();
  }

  /** Points fed since the start or the last reset. */
  get pointCount(): number {
    return this.count;
  }

  toJSON(): AnomalyLikelihoodState {
    const ring = (items: Float64Array, start: number, n: number) =>
      Array.from({ length: n }, (_, i) => items[(start + i) % items.length]);
    return {
      kind: 'anomaly-likelihood',
      version: 3,
      options: { ...this.options },
      count: this.count,
      values: ring(this.valueRing, this.valueStart, this.valueCount),
      surprises: ring(this.surpriseRing, this.surpriseStart, this.surpriseCount),
      historyMean: this.historyMean,
      historyVariance: this.historyVariance,
      historyCount: this.historyCount,
      tailRate: this.tailRate,
      tailLogExcess: this.tailLogExcess,
      tailCount: this.tailCount,
      quiet: this.quiet,
      inAlarm: this.inAlarm,
      period: this.period,
      seasonal: Array.from(this.seasonal),
      seasonFrom: this.seasonFrom,
      periodDecided: this.periodDecided,
      decideAt: this.decideAt,
      learning: this.learning.slice(),
      step: this.stepTest.toJSON(),
    };
  }

  /** Rebuilds a detector from {@link AnomalyLikelihoodDetector.toJSON} output, checking its shape. */
  static fromJSON(state: unknown): AnomalyLikelihoodDetector {
    const given = state as Omit<AnomalyLikelihoodState, 'version'> & { version: number };
    if (
      !given ||
      typeof given !== 'object' ||
      given.kind !== 'anomaly-likelihood' ||
      ![1, 2, 3].includes(given.version)
    )
      throw new AnalyticsInputError('not a version 1, 2 or 3 anomaly-likelihood state');
    // A version 1 state (saved before single points were judged) starts their history empty; a
    // version 1 or 2 state (saved before the seasonal baseline) goes on without one.
    const withTail = given.version === 1 ? { ...given, tailRate: 0, tailLogExcess: 0, tailCount: 0 } : given;
    const s =
      given.version === 3
        ? withTail
        : {
            ...withTail,
            options: { ...withTail.options, period: 0 },
            period: 0,
            seasonal: [],
            seasonFrom: 0,
            periodDecided: true,
            decideAt: 0,
            learning: [],
            step: new StepTest(0).toJSON(),
          };
    const detector = new AnomalyLikelihoodDetector(s.options);
    const { window, shortWindow } = detector.options;
    const finiteList = (a: unknown, max: number) =>
      Array.isArray(a) && a.length <= max && a.every((v) => typeof v === 'number' && Number.isFinite(v));
    const numbers = [
      s.count,
      s.historyMean,
      s.historyVariance,
      s.historyCount,
      s.tailRate,
      s.tailLogExcess,
      s.tailCount,
      s.quiet,
      s.seasonFrom,
      s.decideAt,
    ];
    if (
      !finiteList(s.values, window) ||
      !finiteList(s.surprises, shortWindow) ||
      numbers.some((v) => typeof v !== 'number' || !Number.isFinite(v)) ||
      !Number.isInteger(s.period) ||
      s.period < 0 ||
      !finiteList(s.seasonal, s.period) ||
      s.seasonal.length !== s.period ||
      !finiteList(s.learning, Math.max(s.count, 0)) ||
      !detector.stepTest.restore(s.step)
    )
      throw new AnalyticsInputError('anomaly-likelihood state has invalid fields');
    for (const v of s.values) detector.pushValue(v);
    for (const r of s.surprises) detector.pushSurprise(r);
    detector.count = s.count;
    detector.historyMean = s.historyMean;
    detector.historyVariance = s.historyVariance;
    detector.historyCount = s.historyCount;
    detector.tailRate = s.tailRate;
    detector.tailLogExcess = s.tailLogExcess;
    detector.tailCount = s.tailCount;
    detector.quiet = s.quiet;
    detector.inAlarm = Boolean(s.inAlarm);
    detector.period = s.period;
    detector.seasonal = Float64Array.from(s.seasonal);
    detector.seasonFrom = s.seasonFrom;
    detector.periodDecided = Boolean(s.periodDecided);
    detector.decideAt = s.decideAt;
    detector.learning = s.learning.slice();
    return detector;
  }

  /**
   * What {@link update} would report for `value` fed next, without changing the state: for a
   * late row (older than the last point fed), judged against the model as it stands and not
   * learned from, so the state stays in time order. Its `cause` is this point (its index) or, when
   * the recent window raised the alarm, an earlier point's index.
   */
  peek(value: number): AnomalyStep {
    const index = this.count;
    const { score, raw, alarm, lag } = this.judge(value);
    return { index, score, raw, alarm, cause: alarm ? index - lag : -1 };
  }

  private advance(value: number): Judgement {
    const judged = this.judge(value);
    const index = this.count;
    this.pushValue(judged.deviation);
    this.count++;
    if (!this.periodDecided) this.learning.push(value);
    if (judged.scored) {
      this.pushSurprise(judged.raw);
      this.absorbHistory(judged.recent);
      this.absorbTail(judged.pointZ);
      if (judged.step)
        this.stepTest.absorb(judged.deviation - judged.centre, judged.previous - judged.centre, judged.step);
      if (this.quiet > 0) this.quiet--;
      if (judged.alarm) this.quiet = this.options.suppression;
      this.inAlarm = judged.crossing;
      if (this.period > 0 && index >= this.seasonFrom) {
        const limit = TAIL_FROM * judged.scale;
        const off = Math.min(limit, Math.max(-limit, judged.deviation - judged.centre));
        this.seasonal[index % this.period] += SEASONAL_RATE * off;
      }
    }
    if (!this.periodDecided && this.count === this.decideAt) this.settlePeriod();
    return judged;
  }

  /**
   * At the probation's end (auto): no cycle, or the cycle's rough period, then waiting for 8
   * cycles; once they are seen (or two of a given period), the exact period and its shape, and
   * every point so far fed again as deviations from the shape, as if the baseline had been known
   * from the start (the scores already given do not change; probation or the plain window gave them).
   */
  private settlePeriod(): void {
    const values = this.learning;
    let period = this.options.period === 'auto' ? 0 : this.options.period;
    if (this.options.period === 'auto') {
      const rough = estimatePeriod(values);
      const needed = rough > 0 ? pointsToRefine(rough) : 0;
      // Once: at the probation's end the wait for 8 cycles starts; at its end the period is taken as found.
      if (needed > this.count && this.decideAt === this.options.probation) {
        this.decideAt = needed;
        return;
      }
      period = rough > 0 ? refinePeriod(values, rough) : 0;
    }
    this.periodDecided = true;
    this.learning = [];
    if (period === 0) return;
    const shape = seasonalShape(values, period);
    this.reset();
    this.periodDecided = true;
    this.learning = [];
    this.period = period;
    this.seasonal = Float64Array.from(shape);
    this.seasonFrom = values.length;
    for (const v of values) this.advance(v);
  }

  /** The steps of the class comment for `value` fed next, reading the state only (see {@link advance}). */
  private judge(value: number): Judgement {
    if (!Number.isFinite(value))
      throw new AnalyticsInputError(`anomaly scoring needs finite values, got ${value} at index ${this.count}`);
    // 1. Raw score against the history before this point.
    const deviation = this.period > 0 ? value - this.seasonal[this.count % this.period] : value;
    const scored = this.valueCount >= MIN_HISTORY;
    if (!scored) {
      const crossing = false;
      return {
        scored,
        score: 0.5,
        raw: 0,
        alarm: false,
        lag: 0,
        pointZ: 0,
        recent: 0,
        signedZ: 0,
        step: null,
        previous: 0,
        crossing,
        deviation,
        centre: 0,
        scale: 0,
      };
    }
    const centre = this.sortedValues.quantile(0.5);
    const scale = this.robustScale(centre);
    const z = zOf(deviation - centre, scale);
    const raw = Math.min(RAW_CAP, surpriseOfZ(z));
    // 2. Recent behaviour, on a nearly Gaussian scale; and the window's most surprising point
    // (the cause of an alarm raised by the window). Summed oldest first over the ring as it will
    // be once `raw` is in (its oldest score dropped when full), so a restored state (its ring
    // starting at 0) adds in the same order.
    const ring = this.surpriseRing;
    const dropped = this.surpriseCount === ring.length ? 1 : 0;
    const count = this.surpriseCount - dropped + 1;
    let sum = 0;
    let peak = -1;
    let lag = 0;
    for (let i = 0; i < count; i++) {
      const r = i === count - 1 ? raw : ring[(this.surpriseStart + dropped + i) % ring.length];
      sum += r;
      if (r >= peak) {
        peak = r;
        lag = count - 1 - i;
      }
    }
    const recent = Math.cbrt(sum / count);
    // 3. Its tail probability against the history of earlier values.
    let logTail = Math.log(0.5);
    if (this.historyCount >= 2) logTail = logTailAgainst(recent, this.historyMean, this.historyVariance);
    // 4. The point alone, against where the series was going, and the tail of earlier single points.
    const signedZ = this.predictionZ(deviation, centre, scale);
    const pointZ = Math.abs(signedZ);
    const pointLogTail = this.pointLogTail(pointZ);
    // 5. A step seen through the same prediction, started up to 32 points back.
    const step = this.stepTest.judge(deviation - centre, this.previous - centre, this.innovationScale);
    const threshold = Math.log(this.options.falseAlarmRate / 3);
    const pointCrossing = pointLogTail < threshold;
    const levelCrossing = logTail < threshold;
    const crossing = pointCrossing || levelCrossing || step.logTail < threshold;
    const inProbation = this.count + 1 <= this.options.probation;
    const quietAfter = Math.max(0, this.quiet - 1);
    const alarm = crossing && !this.inAlarm && !inProbation && quietAfter === 0;
    const tail = Math.exp(Math.min(logTail, pointLogTail, step.logTail));
    const score = inProbation ? 0.5 : 1 - tail;
    return {
      scored,
      score,
      raw,
      alarm,
      lag: pointCrossing ? 0 : levelCrossing ? lag : step.lag,
      pointZ,
      recent,
      signedZ,
      step,
      previous: this.previous,
      crossing,
      deviation,
      centre,
      scale,
    };
  }

  /** 1.4826 · MAD of the window about `centre` (its median); its SD when the MAD is 0. */
  private robustScale(centre: number): number {
    const scale = 1.4826 * this.sortedValues.absoluteDeviationMedian(centre, this.scratch);
    return scale > 0 ? scale : this.sortedValues.standardDeviation();
  }

  /**
   * (x − prediction) / scale of the innovations, the prediction an AR(1) step from the last
   * value: centre + φ·(last − centre), with φ the window's lag-1 autocorrelation about its median
   * `centre`, clamped to [0, 0.99] (0 on white noise: the z of step 1), and the innovations'
   * scale the mean absolute one-step residual of the window (× √(π/2), its SD for Gaussian
   * residuals; the window's robust `scale` × √(1 − φ²) when that is 0). Signed: the step test
   * needs the direction.
   */
  private predictionZ(x: number, centre: number, scale: number): number {
    const ring = this.valueRing;
    const n = this.valueCount;
    let previous = ring[this.valueStart] - centre;
    let lagged = 0;
    let squares = previous * previous;
    for (let k = 1; k < n; k++) {
      const v = ring[(this.valueStart + k) % ring.length] - centre;
      squares += v * v;
      lagged += v * previous;
      previous = v;
    }
    const phi = squares > 0 ? Math.min(MAX_PHI, Math.max(0, lagged / squares)) : 0;
    let absolute = 0;
    let before = ring[this.valueStart] - centre;
    for (let k = 1; k < n; k++) {
      const v = ring[(this.valueStart + k) % ring.length] - centre;
      absolute += Math.abs(v - phi * before);
      before = v;
    }
    const innovationScale =
      n > 1 && absolute > 0 ? (absolute / (n - 1)) * Math.sqrt(Math.PI / 2) : scale * Math.sqrt(1 - phi * phi);
    this.previous = previous + centre;
    this.innovationScale = innovationScale;
    const d = x - centre - phi * previous;
    return d === 0 ? 0 : innovationScale > 0 ? d / innovationScale : d > 0 ? Infinity : -Infinity;
  }

  /**
   * log P(|z| this large) under the fitted Pareto tail; log 0.5 (no opinion) before
   * MIN_TAIL_HISTORY points, without any point above TAIL_FROM yet, or for an infinite z
   * (a constant window: the averaged score judges those).
   */
  private pointLogTail(z: number): number {
    if (this.tailCount < MIN_TAIL_HISTORY || !(this.tailRate > 0) || z <= TAIL_FROM || z === Infinity)
      return Math.log(0.5);
    const meanLogExcess = this.tailLogExcess / this.tailRate;
    if (!(meanLogExcess > 0)) return Math.log(0.5);
    return Math.min(Math.log(0.5), Math.log(this.tailRate) - Math.log(z / TAIL_FROM) / meanLogExcess);
  }

  /** Exponentially weighted mean and variance, a plain running mean until `longWindow` points. */
  private absorbHistory(x: number): void {
    this.historyCount++;
    const w = Math.max(this.weight, 1 / this.historyCount);
    const d = x - this.historyMean;
    this.historyMean += w * d;
    this.historyVariance = (1 - w) * (this.historyVariance + w * d * d);
  }

  /** The same weighting for the tail's share and mean log excess (infinite z left out). */
  private absorbTail(z: number): void {
    if (z === Infinity) return;
    this.tailCount++;
    const w = Math.max(this.weight, 1 / this.tailCount);
    const above = z > TAIL_FROM;
    this.tailRate += w * ((above ? 1 : 0) - this.tailRate);
    this.tailLogExcess += w * ((above ? Math.log(z / TAIL_FROM) : 0) - this.tailLogExcess);
  }

  private pushValue(x: number): void {
    const ring = this.valueRing;
    if (this.valueCount === ring.length) {
      this.sortedValues.remove(ring[this.valueStart]);
      ring[this.valueStart] = x;
      this.valueStart = (this.valueStart + 1) % ring.length;
    } else ring[(this.valueStart + this.valueCount++) % ring.length] = x;
    this.sortedValues.insert(x);
  }

  private pushSurprise(x: number): void {
    const ring = this.surpriseRing;
    if (this.surpriseCount === ring.length) {
      ring[this.surpriseStart] = x;
      this.surpriseStart = (this.surpriseStart + 1) % ring.length;
    } else ring[(this.surpriseStart + this.surpriseCount++) % ring.length] = x;
  }
}

/** Creates an anomaly-likelihood detector (see {@link AnomalyLikelihoodOptions} for defaults). */
export function createAnomalyLikelihood(options: AnomalyLikelihoodOptions = {}): AnomalyLikelihoodDetector {
  return new AnomalyLikelihoodDetector(options);
}
