import { createRandom, type Random } from '../common/random.js';

/**
 * Synthetic series families that imitate real monitoring data, for the change-point evaluation
 * (`bench/analytics-quality.ts`) and the tests of the defaults. Every family comes in two
 * kinds: with 1–3 annotated changes, and without any (where a detector should stay quiet).
 * The annotated changes are what a person would mark: level shifts (or rate changes for
 * counts), never the trend, the seasonal cycle, the wandering of a random walk or a spike.
 *
 * Each series gets a random offset and unit (level 10–1000, noise 0.01–10), so a detector
 * cannot rely on the noise being N(0, 1).
 */
export interface LabelledSeries {
  family: string;
  /** True when the series has annotated changes. */
  hasChanges: boolean;
  values: Float64Array;
  /** Index of the first point of each new segment (ascending). */
  changes: number[];
}

/** A family: builds series number `seed` with or without changes. */
export interface SeriesFamily {
  name: string;
  /** What the series imitates, for the bench table. */
  description: string;
  generate: (seed: number, withChanges: boolean) => LabelledSeries;
}

/** Places `count` changes in [0, n) at least `gap` apart and at least `gap` from both ends. */
function placeChanges(random: Random, n: number, count: number, gap: number): number[] {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const cps = Array.from({ length: count }, () => gap + random.integer(n - 2 * gap)).sort((a, b) => a - b);
    if (cps.every((c, i) => i === 0 || c - cps[i - 1] >= gap)) return cps;
  }
  return [Math.floor(n / 2)];
}

/** Piecewise-constant level: `size()` noise units per change, random sign. */
export function levels(random: Random, n: number, changes: number[], size: () => number): Float64Array {
  const level = new Float64Array(n);
  let current = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    if (next < changes.length && i === changes[next]) {
      current += (random.next() < 0.5 ? -1 : 1) * size();
      next++;
    }
    level[i] = current;
  }
  return level;
}

export const uniform = (random: Random, lo: number, hi: number) => lo + (hi - lo) * random.next();
/** −1 or +1, even odds. */
export const sign = (random: Random) => (random.next() < 0.5 ? -1 : 1);

/** Student t with `df` degrees of freedom (normal / √(χ²/df), χ² as a sum of squared normals). */
function studentT(random: Random, df: number): number {
  let chi = 0;
  for (let k = 0; k < df; k++) chi += random.normal() ** 2;
  return random.normal() / Math.sqrt(chi / df);
}

/** Poisson draw (Knuth's product method; fine for rates up to a few dozen). */
export function poisson(random: Random, rate: number): number {
  const limit = Math.exp(-rate);
  let k = 0;
  let p = random.next();
  while (p > limit) {
    k++;
    p *= random.next();
  }
  return k;
}

/**
 * Poisson counts: rate 3–30 at the start, each change multiplying it by 2–3 (dividing when it is
 * above 10), times exp(`logRate(i)`) at point i (called once per point, in order).
 */
export function countSeries(
  random: Random,
  n: number,
  changes: number[],
  logRate: (i: number) => number = () => 0,
): Float64Array {
  let rate = uniform(random, 3, 30);
  let next = 0;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (next < changes.length && i === changes[next]) {
      const factor = uniform(random, 2, 3);
      rate = rate > 10 ? rate / factor : rate * factor;
      next++;
    }
    values[i] = poisson(random, rate * Math.exp(logRate(i)));
  }
  return values;
}

/** Common frame: seeded random source, length, change locations; then units applied to `shape`. */
export function build(
  name: string,
  seed: number,
  withChanges: boolean,
  lengths: [number, number],
  shape: (random: Random, n: number, changes: number[]) => Float64Array,
  unitless = false,
): LabelledSeries {
  const random = createRandom(seed * 7919 + name.length * 104729 + (withChanges ? 1 : 0));
  const n = lengths[0] + random.integer(lengths[1] - lengths[0] + 1);
  const count = withChanges ? 1 + random.integer(3) : 0;
  const gap = Math.max(8, Math.floor(n / (count + 1) / 3));
  const changes = count ? placeChanges(random, n, Math.min(count, Math.floor(n / gap) - 1), gap) : [];
  const values = shape(random, n, changes);
  if (!unitless) {
    const offset = 10 ** uniform(random, 1, 3);
    const unit = 10 ** uniform(random, -2, 1);
    for (let i = 0; i < n; i++) values[i] = offset + unit * values[i];
  }
  return { family: name, hasChanges: withChanges, values, changes };
}

/** The evaluation families, in table order. */
export const SERIES_FAMILIES: readonly SeriesFamily[] = [
  {
    name: 'trend + breaks',
    description: 'linear drift of up to ±3σ over the series plus level shifts of 3–5σ',
    generate: (seed, withChanges) =>
      build('trend + breaks', seed, withChanges, [200, 600], (random, n, changes) => {
        const drift = uniform(random, -3, 3) / n;
        const level = levels(random, n, changes, () => uniform(random, 3, 5));
        return level.map((l, i) => l + drift * i + random.normal());
      }),
  },
  {
    name: 'random walk',
    description: 'noisy random walk (step 0.1σ) plus jumps of 4–6σ',
    generate: (seed, withChanges) =>
      build('random walk', seed, withChanges, [200, 600], (random, n, changes) => {
        const level = levels(random, n, changes, () => uniform(random, 4, 6));
        let walk = 0;
        return level.map((l) => {
          walk += 0.1 * random.normal();
          return l + walk + random.normal();
        });
      }),
  },
  {
    name: 'AR(1) + breaks',
    description: 'AR(1) noise, φ 0.3–0.8, plus shifts of 3–5 marginal SDs',
    generate: (seed, withChanges) =>
      build('AR(1) + breaks', seed, withChanges, [200, 600], (random, n, changes) => {
        const phi = uniform(random, 0.3, 0.8);
        const marginal = 1 / Math.sqrt(1 - phi * phi);
        const level = levels(random, n, changes, () => uniform(random, 3, 5) * marginal);
        let e = marginal * random.normal();
        return level.map((l) => {
          e = phi * e + random.normal();
          return l + e;
        });
      }),
  },
  {
    name: 'seasonal + shifts',
    description: 'cycle of period 7–24, amplitude 0.5–1.5σ, plus level shifts of 3–5σ',
    generate: (seed, withChanges) =>
      build('seasonal + shifts', seed, withChanges, [200, 600], (random, n, changes) => {
        const period = [7, 12, 24][random.integer(3)];
        const amplitude = uniform(random, 0.5, 1.5);
        const phase = uniform(random, 0, 2 * Math.PI);
        const level = levels(random, n, changes, () => uniform(random, 3, 5));
        return level.map((l, i) => l + amplitude * Math.sin(phase + (2 * Math.PI * i) / period) + random.normal());
      }),
  },
  {
    name: 'heavy tails',
    description: 'Student t noise with 3 degrees of freedom plus shifts of 3–5 scale units',
    generate: (seed, withChanges) =>
      build('heavy tails', seed, withChanges, [200, 600], (random, n, changes) => {
        const level = levels(random, n, changes, () => uniform(random, 3, 5));
        return level.map((l) => l + studentT(random, 3));
      }),
  },
  {
    name: 'counts',
    description: 'Poisson counts, rate 3–30, each change multiplies the rate by 2–3 or divides it',
    generate: (seed, withChanges) =>
      build('counts', seed, withChanges, [200, 600], (random, n, changes) => countSeries(random, n, changes), true),
  },
  {
    name: 'short (n < 50)',
    description: '20–49 Gaussian points, shifts of 3–5σ',
    generate: (seed, withChanges) =>
      build('short (n < 50)', seed, withChanges, [20, 49], (random, n, changes) => {
        const level = levels(random, n, changes, () => uniform(random, 3, 5));
        return level.map((l) => l + random.normal());
      }),
  },
  {
    name: 'isolated outliers',
    description: 'Gaussian noise with 1 % single-point spikes of 5–10σ, plus shifts of 3–5σ',
    generate: (seed, withChanges) =>
      build('isolated outliers', seed, withChanges, [200, 600], (random, n, changes) => {
        const level = levels(random, n, changes, () => uniform(random, 3, 5));
        return level.map((l) => {
          const spike = random.next() < 0.01 ? (random.next() < 0.5 ? -1 : 1) * uniform(random, 5, 10) : 0;
          return l + random.normal() + spike;
        });
      }),
  },
];
