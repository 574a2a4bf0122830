import { describe, expect, it } from 'vitest';
import { chartOption, formatNumber, kpiFigures, rangeOfBrush } from './chart-options.js';
import type { InsightData } from './insight-types.js';
import { ChartSpecSchema } from './insight-schema.js';

const days = (n: number): InsightData => ({
  columns: ['day', 'trec'],
  roles: ['x', 'y'],
  rows: Array.from({ length: n }, (_, i) => [`2025-01-${String(i + 1).padStart(2, '0')}`, 40 + i]),
  sampled: false,
  truncated: false,
  sql: '',
  version: null,
});

describe('time series zoom and brush', () => {
  it('give lines a zoom slider when they have many points, and a range brush', () => {
    const long = chartOption('line', days(30));
    expect(long.dataZoom).toEqual([
      expect.objectContaining({ type: 'inside' }),
      expect.objectContaining({ type: 'slider' }),
    ]);
    expect(long.brush).toMatchObject({ brushType: 'lineX', xAxisIndex: 0 });
    const short = chartOption('area', days(5));
    expect(short.dataZoom).toEqual([expect.objectContaining({ type: 'inside' })]);
  });

  it('are left out of exports and of bars', () => {
    const exported = chartOption('line', days(30), { interactive: false });
    expect(exported.dataZoom).toBeUndefined();
    expect(exported.brush).toBeUndefined();
    expect(chartOption('bar', days(30)).brush).toBeUndefined();
  });

  it('turn a brushed range of points into a filter that keeps whole bins', () => {
    const data = days(10);
    expect(rangeOfBrush(data, [2, 4])).toEqual({ from: '2025-01-03', to: '2025-01-06', toInclusive: false });
    // Up to the last point: no upper bound.
    expect(rangeOfBrush(data, [7.6, 12])).toEqual({ from: '2025-01-09', to: null, toInclusive: true });
    const binned: InsightData = {
      ...data,
      columns: ['trec', 'trec_end', 'n'],
      roles: ['x', 'x_end', 'y'],
      rows: [
        [0, 10, 3],
        [10, 20, 5],
        [20, 30, 1],
      ],
    };
    expect(rangeOfBrush(binned, [1, 1])).toEqual({ from: 10, to: 20, toInclusive: false });
  });

  it('count categories once when a colour dimension repeats x', () => {
    const coloured: InsightData = {
      ...days(0),
      columns: ['day', 'band', 'trec'],
      roles: ['x', 'color', 'y'],
      rows: [
        ['d1', 3, 1],
        ['d1', 6, 2],
        ['d2', 3, 1],
        ['d2', 6, 2],
        ['d3', 3, 1],
      ],
    };
    expect(rangeOfBrush(coloured, [1, 1])).toEqual({ from: 'd2', to: 'd3', toInclusive: false });
  });
});

describe('KPI tiles with a time column and period', () => {
  const kpi = (rows: unknown[][]): InsightData => ({
    ...days(0),
    columns: ['day', 'count', 'current', 'previous', 'change'],
    roles: ['x', 'y', 'current', 'previous', 'change'],
    rows,
  });
  const title = (o: Record<string, unknown>) =>
    o.title as { text: string; subtext: string; subtextStyle: { color: string } };

  it('show the engine’s current value and change, green or red by whether higher is better', () => {
    const data = kpi([
      ['2025-01-01', 8, 10, 8, 0.25],
      ['2025-01-02', 10, 10, 8, 0.25],
    ]);
    expect(kpiFigures(data)).toEqual({ value: 10, previous: 8, change: 0.25 });
    expect(title(chartOption('kpi', data)).subtext).toBe('▲ 25.0 % vs previous');
    expect(title(chartOption('kpi', data)).subtextStyle.color).toBe('#1a7f37');
    expect(title(chartOption('kpi', data, { higherIsBetter: false })).subtextStyle.color).toBe('#cf222e');
    expect((chartOption('kpi', data).series as { data: unknown[] }[])[0].data).toEqual([8, 10]);
  });

  it('show no change without a previous period, and a dash without data', () => {
    const alone = chartOption('kpi', kpi([['2025-01-02', 3, 3, null, null]]));
    expect(title(alone).subtext).toBe('count');
    expect(title(chartOption('kpi', kpi([]))).text).toBe('—');
  });
});

describe('formatNumber', () => {
  it('writes numbers in English with up to 3 decimals below 10, 1 above, and millions as M', () => {
    expect(formatNumber(3.14159)).toBe('3.142');
    expect(formatNumber(-9.99949)).toBe('-9.999');
    expect(formatNumber(1234.56)).toBe('1,234.6');
    expect(formatNumber('42')).toBe('42');
    expect(formatNumber(17_500_000)).toBe('17.5 M');
    expect(formatNumber(-2_345_678)).toBe('-2.35 M');
    expect(formatNumber(null)).toBe('(null)');
    expect(formatNumber('n/a')).toBe('n/a');
  });
});

describe('pie charts', () => {
  const slices: InsightData = {
    columns: ['band', 'count'],
    roles: ['x', 'y'],
    rows: [
      ['3', 4],
      ['6', 2],
    ],
    sampled: false,
    truncated: false,
    sql: '',
    version: null,
  };
  const radius = (option: unknown) => (option as { series: { radius: string[] }[] }).series[0].radius;

  it('draw a ring by default and a whole pie with donut: false; donut belongs to pies only', () => {
    expect(radius(chartOption('pie', slices))).toEqual(['34%', '60%']);
    expect(radius(chartOption('pie', slices, { donut: false }))).toEqual(['0%', '60%']);
    const base = { kind: 'pie', x: { column: 'band' } };
    expect(ChartSpecSchema.safeParse({ ...base, donut: false }).success).toBe(true);
    const bar = ChartSpecSchema.safeParse({ ...base, kind: 'bar', donut: false });
    expect(bar.success).toBe(false);
    expect(bar.error?.issues[0].message).toBe('donut belongs to a pie chart');
  });
});
