/**
 * A dashboard tile's chart drawn on the server as SVG (ECharts' server-side rendering of the
 * same option the web UI draws), sent with the tile's data so the page shows every chart as soon
 * as its data arrives; the page then loads ECharts and replaces each picture with the
 * interactive chart. Drawing 16 charts in the browser took most of a warm dashboard load.
 *
 * No answer waits for a picture: ECharts takes a second or more to import in Node and a chart
 * some milliseconds to draw, so a tile without one is drawn in the background (the import starts
 * on the first request that asks) and the page draws that tile itself meanwhile.
 */
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { chartOption, facetValues } from './chart-options.js';
import type { Insight, InsightData } from './insight-types.js';

type SvgRenderer = (option: Record<string, unknown>, width: number, height: number) => string;

/** The grid of the dashboard page (web/src/pages/dashboard.tsx and pages.css): tile sizes follow from it. */
const COLUMNS = 24;
const ROW_PX = 40;
const GAP = 8;
const TILE_PADDING = 8;
/** The tile's title line (13 px heading). */
const TITLE_PX = 17;
/** Below this a chart is not worth drawing (the tile's chart has a 120 px minimum height). */
const MIN_PX = 40;

/** Pixel size of a tile's chart on a grid `gridWidth` wide. */
export function tileChartSize(tile: { w: number; h: number }, gridWidth: number): { width: number; height: number } {
  const column = (gridWidth - (COLUMNS - 1) * GAP) / COLUMNS;
  const width = Math.floor(tile.w * column + (tile.w - 1) * GAP - 2 * TILE_PADDING);
  const height = Math.max(120, tile.h * ROW_PX + (tile.h - 1) * GAP - 2 * TILE_PADDING - TITLE_PX);
  return { width, height };
}

const IMPORT_DELAY_MS = 2000;

/** Pictures kept (the least recently used go first): 20 tiles × a few window widths × several dashboards. */
const KEPT = 400;

/** Per workspace: the renderer once imported, the pictures drawn, and those waiting to be drawn. */
const previews = workspaceSlot('insights.tile-preview', () => ({
  render: null as SvgRenderer | null,
  loading: null as Promise<void> | null,
  drawn: new Map<string, string>(),
  waiting: new Map<string, () => string>(),
  drawing: false,
}));
type Previews = ReturnType<typeof previews>;

async function loadRenderer(): Promise<SvgRenderer> {
  const echarts = await import('echarts');
  return (option, width, height) => {
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
    try {
      chart.setOption(option);
      return chart.renderToSVGString();
    } finally {
      chart.dispose();
    }
  };
}

/** Draws the waiting pictures one per turn of the event loop, so requests are answered in between. */
function drawWaiting(state: Previews): void {
  if (state.drawing || !state.render) return;
  const next = state.waiting.entries().next();
  if (next.done) return;
  state.drawing = true;
  setImmediate(() => {
    state.drawing = false;
    const [key, draw] = next.value;
    state.waiting.delete(key);
    try {
      state.drawn.set(key, draw());
      while (state.drawn.size > KEPT) state.drawn.delete(state.drawn.keys().next().value!);
    } catch {
      // A chart ECharts cannot draw on the server: the page draws it itself.
    }
    drawWaiting(state);
  });
}

/** The kind of chart an insight's tile draws with ECharts, or null (tables, text, status strips…). */
function chartKind(insight: Insight) {
  if (insight.type === 'chart') return insight.chart?.kind ?? 'bar';
  if (insight.type === 'metric') return 'line';
  return null;
}

/**
 * The SVG of one tile's chart at `size` if it has been drawn; else undefined, and it is drawn in
 * the background for the next request (the answer never waits for it). Only rows of a dataset
 * version, which never change, have one: `dataKey` names the insight revision and filters.
 */
export function tilePreview(
  ws: Workspace,
  insight: Insight,
  data: InsightData,
  dataKey: string,
  size: { width: number; height: number },
): string | undefined {
  const kind = chartKind(insight);
  if (!kind || !data.version || facetValues(data) || size.width < MIN_PX || size.height < MIN_PX) return undefined;
  const state = previews(ws);
  const key = `${data.version} ${dataKey} ${size.width}x${size.height}`;
  const svg = state.drawn.get(key);
  if (svg !== undefined) {
    state.drawn.delete(key);
    state.drawn.set(key, svg);
    return svg;
  }
  if (!state.waiting.has(key))
    // Exactly what the page draws for a tile (insight-view.tsx): no animation, interactive parts included.
    state.waiting.set(key, () =>
      state.render!(
        chartOption(kind, data, {
          animation: false,
          higherIsBetter: insight.type === 'chart' ? insight.chart?.kpi?.higherIsBetter : undefined,
        }),
        size.width,
        size.height,
      ),
    );
  // The import waits a little: on a server just started, the first dashboard's other requests
  // (and its own drawing in the browser) come first.
  state.loading ??= new Promise<void>((resolve) => setTimeout(resolve, IMPORT_DELAY_MS).unref())
    .then(loadRenderer)
    .then(
      (render) => {
        state.render = render;
        drawWaiting(state);
      },
      // Never fatal: tiles go without pictures (and the next request tries again).
      () => void (state.loading = null),
    );
  drawWaiting(state);
  return undefined;
}
