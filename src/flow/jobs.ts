import type { Principal } from '../catalog/access.js';
import { notFound } from '../common/errors.js';
import { newTimeId, nowIso } from '../common/ids.js';
import { HOST, ownerIsDead } from '../workspace/process-liveness.js';
import type { Workspace } from '../workspace/workspace.js';
import type { ActivityStatus, Job, JobStatus } from './job-types.js';
import type { BuildMode, PlannedActivity } from './planner.js';

export type { ActivityStatus, Job, JobActivity, JobStatus } from './job-types.js';

const ms = (a: string | null, b: string | null) => (a && b ? new Date(b).getTime() - new Date(a).getTime() : null);

/** Durable job records: a job, its activities (one per recipe run) and its log lines. */
export class JobStore {
  constructor(private readonly ws: Workspace) {}

  private get db() {
    return this.ws.catalog.db;
  }

  async create(projectKey: string, principal: Principal, targets: string[], mode: BuildMode, plan: PlannedActivity[]): Promise<string> {
    const id = newTimeId();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('jobs')
        .values({ id, project_key: projectKey, kind: 'build', status: 'queued', mode, targets: JSON.stringify(targets), created_by: principal.username, created_at: nowIso(), started_at: null, ended_at: null, error: null, owner: this.ws.processId, owner_host: HOST })
        .execute();
      for (const [idx, a] of plan.entries()) {
        await trx.insertInto('job_activities').values({ job_id: id, idx, recipe: a.recipe, output: a.output, status: 'pending', started_at: null, ended_at: null, rows: null, error: null }).execute();
      }
    });
    return id;
  }

  async setStatus(projectKey: string, jobId: string, status: JobStatus, error: string | null = null): Promise<void> {
    const now = nowIso();
    const patch = status === 'running' ? { status, started_at: now } : status === 'queued' ? { status } : { status, ended_at: now, error };
    await this.db.updateTable('jobs').set(patch).where('id', '=', jobId).execute();
    this.ws.events.emit('job', { type: 'job-status', projectKey, jobId, status, error });
  }

  async setActivity(projectKey: string, jobId: string, index: number, patch: { status: ActivityStatus; rows?: number | null; error?: string | null }, names: { recipe: string; output: string }): Promise<void> {
    const now = nowIso();
    const set: Record<string, unknown> = { status: patch.status };
    if (patch.status === 'running') set.started_at = now;
    else set.ended_at = now;
    if (patch.rows !== undefined) set.rows = patch.rows;
    if (patch.error !== undefined) set.error = patch.error;
    await this.db.updateTable('job_activities').set(set).where('job_id', '=', jobId).where('idx', '=', index).execute();
    this.ws.events.emit('job', { type: 'activity', projectKey, jobId, index, ...names, status: patch.status, rows: patch.rows ?? null, error: patch.error ?? null });
  }

  async log(projectKey: string, jobId: string, level: 'info' | 'warn' | 'error', message: string): Promise<void> {
    const ts = nowIso();
    await this.db.insertInto('job_logs').values({ job_id: jobId, ts, level, message }).execute();
    this.ws.events.emit('job', { type: 'log', projectKey, jobId, level, message, ts });
  }

  async get(projectKey: string, jobId: string): Promise<Job> {
    const r = await this.db.selectFrom('jobs').selectAll().where('id', '=', jobId).where('project_key', '=', projectKey).executeTakeFirst();
    if (!r) throw notFound(`Job ${jobId} not found in project ${projectKey}`);
    const acts = await this.db.selectFrom('job_activities').selectAll().where('job_id', '=', jobId).orderBy('idx').execute();
    return {
      ...toJob(r),
      activities: acts.map((a) => ({
        index: a.idx,
        recipe: a.recipe,
        output: a.output,
        status: a.status as ActivityStatus,
        startedAt: a.started_at,
        endedAt: a.ended_at,
        durationMs: ms(a.started_at, a.ended_at),
        rows: a.rows === null ? null : Number(a.rows),
        error: a.error,
      })),
    };
  }

  async list(projectKey: string, limit = 100): Promise<Job[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().where('project_key', '=', projectKey).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map(toJob);
  }

  async logs(projectKey: string, jobId: string): Promise<{ ts: string; level: string; message: string }[]> {
    await this.get(projectKey, jobId);
    return this.db.selectFrom('job_logs').select(['ts', 'level', 'message']).where('job_id', '=', jobId).orderBy('id').execute();
  }

  /**
   * After a crash or kill: jobs a dead process of this host left queued or running are failed
   * as interrupted; their unfinished activities too.
   */
  async recoverInterrupted(): Promise<number> {
    const open = await this.db.selectFrom('jobs').select(['id', 'project_key', 'owner', 'owner_host']).where('status', 'in', ['queued', 'running']).where('owner', '!=', this.ws.processId).execute();
    // Only jobs of dead processes: a CLI opening the workspace must not fail a live server's build.
    const stale = open.filter((j) => ownerIsDead(j.owner, j.owner_host));
    const now = nowIso();
    for (const j of stale) {
      await this.db.updateTable('jobs').set({ status: 'failed', ended_at: now, error: 'Interrupted: the server stopped while this job was running' }).where('id', '=', j.id).execute();
      await this.db.updateTable('job_activities').set({ status: 'aborted', ended_at: now, error: 'Interrupted' }).where('job_id', '=', j.id).where('status', 'in', ['pending', 'running']).execute();
      await this.db.insertInto('job_logs').values({ job_id: j.id, ts: now, level: 'error', message: 'Job interrupted by a server stop; earlier dataset versions were kept' }).execute();
    }
    return stale.length;
  }
}

function toJob(r: { id: string; project_key: string; kind: string; status: string; mode: string; targets: string; created_by: string; created_at: string; started_at: string | null; ended_at: string | null; error: string | null }): Job {
  return {
    id: r.id,
    projectKey: r.project_key,
    kind: r.kind,
    status: r.status as JobStatus,
    mode: r.mode,
    targets: JSON.parse(r.targets),
    createdBy: r.created_by,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    durationMs: ms(r.started_at, r.ended_at),
    error: r.error,
  };
}
