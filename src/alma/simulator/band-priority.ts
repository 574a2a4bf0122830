import type { ArrayFamily, ResolvedOptions } from './options.js';
import type { Weather } from './weather.js';

/**
 * Band weights of the scheduler. High bands can only run in dry hours, so drawing bands at
 * the §6 mix and refusing those the sky forbids under-observes them (Band 9 at 1 % instead
 * of 4 %). The DSA ranks high-frequency SBs first when the sky allows them; here that is a
 * weight per band, fitted on the period's own hourly PWV so that the long-run share of each
 * band comes out at the configured mix.
 */
export function fitBandWeights(
  mix: Record<string, number>,
  bands: ResolvedOptions['trec']['bands'],
  weather: Weather,
): { bands: number[]; weights: number[] } {
  const keys = Object.keys(mix).map(Number);
  const total = keys.reduce((s, b) => s + mix[String(b)], 0);
  const target = keys.map((b) => mix[String(b)] / total);
  const limits = keys.map((b) => bands[String(b)].maxPwvMm);
  // Observable hours only, a sample of at most ~4,000 of them (every n-th).
  const hours: number[] = [];
  const step = Math.max(1, Math.floor(weather.pwvMm.length / 4000));
  for (let h = 0; h < weather.pwvMm.length; h += step) if (weather.bad[h] === 0) hours.push(weather.pwvMm[h]);
  const weights = [...target];
  if (hours.length === 0) return { bands: keys, weights };
  for (let iteration = 0; iteration < 30; iteration++) {
    const achieved = new Array<number>(keys.length).fill(0);
    for (const pwv of hours) {
      let sum = 0;
      for (let i = 0; i < keys.length; i++) if (pwv <= limits[i]) sum += weights[i];
      if (sum === 0) continue;
      for (let i = 0; i < keys.length; i++) if (pwv <= limits[i]) achieved[i] += weights[i] / sum / hours.length;
    }
    for (let i = 0; i < keys.length; i++)
      if (achieved[i] > 0) weights[i] = Math.min(1e6, (weights[i] * target[i]) / achieved[i]);
  }
  return { bands: keys, weights };
}

export type BandWeights = Record<ArrayFamily, { bands: number[]; weights: number[] }>;
