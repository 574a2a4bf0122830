import { useMemo } from 'react';
import { EChart, echarts, type EChartsOption } from './echart';

export interface GanttBar {
  /** Index into `rows`. */
  row: number;
  start: number;
  end: number;
  color: string;
  /** Tooltip text (HTML-escaped by the chart). */
  tooltip: string;
  /** Anything the click handler needs. */
  payload?: unknown;
}

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * A timeline of bars, one row per category (activities of a job, runs of scenarios): an
 * ECharts custom series on a time axis. Very short bars keep a visible minimum width.
 */
/** Bars never thinner than this, whatever the zoom; shorter than SHORT_BAR_PX they also get a marker. */
const MIN_BAR_PX = 4;
const SHORT_BAR_PX = 6;

export function Gantt({
  rows,
  bars,
  from,
  to,
  onBarClick,
  ariaLabel,
  rowLabelWidth = 160,
  layout,
}: {
  rows: string[];
  bars: GanttBar[];
  from?: number;
  to?: number;
  onBarClick?: (payload: unknown) => void;
  ariaLabel: string;
  /** 0 hides the row labels (when a table next to the chart names the rows). */
  rowLabelWidth?: number;
  /** Fixed geometry, to line the rows up with an HTML table beside the chart. */
  layout?: { top: number; rowHeight: number };
}) {
  const top = layout?.top ?? 28;
  const rowHeight = layout?.rowHeight ?? 30;
  const option: EChartsOption = useMemo(
    () => ({
      animation: false,
      grid: { left: rowLabelWidth || 12, right: 24, top, bottom: layout ? 0 : 28 },
      tooltip: { trigger: 'item', formatter: (p: { data: { tooltip: string } }) => p.data.tooltip },
      xAxis: {
        type: 'time',
        min: from,
        max: to,
        position: 'top',
        splitLine: { show: true, lineStyle: { color: '#edf0f4' } },
        axisLabel: { hideOverlap: true, fontSize: 11 },
      },
      yAxis: {
        type: 'category',
        data: rows,
        inverse: true,
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: { show: rowLabelWidth > 0, width: rowLabelWidth - 16, overflow: 'truncate', fontSize: 12 },
        splitLine: { show: true, lineStyle: { color: '#f2f4f7' } },
      },
      dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter' }],
      series: [
        {
          type: 'custom',
          encode: { x: [1, 2], y: 0 },
          renderItem: (
            params: { coordSys: { x: number; y: number; width: number; height: number } },
            api: {
              value(i: number): number;
              coord(v: number[]): number[];
              size(v: number[]): number[];
              visual(k: string): string;
            },
          ) => {
            const row = api.value(0);
            const start = api.coord([api.value(1), row]);
            const end = api.coord([api.value(2), row]);
            const h = Math.min(18, api.size([0, 1])[1] * 0.62);
            const width = end[0] - start[0];
            const rect = echarts.graphic.clipRectByRect(
              { x: start[0], y: start[1] - h / 2, width: Math.max(width, MIN_BAR_PX), height: h },
              {
                x: params.coordSys.x,
                y: params.coordSys.y,
                width: params.coordSys.width,
                height: params.coordSys.height,
              },
            );
            if (!rect) return null;
            const fill = api.visual('color');
            const bar = { type: 'rect', shape: { ...rect, r: 1 }, style: { fill } };
            if (width >= SHORT_BAR_PX) return bar;
            // A run too short to see at this zoom gets a marker above its bar, so it is not missed.
            const x = rect.x + rect.width / 2;
            const y = rect.y - 2;
            const marker = {
              type: 'polygon',
              shape: {
                points: [
                  [x - 4, y - 6],
                  [x + 4, y - 6],
                  [x, y],
                ],
              },
              style: { fill, stroke: '#fff', lineWidth: 1 },
            };
            return { type: 'group', children: [bar, marker] };
          },
          data: bars.map((b) => ({
            value: [b.row, b.start, b.end],
            itemStyle: { color: b.color },
            tooltip: escape(b.tooltip).replace(/\n/g, '<br/>'),
            payload: b.payload,
          })),
        },
      ],
    }),
    [rows, bars, from, to, rowLabelWidth, top, layout],
  );
  return (
    <EChart
      option={option}
      ariaLabel={ariaLabel}
      style={{ height: layout ? top + rows.length * rowHeight : Math.max(140, top + 28 + rows.length * rowHeight) }}
      onClick={(d) => onBarClick?.((d as { payload?: unknown } | undefined)?.payload)}
    />
  );
}
