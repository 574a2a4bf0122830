/**
 * Insight data → an ECharts option, JSON only (no functions), so the same option is drawn by the
 * web UI and by the server-side export in headless Chromium. Node-free: the web UI imports it.
 */
import {
  axisNameFit,
  categoryAxis,
  kpiHeightFit,
  valueAxisFit,
  fitted,
  kpiFit,
  PIE_PLACE,
  PIE_RADIUS,
  pieFit,
  pieLegend,
  topLegend,
  topLegendFit,
  truncated,
} from './chart-fit.js';
import type { ChartKind, InsightData } from './insight-types.js';

export type EChartsOption = Record<string, unknown>;

/** Above this many points a scatter series is drawn in ECharts' large mode. */
export const LARGE_SCATTER = 200;

/** A value as a chart labels it (a category, a series, a facet): null reads `(null)`. */
export const label = (v: unknown) =>
  v === null || v === undefined
    ? '(null)'
    : typeof v === 'object'
      ? JSON.stringify(v)
      : `${v as string | number | boolean}`;
const num = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));

function column(data: InsightData, role: string): number {
  return data.roles.indexOf(role);
}

/**
 * The plot's box: axis labels and names kept inside it (ECharts 6's outer bounds; `containLabel`
 * left axis names out, and a scatter's were cut), with room at the top for a legend or toolbox.
 */
const GRID = { left: 8, right: 16, top: 28, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' };
/** The legend's room on the right of time series: the brush toolbox sits in the top-right corner. */
const TOOLBOX_ROOM = 72;

/** Distinct values of a column in first-seen order. */
function distinct(rows: unknown[][], at: number): string[] {
  const seen = new Set<string>();
  for (const r of rows) seen.add(label(r[at]));
  return [...seen];
}

/**
 * The formats of `formatNumber`, made once: `toLocaleString` with options builds a new
 * Intl.NumberFormat at each call, which was most of the option building of a dashboard's
 * histograms (two numbers per bin label; bench/dashboards.ts with BENCH_PROFILE=1).
 */
const DIGITS = [1, 2, 3].map((maximumFractionDigits) => new Intl.NumberFormat('en-US', { maximumFractionDigits }));

export function formatNumber(v: unknown): string {
  const n = num(v);
  if (n === null || Number.isNaN(n)) return label(v);
  if (Math.abs(n) >= 1e6) return `${DIGITS[1].format(n / 1e6)} M`;
  return DIGITS[Math.abs(n) < 10 ? 2 : 0].format(n);
}

/** Rows of one facet value (all rows when the chart has no facet). */
export function facetValues(data: InsightData): string[] | null {
  const at = column(data, 'facet');
  return at < 0 ? null : distinct(data.rows, at);
}

export function rowsOfFacet(data: InsightData, facet: string | null): InsightData {
  const at = column(data, 'facet');
  if (at < 0 || facet === null) return data;
  return { ...data, rows: data.rows.filter((r) => label(r[at]) === facet) };
}

/** The categories of x as the chart labels them: bins read `start – end`. */
function xLabels(data: InsightData): string[] {
  const x = column(data, 'x');
  const end = column(data, 'x_end');
  return data.rows.map((r) =>
    end >= 0 && r[x] !== null ? `${formatNumber(r[x])} – ${formatNumber(r[end])}` : label(r[x]),
  );
}

function categorySeries(kind: ChartKind, data: InsightData): EChartsOption {
  const x = column(data, 'x');
  const color = column(data, 'color');
  const measures = data.roles.flatMap((r, i) => (r === 'y' ? [i] : []));
  const stack = kind === 'stacked_bar' || kind === 'area' ? 'total' : undefined;
  const type = kind === 'line' || kind === 'area' ? 'line' : 'bar';
  const extra = { ...(kind === 'area' ? { areaStyle: {} } : {}), ...(type === 'line' ? { showSymbol: false } : {}) };
  if (color < 0) {
    const categories = xLabels(data);
    return {
      xAxis: categoryAxis(categories),
      yAxis: { type: 'value' },
      series: measures.map((m) => ({
        type,
        name: data.columns[m],
        stack,
        data: data.rows.map((r) => num(r[m])),
        ...extra,
      })),
    };
  }
  const categories = distinct(data.rows, x);
  const groups = distinct(data.rows, color);
  const m = measures[0];
  const cell = new Map<string, number | null>();
  for (const r of data.rows) cell.set(`${label(r[x])}\u0000${label(r[color])}`, num(r[m]));
  return {
    xAxis: categoryAxis(categories),
    yAxis: { type: 'value' },
    series: groups.map((g) => ({
      type,
      name: g,
      stack,
      data: categories.map((c) => cell.get(`${c}\u0000${g}`) ?? null),
      ...extra,
    })),
  };
}

/** Series with more points than this get a zoom slider under the axis. */
const ZOOM_FROM_POINTS = 24;

/**
 * Zoom (wheel, pinch and a slider) and a range brush for lines and areas over an ordered x, the
 * time series of dashboards: dragging selects a range, which becomes a page filter (`rangeOfBrush`).
 */
function zoomAndBrush(body: EChartsOption, points: number): EChartsOption {
  const slider = points > ZOOM_FROM_POINTS;
  return {
    ...body,
    dataZoom: slider
      ? [
          { type: 'inside', xAxisIndex: 0, moveOnMouseMove: false },
          { type: 'slider', xAxisIndex: 0, height: 16, bottom: 4 },
        ]
      : [{ type: 'inside', xAxisIndex: 0, moveOnMouseMove: false }],
    brush: { xAxisIndex: 0, brushType: 'lineX', brushMode: 'single', throttleType: 'debounce', throttleDelay: 300 },
    toolbox: {
      right: 8,
      itemSize: 14,
      feature: { brush: { type: ['lineX', 'clear'], title: { lineX: 'Select a range', clear: 'Clear the range' } } },
    },
    ...(slider ? { grid: { ...GRID, bottom: 44 } } : {}),
  };
}

/** One end of a brushed range, as a filter value. */
export type RangeBound = string | number | boolean;
const bound = (v: unknown): RangeBound =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : label(v);

/**
 * The x range a brush covers, as a filter: from the first brushed point's x, up to (not
 * including) the x after the last brushed point — so a range of daily bins keeps whole days.
 * `to` is null when the brush reaches the last point. Null when x is not a column of the data.
 */
export function rangeOfBrush(
  data: InsightData,
  [first, last]: [number, number],
): { from: RangeBound; to: RangeBound | null; toInclusive: boolean } | null {
  const x = column(data, 'x');
  if (x < 0 || data.rows.length === 0) return null;
  // The axis's categories: one per distinct x, in order (several rows share one with a colour dimension).
  const seen = new Set<string>();
  const points = data.rows.filter((r) => !seen.has(label(r[x])) && seen.add(label(r[x])));
  const start = Math.max(0, Math.min(Math.round(first), points.length - 1));
  const end = Math.max(start, Math.min(Math.round(last), points.length - 1));
  const xEnd = column(data, 'x_end');
  const from = bound(points[start][x]);
  if (xEnd >= 0) return { from, to: bound(points[end][xEnd]), toInclusive: false };
  const next = points[end + 1];
  return next ? { from, to: bound(next[x]), toInclusive: false } : { from, to: null, toInclusive: true };
}

/** The ECharts option of a chart of `kind` drawing `data`; `interactive: false` (exports) leaves out zoom and brush. */
export function chartOption(
  kind: ChartKind,
  data: InsightData,
  options: { animation?: boolean; interactive?: boolean; higherIsBetter?: boolean; donut?: boolean } = {},
): EChartsOption {
  const base: EChartsOption = {
    animation: options.animation ?? true,
    tooltip: { trigger: kind === 'pie' || kind === 'scatter' || kind === 'heatmap' ? 'item' : 'axis' },
    grid: GRID,
  };
  switch (kind) {
    case 'bar':
    case 'stacked_bar':
    case 'grouped_bar':
    case 'line':
    case 'area':
    case 'histogram': {
      const body = categorySeries(kind, data);
      const many = (body.series as unknown[]).length > 1;
      const timeSeries = (kind === 'line' || kind === 'area') && options.interactive !== false;
      const right = timeSeries ? TOOLBOX_ROOM : 8;
      const names = (body.series as { name: string }[]).map((s) => s.name);
      const fit = fitted(many ? (width) => topLegendFit(names, width, right) : null, valueAxisFit);
      const chart = { ...base, ...body, ...(many ? { legend: topLegend(right) } : {}), ...fit };
      return timeSeries ? zoomAndBrush(chart, data.rows.length) : chart;
    }
    case 'pie': {
      const x = column(data, 'x');
      const m = data.roles.indexOf('y');
      return {
        ...base,
        legend: pieLegend,
        ...fitted(pieFit),
        series: [
          {
            type: 'pie',
            ...PIE_PLACE,
            ...(options.donut === false ? { radius: PIE_RADIUS } : {}),
            // The legend names the slices; labels around the pie had no room on a tile.
            label: { show: false },
            data: data.rows.map((r) => ({ name: label(r[x]), value: num(r[m]) })),
          },
        ],
      };
    }
    case 'scatter': {
      const x = column(data, 'x');
      const y = column(data, 'y');
      const color = column(data, 'color');
      const groups = color < 0 ? [null] : distinct(data.rows, color);
      return {
        ...base,
        ...(color >= 0 ? { legend: topLegend() } : {}),
        ...fitted(
          (width) => ({ ...axisNameFit.x(width), ...(color >= 0 ? topLegendFit(groups as string[], width) : {}) }),
          axisNameFit.y,
        ),
        grid: { ...GRID, top: 8 },
        // Names along the middle of their axis, where a long one has the axis's length.
        xAxis: { type: 'value', scale: true, name: data.columns[x], nameLocation: 'middle', nameGap: 24 },
        yAxis: { type: 'value', scale: true, name: data.columns[y], nameLocation: 'middle', nameGap: 32 },
        series: groups.map((g) => ({
          type: 'scatter',
          name: g ?? data.columns[y],
          symbolSize: 4,
          // Points drawn as one path, not one element each: 2,000 separate points took over half of a
          // 20-tile dashboard's drawing (bench/dashboards.ts with BENCH_PROFILE=1).
          large: true,
          largeThreshold: LARGE_SCATTER,
          data: data.rows.filter((r) => g === null || label(r[color]) === g).map((r) => [num(r[x]), num(r[y])]),
        })),
      };
    }
    case 'heatmap': {
      const x = column(data, 'x');
      const row = column(data, 'color');
      const m = data.roles.indexOf('y');
      const xs = distinct(data.rows, x);
      const ys = distinct(data.rows, row);
      const values = data.rows.map((r) => num(r[m]) ?? 0);
      return {
        ...base,
        xAxis: categoryAxis(xs),
        yAxis: { type: 'category', data: ys, axisLabel: truncated(110) },
        visualMap: {
          min: values.length ? Math.min(...values) : 0,
          max: values.length ? Math.max(...values) : 1,
          calculable: true,
          orient: 'horizontal',
          left: 'center',
          bottom: 0,
        },
        grid: { ...(base.grid as object), bottom: 56 },
        series: [
          {
            type: 'heatmap',
            data: data.rows.map((r) => [xs.indexOf(label(r[x])), ys.indexOf(label(r[row])), num(r[m])]),
          },
        ],
      };
    }
    case 'box': {
      const x = column(data, 'x');
      const at = ['min', 'q1', 'median', 'q3', 'max'].map((r) => data.roles.indexOf(r));
      const boxes = x < 0 ? ['all'] : data.rows.map((r) => label(r[x]));
      return {
        ...base,
        ...fitted(null, valueAxisFit),
        xAxis: categoryAxis(boxes),
        yAxis: { type: 'value', scale: true },
        series: [{ type: 'boxplot', data: data.rows.map((r) => at.map((i) => num(r[i]))) }],
      };
    }
    case 'kpi':
      return kpiOption(data, base, options.higherIsBetter ?? true);
  }
}

/**
 * The KPI's figures: with a time column and period, the engine's current and previous period
 * values and change; otherwise the last value and its change from the one before (when x makes a series).
 */
export function kpiFigures(data: InsightData): { value: unknown; previous: unknown; change: number | null } {
  const current = data.roles.indexOf('current');
  if (current >= 0) {
    const first = data.rows[0];
    const change = first ? num(first[data.roles.indexOf('change')]) : null;
    return {
      value: first?.[current] ?? null,
      previous: first?.[data.roles.indexOf('previous')] ?? null,
      change: change === null || !Number.isFinite(change) ? null : change,
    };
  }
  const m = data.roles.indexOf('y');
  const last = data.rows[data.rows.length - 1]?.[m] ?? null;
  const previous = data.rows.length > 1 ? data.rows[data.rows.length - 2][m] : null;
  const a = num(last);
  const b = num(previous);
  return { value: last, previous, change: a !== null && b !== null && b !== 0 ? (a - b) / Math.abs(b) : null };
}

function kpiOption(data: InsightData, base: EChartsOption, higherIsBetter: boolean): EChartsOption {
  const { value, change } = kpiFigures(data);
  const m = data.roles.indexOf('y');
  const subtext =
    change === null ? data.columns[m] : `${change >= 0 ? '▲' : '▼'} ${(change * 100).toFixed(1)} % vs previous`;
  const good = change !== null && (higherIsBetter ? change >= 0 : change <= 0);
  return {
    ...base,
    ...fitted(kpiFit, data.rows.length > 1 ? kpiHeightFit : null),
    tooltip: { show: false },
    title: {
      text: value === null || value === undefined ? '—' : formatNumber(value),
      subtext,
      left: 'center',
      top: '10%',
      textStyle: { fontSize: 36 },
      subtextStyle: { fontSize: 14, color: change === null ? '#666' : good ? '#1a7f37' : '#cf222e' },
    },
    grid: { left: 8, right: 8, top: '62%', bottom: 8 },
    xAxis: { type: 'category', show: false, data: data.rows.map((_, i) => i) },
    yAxis: { type: 'value', show: false, scale: true },
    series:
      data.rows.length > 1
        ? [{ type: 'line', showSymbol: false, areaStyle: { opacity: 0.15 }, data: data.rows.map((r) => num(r[m])) }]
        : [],
  };
}
