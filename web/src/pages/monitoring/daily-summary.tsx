import { useMemo } from 'react';
import type { Monitoring } from '../../api/types';
import { EChart, outcomeColor, outcomeTone } from '../../components/echart';
import { Table, type Column } from '../../components/table';
import { EmptyState } from '../../components/ui';
import { OUTCOMES } from './outcomes';

type Day = Monitoring['daily'][number];

/** Runs per day and outcome over the range: a stacked bar chart and the same figures as a table. */
export function DailySummary({ monitoring }: { monitoring: Monitoring }) {
  const days = monitoring.daily.map((d) => d.day);
  const present = OUTCOMES.filter((o) => monitoring.daily.some((d) => d.outcomes[o]));
  const option = useMemo(
    () => ({
      grid: { left: 48, right: 16, top: 36, bottom: 30 },
      // One line that scrolls: wrapped onto a second line, a phone's legend covered the bars.
      legend: { type: 'scroll', top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', name: 'runs', minInterval: 1 },
      series: present.map((o) => ({
        name: o,
        type: 'bar',
        stack: 'runs',
        itemStyle: { color: outcomeColor(o) },
        data: monitoring.daily.map((d) => d.outcomes[o] ?? 0),
      })),
    }),
    [monitoring, days, present],
  );
  const columns: Column<Day>[] = [
    { header: 'Day', cell: (d) => d.day },
    // Counts of runs that did not succeed take their outcome's colour.
    ...present.map((o): Column<Day> => ({
      header: o.toLowerCase(),
      id: o,
      numeric: true,
      className: (d) => (d.outcomes[o] && o !== 'SUCCESS' ? `tone-text tone-${outcomeTone(o)}` : undefined),
      cell: (d) => d.outcomes[o] ?? 0,
    })),
    {
      header: 'Total',
      numeric: true,
      cell: (d) => <strong>{Object.values(d.outcomes).reduce((a, b) => a + b, 0)}</strong>,
    },
  ];
  return (
    <div className="stack">
      <div className="card">
        <div className="card-body">
          {days.length ? (
            <EChart option={option} className="chart tall" ariaLabel="Runs per day by outcome" />
          ) : (
            <EmptyState title="No runs in this range" />
          )}
        </div>
      </div>
      <Table card label="Runs per day" rows={monitoring.daily} rowKey={(d) => d.day} columns={columns} />
    </div>
  );
}
