import { useEffect, useState } from 'react';
import { projectApi } from '../api/client';
import type { ActivityStatus, Job, JobStatus } from '../api/types';

export const FINAL_JOB_STATUSES: JobStatus[] = ['succeeded', 'failed', 'aborted'];

export interface LogLine {
  ts: string;
  level: string;
  message: string;
}

export interface LiveJob {
  job: Job | null;
  logs: LogLine[];
  /** The stream broke and the job is not known to be over. */
  disconnected: boolean;
}

/**
 * Follows a job through its server-sent events: a `snapshot` first, then `activity`, `log`
 * and `job-status` changes. The stream is closed once the job ends (EventSource would
 * otherwise reconnect forever).
 */
export function useJobEvents(projectKey: string, jobId: string | null): LiveJob {
  const [state, setState] = useState<LiveJob>({ job: null, logs: [], disconnected: false });

  useEffect(() => {
    if (!jobId) return;
    setState({ job: null, logs: [], disconnected: false });
    const es = new EventSource(projectApi(projectKey, 'jobs', jobId, 'events'), { withCredentials: true });
    const parse = (e: MessageEvent) => JSON.parse(e.data as string);
    let ended = false;
    const end = () => {
      ended = true;
      es.close();
    };
    es.addEventListener('snapshot', (e) => {
      const job = parse(e as MessageEvent) as Job;
      setState((s) => ({ ...s, job, disconnected: false }));
      if (FINAL_JOB_STATUSES.includes(job.status)) end();
    });
    es.addEventListener('activity', (e) => {
      const a = parse(e as MessageEvent) as {
        index: number;
        status: ActivityStatus;
        rows: number | null;
        error: string | null;
      };
      const now = new Date().toISOString();
      setState((s) => {
        if (!s.job) return s;
        const activities = (s.job.activities ?? []).map((x) =>
          x.index === a.index
            ? {
                ...x,
                status: a.status,
                rows: a.rows ?? x.rows,
                error: a.error ?? x.error,
                startedAt: a.status === 'running' ? now : x.startedAt,
                endedAt: a.status !== 'running' && a.status !== 'pending' ? now : x.endedAt,
                durationMs:
                  a.status !== 'running' && a.status !== 'pending' && x.startedAt
                    ? Date.parse(now) - Date.parse(x.startedAt)
                    : x.durationMs,
              }
            : x,
        );
        return { ...s, job: { ...s.job, activities } };
      });
    });
    es.addEventListener('log', (e) => {
      const l = parse(e as MessageEvent) as LogLine;
      setState((s) => ({ ...s, logs: [...s.logs, { ts: l.ts, level: l.level, message: l.message }] }));
    });
    es.addEventListener('job-status', (e) => {
      const j = parse(e as MessageEvent) as { status: JobStatus; error: string | null };
      const now = new Date().toISOString();
      setState((s) =>
        s.job
          ? {
              ...s,
              job: {
                ...s.job,
                status: j.status,
                error: j.error,
                startedAt: s.job.startedAt ?? (j.status === 'running' ? now : null),
                endedAt: FINAL_JOB_STATUSES.includes(j.status) ? now : s.job.endedAt,
              },
            }
          : s,
      );
      if (FINAL_JOB_STATUSES.includes(j.status)) end();
    });
    es.onerror = () => {
      if (!ended) setState((s) => ({ ...s, disconnected: true }));
    };
    return () => es.close();
  }, [projectKey, jobId]);

  return state;
}
