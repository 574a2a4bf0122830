/** Per-value outlier scores and flags, aligned with the input. */
export interface OutlierScores {
  /** Larger = more outlying; NaN where the input was not finite (such values are skipped, never flagged). */
  scores: Float64Array;
  /** 1 where the value is flagged as an outlier. */
  flags: Uint8Array;
}

/** Flags |score| > threshold (NaN never flags). */
export function flagAbove(scores: Float64Array, threshold: number): OutlierScores {
  const flags = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) flags[i] = Math.abs(scores[i]) > threshold ? 1 : 0;
  return { scores, flags };
}

/**
 * Scores values against an interval [low, high]: 0 inside, otherwise the signed distance
 * outside in units of `unit` (±Infinity when the unit is 0); flags every value outside.
 * Non-finite values score NaN and are never flagged.
 */
export function scoreOutside(values: ArrayLike<number>, low: number, high: number, unit: number): OutlierScores {
  const scores = new Float64Array(values.length);
  const flags = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) {
      scores[i] = NaN;
      continue;
    }
    const beyond = x > high ? x - high : x < low ? x - low : 0;
    scores[i] = beyond === 0 ? 0 : unit > 0 ? beyond / unit : beyond * Infinity;
    flags[i] = beyond !== 0 ? 1 : 0;
  }
  return { scores, flags };
}
