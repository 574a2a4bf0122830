import { BoxplotChart, HeatmapChart, PieChart } from 'echarts/charts';
import { TitleComponent, VisualMapComponent } from 'echarts/components';
import { echarts, EChart } from './echart';

// The kinds the shared EChart does not register: pies, heatmaps, box plots, KPI titles.
echarts.use([PieChart, HeatmapChart, BoxplotChart, TitleComponent, VisualMapComponent]);

/** The chart of an insight, loaded apart (insight-view.tsx): a dashboard shows its server-drawn pictures meanwhile. */
export default EChart;
