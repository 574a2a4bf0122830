import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { a11yViolations, overflowX, seriousOnes } from './support/a11y.js';
import { browserSuite } from './support/browser-suite.js';
import { canvasDrawing, recordCanvasTexts, textsOutside } from './support/canvas-probe.js';

/**
 * A dashboard with a tile of every chart kind, read on a laptop and on a phone: each chart draws
 * its marks (coloured pixels of bars, slices, cells, lines), no text it draws falls outside its
 * canvas (axis names, legends, KPI captions), and on a phone the tiles stack full width in
 * reading order with the layout editor out of reach.
 */
describe('web UI: dashboards on a laptop and on a phone', () => {
  const KEY = 'DASHFIT';
  const SHIFTS = [
    'after-midnight shift (02–06 h)',
    'morning calibration shift',
    'evening science shift',
    'night science shift (long exposures)',
  ];
  const ANTENNAS = ['DA41', 'DA42', 'DV01', 'DV02'];
  const rows = Array.from({ length: 120 }, (_, i) => {
    const day = `2025-01-${String((i % 30) + 1).padStart(2, '0')}`;
    const band = [3, 6, 7][Math.floor(i / 30) % 3];
    const trec = (30 + ((i * 7) % 40) + band).toFixed(1);
    const efficiency = (60 + ((i * 13) % 30)).toFixed(1);
    return `${day},"${SHIFTS[i % 4]}",${ANTENNAS[(i >> 2) % 4]},${band},${trec},${efficiency}`;
  });
  const CSV = `day,shift,antenna,band,receiver_noise_temperature_kelvin,aperture_efficiency_percent\n${rows.join('\n')}\n`;
  const T = 'receiver_noise_temperature_kelvin';
  const avgT = [{ column: T, agg: 'avg' }];
  /**
   * One insight per chart kind, named after it (or after `as`); `w`, `h` its tile's size on the
   * 24-column grid.
   */
  const charts: { kind: string; as?: string; chart: Record<string, unknown>; w?: number; h?: number }[] = [
    { kind: 'bar', chart: { x: { column: 'shift' }, y: avgT } },
    { kind: 'stacked_bar', chart: { x: { column: 'band' }, color: { column: 'shift' }, y: [{ agg: 'count' }] } },
    { kind: 'grouped_bar', chart: { x: { column: 'band' }, color: { column: 'antenna' }, y: avgT } },
    { kind: 'line', chart: { x: { column: 'day', bin: { method: 'auto', unit: 'day' } }, y: avgT } },
    {
      kind: 'area',
      chart: { x: { column: 'day', bin: { method: 'auto', unit: 'day' } }, color: { column: 'band' }, y: avgT },
    },
    { kind: 'histogram', chart: { x: { column: T }, y: [{ agg: 'count' }] } },
    { kind: 'pie', chart: { x: { column: 'shift' }, y: [{ agg: 'count' }] } },
    { kind: 'scatter', chart: { x: { column: T }, y: [{ column: 'aperture_efficiency_percent', agg: 'avg' }] } },
    { kind: 'heatmap', chart: { x: { column: 'antenna' }, color: { column: 'shift' }, y: avgT } },
    { kind: 'box', chart: { x: { column: 'band' }, y: avgT } },
    { kind: 'kpi', chart: { y: avgT }, w: 4, h: 3 },
    // Small multiples: four antennas in a 2 × 2 grid inside a short tile.
    { kind: 'bar', as: 'facets', chart: { x: { column: 'band' }, facet: { column: 'antenna' }, y: avgT }, w: 6, h: 4 },
  ];
  const keyOf = (c: (typeof charts)[number]) => c.as ?? c.kind;
  const name = (kind: string) => `Trec ${kind.replace('_', ' ')}`;
  // Four tiles a row; listed last row first, so that reading order differs from the stored order.
  const tiles = charts
    .map((c, i) => ({ insight: `c_${keyOf(c)}`, x: (i % 4) * 6, y: Math.floor(i / 4) * 6, w: c.w ?? 6, h: c.h ?? 6 }))
    .reverse();

  const suite = browserSuite({
    seed: async (_server, admin) => {
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Fitting charts' });
      await admin.upload(`/api/projects/${KEY}/datasets/obs/upload`, CSV, 'obs.csv');
      for (const c of charts)
        await admin.call('POST', `/api/projects/${KEY}/insights`, {
          id: `c_${keyOf(c)}`,
          name: name(keyOf(c)),
          type: 'chart',
          dataset: 'obs',
          chart: { kind: c.kind, ...c.chart },
        });
      await admin.call('POST', `/api/projects/${KEY}/dashboards`, {
        id: 'kinds',
        name: 'Every kind',
        pages: [{ title: 'Kinds', tiles }],
        filters: [],
      });
    },
  });

  // Every page opened from here on records the texts its canvases draw.
  beforeAll(() => recordCanvasTexts(suite.browser.context));

  /** Waits for every chart of the dashboard to be drawn and returns, per kind, what is wrong with it. */
  async function problems(page: Page): Promise<Record<string, string[]>> {
    const found: Record<string, string[]> = {};
    for (const c of charts) {
      const tile = page.getByRole('region', { name: name(keyOf(c)) });
      const chart = tile.getByRole('img', { name: name(keyOf(c)) });
      await chart.scrollIntoViewIfNeeded();
      await chart.locator('canvas').first().waitFor();
      // Drawn: marks in series colours (the KPI's sparkline is absent with one value: its figure is text).
      await expect
        .poll(async () => (await canvasDrawing(chart)).texts.length, { message: `${c.kind} draws` })
        .toBeGreaterThan(0);
      const drawing = await canvasDrawing(chart);
      const wrong = textsOutside(drawing);
      if (c.kind !== 'kpi' && drawing.coloured < 150) wrong.push(`only ${drawing.coloured} coloured pixels`);
      const [tileBox, chartBox] = [(await tile.boundingBox())!, (await chart.boundingBox())!];
      if (chartBox.x < tileBox.x - 1 || chartBox.x + chartBox.width > tileBox.x + tileBox.width + 1)
        wrong.push(`chart ${Math.round(chartBox.width)} px wide overflows its tile`);
      if (chartBox.y < tileBox.y - 1 || chartBox.y + chartBox.height > tileBox.y + tileBox.height + 1)
        wrong.push(`chart ${Math.round(chartBox.height)} px high overflows its tile`);
      if (c.as === 'facets') wrong.push(...facetProblems(drawing));
      if (wrong.length) found[keyOf(c)] = wrong;
    }
    return found;
  }

  /**
   * Small multiples inside their chart: each antenna titled, the titles in a 2 × 2 grid (two
   * columns, two rows), and bars (coloured pixels) drawn in every quarter of the chart.
   */
  function facetProblems(drawing: Awaited<ReturnType<typeof canvasDrawing>>): string[] {
    const titles = ANTENNAS.map((a) => drawing.texts.find((t) => t.text === a));
    if (titles.some((t) => !t)) return [`facet titles drawn: ${drawing.texts.map((t) => t.text).join(', ')}`];
    const [a, b, c, d] = titles as NonNullable<(typeof titles)[number]>[];
    const wrong: string[] = [];
    if (!(Math.abs(a.top - b.top) < 2 && b.left > a.right && c.top > a.bottom && Math.abs(c.left - a.left) < 2))
      wrong.push(`facet titles not in a 2 × 2 grid: ${JSON.stringify(titles)}`);
    if (d.top < drawing.height / 2 - 20 || d.left < drawing.width / 2 - 20)
      wrong.push(`fourth facet title not in the lower right quarter: ${JSON.stringify(d)}`);
    const quarters = drawing.colouredQuarters;
    if (quarters.some((n) => n < 10)) wrong.push(`coloured pixels per quarter: ${quarters.join(', ')}`);
    return wrong;
  }

  it('draws every kind within its tile on a laptop', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/dashboards/kinds`);
    await page.getByRole('heading', { name: 'Every kind' }).waitFor();
    expect(await problems(page)).toEqual({});
    // The KPI's caption is the measure's name, ended by an ellipsis on this narrow tile; its tooltip has it whole.
    const kpi = page.getByRole('img', { name: name('kpi') });
    const caption = (await canvasDrawing(kpi)).texts.map((t) => t.text).find((t) => t.startsWith('avg('));
    expect(caption).toMatch(/^avg\(receiver_\w*…$/);
    expect(await kpi.getAttribute('title')).toBe(`avg(${T})`);
    // Days are labelled as days (the engine's midnight time left out).
    const line = await canvasDrawing(page.getByRole('img', { name: name('line') }));
    expect(line.texts.map((t) => t.text)).toContain('2025-01-01');
  }, 180_000);

  it('stacks the tiles full width in reading order on a phone, every kind drawn, editing out of reach', async () => {
    const { page } = suite.browser;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`/projects/${KEY}/dashboards/kinds`);
      await page.getByRole('heading', { name: 'Every kind' }).waitFor();
      const grid = page.getByTestId('dashboard-grid');
      const gridBox = (await grid.boundingBox())!;
      const sections = grid.getByRole('region');
      await expect.poll(() => sections.count()).toBe(charts.length);
      const boxes = [];
      for (let i = 0; i < charts.length; i++) {
        const section = sections.nth(i);
        boxes.push({ name: await section.getAttribute('aria-label'), box: (await section.boundingBox())! });
      }
      // Reading order of the laptop grid (row, then column), each tile as wide as the grid, one under the other.
      expect(boxes.map((b) => b.name)).toEqual(charts.map((c) => name(keyOf(c))));
      for (const { name: tile, box } of boxes) {
        expect(Math.abs(box.width - gridBox.width), `${tile} is full width`).toBeLessThan(2);
        expect(box.height, `${tile} is tall enough to read`).toBeGreaterThanOrEqual(120);
      }
      for (let i = 1; i < boxes.length; i++) expect(boxes[i].box.y).toBeGreaterThanOrEqual(boxes[i - 1].box.y + 100);
      expect(await problems(page)).toEqual({});
      expect((await overflowX(page)).extra).toBe(0);
      // The layout is edited on a wider screen: the button says so instead of opening a 24-column editor.
      const edit = page.getByRole('button', { name: 'Edit layout' });
      expect(await edit.getAttribute('aria-disabled')).toBe('true');
      expect(await edit.getAttribute('title')).toMatch(/wider/);
      expect(seriousOnes(await a11yViolations(page))).toEqual([]);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  }, 180_000);
});
