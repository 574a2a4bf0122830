/**
 * The one chart a dashboard tile draws, as an ECharts option: the web UI draws it live and the
 * server draws the same option as a picture for the first paint (tile-pictures.ts), so both are
 * the same picture. Node-free: the web UI imports it.
 */
import { chartOption, type EChartsOption } from './chart-options.js';
import { facetedChartOption } from './facet-chart.js';
import type { ChartKind, InsightData } from './insight-types.js';

/** What of an insight decides its chart (the server's stored insight and the web's listed one both fit). */
export interface ChartedInsight {
  type: string;
  chart?: { kind?: ChartKind; donut?: boolean; kpi?: { higherIsBetter?: boolean } };
}

/** The kind of chart an insight draws: a metric's history is a line. */
export function chartKindOf(insight: ChartedInsight): ChartKind {
  return insight.type === 'metric' ? 'line' : (insight.chart?.kind ?? 'bar');
}

/**
 * The option of one chart of an insight (`higherIsBetter`: a KPI's rise is green), small
 * multiples in one option when it has a facet; a tile's is drawn without animation (20 charts
 * animating at once took seconds); an export's (`interactive: false`) has no zoom or brush.
 */
export function insightChartOption(
  kind: ChartKind,
  data: InsightData,
  {
    asTile,
    higherIsBetter,
    interactive,
    donut,
  }: { asTile: boolean; higherIsBetter?: boolean; interactive?: boolean; donut?: boolean },
): EChartsOption {
  const animation = asTile ? { animation: false } : {};
  return (
    facetedChartOption(kind, data, { ...animation, donut }) ??
    chartOption(kind, data, { higherIsBetter, interactive, donut, ...animation })
  );
}

/** The option of a tile that draws a chart (a chart or a metric, small multiples included), else null. */
export function tileChartOption(insight: ChartedInsight, data: InsightData): EChartsOption | null {
  if (insight.type !== 'chart' && insight.type !== 'metric') return null;
  return insightChartOption(chartKindOf(insight), data, {
    asTile: true,
    higherIsBetter: insight.chart?.kpi?.higherIsBetter,
    donut: insight.chart?.donut,
  });
}
