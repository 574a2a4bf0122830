import { describe, expect, it } from 'vitest';
import { renderChartPicture } from './chart-picture.js';
import { facetedChartOption, facetGrid } from './facet-chart.js';
import { insightDataOf } from './insight-data-fixture.js';

const data = insightDataOf;

type Box = { left: string; width: string; top: string; height: string };
const percent = (v: string) => Number(v.replace('%', ''));

/** Receiver bands by array family: the second family lacks band 3, the third has the largest value. */
const byFamily = data(
  ['receiverband', 'array_family', 'avg_trec_x'],
  ['x', 'facet', 'y'],
  [
    ['B3', '12m', 40],
    ['B6', '12m', 55],
    ['B6', '7m', 60],
    ['B7', '7m', 70],
    ['B3', 'TP', 35],
    ['B6', 'TP', 52],
    ['B7', 'TP', 93],
  ],
);

describe('small multiples: one chart per facet value inside the chart box', () => {
  it('lays three facets out side by side inside the box, each titled, on shared categories and scale', () => {
    const option = facetedChartOption('bar', byFamily, { animation: false })!;
    const grids = option.grid as Box[];
    expect(grids).toHaveLength(3);
    for (const g of grids) {
      expect(percent(g.left)).toBeGreaterThanOrEqual(0);
      expect(percent(g.left) + percent(g.width)).toBeLessThanOrEqual(100);
      expect(percent(g.top)).toBeGreaterThanOrEqual(0);
      expect(percent(g.top) + percent(g.height)).toBeLessThanOrEqual(100);
    }
    // Side by side, not overlapping.
    for (let i = 1; i < grids.length; i++)
      expect(percent(grids[i].left)).toBeGreaterThanOrEqual(percent(grids[i - 1].left) + percent(grids[i - 1].width));
    expect((option.title as { text: string }[]).map((t) => t.text)).toEqual(['12m', '7m', 'TP']);
    const xAxes = option.xAxis as { data: string[]; gridIndex: number }[];
    expect(xAxes.map((a) => a.data)).toEqual([
      ['B3', 'B6', 'B7'],
      ['B3', 'B6', 'B7'],
      ['B3', 'B6', 'B7'],
    ]);
    const yAxes = option.yAxis as { min: number; max: number }[];
    expect(new Set(yAxes.map((a) => `${a.min}..${a.max}`)).size).toBe(1);
    expect(yAxes[0].min).toBe(0);
    expect(yAxes[0].max).toBeGreaterThanOrEqual(93);
    const series = option.series as { data: unknown[]; xAxisIndex: number; color: string }[];
    expect(series.map((s) => [s.xAxisIndex, s.data])).toEqual([
      [0, [40, 55, null]],
      [1, [null, 60, 70]],
      [2, [35, 52, 93]],
    ]);
    // The measure keeps one colour in every facet.
    expect(new Set(series.map((s) => s.color)).size).toBe(1);
  });

  it('stacks the sums of a stacked bar into the shared scale and colours a group alike in every facet', () => {
    const stacked = data(
      ['band', 'weather', 'site', 'n'],
      ['x', 'color', 'facet', 'y'],
      [
        ['B3', 'dry', 'a', 60],
        ['B3', 'wet', 'a', 50],
        ['B3', 'wet', 'b', 5],
        ['B3', 'dry', 'b', 7],
      ],
    );
    const option = facetedChartOption('stacked_bar', stacked)!;
    expect((option.yAxis as { max: number }[])[0].max).toBeGreaterThanOrEqual(110);
    const series = option.series as { name: string; color: string }[];
    const colourOf = new Map<string, Set<string>>();
    for (const s of series) colourOf.set(s.name, (colourOf.get(s.name) ?? new Set()).add(s.color));
    expect([...colourOf.keys()].sort()).toEqual(['dry', 'wet']);
    for (const colours of colourOf.values()) expect(colours.size).toBe(1);
    expect(option.legend).toBeDefined();
  });

  it('has no small multiples without a facet column, and grids of up to three columns', () => {
    expect(facetedChartOption('bar', data(['x', 'n'], ['x', 'y'], [['a', 1]]))).toBeNull();
    expect([1, 2, 3, 4, 5, 6].map((n) => facetGrid(n))).toEqual([
      { columns: 1, rows: 1 },
      { columns: 2, rows: 1 },
      { columns: 3, rows: 1 },
      { columns: 2, rows: 2 },
      { columns: 3, rows: 2 },
      { columns: 3, rows: 2 },
    ]);
  });

  it('draws every facet within the picture of a tile: bars in three separate thirds of its width', async () => {
    const option = facetedChartOption('bar', byFamily, { animation: false })!;
    const picture = await renderChartPicture(option, 540, 180);
    // Each bar is a rectangle path; their x positions fall into the three thirds, none beyond the box.
    const bars = [...picture.svg.matchAll(/<path d="M([\d.]+) ([\d.]+)l[^"]*Z" fill="#5470c6"/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
    }));
    expect(bars).toHaveLength(7);
    const thirds = bars.map((b) => Math.floor(b.x / 180));
    expect(thirds.sort()).toEqual([0, 0, 1, 1, 2, 2, 2]);
    for (const b of bars) expect(b.y).toBeLessThanOrEqual(180);
    for (const label of ['12m', '7m', 'TP']) expect(picture.svg).toContain(`>${label}</text>`);
  });
});
