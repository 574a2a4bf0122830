import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { slideSorted } from './sorted-window.js';

describe('slideSorted', () => {
  it('keeps the sorted window of a stream as values leave and enter (ties, repeats, ±Infinity)', () => {
    const random = createRandom(3);
    for (let trial = 0; trial < 40; trial++) {
      const width = 1 + random.integer(12);
      const n = width + random.integer(80);
      const data = Float64Array.from({ length: n }, () =>
        trial % 4 === 0 ? random.integer(3) : random.next() < 0.02 ? -Infinity : random.normal(),
      );
      const sorted = data.slice(0, width).sort();
      for (let from = 1; from + width <= n; from++) {
        slideSorted(sorted, data[from - 1], data[from + width - 1]);
        const expected = [...data.subarray(from, from + width)].sort((a, b) => a - b);
        expect([...sorted], `trial ${trial}, window at ${from}`).toEqual(expected);
      }
    }
  });
});
