import { useMemo } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { MonitoredScenario, Monitoring, MonitoringSteps } from '../api/types';
import { EChart, outcomeColor } from '../components/echart';
import { Gantt, type GanttBar } from '../components/gantt';
import { projectPath } from '../components/layout';
import { Async, EmptyState, ErrorAlert, LinkTabs, PageHeader, StatusBadge } from '../components/ui';
import { formatClock, formatDateTime, formatDuration } from '../lib/format';
import { useApi, useInterval } from '../lib/use-api';
import { timelineRows, truncationNote, type TimelineRow } from '../lib/timeline-rows';
import { useUrlText } from '../lib/use-url-text';

const OUTCOMES = ['SUCCESS', 'WARNING', 'FAILED', 'ABORTED', 'RUNNING', 'QUEUED'];
const RANGES: { label: string; hours: number }[] = [
  { label: '6 h', hours: 6 },
  { label: '24 h', hours: 24 },
  { label: '3 days', hours: 72 },
  { label: '7 days', hours: 168 },
];
const ROW_H = 34;
const HEAD_H = 34;

/** `2022-03-17T16:00` (what a datetime-local input shows) ↔ ISO, in the browser's time zone. */
const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/**
 * The automation-monitoring view, as the observatory uses it: a time range (last 24 hours by
 * default), one row per scenario with its average and last runtime and its runs on a timeline
 * coloured by outcome; tabs for the daily summary, triggers and reporters.
 */
export default function MonitoringPage() {
  const { tab = 'timeline' } = useParams();
  const [params, setParams] = useSearchParams();
  const from = params.get('from');
  const to = params.get('to');
  const hours = Number(params.get('hours') ?? 24);
  const project = params.get('project') ?? '';
  const outcome = params.get('outcome') ?? '';
  const [q, setQ] = useUrlText('q');
  // A moving window ("last N hours") is recomputed on each refresh; a fixed one comes from the URL.
  const range = useMemo(() => (from && to ? { from, to } : { from: new Date(Date.now() - hours * 3_600_000).toISOString(), to: new Date().toISOString() }), [from, to, hours, params.get('t')]); // eslint-disable-line react-hooks/exhaustive-deps
  const monitoring = useApi<Monitoring>('/api/automation/monitoring', range);
  const expand = params.get('expand') === 'step' ? 'step' : 'scenario';
  const steps = useApi<MonitoringSteps>(expand === 'step' && tab === 'timeline' ? '/api/automation/monitoring/steps' : null, range);
  const setParam = (updates: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(updates)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const refresh = () => setParam({ t: String(Date.now()) });
  useInterval(refresh, 30_000, !(from && to));

  const projects = useMemo(() => [...new Set((monitoring.data?.scenarios ?? []).map((s) => s.project))].sort(), [monitoring.data]);
  const scenarios = useMemo(() => {
    const needle = q.toLowerCase();
    return (monitoring.data?.scenarios ?? [])
      .filter((s) => !project || s.project === project)
      .filter((s) => !needle || s.name.toLowerCase().includes(needle) || s.id.toLowerCase().includes(needle))
      .map((s) => (outcome ? { ...s, runs: s.runs.filter((r) => r.outcome === outcome) } : s))
      .filter((s) => !outcome || s.runs.length > 0);
  }, [monitoring.data, project, outcome, q]);

  const search = params.toString() ? `?${params}` : '';
  return (
    <>
      <PageHeader title="Automation monitoring" subtitle="Scenario runs across the projects you may see" />
      <div className="filter-bar" role="group" aria-label="Range and filters">
        <span className="small muted">Range</span>
        {RANGES.map((r) => (
          <button key={r.hours} type="button" className={`btn small${!from && hours === r.hours ? ' primary' : ''}`} onClick={() => setParam({ hours: String(r.hours), from: null, to: null })}>
            Last {r.label}
          </button>
        ))}
        <label className="row small" style={{ gap: 4 }}>
          From
          <input type="datetime-local" aria-label="From" value={toLocalInput(range.from)} onChange={(e) => e.target.value && setParam({ from: new Date(e.target.value).toISOString(), to: range.to })} />
        </label>
        <label className="row small" style={{ gap: 4 }}>
          To
          <input type="datetime-local" aria-label="To" value={toLocalInput(range.to)} onChange={(e) => e.target.value && setParam({ to: new Date(e.target.value).toISOString(), from: range.from })} />
        </label>
        <button type="button" className="btn small" onClick={refresh} aria-label="Refresh">
          ⟳ Refresh
        </button>
      </div>
      <div className="filter-bar">
        <input type="search" aria-label="Search scenarios" placeholder="Search scenarios" value={q} onChange={(e) => setQ(e.target.value)} style={{ width: 220 }} />
        <select aria-label="Project" value={project} onChange={(e) => setParam({ project: e.target.value })}>
          <option value="">All projects</option>
          {projects.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <select aria-label="Outcome" value={outcome} onChange={(e) => setParam({ outcome: e.target.value })}>
          <option value="">All outcomes</option>
          {OUTCOMES.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        <span className="small muted">
          {formatDateTime(range.from)} → {formatDateTime(range.to)}
        </span>
      </div>
      <LinkTabs
        label="Monitoring views"
        tabs={[
          { to: `/monitoring${search}`, label: 'Timeline' },
          { to: `/monitoring/daily${search}`, label: 'Daily summary' },
          { to: `/monitoring/triggers${search}`, label: 'Triggers' },
          { to: `/monitoring/reporters${search}`, label: 'Reporters' },
        ]}
      />
      <Async state={monitoring} label="Loading runs…">
        {(m) =>
          m.scenarios.length === 0 ? (
            <div className="card">
              <EmptyState title="No scenarios to monitor">Scenarios of your projects appear here with their runs.</EmptyState>
            </div>
          ) : scenarios.length === 0 ? (
            <div className="card">
              <EmptyState title="Nothing matches">Change the filters or widen the range.</EmptyState>
            </div>
          ) : (
            <>
              {m.truncated ? <div className="alert info">{truncationNote(m)}</div> : null}
              {tab === 'daily' ? <DailySummary monitoring={m} /> : tab === 'triggers' ? <TriggersTable scenarios={scenarios} /> : tab === 'reporters' ? <ReportersTable scenarios={scenarios} /> : (
                <>
                  <div className="filter-bar" role="group" aria-label="Expand to">
                    <span className="small muted">Expand to</span>
                    {(['scenario', 'step'] as const).map((e) => (
                      <button key={e} type="button" className={`btn small${expand === e ? ' primary' : ''}`} aria-pressed={expand === e} onClick={() => setParam({ expand: e === 'step' ? 'step' : null })}>
                        {e}
                      </button>
                    ))}
                    {expand === 'step' && steps.loading ? <span className="small muted" role="status">Loading steps…</span> : null}
                  </div>
                  {expand === 'step' ? <ErrorAlert error={steps.error} title="Steps not loaded" onRetry={steps.reload} /> : null}
                  {expand === 'step' && steps.data?.truncated ? <div className="alert info">Too many step runs in this range: only the steps of the most recent runs are shown. Narrow the range to see them all.</div> : null}
                  <Timeline scenarios={scenarios} from={Date.parse(m.from)} to={Date.parse(m.to)} steps={expand === 'step' ? steps.data : undefined} />
                </>
              )}
            </>
          )
        }
      </Async>
    </>
  );
}

function Timeline({ scenarios, from, to, steps }: { scenarios: MonitoredScenario[]; from: number; to: number; steps?: MonitoringSteps }) {
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
            return { row: index, start, end, color: outcomeColor(r.outcome), tooltip: `${what}\n${r.outcome} · ${formatDateTime(r.start)} · ${formatDuration(r.durationMs ?? end - start)}`, payload: { project: s.project, id: s.id, run: r.run } };
          }),
      ),
    [rows, to],
  );
  const runLink = (s: MonitoredScenario) => projectPath(s.project, 'scenarios', s.id, 'runs');
  // The step name links to its latest run: what a click on a bar does, from the keyboard.
  const lastRun = (row: TimelineRow) => row.runs.filter((r) => r.start).at(-1)?.run;
  return (
    <div className="card" style={{ display: 'grid', gridTemplateColumns: 'minmax(260px, 34%) 1fr', overflow: 'hidden' }}>
      <table className="table" aria-label="Scenarios" style={{ tableLayout: 'fixed' }}>
        <thead>
          <tr style={{ height: HEAD_H }}>
            <th style={{ padding: '0 12px' }}>{steps ? 'Scenario / step' : 'Scenario'}</th>
            <th className="num" style={{ width: 70, padding: '0 8px' }}>
              Avg
            </th>
            <th className="num" style={{ width: 70, padding: '0 12px 0 8px' }}>
              Last
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const s = row.scenario;
            return (
              <tr key={row.key} style={{ height: ROW_H }} className={row.step ? 'step-row' : undefined}>
                {row.step ? (
                  <td style={{ padding: '0 12px 0 30px', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} title={`${row.step.name} (${row.step.type}) - ${s.name}`}>
                    <span aria-hidden="true" className="muted">
                      ↳{' '}
                    </span>
                    {lastRun(row) ? (
                      <Link to={`${runLink(s)}?run=${encodeURIComponent(lastRun(row)!)}`} title="Open the latest run of this step">
                        {row.step.name}
                      </Link>
                    ) : (
                      row.step.name
                    )}{' '}
                    <span className="muted small">({row.step.type})</span>
                  </td>
                ) : (
                  <td style={{ padding: '0 12px', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} title={`${s.name} - ${s.project}`}>
                    <span style={{ display: 'inline-block', width: 8, height: 8, borderRadius: 4, background: outcomeColor(s.lastOutcome), marginRight: 6 }} aria-hidden="true" />
                    <Link to={runLink(s)}>{s.name}</Link> <span className="muted small">- {s.project}</span>
                  </td>
                )}
                <td className="num mono small" style={{ padding: '0 8px' }}>
                  {formatClock(row.averageDurationMs)}
                </td>
                <td className="num mono small" style={{ padding: '0 12px 0 8px' }}>
                  {formatClock(row.lastDurationMs)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div style={{ borderLeft: '1px solid var(--border)', minWidth: 0 }}>
        <Gantt
          rows={rows.map((r) => r.key)}
          bars={bars}
          from={from}
          to={to}
          rowLabelWidth={0}
          layout={{ top: HEAD_H, rowHeight: ROW_H }}
          ariaLabel={steps ? 'Runs of each scenario and of its steps on a timeline, coloured by outcome' : 'Runs of each scenario on a timeline, coloured by outcome'}
          onBarClick={(p) => {
            const x = p as { project: string; id: string; run: string } | undefined;
            if (x) navigate(`${projectPath(x.project, 'scenarios', x.id, 'runs')}?run=${encodeURIComponent(x.run)}`);
          }}
        />
      </div>
      <div className="legend" style={{ gridColumn: '1 / -1', padding: '8px 12px', borderTop: '1px solid var(--border)' }}>
        {(steps ? [...OUTCOMES, 'SKIPPED'] : OUTCOMES).map((o) => (
          <span key={o} style={{ ['--c' as string]: outcomeColor(o) }}>
            {o.toLowerCase()}
          </span>
        ))}
      </div>
    </div>
  );
}

function DailySummary({ monitoring }: { monitoring: Monitoring }) {
  const days = monitoring.daily.map((d) => d.day);
  const present = OUTCOMES.filter((o) => monitoring.daily.some((d) => d.outcomes[o]));
  const option = useMemo(
    () => ({
      grid: { left: 48, right: 16, top: 36, bottom: 30 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', name: 'runs', minInterval: 1 },
      series: present.map((o) => ({ name: o, type: 'bar', stack: 'runs', itemStyle: { color: outcomeColor(o) }, data: monitoring.daily.map((d) => d.outcomes[o] ?? 0) })),
    }),
    [monitoring, days, present],
  );
  return (
    <div className="stack">
      <div className="card">
        <div className="card-body">{days.length ? <EChart option={option} ariaLabel="Runs per day by outcome" style={{ height: 300 }} /> : <EmptyState title="No runs in this range" />}</div>
      </div>
      <div className="card">
        <table className="table" aria-label="Runs per day">
          <thead>
            <tr>
              <th>Day</th>
              {present.map((o) => (
                <th key={o} className="num">
                  {o.toLowerCase()}
                </th>
              ))}
              <th className="num">Total</th>
            </tr>
          </thead>
          <tbody>
            {monitoring.daily.map((d) => (
              <tr key={d.day}>
                <td>{d.day}</td>
                {present.map((o) => (
                  <td key={o} className="num" style={{ color: d.outcomes[o] && o !== 'SUCCESS' ? outcomeColor(o) : undefined }}>
                    {d.outcomes[o] ?? 0}
                  </td>
                ))}
                <td className="num">
                  <strong>{Object.values(d.outcomes).reduce((a, b) => a + b, 0)}</strong>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** One row per scenario (name linked, project) and the columns a tab adds. */
function ScenarioTable({ scenarios, label, headers, cells }: { scenarios: MonitoredScenario[]; label: string; headers: string[]; cells: (s: MonitoredScenario) => React.ReactNode[] }) {
  return (
    <div className="card">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th>Scenario</th>
            <th>Project</th>
            {headers.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {scenarios.map((s) => (
            <tr key={`${s.project}/${s.id}`}>
              <td>
                <Link to={projectPath(s.project, 'scenarios', s.id)}>{s.name}</Link>
              </td>
              <td className="small">{s.project}</td>
              {cells(s).map((c, i) => (
                <td key={i} className="small">
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TriggersTable({ scenarios }: { scenarios: MonitoredScenario[] }) {
  return (
    <ScenarioTable
      scenarios={scenarios}
      label="Triggers"
      headers={['Status', 'Triggers', 'Next runs']}
      cells={(s) => [
        s.active ? <span className="badge ok">active</span> : <span className="badge">inactive</span>,
        s.triggers.length ? s.triggers.map((t, i) => <div key={i}>{t.description}</div>) : <span className="muted">by hand only</span>,
        s.nextFires.length ? s.nextFires.slice(0, 3).map((f) => <div key={f}>{formatDateTime(f)}</div>) : <span className="muted">—</span>,
      ]}
    />
  );
}

function ReportersTable({ scenarios }: { scenarios: MonitoredScenario[] }) {
  return (
    <ScenarioTable
      scenarios={scenarios}
      label="Reporters"
      headers={['Reporters', 'Last outcome']}
      cells={(s) => [
        s.reporters.length ? (
          s.reporters.map((r, i) => (
            <span key={i} className="tag">
              {r.channel} on {r.on}
            </span>
          ))
        ) : (
          <span className="muted">none</span>
        ),
        s.lastOutcome ? <StatusBadge status={s.lastOutcome} /> : <span className="muted">never ran</span>,
      ]}
    />
  );
}
