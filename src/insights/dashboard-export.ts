import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import { currentVersion } from '../datasets/versions.js';
import type { Workspace } from '../workspace/workspace.js';
import { formatNumber } from './chart-options.js';
import { cellColor, formatCell } from './table-format.js';
import { getDashboard } from './dashboards-service.js';
import { exportBrowser } from './export-browser.js';
import { EXPORT_HEADER_PX, escapeHtml, HEADER_STYLE, headerHtml, type ExportHeader } from './export-header.js';
import { insightData } from './insight-data.js';
import type { ChartFilter, DashboardPage, Insight, InsightData, TableSpec } from './insight-types.js';
import { getInsight } from './insights-service.js';
import { markdownToHtml } from './markdown.js';
import { chartKindOf, insightChartOption } from './tile-chart.js';

export type ExportFormat = 'png' | 'pdf';

export interface ExportRequest {
  format: ExportFormat;
  /** 1-based; a PNG shows one page (the first by default), a PDF every page unless one is named. */
  page?: number;
  filters?: ChartFilter[];
  signal?: AbortSignal;
  /** When the export is made, as its header prints it (now by default). */
  now?: Date;
}

export interface ExportedFile {
  body: Buffer;
  contentType: string;
  fileName: string;
}

const WIDTH = 1280;
const ROW_PX = 40;
const GAP = 8;

/** JSON inside a <script> element: `</` must not close it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function tableHtml(data: InsightData, spec: TableSpec = {}): string {
  const head = data.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const cell = (v: unknown, column: string) => {
    const pattern = spec.formats?.[column];
    const text = pattern ? formatCell(v, pattern) : typeof v === 'number' ? formatNumber(v) : formatCell(v);
    const color = cellColor(column, v, spec.highlight);
    return `<td${color ? ` style="background:${escapeHtml(color)}"` : ''}>${escapeHtml(text)}</td>`;
  };
  const rows = data.rows
    .slice(0, 200)
    .map((r) => `<tr>${r.map((v, i) => cell(v, data.columns[i])).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function statusHtml(data: InsightData): string {
  const status = data.roles.indexOf('status');
  return `<div class="statuses">${data.rows
    .map(
      (r) =>
        `<span class="status s-${escapeHtml(String(r[status]).toLowerCase())}" title="${escapeHtml(String(r[0]))}">${escapeHtml(String(r[0]))}: ${escapeHtml(String(r[status]))}</span>`,
    )
    .join('')}</div>`;
}

/**
 * A webapp tile in an export: a placeholder naming the app and where it is served. Its pages are
 * interactive and load their own data after they open, so a static export cannot know when one
 * has finished drawing; the placeholder says so rather than freezing a half-drawn page.
 */
function webappPlaceholder(insight: Insight, projectKey: string): string {
  const url = `/webapps/${projectKey}/${insight.webapp ?? ''}/`;
  return `<div class="webapp"><strong>Webapp ${escapeHtml(insight.webapp ?? '')}</strong><span>Interactive: open it at ${escapeHtml(url)}</span></div>`;
}

/** One tile's inner HTML, and the ECharts option it draws (when it is a chart). */
function tileBody(insight: Insight, data: InsightData | Error, projectKey: string): { html: string; option?: unknown } {
  if (data instanceof Error) return { html: `<p class="error">${escapeHtml(data.message)}</p>` };
  switch (insight.type) {
    case 'text':
      return { html: `<div class="text">${markdownToHtml(insight.text ?? '')}</div>` };
    case 'chart':
    case 'metric':
      // The tile's own chart (small multiples laid out inside it), without zoom or brush.
      return {
        html: '',
        option: insightChartOption(chartKindOf(insight), data, {
          asTile: true,
          interactive: false,
          higherIsBetter: insight.chart?.kpi?.higherIsBetter,
          donut: insight.chart?.donut,
        }),
      };
    case 'check':
    case 'scenario':
      return { html: statusHtml(data) };
    case 'table':
      return { html: tableHtml(data, insight.table) };
    case 'webapp':
      return { html: webappPlaceholder(insight, projectKey) };
  }
}

async function pageHtml(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  page: DashboardPage,
  request: ExportRequest & { dashboard: string },
  charts: unknown[],
): Promise<{ html: string; height: number }> {
  let rows = 1;
  const tiles: string[] = [];
  const versions = new Map<string, string>();
  for (const tile of page.tiles) {
    rows = Math.max(rows, tile.y + tile.h);
    const insight = await getInsight(ws, principal, projectKey, tile.insight);
    const data = await insightData(ws, principal, projectKey, tile.insight, {
      filters: request.filters,
      signal: request.signal,
    }).catch((e: Error) => e);
    const body = tileBody(insight, data, projectKey);
    if (!(data instanceof Error) && data.version && insight.dataset && !versions.has(insight.dataset)) {
      const version = await currentVersion(ws, projectKey, insight.dataset);
      if (version?.id === data.version) versions.set(insight.dataset, version.createdAt);
    }
    let inner = body.html;
    if (body.option) {
      charts.push(body.option);
      inner = `<div class="chart" data-chart="${charts.length - 1}"></div>`;
    }
    const style = `grid-column:${tile.x + 1} / span ${tile.w};grid-row:${tile.y + 1} / span ${tile.h}`;
    tiles.push(
      `<div class="tile" style="${style}"><h3>${escapeHtml(tile.title ?? insight.name)}</h3><div class="body">${inner}</div></div>`,
    );
  }
  const header: ExportHeader = {
    dashboard: request.dashboard,
    page: page.title,
    filters: request.filters ?? [],
    exportedAt: request.now ?? new Date(),
    versions: [...versions].map(([dataset, createdAt]) => ({ dataset, createdAt })),
  };
  return {
    html: `<section class="page">${headerHtml(header)}<div class="grid">${tiles.join('')}</div></section>`,
    // The page's padding, its header, then the grid's rows.
    height: 32 + EXPORT_HEADER_PX + 12 + rows * (ROW_PX + GAP),
  };
}

const STYLE = `
body{margin:0;font:13px system-ui,sans-serif;color:#1f2328;background:#fff}
.page{width:${WIDTH}px;padding:16px;box-sizing:border-box;break-after:page}
${HEADER_STYLE}
.grid{display:grid;grid-template-columns:repeat(24,1fr);grid-auto-rows:${ROW_PX}px;gap:${GAP}px}
.tile{border:1px solid #d0d7de;border-radius:6px;padding:8px;display:flex;flex-direction:column;overflow:hidden;background:#fff}
.tile h3{margin:0 0 4px;font-size:13px}
.body{flex:1;min-height:0;overflow:hidden}
.chart{width:100%;height:100%}
table{border-collapse:collapse;font-size:12px}td,th{border-bottom:1px solid #eee;padding:2px 6px;text-align:left}
.statuses{display:flex;flex-wrap:wrap;gap:4px}.status{padding:2px 6px;border-radius:4px;background:#eee}
.s-success,.s-ok{background:#dafbe1}.s-warning{background:#fff8c5}.s-failed,.s-error{background:#ffebe9}
.error{color:#cf222e}
.webapp{height:100%;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:4px;border:1px dashed #8c959f;border-radius:4px;background:#f6f8fa;color:#57606a}`;

/**
 * The HTML page an export prints, with the height of its tallest dashboard page: each page under
 * a header naming the dashboard, the page, the filters applied, when it was exported and the
 * dates of the data versions drawn.
 */
export async function dashboardExportHtml(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  request: ExportRequest,
): Promise<{ html: string; height: number; fileName: string }> {
  await ws.catalog.projects.authorizeRight(principal, projectKey, 'export-data');
  const dashboard = await getDashboard(ws, principal, projectKey, id);
  if (request.page !== undefined && (request.page < 1 || request.page > dashboard.pages.length))
    throw badRequest(`page: dashboard ${id} has pages 1 to ${dashboard.pages.length}`);
  const pages =
    request.page !== undefined
      ? [dashboard.pages[request.page - 1]]
      : request.format === 'png'
        ? [dashboard.pages[0]]
        : dashboard.pages;
  const charts: unknown[] = [];
  const rendered = [];
  const exporting = { ...request, dashboard: dashboard.name, now: request.now ?? new Date() };
  for (const page of pages) rendered.push(await pageHtml(ws, principal, projectKey, page, exporting, charts));
  const height = Math.max(...rendered.map((r) => r.height));
  const echarts = await readFile(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'), 'utf8');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(dashboard.name)}</title>
<style>${STYLE}.page{min-height:${height}px}</style></head><body>${rendered.map((r) => r.html).join('')}
<script>${echarts}</script>
<script type="application/json" id="charts">${scriptJson(charts)}</script>
<script>
const options = JSON.parse(document.getElementById('charts').textContent);
for (const el of document.querySelectorAll('.chart')) echarts.init(el, null, { renderer: 'canvas' }).setOption(options[Number(el.dataset.chart)]);
window.__ready = true;
</script></body></html>`;
  const fileName = `${dashboard.id}${request.page ? `-page${request.page}` : ''}.${request.format}`;
  return { html, height, fileName };
}

/**
 * A dashboard rendered server-side in headless Chromium: its tiles' data computed with the
 * caller's rights, drawn by the same ECharts options as the web UI, and returned as a PNG of
 * one page or a PDF with one PDF page per dashboard page.
 */
export async function exportDashboard(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  request: ExportRequest,
): Promise<ExportedFile> {
  const { html, height, fileName } = await dashboardExportHtml(ws, principal, projectKey, id, request);
  const browser = await exportBrowser(ws);
  const page = await browser.newPage({ viewport: { width: WIDTH, height: Math.min(height, 4000) } });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    await page.waitForFunction('window.__ready === true', undefined, { timeout: 30_000 });
    if (request.format === 'png')
      return { body: await page.screenshot({ type: 'png', fullPage: true }), contentType: 'image/png', fileName };
    return {
      body: await page.pdf({ width: `${WIDTH}px`, height: `${height}px`, printBackground: true }),
      contentType: 'application/pdf',
      fileName,
    };
  } finally {
    await page.close();
  }
}
