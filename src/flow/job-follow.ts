import { isOneOf } from '../catalog/statuses.js';
import { serverEvents } from '../workspace/server-events.js';
import type { JobEvent, Workspace } from '../workspace/workspace.js';
import { JOB_ENDED_STATUSES, type Job } from './job-types.js';
import { JobStore } from './jobs.js';

/**
 * A re-read every this often besides notifications: they are lost while a LISTEN connection is
 * down, and there are none on SQLite (where a CLI build may run beside the server).
 */
const REREAD_MS = 3000;

/** Which process runs a job (`Workspace.processId`), or null when unknown. */
export async function jobOwner(ws: Workspace, jobId: string): Promise<string | null> {
  const r = await ws.catalog.db.selectFrom('jobs').select('owner').where('id', '=', jobId).executeTakeFirst();
  return r?.owner ?? null;
}

/**
 * Follows a job another process runs: on each of its notifications (and every few seconds) the
 * job is re-read from the catalog and what changed since `snapshot` is told as the same events
 * the owner's process emits in memory (activity, log, job-status). Returns the function that stops.
 */
export function followJobFromCatalog(
  ws: Workspace,
  snapshot: Job,
  onEvent: (e: JobEvent) => void,
  onEnd: () => void,
): () => void {
  const { projectKey, id: jobId } = snapshot;
  const store = new JobStore(ws);
  let known = snapshot;
  let lastLogId: number | null = null;
  let stopped = false;
  let reading: Promise<void> | null = null;
  let again = false;

  const reread = async () => {
    if (lastLogId === null) {
      const r = await ws.catalog.db
        .selectFrom('job_logs')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('job_id', '=', jobId)
        .executeTakeFirst();
      lastLogId = Number(r?.id ?? 0);
    }
    const job = await store.get(projectKey, jobId);
    const logs = await ws.catalog.db
      .selectFrom('job_logs')
      .select(['id', 'ts', 'level', 'message'])
      .where('job_id', '=', jobId)
      .where('id', '>', lastLogId)
      .orderBy('id')
      .execute();
    if (stopped) return;
    const before = new Map((known.activities ?? []).map((a) => [a.index, a]));
    for (const a of job.activities ?? []) {
      const b = before.get(a.index);
      if (b && b.status === a.status && b.rows === a.rows && b.error === a.error) continue;
      const { index, recipe, output, status, rows, error } = a;
      onEvent({ type: 'activity', projectKey, jobId, index, recipe, output, status, rows, error });
    }
    for (const l of logs) {
      lastLogId = Number(l.id);
      onEvent({ type: 'log', projectKey, jobId, level: l.level, message: l.message, ts: l.ts });
    }
    if (job.status !== known.status)
      onEvent({ type: 'job-status', projectKey, jobId, status: job.status, error: job.error });
    known = job;
    if (isOneOf(JOB_ENDED_STATUSES, job.status)) {
      stop();
      onEnd();
    }
  };

  // One re-read at a time; changes meanwhile make one more.
  const schedule = () => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    reading = reread()
      .catch(() => undefined)
      .finally(() => {
        reading = null;
        if (again) {
          again = false;
          schedule();
        }
      });
  };

  const unsubscribe = serverEvents(ws).subscribe((e) => {
    if (e.kind === 'resync' || (e.kind === 'job' && e.jobId === jobId)) schedule();
  });
  const timer = setInterval(schedule, REREAD_MS);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
    unsubscribe();
  };
  // What changed between the snapshot and listening.
  void serverEvents(ws).listening().then(schedule, schedule);
  return stop;
}
