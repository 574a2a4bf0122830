import { useMemo } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import type { Monitoring, MonitoringSteps } from '../api/types';
import { Async, EmptyCard, ErrorAlert, LinkTabs, PageHeader } from '../components/ui';
import { formatDateTime } from '../lib/format';
import { truncationNote } from '../lib/timeline-rows';
import { useApi, useInterval } from '../lib/use-api';
import { useUrlText } from '../lib/use-url-text';
import { DailySummary } from './monitoring/daily-summary';
import { OUTCOMES } from './monitoring/outcomes';
import { RangeBar } from './monitoring/range-bar';
import { REPORTER_COLUMNS, ScenarioTable, TRIGGER_COLUMNS } from './monitoring/scenario-tables';
import { Timeline } from './monitoring/timeline';

/** Step runs asked for at once when the timeline is expanded to steps. */
const STEP_PAGE = 20_000;

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
  // A moving window ("last N hours") is recomputed on each refresh (`t` changes); a fixed one comes from the URL.
  const refreshedAt = params.get('t');
  const range = useMemo(
    () =>
      from && to
        ? { from, to }
        : // eslint-disable-next-line react-hooks/purity -- deliberately impure: a moving window ends now
          { from: new Date(Date.now() - hours * 3_600_000).toISOString(), to: new Date().toISOString() },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `t` is not read, it only marks a refresh
    [from, to, hours, refreshedAt],
  );
  // Runs of deleted scenarios are history the view hides unless asked for.
  const showDeleted = params.get('deleted') === '1';
  const query = useMemo(() => (showDeleted ? { ...range, includeDeleted: 'true' } : range), [range, showDeleted]);
  const monitoring = useApi<Monitoring>('/api/automation/monitoring', query);
  const expand = params.get('expand') === 'step' ? 'step' : 'scenario';
  // The visible window only, one page of steps (the newest runs'); the note below says when there are more.
  const stepsQuery = useMemo(() => ({ ...query, limit: String(STEP_PAGE) }), [query]);
  const steps = useApi<MonitoringSteps>(
    expand === 'step' && tab === 'timeline' ? '/api/automation/monitoring/steps' : null,
    stepsQuery,
  );
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

  const projects = useMemo(
    () => [...new Set((monitoring.data?.scenarios ?? []).map((s) => s.project))].sort(),
    [monitoring.data],
  );
  const scenarios = useMemo(() => {
    const needle = q.toLowerCase();
    return (monitoring.data?.scenarios ?? [])
      .filter((s) => !project || s.project === project)
      .filter((s) => !needle || s.name.toLowerCase().includes(needle) || s.id.toLowerCase().includes(needle))
      .map((s) => (outcome ? { ...s, runs: s.runs.filter((r) => r.outcome === outcome) } : s))
      .filter((s) => !outcome || s.runs.length > 0);
  }, [monitoring.data, project, outcome, q]);

  const search = params.toString() ? `?${params}` : '';
  // Each filter shows only on the tabs it changes: the range picks runs (timeline, daily summary), the
  // search and project pick scenarios (not the daily totals), the outcome picks runs on the timeline.
  const usesRange = tab === 'timeline' || tab === 'daily';
  const usesScenarioFilters = tab !== 'daily';
  return (
    <>
      <PageHeader title="Automation monitoring" subtitle="Scenario runs across the projects you may see" />
      {usesRange ? (
        <RangeBar hours={from ? null : hours} range={range} setParam={setParam} onRefresh={refresh} />
      ) : null}
      <div className="filter-bar" hidden={!usesScenarioFilters && !usesRange}>
        {usesScenarioFilters ? (
          <>
            <input
              type="search"
              aria-label="Search scenarios"
              placeholder="Search scenarios"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              className="input-s"
            />
            <select aria-label="Project" value={project} onChange={(e) => setParam({ project: e.target.value })}>
              <option value="">All projects</option>
              {projects.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </>
        ) : null}
        {tab === 'timeline' ? (
          <select aria-label="Outcome" value={outcome} onChange={(e) => setParam({ outcome: e.target.value })}>
            <option value="">All outcomes</option>
            {OUTCOMES.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        ) : null}
        {usesRange ? (
          <label className="small">
            <input
              type="checkbox"
              checked={showDeleted}
              onChange={(e) => setParam({ deleted: e.target.checked ? '1' : null })}
            />{' '}
            Deleted scenarios
          </label>
        ) : null}
        {usesRange ? (
          <span className="small muted">
            {formatDateTime(range.from)} → {formatDateTime(range.to)}
          </span>
        ) : null}
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
            <EmptyCard title="No scenarios to monitor">
              Scenarios of your projects appear here with their runs.
            </EmptyCard>
          ) : scenarios.length === 0 ? (
            <EmptyCard title="Nothing matches">Change the filters or widen the range.</EmptyCard>
          ) : (
            <>
              {m.truncated ? <div className="alert info">{truncationNote(m)}</div> : null}
              {tab === 'daily' ? (
                <DailySummary monitoring={m} />
              ) : tab === 'triggers' ? (
                <ScenarioTable scenarios={scenarios} label="Triggers" columns={TRIGGER_COLUMNS} />
              ) : tab === 'reporters' ? (
                <ScenarioTable scenarios={scenarios} label="Reporters" columns={REPORTER_COLUMNS} />
              ) : (
                <>
                  <div className="filter-bar" role="group" aria-label="Expand to">
                    <span className="small muted">Expand to</span>
                    {(['scenario', 'step'] as const).map((e) => (
                      <button
                        key={e}
                        type="button"
                        className={`btn small${expand === e ? ' primary' : ''}`}
                        aria-pressed={expand === e}
                        onClick={() => setParam({ expand: e === 'step' ? 'step' : null })}
                      >
                        {e}
                      </button>
                    ))}
                    {expand === 'step' && steps.loading ? (
                      <span className="small muted" role="status">
                        Loading steps…
                      </span>
                    ) : null}
                  </div>
                  {expand === 'step' ? (
                    <ErrorAlert error={steps.error} title="Steps not loaded" onRetry={steps.reload} />
                  ) : null}
                  {expand === 'step' && steps.data?.truncated ? (
                    <div className="alert info">
                      Too many step runs in this range: only the steps of the most recent runs are shown. Narrow the
                      range to see them all.
                    </div>
                  ) : null}
                  <Timeline
                    scenarios={scenarios}
                    from={Date.parse(m.from)}
                    to={Date.parse(m.to)}
                    steps={expand === 'step' ? steps.data : undefined}
                  />
                </>
              )}
            </>
          )
        }
      </Async>
    </>
  );
}
