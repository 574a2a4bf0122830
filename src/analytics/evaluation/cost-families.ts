import type { Random } from '../common/random.js';
import { build, countSeries, sign, uniform, type SeriesFamily } from './families.js';

/**
 * Families for the non-default costs (`meanvar`, `var`, `poisson`): the changes a person would
 * mark are changes of the noise's spread, or of a count rate, on top of the same real-data
 * behaviour as the level-shift families (families.ts): trends, autocorrelation, spikes, short
 * series. A variance cost should find the spread changes and stay quiet on the rest; the
 * level-shift families themselves are scored with `meanvar` too (a level shift is a change of
 * mean and variance model as well). Each series has random units, as in families.ts.
 */

/** Noise SD per point: 1 at the start, multiplied or divided by 2–3 at each change (staying within 1/10 … 10). */
function spreads(random: Random, n: number, changes: number[]): Float64Array {
  const sd = new Float64Array(n);
  let current = 1;
  let next = 0;
  for (let i = 0; i < n; i++) {
    if (next < changes.length && i === changes[next]) {
      const factor = uniform(random, 2, 3);
      const up = current < 0.3 ? true : current > 3 ? false : random.next() < 0.5;
      current = up ? current * factor : current / factor;
      next++;
    }
    sd[i] = current;
  }
  return sd;
}

/** Gaussian noise around 0 with the SD of {@link spreads}. */
const spreadNoise = (random: Random, n: number, changes: number[]) =>
  spreads(random, n, changes).map((s) => s * random.normal());

/** ±1 with equal odds. */

/** Variance-change and count-rate families, in table order. */
export const COST_FAMILIES: readonly SeriesFamily[] = [
  {
    name: 'variance changes',
    description: 'Gaussian noise around a constant level, its SD multiplied or divided by 2–3 at each change',
    generate: (seed, withChanges) => build('variance changes', seed, withChanges, [200, 600], spreadNoise),
  },
  {
    name: 'variance + trend',
    description: 'as above on a linear drift of 2–6 starting SDs over the series',
    generate: (seed, withChanges) =>
      build('variance + trend', seed, withChanges, [200, 600], (random, n, changes) => {
        const drift = (sign(random) * uniform(random, 2, 6)) / n;
        const sd = spreads(random, n, changes);
        return sd.map((s, i) => drift * i + s * random.normal());
      }),
  },
  {
    name: 'variance + AR(1)',
    description: 'AR(1) noise, φ 0.3–0.8, its innovation SD multiplied or divided by 2–3 at each change',
    generate: (seed, withChanges) =>
      build('variance + AR(1)', seed, withChanges, [200, 600], (random, n, changes) => {
        const phi = uniform(random, 0.3, 0.8);
        const sd = spreads(random, n, changes);
        let e = random.normal() / Math.sqrt(1 - phi * phi);
        return sd.map((s) => (e = phi * e + s * random.normal()));
      }),
  },
  {
    name: 'variance + outliers',
    description: 'variance changes with 1 % single-point spikes of 5–10 local SDs',
    generate: (seed, withChanges) =>
      build('variance + outliers', seed, withChanges, [200, 600], (random, n, changes) => {
        const sd = spreads(random, n, changes);
        return sd.map(
          (s) => s * (random.normal() + (random.next() < 0.01 ? sign(random) * uniform(random, 5, 10) : 0)),
        );
      }),
  },
  {
    name: 'variance, short',
    description: '20–49 Gaussian points, SD multiplied or divided by 2–3',
    generate: (seed, withChanges) => build('variance, short', seed, withChanges, [20, 49], spreadNoise),
  },
  {
    name: 'counts + trend',
    description: 'Poisson counts, rate 3–30 drifting by a factor of 1.3–2.5 over the series, changes ×/÷ 2–3',
    generate: (seed, withChanges) =>
      build(
        'counts + trend',
        seed,
        withChanges,
        [200, 600],
        (random, n, changes) => {
          const logDrift = (sign(random) * Math.log(uniform(random, 1.3, 2.5))) / n;
          return countSeries(random, n, changes, (i) => logDrift * i);
        },
        true,
      ),
  },
  {
    name: 'counts, overdispersed',
    description:
      'counts whose log rate wanders as AR(1), φ 0.5, SD 0.1–0.3 (more spread than Poisson), rate 3–30, changes ×/÷ 2–3',
    generate: (seed, withChanges) =>
      build(
        'counts, overdispersed',
        seed,
        withChanges,
        [200, 600],
        (random, n, changes) => {
          const spread = uniform(random, 0.1, 0.3);
          let wander = 0;
          return countSeries(
            random,
            n,
            changes,
            () => (wander = 0.5 * wander + spread * Math.sqrt(0.75) * random.normal()),
          );
        },
        true,
      ),
  },
];
