import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { COST_KINDS, createCost, isReusable, RunningMedian } from './costs.js';

const random = createRandom(7);
const data = Float64Array.from({ length: 60 }, (_, i) => (i < 30 ? 0 : 3) + random.normal());
const counts = Float64Array.from({ length: 60 }, (_, i) => Math.round((i < 30 ? 2 : 6) * random.next() * 2));

function direct(kind: string, x: Float64Array, start: number, end: number): number {
  const seg = Array.from(x.subarray(start, end));
  const n = seg.length;
  const mean = seg.reduce((a, b) => a + b, 0) / n;
  const all = Array.from(x);
  const grand = all.reduce((a, b) => a + b, 0) / all.length;
  switch (kind) {
    case 'mean':
      return seg.reduce((a, v) => a + (v - mean) ** 2, 0);
    case 'meanvar':
      return n * (Math.log(2 * Math.PI) + Math.log(seg.reduce((a, v) => a + (v - mean) ** 2, 0) / n) + 1);
    case 'var':
      return n * (Math.log(2 * Math.PI) + Math.log(seg.reduce((a, v) => a + (v - grand) ** 2, 0) / n) + 1);
    case 'poisson': {
      const s = seg.reduce((a, b) => a + b, 0);
      return s > 0 ? 2 * (s - s * Math.log(s / n)) : 0;
    }
    default: {
      const sorted = [...seg].sort((a, b) => a - b);
      const med = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      return (2 * seg.reduce((a, v) => a + Math.abs(v - med), 0)) / Math.sqrt(2 / Math.PI);
    }
  }
}

describe('segment costs', () => {
  for (const kind of COST_KINDS) {
    const x = kind === 'poisson' ? counts : data;
    it(`${kind}: single, batch, prefix and suffix evaluations agree with the textbook formula`, () => {
      const cost = createCost(kind, x);
      for (const [s, e] of [
        [0, 60],
        [3, 17],
        [29, 31],
        [10, 45],
      ])
        expect(cost.cost(s, e)).toBeCloseTo(direct(kind, x, s, e), 8);
      const starts = Int32Array.from([0, 4, 9, 20, 33]);
      const out = new Float64Array(5);
      cost.costsEndingAt(40, starts, 5, out);
      starts.forEach((s, i) => expect(out[i]).toBeCloseTo(direct(kind, x, s, 40), 8));
      const prefix = new Float64Array(31);
      cost.prefixCosts(5, 35, prefix);
      for (const k of [2, 7, 30]) expect(prefix[k]).toBeCloseTo(direct(kind, x, 5, 5 + k), 8);
      const suffix = new Float64Array(31);
      cost.suffixCosts(5, 35, suffix);
      for (const k of [0, 11, 28]) expect(suffix[k]).toBeCloseTo(direct(kind, x, 5 + k, 35), 8);
    });

    it(`${kind}: is sub-additive (splitting never costs more), which PELT pruning needs`, () => {
      const cost = createCost(kind, x);
      for (let trial = 0; trial < 200; trial++) {
        const s = random.integer(50);
        const e = s + 4 + random.integer(60 - s - 4 + 1);
        const k = s + 2 + random.integer(Math.max(1, e - s - 3));
        if (k >= e - 1) continue;
        expect(cost.cost(s, k) + cost.cost(k, e)).toBeLessThanOrEqual(cost.cost(s, e) + 1e-9);
      }
    });
  }

  it('rejects negative counts for the poisson cost and unknown kinds', () => {
    expect(() => createCost('poisson', Float64Array.from([1, -1]))).toThrow(/counts ≥ 0/);
    expect(() => createCost('nope' as never, data)).toThrow(/unknown cost/);
  });

  it('keeps a constant stretch finite under the variance costs', () => {
    const flat = new Float64Array(10).fill(2);
    expect(Number.isFinite(createCost('meanvar', flat).cost(0, 10))).toBe(true);
  });

  it('running median tracks the median and Σ|x − median| of every prefix', () => {
    const rm = new RunningMedian(50);
    const seen: number[] = [];
    for (let i = 0; i < 50; i++) {
      const v = Math.round(random.normal() * 10);
      rm.push(v);
      seen.push(v);
      const sorted = [...seen].sort((a, b) => a - b);
      const med = sorted[Math.floor((sorted.length - 1) / 2)];
      expect(rm.median()).toBe(med);
      expect(rm.absoluteDeviation()).toBeCloseTo(
        seen.reduce((a, v) => a + Math.abs(v - med), 0),
        9,
      );
    }
  });
});

describe('reusable costs', () => {
  it('never fall below their value at an end up to its horizon (mean: never), and may fall after it', () => {
    const random = createRandom(11);
    let fellAfter = 0;
    const fellBefore: string[] = [];
    for (let trial = 0; trial < 30; trial++) {
      const n = 200;
      // Spreads from 0.05 to 2 and a constant stretch: horizons from none to far beyond the series.
      const spread = [0.05, 0.3, 1, 2][trial % 4];
      const x = Float64Array.from({ length: n }, (_, i) => (i > 150 && trial % 5 === 0 ? 1 : spread * random.normal()));
      for (const kind of ['mean', 'meanvar', 'var'] as const) {
        const cost = createCost(kind, x);
        if (!isReusable(cost)) throw new Error(`${kind} should be reusable`);
        for (let k = 0; k < 40; k++) {
          const start = random.integer(n - 2);
          const end = start + 2 + random.integer(n - start - 1);
          const value = cost.cost(start, end);
          const horizon = cost.horizon(start, end);
          expect(horizon).toBeGreaterThanOrEqual(end);
          if (kind === 'mean') expect(horizon).toBe(Infinity);
          // (The searches' rounding margin: a constant stretch's mean cost is 0 up to rounding.)
          const floor = value - 1e-9 * (1 + Math.abs(value));
          for (let later = end + 1; later <= n; later++) {
            const v = cost.cost(start, later);
            if (later <= horizon && v < floor) fellBefore.push(`${kind} [${start}, ${later}) after ${end}`);
            else if (v < value) fellAfter++;
          }
        }
      }
      expect(isReusable(createCost('poisson', Float64Array.from(x, Math.abs)))).toBe(false);
      expect(isReusable(createCost('robust', x))).toBe(false);
    }
    expect(fellBefore).toEqual([]);
    // The horizon is not needlessly short: past it, values do fall.
    expect(fellAfter).toBeGreaterThan(100);
  });
});
