import { useMemo, type ReactNode } from 'react';
import { projectApi } from '../api/client';
import type { ColumnStats } from '../api/types';
import { formatCell, formatCount, formatDistinct, formatNumber } from '../lib/format';
import { useApi } from '../lib/use-api';
import { COLORS, EChart } from './echart';
import { Table, type Column } from './table';
import { Async, EmptyState } from './ui';

/** Column statistics of a dataset: a histogram (or top values) and summary numbers per column. */
export default function StatsTab({ projectKey, name }: { projectKey: string; name: string }) {
  const stats = useApi<ColumnStats[]>(projectApi(projectKey, 'datasets', name, 'stats'));
  return (
    <Async state={stats} label="Computing column statistics…">
      {(cols) =>
        cols.length === 0 ? (
          <EmptyState title="No columns" />
        ) : (
          <div className="grid-3">
            {cols.map((c) => (
              <ColumnStatsCard key={c.name} stats={c} />
            ))}
          </div>
        )
      }
    </Async>
  );
}

interface Summary {
  label: string;
  value: ReactNode;
}
const SUMMARY_COLUMNS: Column<Summary>[] = [
  { header: 'Measure', cell: (r) => r.label },
  { header: 'Value', numeric: true, cell: (r) => r.value },
];

function ColumnStatsCard({ stats: s }: { stats: ColumnStats }) {
  const option = useMemo(() => {
    if (s.histogram.length) {
      const label = (b: { low: number | string; high: number | string }) =>
        typeof b.low === 'number'
          ? `${formatNumber(b.low)} – ${formatNumber(b.high)}`
          : `${String(b.low).slice(0, 16)} – ${String(b.high).slice(0, 16)}`;
      return {
        grid: { left: 44, right: 8, top: 10, bottom: 22 },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: {
          type: 'category',
          data: s.histogram.map(label),
          axisLabel: { show: false },
          axisTick: { show: false },
        },
        yAxis: { type: 'value', splitNumber: 3, axisLabel: { fontSize: 10 } },
        series: [
          {
            type: 'bar',
            data: s.histogram.map((b) => b.count),
            itemStyle: { color: COLORS.accent },
            barCategoryGap: '8%',
          },
        ],
      };
    }
    if (s.topValues.length) {
      const top = [...s.topValues].reverse();
      return {
        grid: { left: 90, right: 16, top: 6, bottom: 18 },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: { type: 'value', splitNumber: 3, axisLabel: { fontSize: 10 } },
        yAxis: {
          type: 'category',
          data: top.map((t) => formatCell(t.value).slice(0, 14)),
          axisLabel: { fontSize: 10 },
        },
        series: [{ type: 'bar', data: top.map((t) => t.count), itemStyle: { color: COLORS.ext } }],
      };
    }
    return null;
  }, [s]);
  const nonNull = s.count - s.nulls;
  const summary: Summary[] = [
    {
      label: 'Non-null',
      value: (
        <>
          {formatCount(nonNull)}{' '}
          {s.count ? <span className="muted">({Math.round((nonNull / s.count) * 100)}%)</span> : null}
        </>
      ),
    },
    { label: 'Distinct', value: formatDistinct(s.distinct, s.distinctIsApproximate) },
    { label: 'Min / max', value: `${formatCell(s.min, s.type) || '—'} / ${formatCell(s.max, s.type) || '—'}` },
    ...(s.mean !== null ? [{ label: 'Mean ± sd', value: `${formatNumber(s.mean)} ± ${formatNumber(s.stddev)}` }] : []),
  ];
  return (
    <section className="card" aria-label={`Column ${s.name}`}>
      <div className="card-header">
        <h2>{s.name}</h2>
        <span className="mono small muted">{s.type}</span>
      </div>
      <div className="card-body">
        {option ? (
          <EChart option={option} className="chart small" ariaLabel={`Distribution of ${s.name}`} />
        ) : (
          <div className="muted small">No values to chart</div>
        )}
        <Table small headless className="mt-3" rows={summary} rowKey={(r) => r.label} columns={SUMMARY_COLUMNS} />
      </div>
    </section>
  );
}
