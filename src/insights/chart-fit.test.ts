import { describe, expect, it } from 'vitest';
import { categoryAxis, fitted, topLegendFit } from './chart-fit.js';
import { chartOption } from './chart-options.js';
import type { InsightData } from './insight-types.js';

describe('labels fitted to the chart', () => {
  it('wraps a legend onto the rows its names take, and hides it beyond three rows', () => {
    expect(topLegendFit(['DA41', 'DA42'], 600)).toMatchObject({ legend: { show: true }, grid: { top: 32 } });
    const shifts = ['after-midnight shift', 'morning calibration shift', 'evening science shift'];
    // At 480 px two names take a row, the third a second one.
    const narrow = topLegendFit(shifts, 480) as { legend: { textStyle: { width: number } }; grid: { top: number } };
    expect(narrow.grid.top).toBe(8 + 2 * 24);
    expect(narrow.legend.textStyle.width).toBe(160);
    // At 160 px a name is truncated to what a row has beside its icon.
    expect(topLegendFit(shifts, 160)).toMatchObject({ legend: { show: true, textStyle: { width: 104 } } });
    expect(
      topLegendFit(
        Array.from({ length: 12 }, (_, i) => `antenna ${i}`),
        200,
      ),
    ).toMatchObject({
      legend: { show: false },
    });
  });

  it('gives one media entry per width step, the narrowest first', () => {
    const { media } = fitted((width) => ({ width }));
    expect(media[0]).toEqual({ query: { minWidth: 0 }, option: { width: 100 } });
    expect(media.map((m) => m.query.minWidth)).toEqual([...media.map((m) => m.query.minWidth)].sort((a, b) => a - b));
  });

  it('gives a short chart fewer value-axis ticks, and a short KPI no sparkline over its figure', () => {
    const bars = {
      columns: ['band', 'avg(trec)', 'max(trec)'],
      roles: ['x', 'y', 'y'],
      rows: [
        ['3', 35.5, 40],
        ['6', 55, 61],
      ],
      sampled: false,
      truncated: false,
      sql: '',
      version: null,
    } as InsightData;
    type Media = { query: { minHeight?: number }; option: { yAxis?: { splitNumber: number } } }[];
    const ticks = (chart: { media?: unknown }, height: number) =>
      (chart.media as Media).filter((m) => (m.query.minHeight ?? Infinity) <= height).at(-1)?.option.yAxis?.splitNumber;
    const chart = chartOption('bar', bars) as { media?: unknown };
    // A 4-row tile's plot (~120 px) gets two, a tall one five.
    expect(ticks(chart, 130)).toBe(2);
    expect(ticks(chart, 200)).toBe(3);
    expect(ticks(chart, 400)).toBe(5);
    const kpi = chartOption('kpi', {
      ...bars,
      columns: ['band', 'avg(trec)'],
      rows: [
        ['3', 1],
        ['6', 2],
      ],
    }) as {
      media: { query: { minHeight?: number }; option: { series?: { lineStyle: { opacity: number } }[] } }[];
    };
    const sparkline = (height: number) =>
      kpi.media.filter((m) => (m.query.minHeight ?? Infinity) <= height).at(-1)?.option.series?.[0].lineStyle.opacity;
    expect(sparkline(80)).toBe(0);
    expect(sparkline(200)).toBe(1);
  });

  it('labels day bins as days and slants long categories', () => {
    expect(categoryAxis(['2025-01-01 00:00:00', '2025-01-02 00:00:00'])).toMatchObject({
      data: ['2025-01-01', '2025-01-02'],
      axisLabel: { hideOverlap: true },
    });
    // A time other than midnight keeps every label whole.
    expect(categoryAxis(['2025-01-01 00:00:00', '2025-01-01 12:00:00']).data).toEqual([
      '2025-01-01 00:00:00',
      '2025-01-01 12:00:00',
    ]);
    expect(categoryAxis(['after-midnight shift', 'DA41']).axisLabel).toMatchObject({
      rotate: 30,
      overflow: 'truncate',
    });
  });
});
