import type { DashboardTile } from '../api/types';

/** Below this window width (CSS px) a dashboard's tiles stack full width, one under the other. */
export const STACKED_BELOW_PX = 700;

/** A stacked tile is never shorter than this (a 3-row KPI) nor taller than most of a phone's screen. */
const STACKED_MIN_PX = 200;
const STACKED_MAX_PX = 480;

/**
 * The tiles of a page in reading order, as a phone stacks them: by row (y), then by column (x);
 * `at` is each tile's index in the stored layout.
 */
export function stackedTiles(tiles: DashboardTile[]): { tile: DashboardTile; at: number }[] {
  return tiles.map((tile, at) => ({ tile, at })).sort((a, b) => a.tile.y - b.tile.y || a.tile.x - b.tile.x);
}

/** A stacked tile's height: the height it has on the grid, kept within what a phone shows readably. */
export function stackedTileHeight(tile: DashboardTile, rowPx: number, gapPx: number): number {
  const onGrid = tile.h * rowPx + (tile.h - 1) * gapPx;
  return Math.max(STACKED_MIN_PX, Math.min(STACKED_MAX_PX, onGrid));
}
