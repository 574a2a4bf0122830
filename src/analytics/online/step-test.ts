import { logNormalUpperTail } from './tail.js';

/** Recent innovations the step test looks back over (a step up to 32 points old is judged). */
export const STEP_SPAN = 32;
/**
 * Innovations are clipped to ±4.5 (in their SDs) first, so one point alone never crosses the
 * threshold (64 starts × P(|Z| > 4.5) = 2e-4, above the default 1e-4 / 3): a lone point is the
 * single-point test's business, judged against the series' own tail. Clipped to 3, a 3σ step on
 * AR(1) φ = 0.9 (a ~7σ innovation, then 0.7σ more per point) was found in 31 of 40 series, to 4.5
 * in 37; false alarms on Student t2 noise rose from 0.36 to 0.42 per 1 000 points (4 → 4.5).
 */
const CLIP = 4.5;
/** Points of history before the test gives an opinion. */
const MIN_HISTORY = 100;

/** JSON state of a {@link StepTest}. */
export interface StepTestState {
  /** The last STEP_SPAN standardised innovations, oldest first. */
  recent: number[];
  mean: number;
  variance: number;
  /** Variance of the sum of STEP_SPAN standardised innovations over STEP_SPAN (1 when independent). */
  inflation: number;
  count: number;
  /** Exponentially weighted lagged product and square of the deviations from the centre: φ is their ratio. */
  lagged: number;
  squares: number;
}

/** What the step test makes of a point. */
export interface StepJudgement {
  /** log P(an excursion this large) over the recent starts (Bonferroni over STEP_SPAN starts, both signs). */
  logTail: number;
  /** Points back from this one to the step's most likely start. */
  lag: number;
  /** The point's standardised, clipped innovation (what {@link StepTest.absorb} learns), and its plain z. */
  innovation: number;
  z: number;
}

/**
 * A level step seen through the one-step AR(1) prediction: after a step of δ at τ, the innovations
 * are δ at τ and (1 − φ)·δ after it (the prediction follows the old level with weight φ), until the
 * window's median catches up. For each start k points back the generalised likelihood ratio of
 * that shape is Z_k = (u_τ + (1 − φ)·Σ u_later) / √(1 + (k − 1)(1 − φ)²) over the standardised
 * innovations u, Gaussian under no step; the largest |Z_k| is judged with a Bonferroni bound over
 * the STEP_SPAN starts. On white noise this is the z of the mean of the last k points; on AR(1)
 * φ = 0.7, where a 3σ step is a 4σ innovation then 1.3σ more per point, it adds the evidence the
 * averaged level scores (correlated from point to point) do not: those found 3σ steps in 30 of 40
 * series. Innovations are standardised by their own exponentially weighted mean and variance (a
 * trend, which the window's median follows late, leaves them a constant mean), and each Z_k is
 * divided by the spread the series' own sums show (correlated innovations add up faster than
 * independent ones).
 */
export class StepTest {
  private readonly recent = new Float64Array(STEP_SPAN);
  private recentCount = 0;
  private recentStart = 0;
  private mean = 0;
  private variance = 1;
  private inflation = 1;
  private count = 0;
  private lagged = 0;
  private squares = 0;

  constructor(private readonly weight: number) {}

  /** The series' AR(1) coefficient over its long history, in [0, 0.99]. */
  private get phi(): number {
    return this.squares > 0 ? Math.min(0.99, Math.max(0, this.lagged / this.squares)) : 0;
  }

  /**
   * The test for a point `x` after `previous` (both about the window's centre), `scale` the
   * innovations' scale (state unchanged). The prediction's φ is the long history's: the window's
   * own grows as a step enters it, and the prediction then follows the step.
   */
  judge(x: number, previous: number, scale: number): StepJudgement {
    const phi = this.phi;
    const d = x - phi * previous;
    const z = d === 0 ? 0 : d / scale;
    const innovation = (Math.max(-CLIP, Math.min(CLIP, z)) - this.mean) / Math.sqrt(this.variance);
    if (this.count < MIN_HISTORY || !Number.isFinite(z)) return { logTail: Math.log(0.5), lag: 0, innovation, z };
    const later = 1 - phi;
    const extra = Math.max(0, this.inflation - 1) / (STEP_SPAN - 1);
    // Start at this point (k = 1), then one further back each round; `sum` holds the later innovations.
    let sum = 0;
    let best = 0;
    let lag = 0;
    let u = innovation;
    for (let k = 1; k <= this.recentCount + 1; k++) {
      if (k > 1) {
        sum += u;
        u = this.recent[(this.recentStart + this.recentCount - k + 1) % STEP_SPAN];
      }
      const z = Math.abs(u + later * sum) / Math.sqrt((1 + (k - 1) * later * later) * (1 + (k - 1) * extra));
      if (z > best) {
        best = z;
        lag = k - 1;
      }
    }
    const logTail = Math.min(Math.log(0.5), Math.log(2 * STEP_SPAN) + logNormalUpperTail(best));
    return { logTail, lag, innovation, z };
  }

  /** Learns a judged point (the arguments of {@link judge}). */
  absorb(x: number, previous: number, judged: StepJudgement): void {
    if (!Number.isFinite(judged.z)) return;
    this.count++;
    // The starting mean 0 and variance 1 (a unit innovation) count as one point.
    const w = Math.max(this.weight, 1 / (this.count + 1));
    this.lagged += w * (x * previous - this.lagged);
    this.squares += w * (previous * previous - this.squares);
    const d = Math.max(-CLIP, Math.min(CLIP, judged.z)) - this.mean;
    this.mean += w * d;
    this.variance = Math.max(1e-6, (1 - w) * (this.variance + w * d * d));
    const ring = this.recent;
    if (this.recentCount === STEP_SPAN) {
      ring[this.recentStart] = judged.innovation;
      this.recentStart = (this.recentStart + 1) % STEP_SPAN;
      // Summed oldest first, as after a restore (its ring starting at 0), so both give the same bits.
      let s = 0;
      for (let i = 0; i < STEP_SPAN; i++) s += ring[(this.recentStart + i) % STEP_SPAN];
      this.inflation += w * ((s * s) / STEP_SPAN - this.inflation);
    } else ring[(this.recentStart + this.recentCount++) % STEP_SPAN] = judged.innovation;
  }

  toJSON(): StepTestState {
    const recent = Array.from({ length: this.recentCount }, (_, i) => this.recent[(this.recentStart + i) % STEP_SPAN]);
    const { mean, variance, inflation, count, lagged, squares } = this;
    return { recent, mean, variance, inflation, count, lagged, squares };
  }

  /** Restores a state from {@link toJSON}; false (and nothing changed) when it is malformed. */
  restore(state: unknown): boolean {
    const s = state as Partial<StepTestState> | null;
    const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
    if (
      !s ||
      !Array.isArray(s.recent) ||
      s.recent.length > STEP_SPAN ||
      !s.recent.every(finite) ||
      ![s.mean, s.variance, s.inflation, s.count, s.lagged, s.squares].every(finite)
    )
      return false;
    this.recent.set(s.recent);
    this.recentCount = s.recent.length;
    this.recentStart = 0;
    this.mean = s.mean!;
    this.variance = s.variance!;
    this.inflation = s.inflation!;
    this.count = s.count!;
    this.lagged = s.lagged!;
    this.squares = s.squares!;
    return true;
  }
}
