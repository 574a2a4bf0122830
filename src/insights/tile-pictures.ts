import { createHash } from 'node:crypto';
import { badRequest } from '../common/errors.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import type { ChartPicture } from './chart-picture.js';
import { ChartPictureDrawer } from './chart-picture-drawer.js';
import type { Insight, InsightData, TileError } from './insight-types.js';
import { INSIGHT_KIND } from './insights-service.js';
import { tileChartOption } from './tile-chart.js';

/** The size a browser draws a tile's chart at, in CSS pixels (what it measured on its last visit). */
export interface PictureSize {
  width: number;
  height: number;
}

const SIZE = /^([^:,]+):(\d{1,4})x(\d{1,4})$/;
const MIN_SIDE = 16;
const MAX_SIDE = 4096;
const MAX_TILES = 200;

/**
 * `sizes` of a dashboard page's data request: `insight:WIDTHxHEIGHT`, comma-separated
 * (`t1:420x180,t2:420x180`). A malformed entry is refused, naming it.
 */
export function parsePictureSizes(text: string): Map<string, PictureSize> {
  const sizes = new Map<string, PictureSize>();
  const entries = text.split(',').filter(Boolean);
  if (entries.length > MAX_TILES) throw badRequest(`sizes: at most ${MAX_TILES} tiles, got ${entries.length}`);
  for (const entry of entries) {
    const match = SIZE.exec(entry);
    const width = Number(match?.[2]);
    const height = Number(match?.[3]);
    if (!match || [width, height].some((side) => side < MIN_SIDE || side > MAX_SIDE))
      throw badRequest(
        `sizes: ${JSON.stringify(entry.slice(0, 80))} is not insight:WIDTHxHEIGHT with sides of ${MIN_SIDE} to ${MAX_SIDE} pixels`,
      );
    sizes.set(match[1], { width, height });
  }
  return sizes;
}

/** Pictures kept, by the characters of their SVG: a 20-tile page is about half a million. */
const KEPT_CHARACTERS = 64_000_000;
/** Pictures waiting to be drawn at most: more asked for meanwhile are asked again on a later visit. */
const WAITING = 1_000;
/**
 * How long after a page asked for pictures not drawn yet they start to be drawn: that page draws
 * its charts live meanwhile, and drawing twenty pictures beside it (a browser on the same
 * machine, bench/dashboards.ts) made its load seconds slower.
 */
const DRAW_AFTER_MS = 1_000;

/**
 * Pictures by what they draw: the option (made from the tile's data, so a new dataset version or
 * other filters make another key) and the size; least recently used go first. A picture not
 * drawn yet is drawn in the background, shortly after, in a worker thread (chart-picture-drawer.ts):
 * drawing twenty took seconds on a loaded server, which a page's answer must not wait for.
 */
class PictureCache {
  private readonly entries = new Map<string, ChartPicture>();
  private characters = 0;
  private readonly waiting = new Map<string, () => Promise<ChartPicture>>();
  private drawing: Promise<void> | null = null;
  private closed = false;
  readonly drawer = new ChartPictureDrawer();

  /** The picture of `key` if drawn; otherwise null, and `draw` is queued. */
  get(key: string, draw: () => Promise<ChartPicture>): ChartPicture | null {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    if (!this.closed && this.waiting.size < WAITING) this.waiting.set(key, draw);
    this.drawing ??= new Promise((resolve) => setTimeout(resolve, DRAW_AFTER_MS).unref()).then(() =>
      this.drawWaiting(),
    );
    return null;
  }

  /** Resolves once every picture queued so far is drawn (or failed). */
  async idle(): Promise<void> {
    while (this.drawing) await this.drawing;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.clear();
    await this.drawer.close();
  }

  private async drawWaiting(): Promise<void> {
    // One at a time: the worker has one thread; pictures asked for meanwhile join the loop.
    for (const [key, draw] of this.waiting) {
      this.waiting.delete(key);
      try {
        this.keep(key, await draw());
      } catch {
        // An option ECharts cannot draw without a browser: that tile is drawn live.
      }
    }
    this.drawing = null;
  }

  private keep(key: string, picture: ChartPicture) {
    this.entries.set(key, picture);
    this.characters += picture.svg.length;
    for (const [old, kept] of this.entries) {
      if (this.characters <= KEPT_CHARACTERS) break;
      this.entries.delete(old);
      this.characters -= kept.svg.length;
    }
  }
}

const picturesOf = workspaceSlot(
  'insights.tile-pictures',
  () => new PictureCache(),
  (cache) => cache.close(),
);

/** Resolves once the pictures asked for so far are drawn (tests, benchmarks). */
export function picturesDrawn(ws: Workspace): Promise<void> {
  return picturesOf(ws).idle();
}

/**
 * The first paint of a page's charts, drawn here so that the browser shows them at once and
 * builds the interactive charts after (web/src/components/echart.tsx): for each tile that
 * draws one chart and whose size the browser sent, its picture at that size, if drawn already.
 * Those not drawn yet are drawn in the background for the next visit; meanwhile the browser draws
 * those tiles live, as it does without pictures.
 */
export async function tilePictures(
  ws: Workspace,
  projectKey: string,
  answers: [string, InsightData | TileError][],
  sizes: Map<string, PictureSize>,
): Promise<Record<string, ChartPicture>> {
  const pictures: Record<string, ChartPicture> = {};
  for (const [id, answer] of answers) {
    const size = sizes.get(id);
    if (!size || 'error' in answer) continue;
    const stored = await ws.catalog.objects.get<Insight>(projectKey, INSIGHT_KIND, id);
    const option = stored ? tileChartOption(stored.body, answer) : null;
    if (!option) continue;
    const key = `${size.width}x${size.height} ${createHash('sha256').update(JSON.stringify(option)).digest('base64url')}`;
    const cache = picturesOf(ws);
    const picture = cache.get(key, () => cache.drawer.draw(option, size.width, size.height));
    if (picture) pictures[id] = picture;
  }
  return pictures;
}
