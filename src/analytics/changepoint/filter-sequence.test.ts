import { describe, expect, it } from 'vitest';
import { FilterSequences } from './filter-sequence.js';

const steps = (
  s: { inverseF: Float64Array; gain: Float64Array; logF: Float64Array; weight: Float64Array },
  n: number,
) => [s.inverseF, s.gain, s.logF, s.weight].map((a) => Array.from(a.subarray(0, n)));

describe('FilterSequences', () => {
  it('gives, resumed in pieces, the very sequence a single run gives', () => {
    for (const r of [1e-6, 10 ** -3.5, 0.1, 100]) {
      const pieces = new FilterSequences();
      pieces.get(r, 37);
      pieces.get(r, 900);
      const resumed = pieces.get(r, 4000);
      const fresh = new FilterSequences().get(r, 4000);
      expect(resumed.fadedFrom, `r = ${r}`).toBe(fresh.fadedFrom);
      const n = Math.min(4000, fresh.fadedFrom + 1);
      expect(steps(resumed, n), `r = ${r}`).toEqual(steps(fresh, n));
    }
  });

  it('stops where the first level has faded, however long a segment asks for', () => {
    const sequences = new FilterSequences();
    const short = sequences.get(1, 100);
    // r = 1: the gain settles at once and the first level's weight halves and more each step.
    expect(short.fadedFrom).toBeLessThan(100);
    const long = sequences.get(1, 1_000_000);
    expect(long.fadedFrom).toBe(short.fadedFrom);
    expect(long.gain.length).toBeLessThan(1000);
    // A small ratio fades late (≈ 28/√r steps): asked for fewer steps, it is computed that far.
    const small = sequences.get(1e-6, 500);
    expect(small.fadedFrom).toBe(500);
    expect(small.weight[499]).toBeGreaterThan(0.5);
  });
});
