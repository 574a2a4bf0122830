import { createRandom } from './random.js';

/** A synthetic series with known change points, for tests and benchmarks. */
export interface SyntheticSeries {
  values: Float64Array;
  /** Index of the first point of each new segment. */
  changes: number[];
}

/** Options of {@link piecewiseGaussian}. */
export interface PiecewiseOptions {
  n: number;
  /** Number of change points, placed at random with at least `minGap` points between them. */
  changes: number;
  seed: number;
  /** Size of each mean shift in noise standard deviations (sign alternates at random). Default 2. */
  meanShift?: number;
  /** Factor by which the standard deviation changes at each change (1 = mean changes only). */
  scaleFactor?: number;
  minGap?: number;
}

/** Piecewise-constant mean (and optionally scale) plus Gaussian noise, reproducible from the seed. */
export function piecewiseGaussian(options: PiecewiseOptions): SyntheticSeries {
  const { n, seed, meanShift = 2, scaleFactor = 1 } = options;
  const minGap = options.minGap ?? Math.max(10, Math.floor(n / (options.changes + 1) / 3));
  const random = createRandom(seed);
  const changes = new Set<number>();
  let attempts = 0;
  while (changes.size < options.changes && attempts++ < 100_000) {
    const c = minGap + random.integer(n - 2 * minGap);
    let ok = true;
    for (const d of changes) if (Math.abs(d - c) < minGap) ok = false;
    if (ok) changes.add(c);
  }
  const sorted = [...changes].sort((a, b) => a - b);
  const values = new Float64Array(n);
  let mean = 0;
  let scale = 1;
  let next = 0;
  for (let i = 0; i < n; i++) {
    if (next < sorted.length && i === sorted[next]) {
      mean += (random.next() < 0.5 ? -1 : 1) * meanShift;
      scale = scaleFactor === 1 ? 1 : scale === 1 ? scaleFactor : 1;
      next++;
    }
    values[i] = mean + scale * random.normal();
  }
  return { values, changes: sorted };
}

/**
 * F1 score of detected against true change points: a detection within `margin` points of an
 * unmatched true change counts once (one-to-one matching, nearest first).
 */
export function changePointF1(truth: readonly number[], found: readonly number[], margin = 5): number {
  if (truth.length === 0 && found.length === 0) return 1;
  const used = new Set<number>();
  let hits = 0;
  for (const t of truth) {
    let bestIndex = -1;
    let bestDistance = Infinity;
    found.forEach((f, i) => {
      const d = Math.abs(f - t);
      if (!used.has(i) && d <= margin && d < bestDistance) {
        bestDistance = d;
        bestIndex = i;
      }
    });
    if (bestIndex >= 0) {
      used.add(bestIndex);
      hits++;
    }
  }
  const precision = found.length ? hits / found.length : 0;
  const recall = truth.length ? hits / truth.length : 0;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}
