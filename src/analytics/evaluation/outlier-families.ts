import { createRandom, type Random } from '../common/random.js';
import { sign, uniform } from './families.js';

/**
 * Synthetic series families for the outlier evaluation (`bench/outliers-quality.ts` and the
 * defaults test): the behaviours real monitoring series have besides outliers — level shifts,
 * trends, wandering, autocorrelation, cycles, heavy tails, quantised values, few points — each
 * with isolated spikes at known positions, and without any (where every flag is a false alarm).
 *
 * Spikes are 6–12 noise units (the visible noise: the marginal SD of an AR(1)), about 1 % of the
 * points and at least one, single points at least 3 apart (runs of 2–3 in the `bursts` family). What is not a spike is never
 * annotated: the shifts, the trend, the cycle, the wandering, a heavy tail's own large values.
 * Every series gets a random offset and unit (level 10–1000, noise 0.01–10) so that no method
 * can rely on the noise being N(0, 1).
 */
export interface SpikedSeries {
  family: string;
  values: Float64Array;
  /** Indices of the spikes (ascending; empty without spikes). */
  outliers: number[];
}

export interface OutlierFamily {
  name: string;
  description: string;
  generate: (seed: number, withOutliers: boolean) => SpikedSeries;
}

/** Step function with `count` shifts of `size()` noise units, random sign, at random places. */
function shifts(random: Random, n: number, count: number, size: () => number): Float64Array {
  const at = Array.from({ length: count }, () => 5 + random.integer(Math.max(1, n - 10))).sort((a, b) => a - b);
  const level = new Float64Array(n);
  let current = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    while (next < at.length && at[next] === i) {
      current += sign(random) * size();
      next++;
    }
    level[i] = current;
  }
  return level;
}

/** Spike positions: ~1 % of n (at least one), at least `gap` apart. */
function spikePositions(random: Random, n: number, gap: number): number[] {
  const wanted = Math.max(1, Math.round(n / 100));
  const chosen: number[] = [];
  for (let attempt = 0; chosen.length < wanted && attempt < 1000; attempt++) {
    const i = random.integer(n);
    if (chosen.every((c) => Math.abs(c - i) >= gap)) chosen.push(i);
  }
  return chosen.sort((a, b) => a - b);
}

/** Seeded series of the family: `shape` in noise units, spikes of 6–12 × `unit` units, then offset and unit. */
function build(
  name: string,
  seed: number,
  withOutliers: boolean,
  lengths: [number, number],
  shape: (random: Random, n: number) => Float64Array,
  unit = 1,
  runs = false,
): SpikedSeries {
  const random = createRandom(seed * 6151 + name.length * 92821 + (withOutliers ? 1 : 0));
  const n = lengths[0] + random.integer(lengths[1] - lengths[0] + 1);
  const values = shape(random, n);
  const outliers: number[] = [];
  for (const start of withOutliers ? spikePositions(random, n, runs ? 8 : 3) : []) {
    // A run is 2–3 consecutive values off the same way (a burst: a saturated or unlocked stretch).
    const length = runs ? Math.min(2 + random.integer(2), n - start) : 1;
    const size = sign(random) * uniform(random, 6, 12) * unit;
    for (let i = start; i < start + length; i++) {
      values[i] += size;
      outliers.push(i);
    }
  }
  const offset = 10 ** uniform(random, 1, 3);
  const scale = 10 ** uniform(random, -2, 1);
  for (let i = 0; i < n; i++) values[i] = offset + scale * values[i];
  return { family: name, values, outliers };
}

const gaussian = (random: Random, n: number) => Float64Array.from({ length: n }, () => random.normal());

/** Student t with 3 degrees of freedom. */
function t3(random: Random): number {
  const chi = random.normal() ** 2 + random.normal() ** 2 + random.normal() ** 2;
  return random.normal() / Math.sqrt(chi / 3);
}

/** The evaluation families, in table order. */
export const OUTLIER_FAMILIES: readonly OutlierFamily[] = [
  {
    name: 'white noise',
    description: 'Gaussian noise around a constant level',
    generate: (seed, spiked) => build('white noise', seed, spiked, [200, 600], gaussian),
  },
  {
    name: 'level shifts',
    description: '1–3 level shifts of 3–8σ',
    generate: (seed, spiked) =>
      build('level shifts', seed, spiked, [200, 600], (random, n) => {
        const level = shifts(random, n, 1 + random.integer(3), () => uniform(random, 3, 8));
        return level.map((l) => l + random.normal());
      }),
  },
  {
    name: 'trend',
    description: 'linear drift of 5–50σ over the series',
    generate: (seed, spiked) =>
      build('trend', seed, spiked, [200, 600], (random, n) => {
        const drift = (sign(random) * uniform(random, 5, 50)) / n;
        return Float64Array.from({ length: n }, (_, i) => drift * i + random.normal());
      }),
  },
  {
    name: 'random walk',
    description: 'random walk of step 0.5σ observed with noise σ',
    generate: (seed, spiked) =>
      build('random walk', seed, spiked, [200, 600], (random, n) => {
        let walk = 0;
        return Float64Array.from({ length: n }, () => (walk += 0.5 * random.normal()) + random.normal());
      }),
  },
  {
    name: 'AR(1) φ 0.7–0.9',
    description: 'AR(1) noise; spikes in marginal SDs',
    generate: (seed, spiked) => {
      // φ is drawn from the series' own seed so that the spike unit (the marginal SD) is known here.
      const phi = uniform(createRandom(seed), 0.7, 0.9);
      const marginal = 1 / Math.sqrt(1 - phi * phi);
      return build(
        'AR(1) φ 0.7–0.9',
        seed,
        spiked,
        [200, 600],
        (random, n) => {
          let e = marginal * random.normal();
          return Float64Array.from({ length: n }, () => (e = phi * e + random.normal()));
        },
        marginal,
      );
    },
  },
  {
    name: 'seasonal',
    description: 'cycle of period 7–24, amplitude 1–3σ',
    generate: (seed, spiked) =>
      build('seasonal', seed, spiked, [200, 600], (random, n) => {
        const period = [7, 12, 24][random.integer(3)];
        const amplitude = uniform(random, 1, 3);
        const phase = uniform(random, 0, 2 * Math.PI);
        return Float64Array.from(
          { length: n },
          (_, i) => amplitude * Math.sin(phase + (2 * Math.PI * i) / period) + random.normal(),
        );
      }),
  },
  {
    name: 'heavy tails',
    description: 'Student t noise, 3 degrees of freedom; spikes of 6–12 × its scale on top',
    generate: (seed, spiked) =>
      build('heavy tails', seed, spiked, [200, 600], (random, n) => Float64Array.from({ length: n }, () => t3(random))),
  },
  {
    name: 'quantised',
    description: 'Gaussian noise rounded to one σ (many ties)',
    generate: (seed, spiked) =>
      build('quantised', seed, spiked, [200, 600], (random, n) => gaussian(random, n).map(Math.round)),
  },
  {
    name: 'bursts',
    description: 'Gaussian noise and a level shift of 3–8σ; outliers come in runs of 2–3 values',
    generate: (seed, spiked) =>
      build(
        'bursts',
        seed,
        spiked,
        [200, 600],
        (random, n) => {
          const level = shifts(random, n, 1, () => uniform(random, 3, 8));
          return level.map((l) => l + random.normal());
        },
        1,
        true,
      ),
  },
  {
    name: 'short (n 8–30)',
    description: '8–30 Gaussian points, sometimes a level shift of 3–8σ',
    generate: (seed, spiked) =>
      build('short (n 8–30)', seed, spiked, [8, 30], (random, n) => {
        const level = shifts(random, n, random.next() < 0.3 ? 1 : 0, () => uniform(random, 3, 8));
        return level.map((l) => l + random.normal());
      }),
  },
];
