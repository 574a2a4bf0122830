import { describe, expect, it } from 'vitest';
import { stackedTileHeight, stackedTiles } from './dashboard-stacking';

describe('a dashboard stacked on a phone', () => {
  const tile = (insight: string, x: number, y: number, h = 6) => ({ insight, x, y, w: 6, h });

  it('puts the tiles in reading order, row then column, keeping their index in the layout', () => {
    const tiles = [tile('c', 6, 6), tile('b', 6, 0), tile('a', 0, 0), tile('d', 0, 12)];
    expect(stackedTiles(tiles).map(({ tile: t, at }) => `${t.insight}${at}`)).toEqual(['a2', 'b1', 'c0', 'd3']);
  });

  it('keeps a tile its grid height, within what a phone shows readably', () => {
    expect(stackedTileHeight(tile('a', 0, 0, 6), 40, 8)).toBe(6 * 40 + 5 * 8);
    expect(stackedTileHeight(tile('kpi', 0, 0, 3), 40, 8)).toBe(200);
    expect(stackedTileHeight(tile('tall', 0, 0, 20), 40, 8)).toBe(480);
  });
});
