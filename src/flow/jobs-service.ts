import type { Principal } from '../catalog/access.js';
import type { JobEvent, Workspace } from '../workspace/workspace.js';
import { isOneOf } from '../catalog/statuses.js';
import { followJobFromCatalog, jobOwner } from './job-follow.js';
import { JOB_ENDED_STATUSES, type Job } from './job-types.js';
import { JobStore } from './jobs.js';

/** Recent jobs of a project, newest first (reader). */
export async function listJobs(ws: Workspace, principal: Principal, projectKey: string): Promise<Job[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return new JobStore(ws).list(projectKey);
}

/** A job with its activities (reader). */
export async function getJob(ws: Workspace, principal: Principal, projectKey: string, jobId: string): Promise<Job> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return new JobStore(ws).get(projectKey, jobId);
}

/** The job log as text, one `ts LEVEL message` line each (reader). */
export async function jobLogText(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  jobId: string,
): Promise<string> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const lines = await new JobStore(ws).logs(projectKey, jobId);
  return lines.map((l) => `${l.ts} ${l.level.toUpperCase().padEnd(5)} ${l.message}`).join('\n') + '\n';
}

/** A job as it is now, and a way to hear its changes until it ends. */
export interface FollowedJob {
  snapshot: Job;
  /** True when the job had already ended: there is nothing to follow. */
  ended: boolean;
  /** Calls `onEvent` with each change of this job and `onEnd` once it ends; returns the function that stops listening. */
  subscribe(onEvent: (e: JobEvent) => void, onEnd: () => void): () => void;
}

/** Follows a job (reader): the snapshot first, then its events (the SSE route streams them). */
export async function followJob(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  jobId: string,
): Promise<FollowedJob> {
  const snapshot = await getJob(ws, principal, projectKey, jobId);
  // Another server (or a CLI) runs it: its changes reach this process only through the catalog.
  const elsewhere = (await jobOwner(ws, jobId)) !== ws.processId;
  return {
    snapshot,
    ended: isOneOf(JOB_ENDED_STATUSES, snapshot.status),
    subscribe(onEvent, onEnd) {
      if (elsewhere) return followJobFromCatalog(ws, snapshot, onEvent, onEnd);
      const listener = (e: JobEvent) => {
        if (e.jobId !== jobId) return;
        onEvent(e);
        if (e.type === 'job-status' && isOneOf(JOB_ENDED_STATUSES, e.status)) onEnd();
      };
      ws.events.on('job', listener);
      return () => ws.events.off('job', listener);
    },
  };
}
