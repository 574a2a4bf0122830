import { BoxplotChart, HeatmapChart, PieChart } from 'echarts/charts';
import { TitleComponent, VisualMapComponent } from 'echarts/components';
import { useMemo } from 'react';
import { rangeOfBrush } from '../../../src/insights/chart-options.js';
import { chartKindOf, insightChartOption } from '../../../src/insights/tile-chart.js';
import { cellColor, formatCell } from '../../../src/insights/table-format.js';
import { markdownToHtml } from '../../../src/insights/markdown.js';
import type { Insight, InsightData } from '../api/types';
import { echarts, EChart, outcomeTone, type ChartPicture, type EChartsOption } from './echart';
import { WebappFrame } from './webapp-frame';

// The kinds the shared EChart does not register: pies, heatmaps, box plots, KPI titles.
echarts.use([PieChart, HeatmapChart, BoxplotChart, TitleComponent, VisualMapComponent]);

/** A range of x brushed on a time series: `to` is null when open-ended. */
export type SelectedRange = NonNullable<ReturnType<typeof rangeOfBrush>>;

/**
 * What one insight draws from its data: a chart (the same ECharts option the server-side export
 * draws), a table, status tiles or Markdown. `onSelect` receives the x value of a clicked bar,
 * slice or point, `onSelectRange` the x range brushed on a line (cross-filtering).
 */
export function InsightView({
  insight,
  data,
  onSelect,
  onSelectRange,
  asTile = false,
  picture,
}: {
  insight: Insight;
  data: InsightData | undefined;
  /** The chart drawn by the server: shown until the interactive chart is built. */
  picture?: ChartPicture;
  onSelect?: (column: string, value: unknown) => void;
  onSelectRange?: (column: string, range: SelectedRange) => void;
  /** One tile of a dashboard: drawn without animation, once near the viewport (20 charts animating at once took seconds). */
  asTile?: boolean;
}) {
  if (insight.type === 'text')
    return <div className="insight-text" dangerouslySetInnerHTML={{ __html: markdownToHtml(insight.text ?? '') }} />;
  if (insight.type === 'webapp') return <WebappFrame insight={insight} />;
  if (!data) return null;
  if (insight.type === 'check' || insight.type === 'scenario') return <StatusStrip data={data} />;
  if (insight.type === 'table') return <DataTable data={data} spec={insight.table} />;
  const xColumn = insight.chart?.x?.column;
  const select =
    onSelect && xColumn
      ? (value: unknown) => {
          if (value !== undefined && value !== null && value !== 'Others') onSelect(xColumn, value);
        }
      : undefined;
  const selectRange = onSelectRange && xColumn ? (range: SelectedRange) => onSelectRange(xColumn, range) : undefined;
  // Small multiples are one chart too (src/insights/facet-chart.ts), laid out inside the tile.
  return (
    <ChartOf
      insight={insight}
      data={data}
      label={insight.name}
      onSelect={select}
      onSelectRange={selectRange}
      asTile={asTile}
      picture={picture}
    />
  );
}

function ChartOf({
  insight,
  data,
  label,
  onSelect,
  onSelectRange,
  asTile,
  picture,
}: {
  insight: Insight;
  data: InsightData;
  label: string;
  onSelect?: (x: unknown) => void;
  onSelectRange?: (range: SelectedRange) => void;
  asTile: boolean;
  picture?: ChartPicture;
}) {
  const kind = chartKindOf(insight);
  const higherIsBetter = insight.chart?.kpi?.higherIsBetter;
  const donut = insight.chart?.donut;
  // The option the server draws pictures from (src/insights/tile-chart.ts): both are the same chart.
  const option = useMemo(
    () => insightChartOption(kind, data, { asTile, higherIsBetter, donut }) as EChartsOption,
    [kind, data, asTile, higherIsBetter, donut],
  );
  const x = data.roles.indexOf('x');
  // A KPI's caption may end in an ellipsis on a narrow tile: the tooltip has it whole.
  const caption = kind === 'kpi' ? (option.title as { subtext?: string } | undefined)?.subtext : undefined;
  // A sampled chart says how on its tile's tooltip, as the builder says it beside the row count.
  const sampling = asTile && data.sampled ? data.sampling : undefined;
  return (
    <EChart
      option={option}
      className="insight-chart"
      ariaLabel={label}
      title={caption ?? sampling}
      lazy={asTile}
      picture={picture}
      onBrush={(indexes) => {
        const range = indexes && onSelectRange ? rangeOfBrush(data, indexes) : null;
        if (range) onSelectRange?.(range);
      }}
      onClick={(clicked) => {
        if (!onSelect || x < 0) return;
        // Bars and lines give their value; find the category by the clicked value's row.
        const value: unknown = Array.isArray(clicked)
          ? (clicked as unknown[])[0]
          : (clicked as { name?: unknown } | null)?.name;
        const row = data.rows.find((r) => r.includes(clicked as never) || String(r[x]) === String(value));
        onSelect(row ? row[x] : value);
      }}
    />
  );
}

/** A table insight: number formats and conditional colours of its spec, as the export shows them. */
function DataTable({ data, spec }: { data: InsightData; spec?: Insight['table'] }) {
  return (
    <div className="insight-table">
      {data.pivotColumnsLeftOut ? (
        <p className="small muted">
          {data.pivotColumnsLeftOut} more values of the column dimension left out: the first ones in order are columns.
        </p>
      ) : null}
      <table className="table compact">
        <thead>
          <tr>
            {data.columns.map((c, i) => (
              <th key={i}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.rows.slice(0, 500).map((r, i) => (
            <tr key={i}>
              {r.map((v, j) => {
                const column = data.columns[j];
                const color = cellColor(column, v, spec?.highlight);
                return (
                  <td
                    key={j}
                    className={typeof v === 'number' ? 'num' : undefined}
                    style={color ? { background: color } : undefined}
                  >
                    {formatCell(v, spec?.formats?.[column])}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StatusStrip({ data }: { data: InsightData }) {
  const status = data.roles.indexOf('status');
  return (
    <div className="status-strip">
      {data.rows.map((r, i) => (
        <span key={i} className={`badge tone-${outcomeTone(String(r[status]))}`} title={String(r[0] as string)}>
          {String(r[0] as string)}: {String(r[status] as string)}
        </span>
      ))}
    </div>
  );
}
