import { setMaxListeners } from 'node:events';
import type { Principal } from '../catalog/access.js';
import { badRequest, toLlanoError } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { rememberChartSizes } from './chart-sizes-seen.js';
import { checkSharedViewerFilters, dashboardFilterColumns } from './dashboard-filters.js';
import { getDashboard } from './dashboards-service.js';
import { insightData, type DataRequest } from './insight-data.js';
import type { ChartFilter, Dashboard, DashboardData, InsightData, TileError } from './insight-types.js';
import { tilePictures, type PictureSize } from './tile-pictures.js';

const TILES_AT_ONCE = 6;

/**
 * The data of every tile of one page of a dashboard, in one answer: what the dashboard page
 * draws first. One request instead of one per tile (browsers send at most six at a time to a
 * server), each tile through `insightData` and so its cache, computed side by side.
 */
export async function dashboardData(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  request: DataRequest & {
    page?: number;
    /** The size the browser draws each tile's chart at: the answer carries their pictures (tile-pictures.ts). */
    sizes?: Map<string, PictureSize>;
    /** Pictures not drawn yet are drawn at once rather than a second later (`dashboardSizesSeen`). */
    drawSoon?: boolean;
  } = {},
): Promise<DashboardData> {
  const dashboard = await getDashboard(ws, principal, projectKey, id);
  await checkSharedViewerFilters(ws, principal, projectKey, id, request.filters);
  const pageNumber = request.page ?? 1;
  const page = dashboard.pages[pageNumber - 1];
  if (!page) throw badRequest(`page: dashboard ${id} has ${dashboard.pages.length} page(s); asked for ${pageNumber}`);
  const insights = [...new Set(page.tiles.map((t) => t.insight))];
  // Every tile's request listens to the one signal: not a leak.
  if (request.signal) setMaxListeners(insights.length + 10, request.signal);
  const one = async (insight: string): Promise<[string, InsightData | TileError]> => {
    try {
      return [insight, await insightData(ws, principal, projectKey, insight, request)];
    } catch (err) {
      if (request.signal?.aborted) throw err;
      const { code, status, message } = toLlanoError(err);
      return [insight, { error: { code, status, message } }];
    }
  };
  // At most as many tiles at once as a browser asked for before (six connections): with nothing
  // cached, twenty queries over millions of rows at once only compete for the same cores.
  const answers: [string, InsightData | TileError][] = [];
  let next = 0;
  const worker = async () => {
    while (next < insights.length) {
      const at = next++;
      answers[at] = await one(insights[at]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(TILES_AT_ONCE, insights.length) }, worker));
  await refuseUnknownFilters(ws, projectKey, dashboard, request.filters, answers);
  const tiles = Object.fromEntries(answers);
  if (!request.sizes?.size) return { tiles };
  // The page's charts as a browser draws them, unfiltered: the tile warmer draws their pictures
  // at these sizes after the next build (chart-sizes-seen.ts). Only the page's own tiles are kept;
  // not waited for (a changed size is a file written), and a failure only loses the sizes.
  if (!request.filters?.length) {
    const onPage = new Map([...request.sizes].filter(([insight]) => insights.includes(insight)));
    rememberChartSizes(ws, projectKey, id, pageNumber, onPage).catch(() => {});
  }
  return { tiles, pictures: await tilePictures(ws, projectKey, answers, request.sizes, request.drawSoon) };
}

/**
 * A filter on a column that no chart or table tile of the page has, and that the dashboard does not
 * offer (a declared filter or a column a tile of another page draws, which applies there), is a
 * mistake: 400 naming it rather than a page that silently ignores it.
 */
async function refuseUnknownFilters(
  ws: Workspace,
  projectKey: string,
  dashboard: Dashboard,
  filters: ChartFilter[] | undefined,
  answers: [string, InsightData | TileError][],
) {
  // Chart and table answers carry their SQL; text, metric, check and scenario tiles take no filters.
  const filtered = answers.flatMap(([, a]) => ('error' in a || !a.sql ? [] : [a]));
  if (!filters?.length || filtered.length === 0) return;
  const everywhereIgnored = filters
    .map((f) => f.column)
    .filter((c) => filtered.every((a) => a.ignoredFilters?.includes(c)));
  if (everywhereIgnored.length === 0) return;
  const offered = await dashboardFilterColumns(ws, projectKey, dashboard);
  const unknown = [...new Set(everywhereIgnored.filter((c) => !offered.has(c)))];
  if (unknown.length)
    throw badRequest(
      `filter: no column ${unknown.join(', ')} in the datasets of the tiles of dashboard ${dashboard.id} (page filters apply to tiles whose dataset has the column)`,
    );
}

/**
 * A browser has just drawn a page's charts live (it had no sizes to send, or they changed) and
 * tells their sizes: those kept for the tile warmer, and the pictures not drawn yet drawn now,
 * while that browser is idle, so its next visit shows them at once instead of drawing live again.
 */
export async function dashboardSizesSeen(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  page: number,
  sizes: Map<string, PictureSize>,
): Promise<void> {
  await dashboardData(ws, principal, projectKey, id, { page, sizes, drawSoon: true });
}
