import { useEffect } from 'react';
import { Link } from 'react-router-dom';
import type { Job } from '../api/types';
import { formatCount, formatDuration } from '../lib/format';
import { useJobEvents } from '../lib/job-events';
import { useLatest } from '../lib/use-latest';
import { projectPath } from './layout';
import { Table } from './table';
import { ProgressBar, StatusBadge } from './ui';

/** Share of a job's activities that are over, for a progress bar. */
export function jobFraction(job: Job | null): number {
  const acts = job?.activities ?? [];
  if (!acts.length) return job && ['succeeded', 'failed', 'aborted'].includes(job.status) ? 1 : 0;
  return acts.filter((a) => !['pending', 'running'].includes(a.status)).length / acts.length;
}

/** A compact live view of a running job: status, progress bar, one line per activity. */
export function JobProgress({
  projectKey,
  jobId,
  onEnd,
}: {
  projectKey: string;
  jobId: string;
  onEnd?: (job: Job) => void;
}) {
  const { job, disconnected } = useJobEvents(projectKey, jobId);
  const final = job !== null && ['succeeded', 'failed', 'aborted'].includes(job.status);
  const onEndRef = useLatest(onEnd);
  useEffect(() => {
    if (final && job) onEndRef.current?.(job);
    // Once per job end.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [final]);
  return (
    <div className="stack gap-3" aria-live="polite" aria-label="Job progress">
      <div className="row">
        <strong>Job</strong>
        <Link to={projectPath(projectKey, 'jobs', jobId)} className="mono small">
          {jobId}
        </Link>
        <StatusBadge status={job?.status ?? 'queued'} />
        {disconnected && !final ? <span className="small muted">Reconnecting…</span> : null}
      </div>
      <ProgressBar
        fraction={jobFraction(job)}
        label="Build progress"
        indeterminate={!job || (job.status === 'running' && jobFraction(job) === 0)}
      />
      {job?.activities?.length ? (
        <Table
          small
          headless
          rows={job.activities}
          rowKey={(a) => a.index}
          columns={[
            { header: 'Recipe', cell: (a) => a.recipe },
            { header: 'Output', cell: (a) => `→ ${a.outputs.join(', ')}` },
            { header: 'Status', cell: (a) => <StatusBadge status={a.status} /> },
            { header: 'Rows', numeric: true, cell: (a) => (a.rows !== null ? `${formatCount(a.rows)} rows` : '') },
            { header: 'Duration', numeric: true, cell: (a) => formatDuration(a.durationMs) },
          ]}
        />
      ) : null}
      {job?.error ? <div className="alert error">{job.error}</div> : null}
    </div>
  );
}
