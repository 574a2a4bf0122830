import type { EChartsOption } from './chart-options.js';

/** A chart drawn on the server: SVG markup of exactly `width` × `height` CSS pixels. */
export interface ChartPicture {
  svg: string;
  width: number;
  height: number;
}

type ECharts = typeof import('echarts/core');
let loaded: Promise<ECharts> | null = null;

/**
 * ECharts with what the web UI registers (web/src/components/echart.tsx and insight-view.tsx), so
 * an option draws here as it draws there, with the SVG renderer instead of the canvas. Loaded on
 * the first picture: a server start (and every CLI command) does not pay for it.
 */
function echartsForPictures(): Promise<ECharts> {
  loaded ??= (async () => {
    const [echarts, charts, components, { SVGRenderer }] = await Promise.all([
      import('echarts/core'),
      import('echarts/charts'),
      import('echarts/components'),
      import('echarts/renderers'),
    ]);
    echarts.use([
      charts.BarChart,
      charts.BoxplotChart,
      charts.CustomChart,
      charts.HeatmapChart,
      charts.LineChart,
      charts.PieChart,
      charts.ScatterChart,
      components.BrushComponent,
      components.DataZoomComponent,
      components.GridComponent,
      components.LegendComponent,
      components.MarkLineComponent,
      components.TitleComponent,
      components.ToolboxComponent,
      components.TooltipComponent,
      components.VisualMapComponent,
      SVGRenderer,
    ]);
    return echarts;
  })();
  return loaded;
}

/**
 * An ECharts option drawn as SVG without a browser (ECharts' server-side rendering). Text of the
 * data (labels, series names) is escaped by ECharts as SVG text; the web UI shows the markup as
 * an image, where no script runs anyway.
 */
export async function renderChartPicture(option: EChartsOption, width: number, height: number): Promise<ChartPicture> {
  const echarts = await echartsForPictures();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return { svg: chart.renderToSVGString(), width, height };
  } finally {
    chart.dispose();
  }
}
