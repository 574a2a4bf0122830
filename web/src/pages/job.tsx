import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { Job } from '../api/types';
import { outcomeColor } from '../components/echart';
import { Gantt, type GanttBar } from '../components/gantt';
import { jobFraction } from '../components/job-progress';
import { projectPath } from '../components/layout';
import { LogView } from '../components/log-view';
import { Table } from '../components/table';
import { EmptyState, ErrorAlert, Loading, PageHeader, ProgressBar, StatusBadge } from '../components/ui';
import { formatCount, formatDateTime, formatDuration } from '../lib/format';
import { FINAL_JOB_STATUSES, useJobEvents } from '../lib/job-events';
import { useApi } from '../lib/use-api';

export default function JobPage() {
  const { key = '', id = '' } = useParams();
  const live = useJobEvents(key, id);
  const final = live.job ? FINAL_JOB_STATUSES.includes(live.job.status) : false;
  // The stored log, fetched again when the job ends; live lines are added while it runs.
  const log = useApi<string>(final ? projectApi(key, 'jobs', id, 'log') : null);
  const [logText, setLogText] = useState<string | null>(null);
  const [abortError, setAbortError] = useState<unknown>(null);
  const job = live.job;
  const probe = useApi<Job>(live.disconnected && !job ? projectApi(key, 'jobs', id) : null);

  // Running activities end now; the page renders again on each event of the job.
  // eslint-disable-next-line react-hooks/purity -- deliberately impure: the chart shows the time of rendering
  const now = Date.now();
  const { rows, bars, from, to } = useMemo(() => {
    const acts = job?.activities ?? [];
    const bars: GanttBar[] = acts
      .filter((a) => a.startedAt)
      .map((a) => {
        const start = Date.parse(a.startedAt!);
        const end = a.endedAt ? Date.parse(a.endedAt) : now;
        return {
          row: a.index,
          start,
          end,
          color: outcomeColor(a.status),
          tooltip: `${a.recipe} → ${a.outputs.join(', ')}\n${a.status} · ${formatDuration(end - start)}${a.rows !== null ? ` · ${formatCount(a.rows)} rows` : ''}`,
        };
      });
    const starts = bars.map((b) => b.start);
    const ends = bars.map((b) => b.end);
    const from = job?.startedAt ? Date.parse(job.startedAt) : starts.length ? Math.min(...starts) : undefined;
    const to = job?.endedAt ? Date.parse(job.endedAt) : ends.length ? Math.max(...ends) : undefined;
    return {
      rows: acts.map((a) => a.recipe),
      bars,
      from,
      to: from !== undefined && to !== undefined && to - from < 50 ? from + 50 : to,
    };
  }, [job, now]);

  if (!job) {
    if (!live.disconnected) return <Loading label="Loading the job…" />;
    const back = { to: projectPath(key, 'jobs'), label: 'All jobs' };
    // The live stream says little when it fails: the plain request gives the server's reason.
    if (probe.error) return <ErrorAlert error={probe.error} back={back} />;
    return probe.loading ? (
      <Loading label="Loading the job…" />
    ) : (
      <ErrorAlert
        error={new Error('Cannot follow this job: the connection failed.')}
        onRetry={() => window.location.reload()}
        back={back}
      />
    );
  }
  const text =
    logText ??
    (final ? log.data : live.logs.map((l) => `${l.ts} ${l.level.toUpperCase().padEnd(5)} ${l.message}`).join('\n'));

  const abort = async () => {
    setAbortError(null);
    try {
      await api.post<Job>(projectApi(key, 'jobs', id, 'abort'));
      setLogText(null);
    } catch (e) {
      setAbortError(e);
    }
  };

  return (
    <>
      <PageHeader
        title={`Build of ${job.targets.join(', ')}`}
        breadcrumbs={
          <>
            <Link to={projectPath(key)}>{key}</Link> / <Link to={projectPath(key, 'jobs')}>Jobs</Link>
          </>
        }
        subtitle={
          <span className="row gap-3">
            <StatusBadge status={job.status} /> <span className="mono small">{job.id}</span> · mode {job.mode} · by{' '}
            {job.createdBy} · started {formatDateTime(job.startedAt ?? job.createdAt)} ·{' '}
            {formatDuration(job.durationMs ?? (job.startedAt ? now - Date.parse(job.startedAt) : null))}
          </span>
        }
        actions={
          !final ? (
            <button type="button" className="btn danger" onClick={() => void abort()}>
              Abort
            </button>
          ) : (
            <Link className="btn" to={projectPath(key, 'flow')}>
              Open the flow
            </Link>
          )
        }
      />
      <ErrorAlert error={abortError} title="Abort failed" />
      {job.error ? <div className="alert error">{job.error}</div> : null}
      {!final ? (
        <div className="mb-5">
          <ProgressBar fraction={jobFraction(job)} label="Job progress" indeterminate={jobFraction(job) === 0} />
        </div>
      ) : null}
      <div className="stack">
        <section className="card" aria-label="Activities">
          <div className="card-header">
            <h2>Activities</h2>
            <span className="small muted">one per recipe run</span>
          </div>
          <div className="card-body">
            {!job.activities?.length ? (
              <EmptyState title="Nothing to build">Every target was up to date.</EmptyState>
            ) : (
              <>
                {bars.length ? (
                  <Gantt rows={rows} bars={bars} from={from} to={to} ariaLabel="Activity timings" />
                ) : null}
                <Table
                  small
                  rows={job.activities}
                  rowKey={(a) => a.index}
                  columns={[
                    {
                      header: 'Recipe',
                      cell: (a) => <Link to={projectPath(key, 'recipes', a.recipe)}>{a.recipe}</Link>,
                    },
                    {
                      header: 'Output',
                      // A split writes several datasets in one activity: each is linked.
                      cell: (a) =>
                        a.outputs.map((o, i) => (
                          <span key={o}>
                            {i > 0 && ', '}
                            <Link to={projectPath(key, 'datasets', o)}>{o}</Link>
                          </span>
                        )),
                    },
                    { header: 'Status', cell: (a) => <StatusBadge status={a.status} /> },
                    { header: 'Rows', numeric: true, cell: (a) => formatCount(a.rows) },
                    { header: 'Duration', numeric: true, cell: (a) => formatDuration(a.durationMs) },
                    { header: 'Error', className: 'small text-bad', cell: (a) => a.error ?? '' },
                  ]}
                />
              </>
            )}
          </div>
        </section>
        <section className="card" aria-label="Log">
          <div className="card-header">
            <h2>Log</h2>
            {final ? (
              <a className="small" href={projectApi(key, 'jobs', id, 'log')} target="_blank" rel="noreferrer">
                Raw log
              </a>
            ) : null}
          </div>
          <div className="card-body">
            {log.error ? <ErrorAlert error={log.error} /> : null}
            <LogView text={text ?? ''} />
          </div>
        </section>
      </div>
    </>
  );
}
