import { useMemo, type CSSProperties } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { MonitoredScenario, MonitoringSteps } from '../../api/types';
import { outcomeColor, outcomeTone } from '../../components/echart';
import { Gantt, type GanttBar } from '../../components/gantt';
import { projectPath } from '../../components/layout';
import { Table } from '../../components/table';
import { formatClock, formatDateTime, formatDuration } from '../../lib/format';
import { timelineRows, type TimelineRow } from '../../lib/timeline-rows';
import { OUTCOMES } from './outcomes';

/** Height of a table row and of a chart row: the chart's rows line up with the table's. */
const ROW_H = 34;

/**
 * One row per scenario (and per step when expanded): its name and average and last runtime
 * in a table, its runs as bars on the timeline beside it, coloured by outcome.
 */
export function Timeline({
  scenarios,
  from,
  to,
  steps,
}: {
  scenarios: MonitoredScenario[];
  from: number;
  to: number;
  steps?: MonitoringSteps;
}) {
  const navigate = useNavigate();
  const rows = useMemo(() => timelineRows(scenarios, steps), [scenarios, steps]);
  const bars: GanttBar[] = useMemo(
    () =>
      rows.flatMap((row, index) =>
        row.runs
          .filter((r) => r.start)
          .map((r) => {
            const s = row.scenario;
            const start = Date.parse(r.start!);
            const end = r.end ? Date.parse(r.end) : Math.min(Date.now(), to);
            const what = row.step ? `${row.step.name} (${row.step.type}) of ${s.name}` : `${s.name} (${s.project})`;
            return {
              row: index,
              start,
              end,
              color: outcomeColor(r.outcome),
              tooltip: `${what}\n${r.outcome} · ${formatDateTime(r.start)} · ${formatDuration(r.durationMs ?? end - start)}`,
              payload: { project: s.project, id: s.id, run: r.run },
            };
          }),
      ),
    [rows, to],
  );
  return (
    // The row height is shared with the chart's layout below, so it is set here, once, for the stylesheet.
    <div className="card timeline" style={{ '--timeline-row-h': `${ROW_H}px` } as CSSProperties}>
      <Table
        label="Scenarios"
        className="timeline-table"
        rows={rows}
        rowKey={(row) => row.key}
        rowClassName={(row) => (row.step ? 'step-row' : undefined)}
        columns={[
          {
            header: steps ? 'Scenario / step' : 'Scenario',
            id: 'name',
            className: 'cell-ellipsis',
            title: (row) =>
              row.step
                ? `${row.step.name} (${row.step.type}) - ${row.scenario.name}`
                : `${row.scenario.name} - ${row.scenario.project}`,
            cell: (row) => (
              <span className="row-name">
                <RowName row={row} />
              </span>
            ),
          },
          {
            header: 'Avg',
            numeric: true,
            headerClassName: 'col-time',
            className: 'col-time mono small',
            cell: (row) => formatClock(row.averageDurationMs),
          },
          {
            header: 'Last',
            numeric: true,
            headerClassName: 'col-time',
            className: 'col-time mono small',
            cell: (row) => formatClock(row.lastDurationMs),
          },
        ]}
      />
      <div className="timeline-chart">
        <Gantt
          rows={rows.map((r) => r.key)}
          bars={bars}
          from={from}
          to={to}
          rowLabelWidth={0}
          layout={{ top: ROW_H, rowHeight: ROW_H }}
          ariaLabel={
            steps
              ? 'Runs of each scenario and of its steps on a timeline, coloured by outcome'
              : 'Runs of each scenario on a timeline, coloured by outcome'
          }
          onBarClick={(p) => {
            const x = p as { project: string; id: string; run: string } | undefined;
            if (x)
              void navigate(`${projectPath(x.project, 'scenarios', x.id, 'runs')}?run=${encodeURIComponent(x.run)}`);
          }}
        />
      </div>
      <div className="legend">
        {(steps ? [...OUTCOMES, 'SKIPPED'] : OUTCOMES).map((o) => (
          <span key={o} className={`tone-${outcomeTone(o)}`}>
            {o.toLowerCase()}
          </span>
        ))}
      </div>
    </div>
  );
}

const runsPath = (s: MonitoredScenario) => projectPath(s.project, 'scenarios', s.id, 'runs');

/** A scenario's name (linked to its runs) with its project; a step's name links to its latest run, what a click on its bar does. */
function RowName({ row }: { row: TimelineRow }) {
  const s = row.scenario;
  if (!row.step) {
    return (
      <>
        <span className={`dot tone-${outcomeTone(s.lastOutcome)}`} aria-hidden="true" />
        <Link to={runsPath(s)}>{s.name}</Link> <span className="muted small">- {s.project}</span>
      </>
    );
  }
  const lastRun = row.runs.filter((r) => r.start).at(-1)?.run;
  return (
    <>
      <span aria-hidden="true" className="muted">
        ↳{' '}
      </span>
      {lastRun ? (
        <Link to={`${runsPath(s)}?run=${encodeURIComponent(lastRun)}`} title="Open the latest run of this step">
          {row.step.name}
        </Link>
      ) : (
        row.step.name
      )}{' '}
      <span className="muted small">({row.step.type})</span>
    </>
  );
}
