import { describe, expect, it } from 'vitest';
import { createRandom } from '../../analytics/common/random.js';
import type { GroupedSeries } from './grouped-series.js';
import { computeGroups, type ParallelOptions } from './parallel-groups.js';
import type { KernelSpec } from './series-kernels.js';

/** 60 series of 0 to 300 points with steps, a trend and a few outliers. */
function groupedSeries(): GroupedSeries {
  const random = createRandom(11);
  const lengths = Array.from({ length: 60 }, (_, g) => (g % 17 === 0 ? g % 3 : 30 + random.integer(270)));
  const starts = new Int32Array(lengths.length + 1);
  lengths.forEach((n, g) => (starts[g + 1] = starts[g] + n));
  const total = starts[lengths.length];
  const values = new Float64Array(total);
  const order = new Float64Array(total);
  for (let g = 0; g < lengths.length; g++)
    for (let i = 0; i < lengths[g]; i++) {
      const at = starts[g] + i;
      order[at] = 19_000 * 86_400e6 + i * 3_600e6;
      values[at] = 40 + 0.01 * i + (i > lengths[g] / 2 ? 3 : 0) + random.normal() + (random.next() < 0.01 ? 30 : 0);
    }
  return { groupCount: lengths.length, starts, values, order, rowIds: null };
}

async function collect(spec: KernelSpec, series: GroupedSeries, options: ParallelOptions) {
  const batches: { firstRow: number; rows: number; columns: number[][] }[] = [];
  await computeGroups(
    spec,
    series,
    (out, place) =>
      batches.push({ firstRow: place.firstRow, rows: out.rows, columns: out.columns.map((c) => Array.from(c)) }),
    options,
  );
  // Batches differ with their size; the rows they hold, in order, must not.
  return batches[0].columns.map((_, j) => batches.flatMap((b) => b.columns[j]));
}

describe('computeGroups', () => {
  const series = groupedSeries();
  const specs: KernelSpec[] = [
    { kind: 'changepoints' },
    { kind: 'trend', alpha: 0.05, perDay: 86_400e6 },
    { kind: 'outliers', method: 'hampel', window: 3 },
  ];

  it('gives the same rows in the same order from 2 worker threads as from the calling thread', async () => {
    for (const spec of specs) {
      const alone = await collect(spec, series, { threads: 1 });
      const parallel = await collect(spec, series, { threads: 2, minRows: 0, batchRows: 1_000 });
      expect(parallel).toEqual(alone);
      expect(alone[0].length).toBeGreaterThan(0);
    }
  });

  it('sorts the groups of a series read with deferSort as it hands them out: the same rows as a sorted one', async () => {
    /** The series with each group's rows shuffled (their places carried along), waiting to be sorted. */
    const shuffled = (): GroupedSeries => {
      const random = createRandom(5);
      const s = { ...groupedSeries(), pendingSort: true };
      const rowIds = Float64Array.from(s.values, (_, i) => i);
      for (let g = 0; g < s.groupCount; g++)
        for (let i = s.starts[g + 1] - 1; i > s.starts[g]; i--) {
          const j = s.starts[g] + random.integer(i - s.starts[g] + 1);
          for (const c of [s.values, s.order!, rowIds]) [c[i], c[j]] = [c[j], c[i]];
        }
      return { ...s, rowIds };
    };
    for (const spec of specs)
      for (const options of [{ threads: 1 }, { threads: 2, minRows: 0, batchRows: 1_000 }]) {
        const s = shuffled();
        expect(await collect(spec, s, options)).toEqual(await collect(spec, series, { threads: 1 }));
        expect(s.pendingSort).toBe(false);
        expect(Array.from(s.values)).toEqual(Array.from(series.values));
        expect(Array.from(s.rowIds!)).toEqual(Array.from(series.values, (_, i) => i));
      }
  });

  it('reports a worker’s failure as the build’s error', async () => {
    const bad: KernelSpec = { kind: 'trend', alpha: 2, perDay: 1 };
    await expect(collect(bad, series, { threads: 2, minRows: 0, batchRows: 1_000 })).rejects.toThrow(/confidence/);
  });
});
