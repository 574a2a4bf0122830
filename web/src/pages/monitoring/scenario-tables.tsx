import { Link } from 'react-router-dom';
import type { MonitoredScenario } from '../../api/types';
import { projectPath } from '../../components/layout';
import { Table, type Column } from '../../components/table';
import { ActiveBadge, StatusBadge } from '../../components/ui';
import { formatDateTime } from '../../lib/format';

/** One row per scenario (name linked, project) and the columns a tab adds. */
export function ScenarioTable({
  scenarios,
  label,
  columns,
}: {
  scenarios: MonitoredScenario[];
  label: string;
  columns: Column<MonitoredScenario>[];
}) {
  return (
    <Table
      card
      label={label}
      rows={scenarios}
      rowKey={(s) => `${s.project}/${s.id}`}
      columns={[
        { header: 'Scenario', cell: (s) => <Link to={projectPath(s.project, 'scenarios', s.id)}>{s.name}</Link> },
        { header: 'Project', className: 'small', cell: (s) => s.project },
        ...columns.map((c) => ({ ...c, className: 'small' })),
      ]}
    />
  );
}

/** What the Triggers tab adds: whether the scenario is active, its triggers and its next runs. */
export const TRIGGER_COLUMNS: Column<MonitoredScenario>[] = [
  { header: 'Status', cell: (s) => <ActiveBadge active={s.active} /> },
  {
    header: 'Triggers',
    cell: (s) =>
      s.triggers.length ? (
        s.triggers.map((t, i) => <div key={i}>{t.description}</div>)
      ) : (
        <span className="muted">by hand only</span>
      ),
  },
  {
    header: 'Next runs',
    cell: (s) =>
      s.nextFires.length ? (
        s.nextFires.slice(0, 3).map((f) => <div key={f}>{formatDateTime(f)}</div>)
      ) : (
        <span className="muted">—</span>
      ),
  },
];

/** What the Reporters tab adds: who is told about runs, and the last outcome. */
export const REPORTER_COLUMNS: Column<MonitoredScenario>[] = [
  {
    header: 'Reporters',
    cell: (s) =>
      s.reporters.length ? (
        s.reporters.map((r, i) => (
          <span key={i} className="tag">
            {r.channel} on {r.on}
          </span>
        ))
      ) : (
        <span className="muted">none</span>
      ),
  },
  {
    header: 'Last outcome',
    cell: (s) => (s.lastOutcome ? <StatusBadge status={s.lastOutcome} /> : <span className="muted">never ran</span>),
  },
];
