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

const NOTHING_YET: LiveJob = { job: null, logs: [], disconnected: false };

/**
 * Follows a job through its server-sent events: a `snapshot` first, then `activity`, `log`
 * and `job-status` changes. The stream is closed once the job ends (EventSource would
 * otherwise reconnect forever).
 */
export function useJobEvents(projectKey: string, jobId: string | null): LiveJob {
  // The state is tagged with the stream it came from: another job starts from nothing.
  const [state, setTaggedState] = useState<LiveJob & { stream: string | null }>({ ...NOTHING_YET, stream: null });
  const stream = jobId ? projectApi(projectKey, 'jobs', jobId, 'events') : null;

  useEffect(() => {
    if (!stream) return;
    const setState = (update: (s: LiveJob) => LiveJob) =>
      setTaggedState((s) => {
        const next = update(s.stream === stream ? s : NOTHING_YET);
        return next === s ? s : { ...next, stream };
      });
    const es = new EventSource(stream, { withCredentials: true });
    const parse = <T>(e: MessageEvent): T => JSON.parse(e.data as string) as T;
    let ended = false;
    const end = () => {
      ended = true;
      es.close();
    };
    es.addEventListener('snapshot', (e) => {
      const job = parse<Job>(e);
      setState((s) => ({ ...s, job, disconnected: false }));
      if (FINAL_JOB_STATUSES.includes(job.status)) end();
    });
    es.addEventListener('activity', (e) => {
      const a = parse<{
        index: number;
        status: ActivityStatus;
        rows: number | null;
        error: string | null;
      }>(e);
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
      const l = parse<LogLine>(e);
      setState((s) => ({ ...s, logs: [...s.logs, { ts: l.ts, level: l.level, message: l.message }] }));
    });
    es.addEventListener('job-status', (e) => {
      const j = parse<{ status: JobStatus; error: string | null }>(e);
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
  }, [stream]);

  return state.stream === stream ? state : NOTHING_YET;
}
