/**
 * Small multiples (a chart with a facet column) as one ECharts option: one small chart per facet
 * value in a grid of cells sized to the chart's box, all on the same axis scale, under one legend.
 * One option (not one chart per facet) so a dashboard tile, the server's picture of it and the
 * export all lay the facets out inside the tile alike. Node-free: the web UI imports it.
 */
import { chartOption, facetValues, rowsOfFacet, type EChartsOption } from './chart-options.js';
import { MAX_FACETS, type ChartKind, type InsightData } from './insight-types.js';

/** ECharts' default palette: a series keeps its colour in every facet (ECharts would colour by series index). */
const PALETTE = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc'];

/** The room (percent of the chart's height) kept at the top for the shared legend. */
const LEGEND_ROOM = 12;
/** The room (percent of the chart's height) kept at the bottom for "showing 6 of 14 … values". */
const NOTE_ROOM = 6;

type Series = { type: string; name?: string; data: unknown[]; stack?: string; [k: string]: unknown };
type Axis = { type?: string; data?: string[]; [k: string]: unknown };

/**
 * "showing 6 of 14 antenna values" when the engine left facet values out (the spec's `facet.max`),
 * else null: the chart says it is not the whole picture.
 */
export function facetsLeftOutNote(data: InsightData): string | null {
  const facets = data.facets;
  if (!facets || facets.total <= facets.shown) return null;
  const column = data.columns[data.roles.indexOf('facet')] ?? 'facet';
  return `showing ${facets.shown} of ${facets.total} ${column} values`;
}

/** Columns × rows of cells for `n` facets: one row up to three, then up to three columns. */
export function facetGrid(n: number): { columns: number; rows: number } {
  const columns = n <= 3 ? n : n === 4 ? 2 : 3;
  return { columns, rows: Math.ceil(n / columns) };
}

/** A round step (1, 2 or 5 × 10^k) that splits `span` into about five intervals. */
function niceStep(span: number): number {
  if (!(span > 0)) return 1;
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
}

/** The shared value range of several axes, rounded outwards to a round step (0 kept in when `fromZero`). */
function sharedRange(values: number[], fromZero: boolean): { min: number; max: number } | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return null;
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (fromZero) {
    min = Math.min(0, min);
    max = Math.max(0, max);
  }
  const step = niceStep(max - min || Math.abs(max) || 1);
  return { min: Math.floor(min / step) * step, max: Math.ceil(max / step) * step };
}

const numberOf = (v: unknown): number => (v === null || v === undefined ? NaN : Number(v));

/** The values a category chart's y axis must show: each point, and each category's stacked sum. */
function yValues(series: Series[]): number[] {
  const values: number[] = [];
  const stacks = new Map<string, number[]>();
  for (const s of series) {
    const points = s.data.map(numberOf);
    if (!s.stack) values.push(...points);
    else {
      const sums = stacks.get(s.stack) ?? [];
      points.forEach((p, i) => (sums[i] = (sums[i] ?? 0) + (Number.isFinite(p) ? p : 0)));
      stacks.set(s.stack, sums);
    }
  }
  for (const sums of stacks.values()) values.push(...sums);
  return values;
}

/** The series of a category chart re-indexed onto the categories every facet shares. */
function onCategories(series: Series[], own: string[], shared: string[]): Series[] {
  const at = new Map(own.map((c, i) => [c, i]));
  return series.map((s) => ({ ...s, data: shared.map((c) => (at.has(c) ? s.data[at.get(c)!] : null)) }));
}

const pct = (v: number) => `${Math.round(v * 100) / 100}%`;

/**
 * The option of `kind` drawing `data` as small multiples, or null when the data has no facet
 * column (or the kind has one figure, a KPI). Zoom and brush are left out: they act on one axis.
 */
export function facetedChartOption(
  kind: ChartKind,
  data: InsightData,
  options: { animation?: boolean; donut?: boolean } = {},
): EChartsOption | null {
  const all = facetValues(data);
  if (!all || kind === 'kpi') return null;
  // The engine answers at most the spec's number of facets, in the sort's order; the slice guards the grid.
  const facets = all.slice(0, MAX_FACETS);
  const parts = facets.map((f) => chartOption(kind, rowsOfFacet(data, f), { ...options, interactive: false }));
  const first = parts[0] ?? chartOption(kind, data, { ...options, interactive: false });
  const withLegend = parts.some((p) => p.legend && kind !== 'pie');
  const note = facetsLeftOutNote(data);
  const { columns, rows } = facetGrid(facets.length);
  const top = withLegend ? LEGEND_ROOM : 0;
  const cellW = 100 / columns;
  // Room at the bottom for the note of facets left out.
  const cellH = (100 - top - (note ? NOTE_ROOM : 0)) / rows;
  const cell = (i: number) => ({ left: (i % columns) * cellW, top: top + Math.floor(i / columns) * cellH });

  const colours = new Map<string, string>();
  const colourOf = (name: string) => {
    if (!colours.has(name)) colours.set(name, PALETTE[colours.size % PALETTE.length]);
    return colours.get(name)!;
  };
  const titles = facets.map((f, i) => ({
    text: f,
    left: pct(cell(i).left + 1),
    top: pct(cell(i).top),
    textStyle: { fontSize: 12, fontWeight: 'normal' },
  }));
  const noteTitle = note
    ? [{ text: note, right: 8, bottom: 0, textStyle: { fontSize: 11, fontWeight: 'normal', color: '#666' } }]
    : [];
  const base: EChartsOption = {
    animation: first.animation,
    tooltip: first.tooltip,
    ...(withLegend ? { legend: { type: 'scroll', top: 0, left: 8, right: 8, tooltip: { show: true } } } : {}),
    title: [...titles, ...noteTitle],
  };

  if (kind === 'pie') {
    // One pie per cell, its radius a share of the smaller side of the chart's box.
    const radius = 80 / Math.max(columns, rows);
    return {
      ...base,
      legend: { type: 'scroll', top: 0, left: 8, right: 8, tooltip: { show: true } },
      title: [...titles.map((t, i) => ({ ...t, top: pct(cell(i).top + LEGEND_ROOM) })), ...noteTitle],
      series: parts.map((p, i) => {
        const [pie] = p.series as Series[];
        return {
          ...pie,
          center: [pct(cell(i).left + cellW / 2), pct(LEGEND_ROOM + cell(i).top + cellH / 2)],
          radius: ['0%', pct(radius)],
          data: (pie.data as { name: string }[]).map((d) => ({ ...d, itemStyle: { color: colourOf(d.name) } })),
        };
      }),
    };
  }

  const xAxes = parts.map((p) => p.xAxis as Axis);
  const yAxes = parts.map((p) => p.yAxis as Axis);
  const categoryX = kind !== 'heatmap' && xAxes[0]?.type === 'category';
  // The categories of every facet in first-seen order: a category sits at the same place in each cell.
  const shared = categoryX ? [...new Set(xAxes.flatMap((a) => a.data ?? []))] : [];
  const series = parts.map((p, i) =>
    categoryX ? onCategories(p.series as Series[], xAxes[i].data ?? [], shared) : (p.series as Series[]),
  );
  const valueY = yAxes[0]?.type === 'value';
  const yRange = valueY
    ? sharedRange(
        series.flatMap((s) =>
          kind === 'scatter'
            ? s.flatMap((one) => (one.data as unknown[][]).map((point) => numberOf(point[1])))
            : kind === 'box'
              ? s.flatMap((one) => (one.data as unknown[][]).flatMap((box) => (box ?? []).map(numberOf)))
              : yValues(s),
        ),
        kind !== 'scatter' && kind !== 'box',
      )
    : null;
  const xRange =
    kind === 'scatter'
      ? sharedRange(
          series.flatMap((s) => s.flatMap((one) => (one.data as unknown[][]).map((point) => numberOf(point[0])))),
          false,
        )
      : null;
  const titleRoom = cellH * 0.16;
  return {
    ...base,
    ...(kind === 'heatmap' ? { visualMap: first.visualMap } : {}),
    grid: facets.map((_, i) => ({
      left: pct(cell(i).left + 1),
      width: pct(cellW - 2),
      top: pct(cell(i).top + titleRoom),
      height: pct(cellH - titleRoom - (kind === 'heatmap' ? 8 : 2)),
      // Axis labels kept inside the cell (ECharts 6's outer bounds, as the single chart's grid).
      outerBoundsMode: 'same',
      outerBoundsContain: 'all',
    })),
    xAxis: xAxes.map((a, i) => ({
      ...a,
      gridIndex: i,
      ...(categoryX ? { data: shared } : {}),
      ...(xRange ?? {}),
      name: undefined,
    })),
    yAxis: yAxes.map((a, i) => ({ ...a, gridIndex: i, ...(yRange ?? {}), name: undefined })),
    series: series.flatMap((s, i) =>
      s.map((one) => ({
        ...one,
        xAxisIndex: i,
        yAxisIndex: i,
        ...(kind === 'heatmap'
          ? {}
          : { itemStyle: { color: colourOf(one.name ?? '') }, color: colourOf(one.name ?? '') }),
      })),
    ),
  };
}
