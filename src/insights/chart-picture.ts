import { BarChart, BoxplotChart, CustomChart, HeatmapChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import {
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  ToolboxComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsOption } from './chart-options.js';

// What the web UI registers (web/src/components/echart.tsx and insight-view.tsx), so an option
// draws here as it draws there; the SVG renderer instead of the canvas.
echarts.use([
  BarChart,
  BoxplotChart,
  CustomChart,
  HeatmapChart,
  LineChart,
  PieChart,
  ScatterChart,
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  ToolboxComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

/** A chart drawn on the server: SVG markup of exactly `width` × `height` CSS pixels. */
export interface ChartPicture {
  svg: string;
  width: number;
  height: number;
}

/**
 * An ECharts option drawn as SVG without a browser (ECharts' server-side rendering). Text of the
 * data (labels, series names) is escaped by ECharts as SVG text; the web UI shows the markup as
 * an image, where no script runs anyway.
 */
export function renderChartPicture(option: EChartsOption, width: number, height: number): ChartPicture {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return { svg: chart.renderToSVGString(), width, height };
  } finally {
    chart.dispose();
  }
}
