import { afterAll, describe, expect, it } from 'vitest';
import { chartOption } from './chart-options.js';
import { renderChartPicture } from './chart-picture.js';
import { ChartPictureDrawer } from './chart-picture-drawer.js';

const bars = chartOption(
  'bar',
  {
    columns: ['band', 'n'],
    roles: ['x', 'y'],
    rows: [
      [3, 10],
      [6, 4],
    ],
    sampled: false,
    truncated: false,
    sql: '',
    version: null,
  },
  { animation: false },
);

describe('chart pictures drawn in a worker thread', () => {
  const drawer = new ChartPictureDrawer();
  afterAll(() => drawer.close());

  it('draws what the same option draws in this thread; an option it cannot draw fails alone', async () => {
    const [here, there] = await Promise.all([renderChartPicture(bars, 320, 160), drawer.draw(bars, 320, 160)]);
    expect(there).toEqual(here);
    const unknownAxis = { xAxis: { type: 'no_such_axis' }, yAxis: {}, series: [{ type: 'bar', data: [1] }] };
    await expect(drawer.draw(unknownAxis, 320, 160)).rejects.toThrow(/xAxis.no_such_axis is used but not imported/);
    expect((await drawer.draw(bars, 200, 100)).svg).toMatch(/^<svg width="200" height="100"/);
  });

  it('closed, fails what it was drawing; asked again, starts a new worker', async () => {
    const failed = expect(drawer.draw(bars, 320, 160)).rejects.toThrow(/closed/);
    await drawer.close();
    await failed;
    expect((await drawer.draw(bars, 320, 160)).width).toBe(320);
  });
});
