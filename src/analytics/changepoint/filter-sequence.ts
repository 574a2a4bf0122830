/**
 * The local-level filter's variance recursion (random-walk.ts), which depends on the ratio r and
 * on the number of steps since the segment's start but not on the data: the same for every
 * start and every series. Entry k holds what step k of a filter started at the segment's first
 * point uses: 1/F, the gain, log F and the first level's weight before the step. From
 * `fadedFrom` on, the filter is steady and that weight below FADED, so that entry's 1/F, gain
 * and log F hold for every later step (the first level no longer counts).
 */
export interface FilterSequence {
  inverseF: Float64Array;
  gain: Float64Array;
  logF: Float64Array;
  weight: Float64Array;
  /**
   * Entry k: the sums over steps 0 … k − 1 of weight²·(1/F) and of log F, added up in step order.
   * Neither depends on the data, so a filter reads them here instead of adding them up itself:
   * its own sums would be these very numbers (the same additions in the same order).
   */
  weightSquareSum: Float64Array;
  logFSum: Float64Array;
  /**
   * First step at which the filter is steady and the first level's weight has faded; when it has
   * not faded within the steps asked for, at least their number (every entry before it is set).
   */
  fadedFrom: number;
}

/** Once the filter's variance moves by less than this (relative), it is in its steady state. */
const STEADY = 1e-12;
/** …and once the first level's weight in the filtered level is below this, it no longer counts. */
const FADED = 1e-12;

/**
 * The recursion of one ratio, computed as far as asked and resumed when a longer segment asks
 * for more. Each step does the same operations in the same order whether it is computed at once
 * or resumed later, so a sequence is bit for bit the one a fresh run gives.
 */
export class FilterRecursion {
  private inverseFs = new Float64Array(0);
  private gains = new Float64Array(0);
  private logFs = new Float64Array(0);
  private weights = new Float64Array(0);
  private weightSquareSums = new Float64Array(1);
  private logFSums = new Float64Array(1);
  private p = 0;
  private inverseF = 1;
  private gain = 0;
  private logF = 0;
  private steady: boolean;
  private coefficient = 1;
  private k = 0;
  private faded = false;

  constructor(private readonly r: number) {
    this.steady = r === 0;
  }

  /** The sequence with at least `length` steps set, or all of them up to where it fades. */
  upTo(length: number): FilterSequence {
    if (!this.faded && this.k < length) this.extend(length);
    return {
      inverseF: this.inverseFs,
      gain: this.gains,
      logF: this.logFs,
      weight: this.weights,
      weightSquareSum: this.weightSquareSums,
      logFSum: this.logFSums,
      fadedFrom: this.k,
    };
  }

  private extend(length: number): void {
    // One spare entry for the faded step's values.
    if (this.inverseFs.length < length + 1) {
      const capacity = Math.max(length + 1, Math.ceil(this.inverseFs.length * 1.5));
      const grown = (old: Float64Array) => {
        const next = new Float64Array(capacity);
        next.set(old);
        return next;
      };
      this.inverseFs = grown(this.inverseFs);
      this.gains = grown(this.gains);
      this.logFs = grown(this.logFs);
      this.weights = grown(this.weights);
      // The sums have one entry more: the total up to the spare entry's step.
      this.weightSquareSums = grown(this.weightSquareSums);
      this.logFSums = grown(this.logFSums);
    }
    const { r, inverseFs, gains, logFs, weights, weightSquareSums, logFSums } = this;
    let { p, inverseF, gain, logF, steady, coefficient, k } = this;
    for (; k < length && !(steady && Math.abs(coefficient) < FADED); k++) {
      if (k > 0 && !steady) {
        const predicted = p + r;
        inverseF = 1 / (predicted + 1);
        gain = predicted * inverseF;
        logF = -Math.log(inverseF);
        const next = predicted * inverseF;
        steady = Math.abs(next - p) <= STEADY * p;
        p = next;
      }
      inverseFs[k] = inverseF;
      gains[k] = gain;
      logFs[k] = logF;
      weights[k] = coefficient;
      weightSquareSums[k + 1] = weightSquareSums[k] + coefficient * coefficient * inverseF;
      logFSums[k + 1] = logFSums[k] + logF;
      coefficient -= gain * coefficient;
    }
    if (steady && Math.abs(coefficient) < FADED) {
      // Past the faded point these values hold; an entry for them keeps the lookups simple.
      this.faded = true;
      inverseFs[k] = inverseF;
      gains[k] = gain;
      logFs[k] = logF;
      weights[k] = coefficient;
    }
    this.p = p;
    this.inverseF = inverseF;
    this.gain = gain;
    this.logF = logF;
    this.steady = steady;
    this.coefficient = coefficient;
    this.k = k;
  }
}

/**
 * The sequences of the ratios used so far in this thread, kept from call to call: segmenting
 * thousands of series ran the same recursions (a logarithm a step, thousands of steps for a small
 * r) for every one of them, an eighth of the time of a whole history, and a single call paid them
 * too. The ratios are those of the check's grid (at most 19 half-decades, 10⁻⁶·⁵ to 10²·⁵), and
 * each sequence grows to at most its faded step (about 28/√r: 50,000 entries, 1.6 MB, for the
 * smallest): a few MB in all, however long the series.
 */
const byRatio = new Map<number, FilterRecursion>();

/** The sequence of ratio `r` with at least `length` steps (or up to where it fades). */
export function filterSequence(r: number, length: number): FilterSequence {
  let recursion = byRatio.get(r);
  if (recursion === undefined) {
    recursion = new FilterRecursion(r);
    byRatio.set(r, recursion);
  }
  return recursion.upTo(length);
}
