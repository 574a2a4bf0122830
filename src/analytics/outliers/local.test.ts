import { describe, expect, it } from 'vitest';
import { MAD_TO_SD } from '../common/order-statistics.js';
import { createRandom } from '../common/random.js';
import { localOutlierScores } from './local.js';
import { robustZScores } from './robust-z.js';

const flagged = (flags: ArrayLike<number>) => Array.from(flags).flatMap((f, i) => (f ? [i] : []));

function noise(n: number, seed: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.normal());
}

describe('local outlier scores (running-median baseline, one robust scale per series)', () => {
  it('finds a 15σ spike beside a 5σ level shift, which the global robust z misses (audit finding 15)', () => {
    // 3,000 clean points at ~0.5 false alarms per 1,000 (3.5 robust SDs): a few other flags may come.
    let others = 0;
    let globalMisses = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const values = noise(300, seed).map((e, i) => (i < 150 ? 0 : 5) + e);
      values[75] += 15;
      const found = flagged(localOutlierScores(values).flags);
      expect(found, `seed ${seed}`).toContain(75);
      others += found.length - 1;
      // The shift inflates the global MAD: the spike scores 2.7–3.6 there.
      if (!robustZScores(values).flags[75]) globalMisses++;
    }
    expect(others).toBeLessThanOrEqual(3);
    expect(globalMisses).toBeGreaterThanOrEqual(7);
  });

  it('on a steep trend flags a spike in the middle and neither end (the global robust z: the reverse)', () => {
    const values = noise(200, 3).map((e, i) => 0.5 * i + e);
    values[100] -= 10;
    expect(flagged(localOutlierScores(values).flags)).toEqual([100]);
    const global = flagged(robustZScores(values).flags);
    expect(global).not.toContain(100);
    // Spikes on the first and last points are judged against the Theil–Sen line of their neighbours.
    values[0] += 10;
    values[199] -= 10;
    expect(flagged(localOutlierScores(values).flags)).toEqual([0, 100, 199]);
  });

  it('takes a cycle shorter than the window out first: 7σ spikes on a period-7 cycle of amplitude 3σ are found', () => {
    const cycle = (i: number) => 3 * Math.sin((2 * Math.PI * i) / 7);
    const values = noise(300, 7).map((e, i) => cycle(i) + e);
    // Each spike against the cycle's direction there (towards and past the level the median sees).
    const spikes = [50, 121, 200, 262];
    for (const i of spikes) values[i] += cycle(i) > 0 ? -7 : 7;
    const r = localOutlierScores(values);
    expect(r.period).toBe(7);
    expect(flagged(r.flags)).toEqual(spikes);
    // The baseline is the cycle (within the noise of an 11-point median and of the profile).
    for (let i = 5; i < 295; i++) if (!spikes.includes(i)) expect(Math.abs(r.baseline[i] - cycle(i))).toBeLessThan(2.5);
    // As if the cycle were known and subtracted. (Before the profile, the median of 11 saw a flat
    // level beside this cycle, which stayed in the residuals: no spike scored more than 1.5.)
    const flat = localOutlierScores(values.map((v, i) => v - cycle(i)));
    expect(flat.period).toBe(0);
    expect(flagged(flat.flags)).toEqual(spikes);
  });

  it('keeps a clean step sharp: no flag at the shift', () => {
    const values = Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 100) + (i % 3) * 0.5);
    const r = localOutlierScores(values);
    expect(flagged(r.flags)).toEqual([]);
    expect(r.baseline[19]).toBeLessThan(2);
    expect(r.baseline[20]).toBeGreaterThan(99);
  });

  it('compares a value with the median of its window, itself included', () => {
    // 0, 1, 0, 1, …: the window of 10 (h = 2) holds 0, 0, 1, 1 and the spike: its median is 1.
    const values = Array.from({ length: 21 }, (_, i) => i % 2);
    values[10] = 7;
    const r = localOutlierScores(values, 2);
    expect(r.baseline[10]).toBe(1);
    expect(r.baseline[9]).toBe(1);
    expect(flagged(r.flags)).toEqual([10]);
  });

  it('skips missing values: scored NaN, never flagged, left out of the windows', () => {
    const values = [...noise(30, 5)];
    values[14] = 20;
    const withGaps = [...values.slice(0, 10), NaN, Infinity, ...values.slice(10), -Infinity];
    const plain = localOutlierScores(values);
    const gapped = localOutlierScores(withGaps);
    expect([gapped.scores[10], gapped.scores[11], gapped.scores[32]].every(Number.isNaN)).toBe(true);
    expect(Array.from(gapped.scores.filter((s) => !Number.isNaN(s)))).toEqual(Array.from(plain.scores));
    expect(flagged(gapped.flags)).toEqual([16]);
  });

  it('handles awkward series: nothing finite, one value, two values, constant, mostly ties', () => {
    const none = localOutlierScores([NaN, NaN]);
    expect(Array.from(none.scores).every(Number.isNaN) && flagged(none.flags).length === 0).toBe(true);
    expect(localOutlierScores([]).scores).toHaveLength(0);
    expect(Array.from(localOutlierScores([42]).scores)).toEqual([0]);
    // Two values: each one's baseline is the other; residuals ±d, MAD d.
    const two = localOutlierScores([1, 3]);
    expect(Array.from(two.baseline)).toEqual([3, 1]);
    expect(two.scores[0]).toBeCloseTo(-2 / (MAD_TO_SD * 2), 12);
    expect(flagged(two.flags)).toEqual([]);
    const constant = localOutlierScores([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(Array.from(constant.scores).every((s) => s === 0)).toBe(true);
    // More than half the residuals 0 (MAD 0): the mean absolute deviation fallback, a finite scale
    // (1.2533 × 39/30, the same as the global robust z's here).
    const ties = Array.from({ length: 30 }, () => 2);
    ties[3] = 3;
    ties[15] = 40;
    const r = localOutlierScores(ties);
    expect(flagged(r.flags)).toEqual([15]);
    expect(r.scores[15]).toBeCloseTo(38 / ((1.2533141373155 * 39) / 30), 12);
  });

  it('short series: an 8-point series with one spike', () => {
    const values = [10.1, 9.8, 10.3, 10.0, 25, 9.9, 10.2, 10.0];
    expect(flagged(localOutlierScores(values).flags)).toEqual([4]);
  });

  it('checks its settings', () => {
    expect(() => localOutlierScores([1, 2, 3], 0)).toThrow(/halfWindow/);
    expect(() => localOutlierScores([1, 2, 3], 2.5)).toThrow(/halfWindow/);
    expect(() => localOutlierScores([1, 2, 3], 101)).toThrow(/halfWindow must be an integer between 1 and 100/);
    expect(() => localOutlierScores([1, 2, 3], 3, -1)).toThrow(/threshold/);
  });
});
