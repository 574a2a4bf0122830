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
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { whenIdle } from '../lib/idle-queue';
import { observeNearViewport, observeResize } from '../lib/shared-observers';
import { useLatest } from '../lib/use-latest';

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

/** The chart drawn by the server as SVG, at `width` × `height` CSS pixels (src/insights/chart-picture.ts). */
export interface ChartPicture {
  svg: string;
  width: number;
  height: number;
}

/**
 * One ECharts instance in a div; resized with its container. `onClick` receives the clicked
 * item's `data`; `onBrush` the first and last category index of a range brushed on the x axis
 * (null when the brush is cleared).
 *
 * With a `picture` of the chart drawn at its size, the picture is shown at once and the
 * interactive chart is built later, in an idle period (one chart per period), or at once when
 * the pointer comes over it: a dashboard's first screen appears without sixteen ECharts
 * initialisations in one task. A picture of another size than the chart's is not shown.
 */
export function EChart({
  option,
  className = 'chart',
  style,
  onClick,
  onBrush,
  ariaLabel,
  title,
  lazy = false,
  picture,
}: {
  option: EChartsOption;
  className?: string;
  style?: React.CSSProperties;
  onClick?: (data: unknown) => void;
  onBrush?: (range: [number, number] | null) => void;
  ariaLabel: string;
  /** A tooltip of the whole chart (the full text of a caption it truncates). */
  title?: string;
  /** Draw only once the chart comes near the viewport (a dashboard of many tiles draws the first screen first). */
  lazy?: boolean;
  picture?: ChartPicture;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useLatest(onClick);
  const brushRef = useLatest(onBrush);
  const [inView, setInView] = useState(!lazy);
  // Built (ECharts drawing it) rather than shown as the server's picture; never goes back.
  const [live, setLive] = useState(!picture);
  const pictureSrc = useMemo(
    // An image, not markup in the page: the SVG holds the dataset's text, and no script runs in an image.
    () => (picture && !live ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(picture.svg)}` : null),
    [picture, live],
  );

  useLayoutEffect(() => {
    const el = ref.current;
    if (live || !picture || !el) return;
    // Drawn for another size (the window changed since the sizes were kept): stretched, it would
    // not be the chart; drawn live at once instead.
    if (el.clientWidth !== picture.width || el.clientHeight !== picture.height) setLive(true);
  }, [live, picture]);

  useEffect(() => {
    if (live || !inView) return;
    // flushSync: the chart is built within this idle period, not in a later task.
    return whenIdle(() => flushSync(() => setLive(true)));
  }, [live, inView]);

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
    if (!ref.current || !inView || !live) return;
    const start = performance.now();
    const c = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    performance.measure('echart init', { start });
    chart.current = c;
    c.on('click', (p) => clickRef.current?.((p as { data?: unknown }).data));
    c.on('brushEnd', (p) => {
      const range = (p as { areas?: { coordRange?: unknown }[] }).areas?.[0]?.coordRange;
      brushRef.current?.(Array.isArray(range) && range.length === 2 ? [Number(range[0]), Number(range[1])] : null);
    });
    // The observer also reports the size the chart was just drawn at: redrawing it then doubled the cost of a first paint.
    const el = ref.current;
    let size = `${el.clientWidth}x${el.clientHeight}`;
    const stopObserving = observeResize(el, () => {
      const next = `${el.clientWidth}x${el.clientHeight}`;
      if (next === size) return;
      size = next;
      c.resize();
    });
    return () => {
      stopObserving();
      c.dispose();
      chart.current = null;
    };
  }, [clickRef, brushRef, inView, live]);

  useEffect(() => {
    if (!inView || !live) return;
    const start = performance.now();
    chart.current?.setOption(option, { notMerge: true });
    // Each draw is a User Timing entry (the browser's performance panel, bench/_load-profile.ts).
    performance.measure(`echart draw: ${ariaLabel}`, { start });
    // A chart with a brush selects a range by dragging (as Grafana does); the wheel and the slider zoom.
    const brush = (option as { brush?: { brushType?: string; brushMode?: string } }).brush;
    if (brush)
      chart.current?.dispatchAction({
        type: 'takeGlobalCursor',
        key: 'brush',
        brushOption: { brushType: brush.brushType, brushMode: brush.brushMode },
      });
  }, [option, inView, ariaLabel, live]);

  // The pointer over a picture: the chart is built before the press that follows (flushSync runs
  // its effects in this event), so a click or a drag reaches it.
  const buildNow = () => {
    if (!live)
      flushSync(() => {
        setInView(true);
        setLive(true);
      });
  };
  return (
    <div
      ref={ref}
      className={className}
      style={style}
      role="img"
      aria-label={ariaLabel}
      title={title}
      onPointerEnter={live ? undefined : buildNow}
    >
      {pictureSrc ? (
        <img
          className="chart-picture"
          src={pictureSrc}
          alt=""
          width={picture?.width}
          height={picture?.height}
          draggable={false}
        />
      ) : null}
    </div>
  );
}

/** Colours of outcomes and states, matching the CSS tokens. */
export const COLORS = {
  ok: '#2e8b57',
  warn: '#c27c0e',
  bad: '#c62f3a',
  run: '#2d7dd2',
  idle: '#8a94a3',
  ext: '#7a5cc4',
  // Aborted (stopped by someone) is not failed, queued is not yet running: each its own colour.
  aborted: '#4b5563',
  queued: '#9cc3ee',
  accent: '#1f5fae',
};

/** The colour family of an outcome or state: a key of COLORS, and a `tone-*` class in the stylesheet. */
export type Tone = 'ok' | 'warn' | 'bad' | 'run' | 'idle' | 'ext' | 'aborted' | 'queued';

export function outcomeTone(outcome: string | null | undefined): Tone {
  switch (outcome?.toLowerCase()) {
    case 'ok':
    case 'succeeded':
    case 'success':
    case 'built':
    case 'up-to-date':
      return 'ok';
    case 'warning':
    case 'skipped':
    case 'stale':
      return 'warn';
    case 'failed':
    case 'failure':
    case 'error':
      return 'bad';
    case 'aborted':
    case 'interrupted':
      return 'aborted';
    case 'running':
    case 'building':
      return 'run';
    case 'queued':
      return 'queued';
    default:
      return 'idle';
  }
}

export function outcomeColor(outcome: string | null | undefined): string {
  return COLORS[outcomeTone(outcome)];
}
