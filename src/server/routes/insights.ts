import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseFilters } from '../../engine/table-query.js';
import { dashboardData, dashboardSizesSeen } from '../../insights/dashboard-data.js';
import { parsePictureSizes } from '../../insights/tile-pictures.js';
import { checkSharedViewerFilters } from '../../insights/dashboard-filters.js';
import { exportDashboard } from '../../insights/dashboard-export.js';
import { deleteDashboard, getDashboard, listDashboards, saveDashboard } from '../../insights/dashboards-service.js';
import { insightData, previewInsightData } from '../../insights/insight-data.js';
import { deleteInsight, getInsight, listInsights, saveInsight } from '../../insights/insights-service.js';
import type { Workspace } from '../../workspace/workspace.js';
import { objectRoutes } from '../object-routes.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';
import { tileOfSharedDashboard } from '../shared-read.js';
import { dataAccess } from '../audit-spec.js';

const P = '/api/projects/{key}';
const loose = z.looseObject;
const Body = z.object({ id: z.string() }).passthrough();
const Stored = { projectKey: z.string(), revision: z.number(), updatedAt: z.string(), updatedBy: z.string() };
const Insight = loose({ id: z.string(), name: z.string(), type: z.string(), ...Stored });
const Dashboard = loose({ id: z.string(), name: z.string(), pages: z.array(R.AnyObject), ...Stored });
const InsightData = loose({
  columns: z.array(z.string()),
  roles: z.array(z.string()),
  rows: z.array(z.array(z.unknown())),
  sampled: z.boolean(),
  truncated: z.boolean(),
  sql: z.string(),
  version: z.string().nullable(),
});
/** `filters` as the table query language writes them (`band:in:3|6`), repeated; `filter` is read too. */
const FilterQuery = z.object({
  filters: z.union([z.string(), z.array(z.string())]).optional(),
  filter: z.union([z.string(), z.array(z.string())]).optional(),
  dashboard: z
    .string()
    .optional()
    .describe('The dashboard this insight is a tile of: lets viewers it is shared with (non-members) read it'),
});
const filtersOf = (q: z.infer<typeof FilterQuery>) => [...parseFilters(q.filters), ...parseFilters(q.filter)];
const SizesSeenBody = z.object({
  page: z.number().int().min(1).max(20).default(1).describe('The page of the dashboard'),
  sizes: z.string().max(8000).describe("The size of each tile's chart, `insight:WIDTHxHEIGHT` comma-separated"),
});
const PageDataQuery = FilterQuery.omit({ dashboard: true }).extend({
  page: z.coerce.number().int().min(1).max(20).optional().describe('The page of the dashboard (default 1)'),
  sizes: z
    .string()
    .max(8000)
    .optional()
    .describe(
      "The size of each tile's chart in the browser, `insight:WIDTHxHEIGHT` comma-separated: the answer carries the charts drawn as SVG at those sizes (`pictures`)",
    ),
});
const Picture = z.object({ svg: z.string(), width: z.number(), height: z.number() });
const TileError = z.object({ error: z.object({ code: z.string(), status: z.number(), message: z.string() }) });
const ExportQuery = FilterQuery.extend({
  format: z.enum(['png', 'pdf']).default('png'),
  page: z.coerce.number().int().min(1).optional(),
});

export function insightRoutes(app: FastifyInstance, ws: Workspace): void {
  objectRoutes(
    app,
    ws,
    {
      kind: 'insight',
      plural: 'insights',
      tag: 'insights',
      nameField: 'id',
      writeRight: 'manage-dashboards',
      sharedGet: tileOfSharedDashboard,
      body: Body,
      item: Insight,
      summaries: {
        list: 'Insights of the project (charts, tables, metric and check tiles, scenario strips, text)',
        create: 'Create an insight (its dataset must exist; columns are checked when it runs)',
        get: 'One insight',
        replace: 'Replace an insight (a new revision)',
        remove: 'Delete an insight (its history stays)',
      },
    },
    { list: listInsights, get: getInsight, save: saveInsight, remove: deleteInsight },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/insights/{id}/data`,
      summary:
        'The rows an insight draws, aggregated in the engine, with the SQL that made them (cached per dataset version and filters)',
      tag: 'insights',
      query: FilterQuery,
      access: 'reader',
      shared: tileOfSharedDashboard,
      response: { 200: InsightData },
      audit: dataAccess('insight.read'),
    },
    async ({ principal, params, query, signal }) => {
      const filters = filtersOf(query);
      // A viewer of the shared dashboard (the access hook checked the tile is one of it) filters as on its page.
      if (query.dashboard) await checkSharedViewerFilters(ws, principal, params.key, query.dashboard, filters);
      return insightData(ws, principal, params.key, params.id, { filters, signal });
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/insights/preview`,
      summary: 'The rows of an unsaved chart or table insight (the chart builder’s live preview)',
      tag: 'insights',
      body: Body,
      access: 'reader',
      response: { 200: InsightData },
      audit: { action: 'insight.preview', category: 'access' },
    },
    async ({ principal, params, body, signal }) => previewInsightData(ws, principal, params.key, body, { signal }),
  );
  objectRoutes(
    app,
    ws,
    {
      kind: 'dashboard',
      plural: 'dashboards',
      tag: 'insights',
      nameField: 'id',
      writeRight: 'manage-dashboards',
      sharedGet: (params) => ({ kind: 'dashboard', name: params.id }),
      body: Body,
      item: Dashboard,
      summaries: {
        list: 'Dashboards of the project',
        create: 'Create a dashboard: pages of insight tiles on a 24-column grid, and dashboard filters',
        get: 'One dashboard',
        replace: 'Replace a dashboard (a new revision)',
        remove: 'Delete a dashboard (its insights and history stay)',
      },
    },
    { list: listDashboards, get: getDashboard, save: saveDashboard, remove: deleteDashboard },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/dashboards/{id}/data`,
      summary:
        'The data of every tile of one page of a dashboard in one answer, by insight id (a tile that fails has its error instead)',
      tag: 'insights',
      query: PageDataQuery,
      access: 'reader',
      shared: (params) => ({ kind: 'dashboard', name: params.id }),
      response: {
        200: z.object({
          tiles: z.record(z.string(), z.union([InsightData, TileError])),
          pictures: z.record(z.string(), Picture).optional(),
        }),
      },
      audit: dataAccess('dashboard.read'),
    },
    async ({ principal, params, query, signal }) =>
      dashboardData(ws, principal, params.key, params.id, {
        filters: filtersOf(query),
        page: query.page,
        sizes: query.sizes === undefined ? undefined : parsePictureSizes(query.sizes),
        signal,
      }),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/dashboards/{id}/sizes`,
      summary:
        "The size each chart of a dashboard page was just drawn at in a browser: the server draws the charts' pictures at those sizes now, for the next visit",
      tag: 'insights',
      body: SizesSeenBody,
      access: 'reader',
      response: { 204: null },
    },
    async ({ principal, params, body }) => {
      await dashboardSizesSeen(ws, principal, params.key, params.id, body.page, parsePictureSizes(body.sizes));
      return undefined;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/dashboards/{id}/export`,
      summary: 'The dashboard rendered in headless Chromium: a PNG of one page or a PDF of every page (or of `page`)',
      tag: 'insights',
      query: ExportQuery,
      raw: true,
      access: 'reader',
      right: 'export-data',
      // Named so that a viewer of the shared dashboard hears that exporting is a member's right (403), not 404.
      shared: (params) => ({ kind: 'dashboard', name: params.id }),
      audit: dataAccess('dashboard.export'),
      response: { 200: { description: 'The rendered file', content: { 'image/png': null, 'application/pdf': null } } },
    },
    async ({ principal, params, query, reply, signal }) => {
      const file = await exportDashboard(ws, principal, params.key, params.id, {
        format: query.format,
        page: query.page,
        filters: filtersOf(query),
        signal,
      });
      void reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`);
      return reply.send(file.body);
    },
  );
}
