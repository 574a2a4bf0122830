/**
 * Insights and dashboards as the API returns them. Node-free (types and constants), so the web
 * UI imports them too.
 */
import type { ObjectShare } from '../catalog/share-types.js';

export const INSIGHT_TYPES = ['chart', 'table', 'metric', 'check', 'scenario', 'text', 'webapp'] as const;
export type InsightType = (typeof INSIGHT_TYPES)[number];

export const CHART_KINDS = [
  'bar',
  'stacked_bar',
  'grouped_bar',
  'line',
  'area',
  'scatter',
  'histogram',
  'box',
  'heatmap',
  'pie',
  'kpi',
] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export const AGGREGATIONS = [
  'count',
  'count_distinct',
  'sum',
  'avg',
  'min',
  'max',
  'median',
  'quantile',
  'stddev',
] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const BIN_METHODS = ['none', 'auto', 'width', 'count'] as const;
export const TIME_UNITS = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

/** How a dimension's values are grouped: numbers into bins, dates truncated to a unit. */
export interface Binning {
  method: (typeof BIN_METHODS)[number];
  /** Bin width of numbers (method `width`). */
  width?: number;
  /** Number of bins (method `count`; `auto` picks 20 for numbers). */
  count?: number;
  /** Date unit (dates and timestamps; `auto` picks one from the range). */
  unit?: TimeUnit;
}

export interface Dimension {
  column: string;
  bin?: Binning;
}

export interface Measure {
  /** Not needed for `count` (counts rows). */
  column?: string;
  agg: Aggregation;
  /** The quantile of `quantile`, between 0 and 1. */
  q?: number;
  /** The column name of the answer; default e.g. `avg(trec)`. */
  label?: string;
}

/** The column name of a measure's answer: its label, else e.g. `avg(trec)`, `p90(trec)`, `count`. */
export const measureLabel = (m: Measure) =>
  m.label ??
  (m.agg === 'count' && !m.column
    ? 'count'
    : `${m.agg === 'quantile' ? `p${Math.round((m.q ?? 0.5) * 100)}` : m.agg}(${m.column})`);

export interface ChartFilter {
  column: string;
  op: string;
  value?: string;
  values?: string[];
}

/** Scatter points drawn by default; above it the engine samples. */
export const DEFAULT_POINT_BUDGET = 5_000;
export const MAX_POINT_BUDGET = 50_000;
/** Bins of an `auto` or `count` binning that names no count. */
export const AUTO_BINS = 20;
/** Periods a KPI's sparkline shows when the spec names no `points`. */
export const KPI_POINTS = 12;

/** Small multiples drawn by default, and at most (a 3 × 4 grid still reads on a tile). */
export const DEFAULT_FACETS = 6;
export const MAX_FACETS = 12;

/** Kinds that draw each measure as a series of its own; the others draw one measure (a KPI its first). */
export const SEVERAL_MEASURE_KINDS: readonly ChartKind[] = [
  'bar',
  'stacked_bar',
  'grouped_bar',
  'line',
  'area',
  'histogram',
  'kpi',
];

export interface ChartSpec {
  kind: ChartKind;
  x?: Dimension;
  y: Measure[];
  /** Series of bar/line/area/scatter/pie charts; for a heatmap, its rows. */
  color?: Dimension;
  /**
   * Small multiples: one chart per value, at most `max` of them (default 6) in the sort's order
   * (by value: the facets with the largest first measure; otherwise by name); the rest are left out and counted.
   */
  facet?: Dimension & { max?: number };
  filters: ChartFilter[];
  sort?: { by: 'x' | 'y'; desc: boolean };
  /** Keeps the `n` x values with the largest first measure; `others` gathers the rest in one "Others". */
  top?: { n: number; others: boolean };
  /** Scatter plots: points above this are sampled in the engine. */
  pointBudget?: number;
  /** Dates of TIMESTAMP WITH TIME ZONE columns are binned in this zone (default UTC). */
  timezone?: string;
  /** KPI tiles: the value of the latest period, compared with the period before, and a sparkline. */
  kpi?: KpiSpec;
  /** Pie charts: a ring (true, the default) or a whole pie (false). */
  donut?: boolean;
}

export interface KpiSpec {
  /** The date or timestamp column that places rows in periods. */
  time: string;
  /** The current period is the one of the latest row; the previous one is the period before it. */
  period: TimeUnit;
  /** Colours a rise green (true, default) or red (false). */
  higherIsBetter?: boolean;
  /** Periods the sparkline shows, ending with the current one (default 12). */
  points?: number;
}

export interface TableSpec {
  /** Plain table: these columns (all when empty); pivot: `groupBy` + `measures`. */
  columns?: string[];
  groupBy?: Dimension[];
  measures?: Measure[];
  /**
   * Pivot only: the values of this column become columns (at most two group-by columns then),
   * the first `maxColumns` values (20 by default) in value order.
   */
  pivot?: { column: string; maxColumns?: number };
  filters?: ChartFilter[];
  limit?: number;
  /** Number formats by column (`0.00`, `0%`…), applied by the UI. */
  formats?: Record<string, string>;
  /** Conditional formatting: cells of `column` matching the rule get `color`. */
  highlight?: { column: string; op: 'gt' | 'lt' | 'eq'; value: number; color: string }[];
}

export interface Insight {
  id: string;
  name: string;
  type: InsightType;
  description?: string;
  /** The dataset a chart, table, metric or check insight reads. */
  dataset?: string;
  chart?: ChartSpec;
  table?: TableSpec;
  /** The metric of a `metric` insight (e.g. `row_count`). */
  metric?: string;
  /** The scenario of a `scenario` insight. */
  scenario?: string;
  /** Markdown of a `text` insight. */
  text?: string;
  /** The webapp a `webapp` insight embeds (served sandboxed, with the viewer's view token). */
  webapp?: string;
  /** Height in pixels the embedded webapp asks for (default 400); a new tile is made this tall. */
  height?: number;
}

export interface InsightInfo extends Insight {
  projectKey: string;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

/** What a tile draws: the aggregated rows and the SQL that made them. */
export interface InsightData {
  columns: string[];
  /** What each column is to the chart: x, x_end, color, facet, y (a measure), value… */
  roles: string[];
  rows: unknown[][];
  /** True when scatter points were sampled in the engine (`sampling` says how). */
  sampled: boolean;
  sampling?: string;
  /** True when more rows matched than the chart's row budget; the rest were left out. */
  truncated: boolean;
  sql: string;
  /** The dataset version the rows come from (null: read in place). */
  version: string | null;
  /** Filters that were dropped because the dataset has no such column. */
  ignoredFilters?: string[];
  /** A pivot table's column values beyond its cap of columns, left out. */
  pivotColumnsLeftOut?: number;
  /** Small multiples: how many facet values there are and how many are drawn (the rest left out). */
  facets?: { shown: number; total: number };
}

/** Why one tile has no rows (its dataset has no data yet, its insight was deleted…): the other tiles still draw. */
export interface TileError {
  error: { code: string; status: number; message: string };
}

/** The data of the tiles of one dashboard page (`GET …/dashboards/{id}/data`). */
export interface DashboardData {
  /** Each insight placed on the page, by id: its rows, or the error its own data request would answer. */
  tiles: Record<string, InsightData | TileError>;
  /**
   * Asked with the sizes of the tiles' charts: each single-chart tile drawn on the server as SVG
   * at its size, the first paint of the page before its interactive charts are built.
   */
  pictures?: Record<string, { svg: string; width: number; height: number }>;
}

export interface DashboardTile {
  insight: string;
  x: number;
  y: number;
  w: number;
  h: number;
  title?: string;
}

export interface DashboardPage {
  title: string;
  tiles: DashboardTile[];
}

export interface DashboardFilter {
  column: string;
  type: 'category' | 'range' | 'date';
  label?: string;
}

export interface Dashboard {
  id: string;
  name: string;
  description?: string;
  pages: DashboardPage[];
  filters: DashboardFilter[];
  /** Seconds between refreshes of the tiles in the UI; none when absent. */
  refreshSeconds?: number;
  /** Viewers beyond the project's members (users or groups): they see this dashboard and its tiles only. */
  sharing?: ObjectShare[];
}

export interface DashboardInfo extends Dashboard {
  projectKey: string;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}
