import type { OutlierFamily } from './outlier-families.js';

/** Flags of one series (1 = outlier), aligned with its values. */
export type OutlierFlagger = (values: Float64Array) => ArrayLike<number>;

/** How a method did on one family. */
export interface OutlierQuality {
  /** Flags on a spike / all flags on the spiked series (1 when nothing was flagged). */
  precision: number;
  /** Spikes flagged / spikes. */
  recall: number;
  /** Flags per 1,000 points on the same family without spikes (every flag is false there). */
  falseAlarmsPer1000: number;
}

/**
 * Scores `flag` on series 1…`seeds` of `family`, with and without spikes. A flag counts only on
 * the spike's own index: an outlier method says which value is wrong, not roughly when.
 */
export function outlierQuality(family: OutlierFamily, flag: OutlierFlagger, seeds: number): OutlierQuality {
  let hits = 0;
  let flagged = 0;
  let spikes = 0;
  let falseFlags = 0;
  let cleanPoints = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const spiked = family.generate(seed, true);
    const flags = flag(spiked.values);
    for (let i = 0; i < flags.length; i++) if (flags[i]) flagged++;
    for (const i of spiked.outliers) if (flags[i]) hits++;
    spikes += spiked.outliers.length;
    const clean = family.generate(seed, false);
    const cleanFlags = flag(clean.values);
    for (let i = 0; i < cleanFlags.length; i++) if (cleanFlags[i]) falseFlags++;
    cleanPoints += clean.values.length;
  }
  return {
    precision: flagged ? hits / flagged : 1,
    recall: spikes ? hits / spikes : 1,
    falseAlarmsPer1000: (1000 * falseFlags) / cleanPoints,
  };
}
