import type { ColumnInfo } from '../engine/table-query.js';
import { columnOf } from './compile-chart.js';
import type { Insight } from './insight-types.js';

/**
 * The dataset columns a chart or table insight reads, each with where it is named (as a compile
 * error says it). A table's formats and highlights are left out: they name the table's output
 * columns, which a pivot's measures name by their labels.
 */
export function insightColumns(insight: Insight): { column: string; where: string }[] {
  const out: { column: string; where: string }[] = [];
  const add = (where: string, column: string | undefined) => {
    if (column !== undefined) out.push({ column, where });
  };
  const chart = insight.type === 'chart' ? insight.chart : undefined;
  if (chart) {
    add('x', chart.x?.column);
    add('color', chart.color?.column);
    add('facet', chart.facet?.column);
    chart.y.forEach((m) => add('y', m.column));
    chart.filters.forEach((f) => add('filters', f.column));
    add('kpi.time', chart.kpi?.time);
  }
  const table = insight.type === 'table' ? insight.table : undefined;
  if (table) {
    (table.columns ?? []).forEach((c) => add('table', c));
    (table.groupBy ?? []).forEach((d) => add('groupBy', d.column));
    (table.measures ?? []).forEach((m) => add('measures', m.column));
    (table.filters ?? []).forEach((f) => add('filters', f.column));
  }
  return out;
}

/** Throws a 400 naming the first column the insight reads that `columns` lacks, and the columns there are. */
export function checkInsightColumns(insight: Insight, columns: readonly ColumnInfo[]): void {
  for (const { column, where } of insightColumns(insight)) columnOf(columns, column, where);
}
