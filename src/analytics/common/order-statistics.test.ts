import { describe, expect, it } from 'vitest';
import { median, medianAndMad, medianInPlace, rangeMedian, selectBand, selectKth } from './order-statistics.js';
import { createRandom } from './random.js';

/** Arrays of the shapes the callers hand over: random, many ties, sorted, reversed, and deviations from a median just selected. */
function shapes(n: number, seed: number): Float64Array[] {
  const random = createRandom(seed);
  const normal = Float64Array.from({ length: n }, () => random.normal());
  const ties = Float64Array.from({ length: n }, () => random.integer(4));
  const sorted = Float64Array.from(normal).sort();
  const reversed = Float64Array.from(sorted).reverse();
  const deviations = Float64Array.from(normal);
  const m = medianInPlace(deviations);
  for (let i = 0; i < n; i++) deviations[i] = Math.abs(deviations[i] - m);
  return [normal, ties, sorted, reversed, deviations];
}

describe('order statistics', () => {
  it('selectKth puts the k-th smallest at k, no larger value before it and no smaller one after', () => {
    for (const n of [1, 2, 3, 7, 50, 1001, 5000]) {
      for (const values of shapes(n, n)) {
        const sorted = Array.from(values).sort((a, b) => a - b);
        for (const k of new Set([0, 1, n >> 1, n - 2, n - 1].filter((x) => x >= 0 && x < n))) {
          const a = Float64Array.from(values);
          expect(selectKth(a, n, k), `n = ${n}, k = ${k}`).toBe(sorted[k]);
          for (let i = 0; i < k; i++) expect(a[i]).toBeLessThanOrEqual(a[k]);
          for (let i = k + 1; i < n; i++) expect(a[i]).toBeGreaterThanOrEqual(a[k]);
          expect(Array.from(a).sort((x, y) => x - y)).toEqual(sorted);
        }
      }
    }
  });

  it('medianInPlace gives the middle value, or the mean of the two middle ones', () => {
    for (const n of [1, 2, 5, 6, 999, 1000, 4001, 4002]) {
      for (const values of shapes(n, 100 + n)) {
        const sorted = Array.from(values).sort((a, b) => a - b);
        const expected = n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        expect(medianInPlace(Float64Array.from(values)), `n = ${n}`).toBe(expected);
      }
    }
  });

  it('medianInPlace keeps the even-n convention and only permutes the values, whichever way it selects', () => {
    // Sizes on both sides of the band's threshold (1,024) and shapes that defeat an evenly spaced
    // sample: a period equal to the sample's spacing, a block of equal values at the middle,
    // organ pipes, all values equal, and two values only.
    const random = createRandom(5);
    const cases: [string, Float64Array][] = [];
    for (const n of [1, 2, 3, 4, 1023, 1024, 1025, 4096, 10_000, 10_001]) {
      for (const values of shapes(n, 200 + n)) cases.push([`shape n = ${n}`, values]);
      const spacing = Math.max(1, Math.floor(n / Math.min(512, n >> 3)));
      cases.push([
        `periodic n = ${n}`,
        Float64Array.from({ length: n }, (_, i) => (i % spacing === spacing >> 1 ? 0 : i)),
      ]);
      cases.push([`organ pipe n = ${n}`, Float64Array.from({ length: n }, (_, i) => Math.min(i, n - 1 - i))]);
      cases.push([`equal n = ${n}`, new Float64Array(n).fill(2.5)]);
      cases.push([`two values n = ${n}`, Float64Array.from({ length: n }, (_, i) => (i < n / 2 ? -1 : 1))]);
      cases.push([
        `middle block n = ${n}`,
        Float64Array.from({ length: n }, () => (random.next() < 0.3 ? 7 : random.normal() * 10)),
      ]);
    }
    for (const [name, values] of cases) {
      const n = values.length;
      const sorted = Array.from(values).sort((a, b) => a - b);
      const expected = n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      const a = Float64Array.from(values);
      expect(medianInPlace(a), name).toBe(expected);
      expect(
        Array.from(a).sort((x, y) => x - y),
        name,
      ).toEqual(sorted);
      // A prefix only: the values past n are left alone.
      const longer = Float64Array.from([...values, -1e300, 1e300]);
      expect(medianInPlace(longer, n), `${name}, prefix`).toBe(expected);
      expect(Array.from(longer.subarray(n)), `${name}, prefix`).toEqual([-1e300, 1e300]);
    }
  });

  it('selectBand moves a band holding the asked ranks to the front and counts the values below it', () => {
    // Ranks at the ends, off the middle and far apart, on the shapes above and on slopes listed in
    // a structured order (runs of increasing values), as the slope selection hands them over.
    const random = createRandom(17);
    const structured = Float64Array.from({ length: 20_000 }, (_, i) => (i % 97) * 0.01 + random.normal() * 0.001);
    let banded = 0;
    for (const values of [...shapes(5000, 7), structured]) {
      const n = values.length;
      const sorted = Array.from(values).sort((a, b) => a - b);
      for (const [first, last] of [
        [0, 0],
        [n - 1, n - 1],
        [n >> 2, n >> 2],
        [n >> 1, (n >> 1) + 1],
        [n >> 3, n - (n >> 3)],
      ]) {
        const a = Float64Array.from(values);
        const band = selectBand(a, n, first, last);
        expect(Array.from(a).sort((x, y) => x - y)).toEqual(sorted);
        if (band.inside < n) banded++;
        const inside = Array.from(a.subarray(0, band.inside)).sort((x, y) => x - y);
        for (const r of [first, last]) expect(inside[r - band.below], `rank ${r} of ${n}`).toBe(sorted[r]);
        // Every value below the band is below its least, every value past it above its greatest.
        expect(Array.from(a.subarray(band.inside)).filter((x) => x < inside[0]).length).toBe(band.below);
        expect(Array.from(a.subarray(band.inside)).every((x) => x < inside[0] || x > inside[inside.length - 1])).toBe(
          true,
        );
      }
    }
    expect(banded).toBeGreaterThan(20);
    // Too short to gain: the whole array.
    expect(selectBand(new Float64Array(100), 100, 50, 50)).toEqual({ below: 0, inside: 100 });
  });

  it('median and medianAndMad agree with sorting, NaN and infinities left out', () => {
    const random = createRandom(9);
    for (const n of [1, 2, 9, 3000, 3001]) {
      const finite = Array.from({ length: n }, () => Math.round(random.normal() * 100) / 4);
      const sorted = finite.slice().sort((a, b) => a - b);
      const mid = (xs: number[]) =>
        xs.length % 2 ? xs[xs.length >> 1] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
      const m = mid(sorted);
      const mad = mid(finite.map((x) => Math.abs(x - m)).sort((a, b) => a - b));
      const withGaps = [NaN, ...finite, Infinity, -Infinity];
      expect(median(withGaps)).toBe(m);
      expect(medianAndMad(withGaps)).toEqual({ median: m, mad });
    }
    expect(median([NaN])).toBeNaN();
  });

  it('rangeMedian takes the median of a slice and leaves the data as it was', () => {
    const random = createRandom(11);
    const data = Float64Array.from({ length: 6000 }, () => random.normal());
    const copy = Float64Array.from(data);
    const scratch = new Float64Array(data.length);
    for (const [start, end] of [
      [0, 1],
      [10, 12],
      [100, 1300],
      [17, 6000],
      [0, 5999],
    ]) {
      const slice = Array.from(data.subarray(start, end)).sort((a, b) => a - b);
      const n = end - start;
      const expected = n % 2 ? slice[n >> 1] : (slice[n / 2 - 1] + slice[n / 2]) / 2;
      expect(rangeMedian(data, start, end, scratch), `[${start}, ${end})`).toBe(expected);
    }
    expect(data).toEqual(copy);
  });
});
