/**
 * Tiles on a dashboard page's grid never overlap: the layout editor pushes the tiles a moved or
 * resized tile lands on down (as react-grid-layout does), and saving refuses a page whose tiles
 * overlap. Node-free: the web UI imports it.
 */
import type { DashboardTile } from './insight-types.js';

type Box = Pick<DashboardTile, 'x' | 'y' | 'w' | 'h'>;

export function tilesOverlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** The pairs of indexes of a page's tiles that overlap, in order. */
export function overlappingTiles(tiles: Box[]): [number, number][] {
  const pairs: [number, number][] = [];
  tiles.forEach((a, i) => tiles.forEach((b, j) => j > i && tilesOverlap(a, b) && pairs.push([i, j])));
  return pairs;
}

/**
 * The page's tiles with the one at `at` replaced by `placed` (moved or resized): every other tile
 * it or a pushed tile lands on moves down just below it, taken top to bottom; tiles out of the
 * way keep their place. The tiles keep their order.
 */
export function placeTile<T extends Box>(tiles: T[], at: number, placed: T): T[] {
  const settled: Box[] = [placed];
  const result = tiles.map((t, i) => (i === at ? placed : t));
  const others = tiles
    .map((tile, i) => ({ tile, i }))
    .filter(({ i }) => i !== at)
    .sort((a, b) => a.tile.y - b.tile.y || a.tile.x - b.tile.x);
  for (const { tile, i } of others) {
    let moved = tile;
    for (let hit = settled.find((s) => tilesOverlap(s, moved)); hit; hit = settled.find((s) => tilesOverlap(s, moved)))
      moved = { ...moved, y: hit.y + hit.h };
    settled.push(moved);
    result[i] = moved;
  }
  return result;
}
