import { describe, expect, it } from 'vitest';
import { categoryAxis, fitted, topLegendFit } from './chart-fit.js';

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
