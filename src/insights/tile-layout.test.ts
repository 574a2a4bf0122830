import { describe, expect, it } from 'vitest';
import { overlappingTiles, placeTile } from './tile-layout.js';

const tile = (insight: string, x: number, y: number, w: number, h: number) => ({ insight, x, y, w, h });

describe('dashboard tiles never overlap', () => {
  // The audit's page: a 6 × 4 tile, one beside it, one under it.
  const page = [tile('a', 0, 0, 6, 4), tile('b', 6, 0, 6, 4), tile('c', 0, 4, 4, 2)];

  it('pushes the tiles a resized tile lands on down below it, and the tiles under those', () => {
    const grown = placeTile(page, 0, tile('a', 0, 0, 10, 7));
    expect(grown).toEqual([tile('a', 0, 0, 10, 7), tile('b', 6, 7, 6, 4), tile('c', 0, 7, 4, 2)]);
    expect(overlappingTiles(grown)).toEqual([]);
    // A chain: pushing b onto d pushes d below b.
    const chain = [tile('a', 0, 0, 6, 2), tile('b', 0, 2, 6, 2), tile('d', 0, 4, 6, 2)];
    expect(placeTile(chain, 0, tile('a', 0, 0, 6, 3))).toEqual([
      tile('a', 0, 0, 6, 3),
      tile('b', 0, 3, 6, 2),
      tile('d', 0, 5, 6, 2),
    ]);
  });

  it('leaves tiles out of the way in place, and a move onto a tile pushes it down', () => {
    expect(placeTile(page, 2, tile('c', 4, 4, 4, 2))).toEqual([page[0], page[1], tile('c', 4, 4, 4, 2)]);
    const moved = placeTile(page, 2, tile('c', 6, 1, 4, 2));
    expect(moved).toEqual([page[0], tile('b', 6, 3, 6, 4), tile('c', 6, 1, 4, 2)]);
    expect(overlappingTiles(moved)).toEqual([]);
  });

  it('names the overlapping pairs', () => {
    expect(overlappingTiles([tile('a', 0, 0, 10, 7), tile('b', 6, 0, 6, 4), tile('c', 0, 4, 4, 2)])).toEqual([
      [0, 1],
      [0, 2],
    ]);
    // Touching edges is no overlap.
    expect(overlappingTiles(page)).toEqual([]);
  });
});
