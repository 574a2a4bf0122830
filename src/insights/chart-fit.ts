/**
 * Labels that fit the chart's box, whatever its size (a 6-column tile on a laptop, a phone's
 * full width, an export): as ECharts media queries, JSON like the rest of an option, so the web
 * UI, a server-side rendering and the export fit them alike, and again on every resize.
 * Node-free: the web UI imports it.
 */

type Option = Record<string, unknown>;

/** Chart widths (CSS px) from which labels get more room; below the first step, the narrowest. */
const WIDTH_STEPS = [0, 140, 180, 240, 320, 420, 560, 760, 1000];
const HEIGHT_STEPS = [0, 120, 160, 220, 300, 420, 560];
/** What a width of 0 (the narrowest step) is laid out for. */
const NARROWEST = 100;

/** One media entry per step: the chart applies the one of the largest step it reaches (later entries win). */
function steps(dimension: 'minWidth' | 'minHeight', sizes: number[], make: (size: number) => Option) {
  return sizes.map((min) => ({ query: { [dimension]: min }, option: make(Math.max(min, NARROWEST)) }));
}

/** Media entries setting what depends on the chart's width, then on its height. */
export function fitted(
  byWidth: ((width: number) => Option) | null,
  byHeight: ((height: number) => Option) | null = null,
): { media: { query: Record<string, number>; option: Option }[] } {
  return {
    media: [
      ...(byWidth ? steps('minWidth', WIDTH_STEPS, byWidth) : []),
      ...(byHeight ? steps('minHeight', HEIGHT_STEPS, byHeight) : []),
    ],
  };
}

const clamp = (v: number, min: number, max: number) => Math.round(Math.max(min, Math.min(max, v)));

/** Long names end in an ellipsis; the full name shows in the legend's tooltip. */
export const truncated = (width: number) => ({ width, overflow: 'truncate', ellipsis: '…' });

/** A legend item's room besides its text: icon (25), gap to the text (5), gap to the next item (10). */
const LEGEND_ITEM_EXTRA = 40;
/** A generous average width of a character of the legend's 12 px text: rows are never underestimated by much. */
const CHAR_PX = 7.5;
const LEGEND_ROW_PX = 24;
/** More rows than this would crowd the plot: the tooltip names the series instead. */
const MAX_LEGEND_ROWS = 3;

/**
 * A legend of series along the top, wrapping onto rows (not a scroll legend, whose window cut
 * items in two: "afte" beside a pager); `right` leaves room for a toolbox in the top-right corner.
 */
export function topLegend(right = 8): Option {
  return { type: 'plain', top: 4, left: 8, right, tooltip: { show: true } };
}

/** At `width`: names truncated to fit a row, the plot below as many rows as the names take. */
export function topLegendFit(names: string[], width: number, right = 8): Option {
  const room = width - 8 - right;
  const text = clamp(room - LEGEND_ITEM_EXTRA, 40, 160);
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const item = Math.min(name.length * CHAR_PX, text) + LEGEND_ITEM_EXTRA;
    if (used > 0 && used + item > room) {
      rows++;
      used = 0;
    }
    used += item;
  }
  if (rows > MAX_LEGEND_ROWS) return { legend: { show: false }, grid: { top: 28 } };
  return { legend: { show: true, textStyle: truncated(text) }, grid: { top: 8 + rows * LEGEND_ROW_PX } };
}

/** Category labels longer than this are slanted, so that their neighbours and the plot's ends keep them whole. */
const LONG_CATEGORY = 10;

/** Midnight of a day bin, as the engine writes timestamps. */
const MIDNIGHT = /^(\d{4}-\d\d-\d\d)[ T]00:00:00(\.0+)?$/;

/**
 * A category axis: days shown without their midnight time when every category is a day, and
 * long labels slanted and truncated (a centred long label overran the plot's right end). Only
 * what is shown changes: series keep their index into the categories.
 */
export function categoryAxis(categories: string[]): Option {
  const days = categories.length > 0 && categories.every((c) => MIDNIGHT.test(c));
  const shown = days ? categories.map((c) => c.replace(MIDNIGHT, '$1')) : categories;
  const axisLabel = shown.some((c) => c.length > LONG_CATEGORY)
    ? { rotate: 30, ...truncated(110), hideOverlap: true }
    : { hideOverlap: true };
  return { type: 'category', data: shown, axisLabel };
}

/**
 * A pie's legend: a column on the right, where a pie leaves room, that pages only when its items
 * are taller than the chart; the pie sits in the room on its left.
 */
export const pieLegend: Option = {
  type: 'scroll',
  orient: 'vertical',
  right: 8,
  top: 'middle',
  tooltip: { show: true },
};
export const pieFit = (width: number): Option => ({
  legend: { textStyle: truncated(clamp(width * 0.42 - 40, 40, 200)) },
});
/** Where the pie goes beside `pieLegend`. */
export const PIE_PLACE = { center: ['30%', '50%'], radius: ['34%', '60%'] };
/** A whole pie (`donut: false`): no hole. */
export const PIE_RADIUS = ['0%', '60%'];

/** Axis names along the middle of each axis, truncated to its length (the rest of the option keeps them inside). */
export const axisNameFit = {
  x: (width: number): Option => ({ xAxis: { nameTruncate: { maxWidth: clamp(width - 48, 40, 600) } } }),
  y: (height: number): Option => ({ yAxis: { nameTruncate: { maxWidth: clamp(height - 40, 40, 600) } } }),
};

/**
 * A value axis's ticks by the chart's height: five labels of 12 px text overlap in a short plot
 * (a 4-row tile), so short charts get two or three (labels that would still touch are hidden).
 */
export const valueAxisFit = (height: number): Option => ({
  yAxis: { splitNumber: height < 160 ? 2 : height < 220 ? 3 : 5, axisLabel: { hideOverlap: true } },
});

/**
 * A KPI's sparkline in a short tile would run across the figure and its caption: below 140 px
 * it is left out (drawn transparent) and the figure moves up.
 */
export const kpiHeightFit = (height: number): Option =>
  height < 140
    ? { series: [{ lineStyle: { opacity: 0 }, areaStyle: { opacity: 0 } }], title: { top: 4 } }
    : { series: [{ lineStyle: { opacity: 1 }, areaStyle: { opacity: 0.15 } }], title: { top: '10%' } };

/** A KPI's figure and caption: truncated to the chart's width, the figure smaller on narrow tiles. */
export const kpiFit = (width: number): Option => ({
  title: {
    textStyle: { ...truncated(width - 16), fontSize: width < 180 ? 28 : 36 },
    subtextStyle: truncated(width - 16),
  },
});
