import { describe, expect, it } from 'vitest';
import { FilterRecursion, filterSequence } from './filter-sequence.js';

const steps = (
  s: { inverseF: Float64Array; gain: Float64Array; logF: Float64Array; weight: Float64Array },
  n: number,
) => [s.inverseF, s.gain, s.logF, s.weight].map((a) => Array.from(a.subarray(0, n)));

describe('filter sequences of the wandering check', () => {
  it('gives, resumed in pieces, the very sequence a single run gives', () => {
    for (const r of [1e-6, 10 ** -3.5, 0.1, 100]) {
      // The thread's shared sequence, asked for in pieces, against one computed at once.
      filterSequence(r, 37);
      filterSequence(r, 900);
      const resumed = filterSequence(r, 4000);
      const fresh = new FilterRecursion(r).upTo(4000);
      expect(resumed.fadedFrom, `r = ${r}`).toBe(fresh.fadedFrom);
      const n = Math.min(4000, fresh.fadedFrom + 1);
      expect(steps(resumed, n), `r = ${r}`).toEqual(steps(fresh, n));
    }
  });

  it('holds the sums of weight²/F and log F over the steps before each entry, added in step order', () => {
    for (const r of [1e-6, 0.01, 1]) {
      const s = new FilterRecursion(r).upTo(3000);
      let squares = 0;
      let logs = 0;
      for (let k = 0; k <= s.fadedFrom; k++) {
        expect(s.weightSquareSum[k], `r = ${r}, k = ${k}`).toBe(squares);
        expect(s.logFSum[k], `r = ${r}, k = ${k}`).toBe(logs);
        squares += s.weight[k] * s.weight[k] * s.inverseF[k];
        logs += s.logF[k];
      }
    }
  });

  it('stops where the first level has faded, however long a segment asks for', () => {
    const recursion = new FilterRecursion(1);
    const short = recursion.upTo(100);
    // r = 1: the gain settles at once and the first level's weight halves and more each step.
    expect(short.fadedFrom).toBeLessThan(100);
    const long = recursion.upTo(1_000_000);
    expect(long.fadedFrom).toBe(short.fadedFrom);
    expect(long.gain.length).toBeLessThan(1000);
    // A small ratio fades late (≈ 28/√r steps): asked for fewer steps, it is computed that far.
    const small = new FilterRecursion(1e-6).upTo(500);
    expect(small.fadedFrom).toBe(500);
    expect(small.weight[499]).toBeGreaterThan(0.5);
  });
});
