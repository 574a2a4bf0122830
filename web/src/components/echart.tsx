import { BarChart, CustomChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { queueDraw } from '../lib/draw-queue';
import { observeNearViewport, observeResize } from '../lib/shared-observers';
import { useLatest } from '../lib/use-latest';

export { COLORS, outcomeColor, outcomeTone, type Tone } from '../lib/tones';

echarts.use([
  BarChart,
  CustomChart,
  LineChart,
  ScatterChart,
  GridComponent,
  TooltipComponent,
  DataZoomComponent,
  LegendComponent,
  MarkLineComponent,
  BrushComponent,
  ToolboxComponent,
  CanvasRenderer,
]);

export type EChartsOption = echarts.EChartsCoreOption;

export { echarts };

/** Draws `option` on chart `c`; each draw is a User Timing entry (the browser's performance panel, bench/_load-profile.ts). */
function drawChart(c: echarts.ECharts, option: EChartsOption, label: string) {
  const start = performance.now();
  c.setOption(option, { notMerge: true });
  performance.measure(`echart draw: ${label}`, { start });
  // A chart with a brush selects a range by dragging (as Grafana does); the wheel and the slider zoom.
  const brush = (option as { brush?: { brushType?: string; brushMode?: string } }).brush;
  if (brush)
    c.dispatchAction({
      type: 'takeGlobalCursor',
      key: 'brush',
      brushOption: { brushType: brush.brushType, brushMode: brush.brushMode },
    });
}

/**
 * One ECharts instance in a div; resized with its container. `onClick` receives the clicked
 * item's `data`; `onBrush` the first and last category index of a range brushed on the x axis
 * (null when the brush is cleared).
 */
export function EChart({
  option,
  className = 'chart',
  style,
  onClick,
  onBrush,
  ariaLabel,
  lazy = false,
  deferred = false,
  onDrawn,
}: {
  option: EChartsOption;
  className?: string;
  style?: React.CSSProperties;
  onClick?: (data: unknown) => void;
  onBrush?: (range: [number, number] | null) => void;
  ariaLabel: string;
  /** Draw only once the chart comes near the viewport (a dashboard of many tiles draws the first screen first). */
  lazy?: boolean;
  /** Drawn in a task of its own after the charts queued before it (lib/draw-queue.ts): the page shows a picture meanwhile. */
  deferred?: boolean;
  /** Called after each draw. */
  onDrawn?: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useLatest(onClick);
  const brushRef = useLatest(onBrush);
  const optionRef = useLatest(option);
  const labelRef = useLatest(ariaLabel);
  const drawnRef = useLatest(onDrawn);
  const [inView, setInView] = useState(!lazy);
  // As mounted: a chart that drew over its picture stays drawn when the picture goes.
  const [deferredAtMount] = useState(deferred);

  useLayoutEffect(() => {
    if (inView || !ref.current) return;
    // Already in the window when mounted (a dashboard's first screen): drawn in this commit, not
    // a frame later when the observer first reports. The observer also sees the scrolling
    // container's clip, so the charts just below it are left to the observer.
    const box = ref.current.getBoundingClientRect();
    if (box.top < window.innerHeight && box.bottom > 0) {
      setInView(true);
      return;
    }
    return observeNearViewport(ref.current, () => setInView(true));
  }, [inView]);

  useEffect(() => {
    const el = ref.current;
    if (!el || !inView) return;
    let c: echarts.ECharts | null = null;
    let stopObserving = () => {};
    const start = () => {
      const begin = performance.now();
      c = echarts.init(el, undefined, { renderer: 'canvas' });
      performance.measure('echart init', { start: begin });
      chart.current = c;
      c.on('click', (p) => clickRef.current?.((p as { data?: unknown }).data));
      c.on('brushEnd', (p) => {
        const range = (p as { areas?: { coordRange?: unknown }[] }).areas?.[0]?.coordRange;
        brushRef.current?.(Array.isArray(range) && range.length === 2 ? [Number(range[0]), Number(range[1])] : null);
      });
      // The observer also reports the size the chart was just drawn at: redrawing it then doubled the cost of a first paint.
      let size = `${el.clientWidth}x${el.clientHeight}`;
      stopObserving = observeResize(el, () => {
        const next = `${el.clientWidth}x${el.clientHeight}`;
        if (next === size || !c) return;
        size = next;
        c.resize();
      });
      // Deferred: nothing was drawn when the option's effect ran; the latest option now.
      if (deferredAtMount) {
        drawChart(c, optionRef.current, labelRef.current);
        drawnRef.current?.();
      }
    };
    const cancel = deferredAtMount ? queueDraw(start) : (start(), () => {});
    return () => {
      cancel();
      stopObserving();
      c?.dispose();
      chart.current = null;
    };
  }, [clickRef, brushRef, optionRef, labelRef, drawnRef, inView, deferredAtMount]);

  useEffect(() => {
    if (!inView || !chart.current) return;
    drawChart(chart.current, option, ariaLabel);
    drawnRef.current?.();
  }, [option, inView, ariaLabel, drawnRef]);

  return <div ref={ref} className={className} style={style} role="img" aria-label={ariaLabel} />;
}
