import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { badRequest } from '../common/errors.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import type { ChartPicture } from './chart-picture.js';
import { ChartPictureDrawer } from './chart-picture-drawer.js';
import type { Insight, InsightData, TileError } from './insight-types.js';
import { INSIGHT_KIND } from './insights-service.js';
import { chartSizesSeen } from './chart-sizes-seen.js';
import { pictureStoreOf, type PictureStore } from './picture-store.js';
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

/**
 * What draws the pictures, in their keys (memory and disk): ECharts' version, and a number to
 * raise when how an option is drawn here changes (chart-picture.ts), so a kept picture is never
 * one of the old drawing.
 */
const { version: ECHARTS_VERSION } = createRequire(import.meta.url)('echarts/package.json') as { version: string };
const PICTURES_OF = `echarts ${ECHARTS_VERSION} #1`;

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

  /** The picture of `key` if in memory, else null. */
  kept(key: string): ChartPicture | null {
    const hit = this.entries.get(key);
    if (!hit) return null;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  /**
   * The picture of `key`: in memory, else on disk (the project's store), else null and `draw` is
   * queued, its picture kept in both. `soon`: drawn at once rather than after `DRAW_AFTER_MS`
   * (the tile warmer's, drawn before anyone asks).
   */
  async get(
    key: string,
    store: PictureStore,
    draw: () => Promise<ChartPicture>,
    soon = false,
  ): Promise<ChartPicture | null> {
    const hit = this.kept(key) ?? (await store.read(key));
    if (hit) {
      if (!this.entries.has(key)) this.keep(key, hit);
      return hit;
    }
    if (!this.closed && this.waiting.size < WAITING && !this.waiting.has(key))
      this.waiting.set(key, async () => {
        const picture = await draw();
        await store.write(key, picture);
        return picture;
      });
    this.drawing ??= (soon ? Promise.resolve() : new Promise((r) => setTimeout(r, DRAW_AFTER_MS).unref())).then(() =>
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
  soon = false,
): Promise<Record<string, ChartPicture>> {
  // Side by side: those kept on disk are read at once. A Map, as `__proto__` is a valid insight name.
  const pictures = new Map<string, ChartPicture>();
  await Promise.all(
    answers.map(async ([id, answer]) => {
      const size = sizes.get(id);
      if (!size || 'error' in answer) return;
      const stored = await ws.catalog.objects.get<Insight>(projectKey, INSIGHT_KIND, id);
      const picture = stored ? await pictureOf(ws, projectKey, stored.body, answer, size, soon) : null;
      if (picture) pictures.set(id, picture);
    }),
  );
  // In the page's order, as the answers are.
  return Object.fromEntries(answers.flatMap(([id]) => (pictures.has(id) ? [[id, pictures.get(id)!]] : [])));
}

/** The picture of a tile's chart at `size` if drawn (memory or disk); if not, it is queued. */
async function pictureOf(
  ws: Workspace,
  projectKey: string,
  insight: Insight,
  answer: InsightData,
  size: PictureSize,
  soon = false,
): Promise<ChartPicture | null> {
  const option = tileChartOption(insight, answer);
  if (!option) return null;
  const key = `${PICTURES_OF} ${size.width}x${size.height} ${createHash('sha256').update(JSON.stringify(option)).digest('base64url')}`;
  const cache = picturesOf(ws);
  return cache.get(key, pictureStoreOf(ws, projectKey), () => cache.drawer.draw(option, size.width, size.height), soon);
}

/**
 * Draws the pictures of a tile just computed (tile-warmer.ts) at every size its chart was last
 * seen at on a dashboard page (chart-sizes-seen.ts), those not drawn yet: the next visit shows
 * them at once instead of drawing live. In the background, one at a time with the others.
 */
export async function drawPicturesAhead(
  ws: Workspace,
  projectKey: string,
  insight: Insight,
  answer: InsightData,
): Promise<void> {
  for (const size of await chartSizesSeen(ws, projectKey, insight.id))
    await pictureOf(ws, projectKey, insight, answer, size, true);
}
