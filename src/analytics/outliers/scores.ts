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
