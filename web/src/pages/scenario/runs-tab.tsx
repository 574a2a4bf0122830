import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, projectApi } from '../../api/client';
import type { ScenarioRun } from '../../api/types';
import { ActionButton } from '../../components/can';
import { useConfirm } from '../../components/confirm-dialog';
import { outcomeColor } from '../../components/echart';
import { Gantt } from '../../components/gantt';
import { LogView } from '../../components/log-view';
import { LoadedTable } from '../../components/loaded-table';
import { Table } from '../../components/table';
import { Async, EmptyState, ErrorAlert, StatusBadge } from '../../components/ui';
import { formatDateTime, formatDuration, formatRelative } from '../../lib/format';
import { useApi, useInterval } from '../../lib/use-api';
import { useRight } from '../../lib/use-can';

const ACTIVE_OUTCOMES = ['QUEUED', 'RUNNING'];

/** The scenario's runs, newest first; the run picked (?run=) is shown beside them, live while it runs. */
export function RunsTab({ projectKey, id }: { projectKey: string; id: string }) {
  const [params, setParams] = useSearchParams();
  const runs = useApi<ScenarioRun[]>(projectApi(projectKey, 'scenarios', id, 'runs'), { limit: 100 });
  const selected = params.get('run');
  const active = runs.data?.some((r) => ACTIVE_OUTCOMES.includes(r.outcome)) ?? false;
  useInterval(runs.reload, 1500, active || (selected !== null && !runs.data?.some((r) => r.id === selected)));
  return (
    <div className="master-detail wide">
      <LoadedTable
        state={runs}
        loading="Loading runs…"
        small
        label="Runs"
        rowKey={(r) => r.id}
        isSelected={(r) => r.id === selected}
        empty={<EmptyState title="No runs yet">Use “Run now”, or wait for a trigger.</EmptyState>}
        columns={[
          {
            header: 'Run',
            cell: (r) => (
              <>
                <button
                  type="button"
                  className="btn ghost small"
                  onClick={() => setParams({ run: r.id }, { replace: true })}
                  aria-label={`${formatDateTime(r.startedAt ?? r.createdAt)}: show run ${r.id}`}
                >
                  {formatDateTime(r.startedAt ?? r.createdAt)}
                </button>
                <div className="muted">{r.cause}</div>
              </>
            ),
          },
          { header: 'Outcome', cell: (r) => <StatusBadge status={r.outcome} /> },
          { header: 'Duration', numeric: true, cell: (r) => formatDuration(r.durationMs) },
        ]}
      />
      {selected ? (
        <RunDetail projectKey={projectKey} runId={selected} />
      ) : (
        <EmptyState title="Select a run">Its steps, timings and log appear here.</EmptyState>
      )}
    </div>
  );
}

function RunDetail({ projectKey, runId }: { projectKey: string; runId: string }) {
  const run = useApi<ScenarioRun>(projectApi(projectKey, 'scenario-runs', runId));
  const active = run.data ? ACTIVE_OUTCOMES.includes(run.data.outcome) : false;
  useInterval(run.reload, 1000, active);
  const canRun = useRight('run-scenarios');
  const confirm = useConfirm();
  const [abortError, setAbortError] = useState<unknown>(null);
  const abort = async () => {
    setAbortError(null);
    const ok = await confirm.ask({
      title: 'Abort this run?',
      body: 'The running step is stopped and the steps after it do not run. What earlier steps built stays.',
      confirm: 'Abort run',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.post(projectApi(projectKey, 'scenario-runs', runId, 'abort'));
      run.reload();
    } catch (e) {
      setAbortError(e);
    }
  };
  // Running steps end now: the run is polled each second while active, and each render draws up to its moment.
  // eslint-disable-next-line react-hooks/purity -- deliberately impure: the chart shows the time of rendering
  const now = Date.now();
  const chart = useMemo(() => {
    const steps = run.data?.steps ?? [];
    return {
      rows: steps.map((s) => s.name),
      bars: steps
        .filter((s) => s.startedAt)
        .map((s) => ({
          row: s.index,
          start: Date.parse(s.startedAt!),
          end: s.endedAt ? Date.parse(s.endedAt) : now,
          color: outcomeColor(s.outcome),
          tooltip: `${s.name}\n${s.outcome} · ${formatDuration(s.durationMs)}`,
        })),
    };
  }, [run.data, now]);
  return (
    <Async state={run} label="Loading the run…">
      {(r) => (
        <section className="card" aria-label="Run">
          <div className="card-header">
            <h2>Run {formatRelative(r.startedAt ?? r.createdAt)}</h2>
            <StatusBadge status={r.outcome} />
            {active ? (
              <ActionButton can={canRun} className="btn small danger" onClick={() => void abort()}>
                Abort run
              </ActionButton>
            ) : null}
            {confirm.dialog}
          </div>
          <ErrorAlert error={abortError} title="Could not abort the run" />
          <div className="card-body stack">
            <div className="small muted">
              <span className="mono">{r.id}</span> · {r.cause} · as {r.runAs} · {formatDuration(r.durationMs)}
            </div>
            {r.error ? <div className="alert error">{r.error}</div> : null}
            {chart.bars.length ? <Gantt rows={chart.rows} bars={chart.bars} ariaLabel="Step timings" /> : null}
            <Table
              small
              label="Steps"
              rows={r.steps ?? []}
              rowKey={(s) => s.index}
              columns={[
                {
                  header: 'Step',
                  cell: (s) => (
                    <>
                      {s.name} <span className="muted">({s.type})</span>
                    </>
                  ),
                },
                { header: 'Outcome', cell: (s) => <StatusBadge status={s.outcome} /> },
                { header: 'Duration', numeric: true, cell: (s) => formatDuration(s.durationMs) },
                { header: 'Error', className: 'text-bad', cell: (s) => s.error ?? '' },
              ]}
            />
            <h3>Log</h3>
            <LogView
              text={(r.logs ?? []).map((l) => `${l.ts} ${l.level.toUpperCase().padEnd(5)} ${l.message}`).join('\n')}
            />
          </div>
        </section>
      )}
    </Async>
  );
}
