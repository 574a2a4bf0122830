import type { Principal } from '../catalog/access.js';
import { forbidden } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { DASHBOARD_KIND } from './dashboards-service.js';
import type { ChartFilter, Dashboard, Dimension, Insight } from './insight-types.js';
import { INSIGHT_KIND } from './insights-service.js';

/**
 * The columns a dashboard offers to filter on: its declared filters (the filter bar) and the
 * dimensions its tiles draw on any page (a clicked bar or a brushed range filters on those, and
 * such cross-filters stay when the page changes).
 */
export async function dashboardFilterColumns(
  ws: Workspace,
  projectKey: string,
  dashboard: Dashboard,
): Promise<Set<string>> {
  const columns = new Set(dashboard.filters.map((f) => f.column));
  const tiles = new Set(dashboard.pages.flatMap((p) => p.tiles.map((t) => t.insight)));
  for (const { name, body } of await ws.catalog.objects.list<Insight>(projectKey, INSIGHT_KIND)) {
    if (!tiles.has(name)) continue;
    const drawn: (Dimension | undefined)[] = [
      body.chart?.x,
      body.chart?.color,
      body.chart?.facet,
      ...(body.table?.groupBy ?? []),
    ];
    for (const d of drawn) if (d) columns.add(d.column);
  }
  return columns;
}

/**
 * A viewer the dashboard is shared with (not a project member) filters on the columns it offers
 * only: any other filter would let them recover values row by row from the tiles' aggregates.
 * Members (readers too: they read the datasets themselves) filter on any column.
 */
export async function checkSharedViewerFilters(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dashboardId: string,
  filters: ChartFilter[] | undefined,
): Promise<void> {
  if (!principal.sharedView || !filters?.length) return;
  const dashboard = (await ws.catalog.objects.require<Dashboard>(projectKey, DASHBOARD_KIND, dashboardId)).body;
  const offered = await dashboardFilterColumns(ws, projectKey, dashboard);
  const refused = [...new Set(filters.map((f) => f.column).filter((c) => !offered.has(c)))];
  if (refused.length)
    throw forbidden(
      `filter: dashboard ${dashboardId} is shared with you to filter on ${[...offered].join(', ') || 'nothing'}; ` +
        `not on ${refused.join(', ')}`,
    );
}
