/** What an online detector reports after each point. */
export interface OnlineStep {
  /** 0-based index of the point just fed (counting from the start or the last reset). */
  index: number;
  /** Probability (BOCPD) or normalised statistic (CUSUM, statistic / threshold) that a change happened recently. */
  changeProbability: number;
  /** True on the point where the detector crosses its threshold (once per crossing). */
  alarm: boolean;
}

/** What a batch of points produced, without one object per point. */
export interface BatchResult {
  /** Indices of the points that raised an alarm. */
  alarms: number[];
  /** changeProbability after each point of the batch. */
  changeProbability: Float64Array;
}

/** The streaming API shared by every online detector. */
export interface OnlineDetector<State> {
  /** Feeds one point. Non-finite values throw an AnalyticsInputError and leave the state untouched. */
  update(value: number): OnlineStep;
  /** Feeds points in order; same result as calling `update` on each. */
  updateBatch(values: ArrayLike<number>): BatchResult;
  /** Forgets all history, e.g. at a known device change; options are kept. */
  reset(): void;
  /** Plain JSON state from which `restore…` rebuilds an identical detector. */
  toJSON(): State;
}

/** Runs `update` over a batch, collecting alarms and probabilities. */
export function feedBatch(detector: { update(value: number): OnlineStep }, values: ArrayLike<number>): BatchResult {
  const alarms: number[] = [];
  const changeProbability = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const step = detector.update(values[i]);
    changeProbability[i] = step.changeProbability;
    if (step.alarm) alarms.push(step.index);
  }
  return { alarms, changeProbability };
}
