import { describe, expect, it } from 'vitest';
import { chartOption } from './chart-options.js';
import { renderChartPicture } from './chart-picture.js';
import { insightDataOf } from './insight-data-fixture.js';
import { facetedChartOption } from './facet-chart.js';
import { tileChartOption } from './tile-chart.js';
import { parsePictureSizes } from './tile-pictures.js';

const data = insightDataOf;

const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "'><svg onload=alert(3)>"];

describe('tile pictures: charts drawn as SVG on the server', () => {
  it('escapes the labels of the data: hostile axis labels, series names and slices stay text', async () => {
    const bars = data(
      ['antenna', 'trec'],
      ['x', 'y'],
      HOSTILE.map((h, i) => [h, i + 1]),
    );
    const byColour = data(
      ['band', 'weather', 'n'],
      ['x', 'color', 'y'],
      HOSTILE.map((h, i) => [i, h, i + 2]),
    );
    const pie = data(
      ['weather', 'n'],
      ['x', 'y'],
      HOSTILE.map((h, i) => [h, i + 1]),
    );
    for (const option of [
      chartOption('bar', bars, { animation: false }),
      chartOption('stacked_bar', byColour, { animation: false }),
      chartOption('pie', pie, { animation: false }),
    ]) {
      // Wide enough that every label is drawn.
      const { svg } = await renderChartPicture(option, 1200, 400);
      expect(svg).toMatch(/^<svg /);
      // Escaped (long labels are cut with "…", so their starts).
      expect(svg).toContain('&lt;script&gt;alert(1)');
      expect(svg).toContain('&lt;img src=x');
      // No element or attribute of the labels' making: every tag is one ECharts writes, no attribute an event handler.
      const tags = [...svg.matchAll(/<\/?([a-zA-Z]+)([^>]*)>/g)];
      const written = new Set(['svg', 'g', 'rect', 'path', 'polyline', 'text', 'style']);
      expect(tags.map((t) => t[1]).filter((tag) => !written.has(tag))).toEqual([]);
      const attributes = tags.flatMap((t) => [...t[2].matchAll(/\s([\w:-]+)=/g)].map((m) => m[1]));
      expect(attributes.filter((name) => /^on/i.test(name))).toEqual([]);
      expect(svg.match(/<svg /g)).toHaveLength(1);
    }
  });

  it('draws at the size asked for', async () => {
    const option = chartOption(
      'line',
      data(
        ['day', 'n'],
        ['x', 'y'],
        [
          ['a', 1],
          ['b', 2],
          ['c', 4],
        ],
      ),
      {
        animation: false,
      },
    );
    const picture = await renderChartPicture(option, 333, 181);
    expect(picture).toMatchObject({ width: 333, height: 181 });
    expect(picture.svg).toMatch(/^<svg width="333" height="181"/);
    // A line: one path through the three points.
    expect(picture.svg).toMatch(/<path d="M[\d. ]+L[\d. ]+L[\d. ]+"/);
  });

  it('a tile draws one chart of its insight without animation, small multiples included; tables have no picture', () => {
    const bars = data(['band', 'n'], ['x', 'y'], [[1, 2]]);
    const chart = { type: 'chart', chart: { kind: 'bar' as const } };
    expect(tileChartOption(chart, bars)).toEqual(chartOption('bar', bars, { animation: false }));
    const kpi = { type: 'chart', chart: { kind: 'kpi' as const, kpi: { higherIsBetter: false } } };
    const series = data(
      ['m', 'n'],
      ['x', 'y'],
      [
        [1, 10],
        [2, 12],
      ],
    );
    expect(tileChartOption(kpi, series)).toEqual(
      chartOption('kpi', series, { animation: false, higherIsBetter: false }),
    );
    expect(tileChartOption({ type: 'metric' }, series)).toEqual(chartOption('line', series, { animation: false }));
    const faceted = data(
      ['band', 'site', 'n'],
      ['x', 'facet', 'y'],
      [
        [1, 'a', 2],
        [1, 'b', 3],
      ],
    );
    expect(tileChartOption(chart, faceted)).toEqual(facetedChartOption('bar', faceted, { animation: false }));
    expect((tileChartOption(chart, faceted)!.grid as unknown[]).length).toBe(2);
    expect(tileChartOption({ type: 'table' }, bars)).toBeNull();
  });

  it('reads the sizes a browser sends and refuses malformed ones, naming them', () => {
    expect([...parsePictureSizes('t1:420x180,t-2:16x4096')]).toEqual([
      ['t1', { width: 420, height: 180 }],
      ['t-2', { width: 16, height: 4096 }],
    ]);
    expect(parsePictureSizes('').size).toBe(0);
    for (const bad of ['t1', 't1:420', 't1:420x', 't1:0x180', 't1:420x5000', 't1:-4x10', ':10x10'])
      expect(() => parsePictureSizes(bad), bad).toThrow(/sizes: .* is not insight:WIDTHxHEIGHT/);
    expect(() => parsePictureSizes(Array.from({ length: 201 }, (_, i) => `t${i}:20x20`).join(','))).toThrow(
      /at most 200 tiles/,
    );
  });
});
