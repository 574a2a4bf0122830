import type { Principal } from '../catalog/access.js';
import { storedInfo, withoutStoredFields } from '../catalog/object-stamp.js';
import type { StoredObject } from '../catalog/objects.js';
import { checkSharing } from '../catalog/sharing.js';
import { badRequest } from '../common/errors.js';
import { overlappingTiles } from './tile-layout.js';
import { parseOr400 } from '../common/parse.js';
import type { Workspace } from '../workspace/workspace.js';
import { DashboardSchema } from './insight-schema.js';
import type { Dashboard, DashboardInfo } from './insight-types.js';
import { forgetDashboardSizes } from './chart-sizes-seen.js';
import { INSIGHT_KIND } from './insights-service.js';

/** The object kind of dashboards in the versioned object store. */
export const DASHBOARD_KIND = 'dashboard';

const info = (stored: StoredObject<Dashboard>): DashboardInfo => storedInfo(stored);

export async function listDashboards(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
): Promise<DashboardInfo[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return (await ws.catalog.objects.list<Dashboard>(projectKey, DASHBOARD_KIND)).map(info);
}

export async function getDashboard(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<DashboardInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const dashboard = info(await ws.catalog.objects.require<Dashboard>(projectKey, DASHBOARD_KIND, id));
  // Whom else it is shared with is for the project's members to know, not for a viewer it is shared with.
  return principal.sharedView ? { ...dashboard, sharing: undefined } : dashboard;
}

/** Creates or replaces a dashboard (writer): every tile must name an insight of the project. */
export async function saveDashboard(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
): Promise<DashboardInfo> {
  await ws.catalog.projects.authorizeRight(principal, projectKey, 'manage-dashboards');
  const dashboard = parseOr400(DashboardSchema, withoutStoredFields(input), 'dashboard');
  dashboard.sharing = await checkSharing(ws.catalog.db, dashboard.sharing);
  if (!dashboard.sharing) delete dashboard.sharing;
  const insights = new Set((await ws.catalog.objects.list(projectKey, INSIGHT_KIND)).map((o) => o.name));
  dashboard.pages.forEach((page, p) =>
    page.tiles.forEach((tile, t) => {
      if (!insights.has(tile.insight))
        throw badRequest(`pages.${p}.tiles.${t}.insight: no insight ${tile.insight} in project ${projectKey}`);
      if (tile.x + tile.w > 24) throw badRequest(`pages.${p}.tiles.${t}: x + w is at most 24 (the grid's width)`);
    }),
  );
  dashboard.pages.forEach((page, p) => {
    const overlaps = overlappingTiles(page.tiles);
    if (overlaps.length)
      throw badRequest(
        `pages.${p}.tiles: tiles overlap (${overlaps
          .map(([a, b]) => `${a} (${page.tiles[a].insight}) and ${b} (${page.tiles[b].insight})`)
          .join('; ')}); place them apart`,
      );
  });
  const stored = await ws.catalog.saveObject({
    projectKey,
    kind: DASHBOARD_KIND,
    name: dashboard.id,
    body: dashboard,
    author: principal.username,
    ...options,
  });
  return info(stored);
}

export async function deleteDashboard(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<void> {
  await ws.catalog.projects.authorizeRight(principal, projectKey, 'manage-dashboards');
  await ws.catalog.objects.delete({ projectKey, kind: DASHBOARD_KIND, name: id, author: principal.username });
  await forgetDashboardSizes(ws, projectKey, id);
}
