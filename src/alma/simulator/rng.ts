import { normalQuantile } from '../../analytics/common/normal.js';

/**
 * Seeded pseudo-random numbers. Every table draws from its own stream (`fork(label)`),
 * so adding a draw to one generator never shifts the numbers of another and the same
 * seed always gives the same data.
 */

/** 32-bit mix of a string label into a seed (FNV-1a, then a final avalanche). */
export function hashLabel(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

const NORMAL_TABLE_SIZE = 16384;
const NORMAL_TABLE = buildNormalTable(NORMAL_TABLE_SIZE);

/** Quantiles of the standard normal at (i + 0.5) / size, plus a closing entry for interpolation. */
export function buildNormalTable(size: number): Float64Array {
  const table = new Float64Array(size + 1);
  for (let i = 0; i <= size; i++) table[i] = normalQuantile(Math.min(i + 0.5, size - 0.5) / size);
  return table;
}

/** sfc32: small, fast, passes PractRand; state is four 32-bit words. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = NaN;

  constructor(readonly seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** An independent stream for `label`, reproducible from the parent seed alone. */
  fork(label: string): Rng {
    return new Rng(hashLabel(this.seed, label));
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller, the second value cached). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    let u = this.next();
    while (u <= 1e-12) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.next();
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * Standard normal from a quantile table (linear interpolation, tails cut near ±4σ):
   * a fifth of the cost of Box–Muller, for per-row measurement noise.
   */
  normalFast(): number {
    const x = this.next() * NORMAL_TABLE_SIZE;
    const i = x | 0;
    const f = x - i;
    return NORMAL_TABLE[i] + f * (NORMAL_TABLE[i + 1] - NORMAL_TABLE[i]);
  }

  gaussian(mean: number, sd: number): number {
    return mean + sd * this.normal();
  }

  /**
   * Log-normal with the given median whose [min, max] holds about 95 % of the mass,
   * clipped to [min, max]: the shape of EB and job durations in the spec.
   */
  lognormalInRange(median: number, min: number, max: number): number {
    const sigma = Math.max(Math.log(max / median), Math.log(median / min)) / 1.96;
    const v = median * Math.exp(sigma * this.normal());
    return Math.min(max, Math.max(min, v));
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Index drawn with probability proportional to `weights`. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** Key drawn with probability proportional to its value. */
  weightedKey<K extends string>(shares: Readonly<Record<K, number>>): K {
    const keys = Object.keys(shares) as K[];
    return keys[this.weightedIndex(keys.map((k) => shares[k]))];
  }

  poisson(lambda: number): number {
    if (lambda > 30) return Math.max(0, Math.round(this.gaussian(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** `count` distinct items of `items`, in their original order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const n = items.length;
    if (count >= n) return items.slice();
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(this.next() * (n - i));
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx
      .slice(0, count)
      .sort((x, y) => x - y)
      .map((i) => items[i]);
  }
}
