import { useMemo, useState } from 'react';
import type { MetricsRecord } from '../../api/types';
import { formatNumber, formatRelative } from '../../lib/format';
import type { ApiState } from '../../lib/use-api';
import { COLORS, EChart } from '../echart';
import { Table } from '../table';
import { Async, CardSection, EmptyState } from '../ui';

/** The latest metric values of a dataset, with a chart of one numeric metric's history. */
export function MetricsCard({ metrics }: { metrics: ApiState<MetricsRecord[]> }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const latest = metrics.data?.[0];
  const numeric = useMemo(
    () =>
      Object.entries(latest?.metrics ?? {})
        .filter(([, v]) => typeof v === 'number')
        .map(([k]) => k),
    [latest],
  );
  const metric = chosen ?? (numeric.includes('records') ? 'records' : numeric[0]);
  const option = useMemo(() => {
    const points = [...(metrics.data ?? [])].reverse().filter((m) => typeof m.metrics[metric ?? ''] === 'number');
    return {
      grid: { left: 60, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', scale: true },
      series: [
        {
          type: 'line',
          name: metric,
          showSymbol: points.length < 60,
          data: points.map((m) => [m.computedAt, m.metrics[metric]]),
          itemStyle: { color: COLORS.accent },
        },
      ],
    };
  }, [metrics.data, metric]);

  return (
    <CardSection
      title="Metrics"
      extra={
        latest ? (
          <span className="small muted">
            computed {formatRelative(latest.computedAt)} ({latest.origin})
          </span>
        ) : null
      }
    >
      <Async state={metrics}>
        {(all) =>
          all.length === 0 ? (
            <EmptyState title="No metrics yet">
              Metrics are computed after each build, or with “Compute metrics”.
            </EmptyState>
          ) : (
            <>
              {numeric.length ? (
                <label className="row small gap-2 mb-2">
                  History of
                  <select value={metric} onChange={(e) => setChosen(e.target.value)} aria-label="Metric to chart">
                    {numeric.map((n) => (
                      <option key={n}>{n}</option>
                    ))}
                  </select>
                </label>
              ) : null}
              <EChart option={option} className="chart medium" ariaLabel={`History of metric ${metric}`} />
              <Table
                small
                headless
                rows={Object.entries(all[0].metrics)}
                rowKey={([k]) => k}
                columns={[
                  { header: 'Metric', cell: ([k]) => k },
                  {
                    header: 'Value',
                    numeric: true,
                    cell: ([, v]) => (typeof v === 'number' ? formatNumber(v) : String(v ?? '—')),
                  },
                ]}
              />
            </>
          )
        }
      </Async>
    </CardSection>
  );
}
