import { describe, expect, it } from 'vitest';
import { createRandom } from '../../analytics/common/random.js';
import { NumberIndex } from './number-index.js';

/** The reference: a Map keyed so that −0 and 0 differ (a Map alone takes them as one key; it already takes NaN as one). */
function referenceIndices(values: number[]): { indices: number[]; distinct: number[] } {
  const seen = new Map<number | string, number>();
  const distinct: number[] = [];
  const indices = values.map((v) => {
    const key = Object.is(v, -0) ? '-0' : v;
    let i = seen.get(key);
    if (i === undefined) {
      i = distinct.length;
      seen.set(key, i);
      distinct.push(v);
    }
    return i;
  });
  return { indices, distinct };
}

describe('NumberIndex', () => {
  it('numbers values densely in first-seen order and finds them again', () => {
    const index = new NumberIndex();
    expect([5, 3.5, 5, -1, 3.5, 1e300, 5].map((v) => index.indexOf(v))).toEqual([0, 1, 0, 2, 1, 3, 0]);
    expect(index.size).toBe(4);
    expect([...index.values.subarray(0, index.size)]).toEqual([5, 3.5, -1, 1e300]);
    expect(index.indexOf(-1)).toBe(2);
    expect(index.size).toBe(4);
  });

  it('keeps −0 apart from 0, and finds NaN again', () => {
    const index = new NumberIndex();
    expect([0, -0, NaN, -0, 0, NaN, Infinity, -Infinity, 5e-324, -5e-324].map((v) => index.indexOf(v))).toEqual([
      0, 1, 2, 1, 0, 2, 3, 4, 5, 6,
    ]);
    const values = [...index.values.subarray(0, index.size)];
    expect(Object.is(values[0], 0)).toBe(true);
    expect(Object.is(values[1], -0)).toBe(true);
    expect(values[2]).toBeNaN();
    expect(values.slice(3)).toEqual([Infinity, -Infinity, 5e-324, -5e-324]);
    expect(index.indexOf(Number.NaN)).toBe(2);
    expect(index.size).toBe(7);
  });

  it('grows from the smallest capacity through many rehashes without losing or renumbering an entry', () => {
    const rand = createRandom(7).next;
    // Small integers share the low 32 bits (zero) of their doubles; powers of two and their neighbours too.
    const kinds = [
      (i: number) => i,
      (i: number) => -i,
      (i: number) => i * 2 ** 32,
      (i: number) => 2 ** ((i % 2000) - 1000) * (i % 3 === 0 ? -1 : 1),
      (i: number) => (rand() - 0.5) * 10 ** ((i % 40) - 20),
      () => Math.fround(rand() * 1000),
      (i: number) => [0, -0, NaN, Infinity, -Infinity][i % 5],
    ];
    const values: number[] = [];
    for (let i = 0; i < 60_000; i++) values.push(kinds[i % kinds.length](Math.floor(i / kinds.length)));
    // Every value again, in another order: indices must not move.
    const repeats = values.map((_, i) => values[(i * 7919) % values.length]);
    const all = [...values, ...repeats];
    const expected = referenceIndices(all);

    const index = new NumberIndex(1);
    const got = all.map((v) => index.indexOf(v));
    expect(index.size).toBe(expected.distinct.length);
    expect(expected.distinct.length).toBeGreaterThan(40_000);
    expect(got).toEqual(expected.indices);
    // toEqual tells −0 from 0 and takes NaN as NaN.
    expect([...index.values.subarray(0, index.size)]).toEqual(expected.distinct);
    expect(index.values.length).toBeGreaterThanOrEqual(index.size);
  });

  it('numbers Float32 and Int32 values read as doubles the same way', () => {
    const floats = Float32Array.from([0.1, -0, 0.1, 3e38, 0, -0]);
    const ints = Int32Array.from([7, -(2 ** 31), 7, 2 ** 31 - 1]);
    const fi = new NumberIndex(2);
    expect([...floats].map((v) => fi.indexOf(v))).toEqual([0, 1, 0, 2, 3, 1]);
    expect(Float32Array.from(fi.values.subarray(0, fi.size))).toEqual(Float32Array.from([0.1, -0, 3e38, 0]));
    const ii = new NumberIndex(2);
    expect([...ints].map((v) => ii.indexOf(v))).toEqual([0, 1, 0, 2]);
    expect([...ii.values.subarray(0, ii.size)]).toEqual([7, -(2 ** 31), 2 ** 31 - 1]);
  });
});
