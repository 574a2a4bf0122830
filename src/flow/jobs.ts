import type { Principal } from '../catalog/access.js';
import { JOB_OPEN_STATUSES } from '../catalog/statuses.js';
import type { Kysely, Transaction } from 'kysely';
import type { CatalogTables, JobsTable } from '../catalog/tables.js';
import { workRecord } from '../catalog/work-record.js';
import { notFound } from '../common/errors.js';
import { newTimeId, nowIso } from '../common/ids.js';
import { recoverInterruptedPartitions } from '../datasets/partition-store.js';
import { recoverInterruptedVersions } from '../datasets/versions.js';
import { releaseClaims } from './build-claims.js';
import { insertLogLines, JobLogBuffer, type BufferedLogLine } from './job-log-buffer.js';
import { HOST } from '../workspace/process-liveness.js';
import type { ActivityUpdate, Workspace } from '../workspace/workspace.js';
import type { Job, JobStatus } from './job-types.js';
import type { BuildMode, PlannedActivity } from './planner.js';

export type { ActivityStatus, Job, JobActivity, JobStatus } from './job-types.js';

const ms = (a: string | null, b: string | null) => (a && b ? new Date(b).getTime() - new Date(a).getTime() : null);

/** Statuses of a job that has not ended: only these change, so an ended job stays as it ended. */
const OPEN = JOB_OPEN_STATUSES;

/** Durable job records: a job, its activities (one per recipe run) and its log lines. */
export class JobStore {
  constructor(private readonly ws: Workspace) {}

  private get db() {
    return this.ws.catalog.db;
  }

  /** Log lines waiting for the store's next write (see `JobLogBuffer`). */
  private readonly logBuffer = new JobLogBuffer(() => this.writeWithLogs(() => Promise.resolve()));

  /** Runs `write` (a change of the job) in one transaction with the waiting log lines, then tells listeners of the lines. */
  private async writeWithLogs(write: (db: Kysely<CatalogTables>) => Promise<unknown>): Promise<void> {
    const lines = this.logBuffer.take();
    if (lines.length === 0) await write(this.db);
    else
      await this.db.transaction().execute(async (trx) => {
        await insertLogLines(trx, lines);
        await write(trx);
      });
    this.logEvents(lines);
  }

  /** Tells listeners of log lines once they are written (a reader who is told re-reads them). */
  private logEvents(lines: BufferedLogLine[]): void {
    for (const { projectKey, jobId, level, message, ts } of lines)
      this.ws.events.emit('job', { type: 'log', projectKey, jobId, level, message, ts });
  }

  async create(
    projectKey: string,
    job: { principal: Principal; targets: string[]; mode: BuildMode; plan: PlannedActivity[] },
  ): Promise<string> {
    const { principal, targets, mode, plan } = job;
    const id = newTimeId();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('jobs')
        .values({
          id,
          project_key: projectKey,
          kind: 'build',
          status: 'queued',
          mode,
          targets: JSON.stringify(targets),
          created_by: principal.username,
          created_at: nowIso(),
          started_at: null,
          ended_at: null,
          error: null,
          owner: this.ws.processId,
          owner_host: HOST,
          heartbeat_at: this.ws.liveness.nowIso(),
        })
        .execute();
      const activities = plan.map((a, idx) => ({
        job_id: id,
        idx,
        recipe: a.recipe,
        output: a.output,
        outputs: a.outputs.length > 1 ? JSON.stringify(a.outputs) : null,
        status: 'pending' as const,
        started_at: null,
        ended_at: null,
        rows: null,
        error: null,
      }));
      // In slices: SQLite binds at most 32766 parameters per statement.
      for (let i = 0; i < activities.length; i += 500)
        await trx
          .insertInto('job_activities')
          .values(activities.slice(i, i + 500))
          .execute();
    });
    return id;
  }

  async setStatus(projectKey: string, jobId: string, status: JobStatus, error: string | null = null): Promise<void> {
    const now = nowIso();
    const patch =
      status === 'running'
        ? { status, started_at: now }
        : status === 'queued'
          ? { status }
          : { status, ended_at: now, error };
    // A job another process failed as interrupted (its heartbeat went stale) is not revived.
    await this.writeWithLogs((db) =>
      db.updateTable('jobs').set(patch).where('id', '=', jobId).where('status', 'in', OPEN).execute(),
    );
    this.ws.events.emit('job', { type: 'job-status', projectKey, jobId, status, error });
  }

  /** Records an activity's new status (with its rows or error) and tells listeners, who also learn its recipe and output. */
  async setActivity(projectKey: string, jobId: string, activity: ActivityUpdate): Promise<void> {
    await this.writeWithLogs((db) => activityWrite(db, jobId, activity));
    this.activityEvent(projectKey, jobId, activity);
  }

  /**
   * `setActivity` written inside a transaction of `work` (a build step begins and commits its
   * version with it): the change of the version and of its activity cost one catalog commit, and
   * one stands without the other after a crash. `work` must call the writer it is given inside its
   * transaction; listeners are told once `work` is done. If `work` fails, the activity is not
   * recorded and the waiting log lines stay for the next write.
   */
  async setActivityWith<T>(
    projectKey: string,
    jobId: string,
    activity: ActivityUpdate,
    work: (write: (trx: Transaction<CatalogTables>) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    let lines: BufferedLogLine[] = [];
    let written = false;
    const write = async (trx: Transaction<CatalogTables>) => {
      lines = this.logBuffer.take();
      if (lines.length) await insertLogLines(trx, lines);
      await activityWrite(trx, jobId, activity);
      written = true;
    };
    let result: T;
    try {
      result = await work(write);
    } catch (error) {
      this.logBuffer.putBack(lines);
      throw error;
    }
    if (!written) await this.writeWithLogs((db) => activityWrite(db, jobId, activity));
    this.logEvents(lines);
    this.activityEvent(projectKey, jobId, activity);
    return result;
  }

  private activityEvent(projectKey: string, jobId: string, activity: ActivityUpdate): void {
    const { index, recipe, output, ...patch } = activity;
    this.ws.events.emit('job', {
      type: 'activity',
      projectKey,
      jobId,
      index,
      recipe,
      output,
      status: patch.status,
      rows: patch.rows ?? null,
      error: patch.error ?? null,
    });
  }

  /** Adds pending activities after the plan's, one per partition a partitioned activity builds; returns their first index. */
  async addPartitionActivities(
    jobId: string,
    activity: { recipe: string; output: string },
    partitions: string[],
  ): Promise<number> {
    if (partitions.length === 0) return 0;
    // Partitioned activities of one job run side by side: their additions take turns (one store per running job).
    const turn = this.adding.then(() => this.appendActivities(jobId, activity, partitions));
    this.adding = turn.catch(() => undefined);
    return turn;
  }

  private adding: Promise<unknown> = Promise.resolve();

  private async appendActivities(
    jobId: string,
    activity: { recipe: string; output: string },
    partitions: string[],
  ): Promise<number> {
    const last = await this.db
      .selectFrom('job_activities')
      .select((eb) => eb.fn.max('idx').as('max'))
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    const first = Number(last?.max ?? -1) + 1;
    const rows = partitions.map((partition, i) => ({
      job_id: jobId,
      idx: first + i,
      recipe: activity.recipe,
      output: activity.output,
      status: 'pending' as const,
      started_at: null,
      ended_at: null,
      rows: null,
      error: null,
      partition,
    }));
    // In slices: SQLite binds at most 32766 parameters per statement.
    for (let i = 0; i < rows.length; i += 500)
      await this.db
        .insertInto('job_activities')
        .values(rows.slice(i, i + 500))
        .execute();
    return first;
  }

  /** Logs a line of the job: written with the store's next write, or within `LOG_BATCH_MS`. */
  log(projectKey: string, jobId: string, level: 'info' | 'warn' | 'error', message: string): Promise<void> {
    this.logBuffer.add({ projectKey, jobId, ts: nowIso(), level, message });
    return Promise.resolve();
  }

  async get(projectKey: string, jobId: string): Promise<Job> {
    const r = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', jobId)
      .where('project_key', '=', projectKey)
      .executeTakeFirst();
    if (!r) throw notFound(`Job ${jobId} not found in project ${projectKey}`);
    const acts = await this.db
      .selectFrom('job_activities')
      .selectAll()
      .where('job_id', '=', jobId)
      .orderBy('idx')
      .execute();
    return {
      ...toJob(r),
      activities: acts.map((a) => ({
        index: a.idx,
        recipe: a.recipe,
        output: a.output,
        outputs: a.outputs === null ? [a.output] : (JSON.parse(a.outputs) as string[]),
        status: a.status,
        startedAt: a.started_at,
        endedAt: a.ended_at,
        durationMs: ms(a.started_at, a.ended_at),
        rows: a.rows === null ? null : Number(a.rows),
        error: a.error,
        ...(a.partition === null ? {} : { partition: a.partition }),
      })),
    };
  }

  async list(projectKey: string, limit = 100): Promise<Job[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('project_key', '=', projectKey)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toJob);
  }

  async logs(projectKey: string, jobId: string): Promise<{ ts: string; level: string; message: string }[]> {
    await this.get(projectKey, jobId);
    return this.db
      .selectFrom('job_logs')
      .select(['ts', 'level', 'message'])
      .where('job_id', '=', jobId)
      .orderBy('id')
      .execute();
  }

  /** Stamps the heartbeat of jobs this process runs (see `Liveness`). */
  async heartbeat(jobIds: string[], at: string): Promise<void> {
    if (jobIds.length)
      await this.db
        .updateTable('jobs')
        .set({ heartbeat_at: at })
        .where('id', 'in', jobIds)
        .where('status', 'in', OPEN)
        .execute();
  }

  /**
   * After a crash or kill: jobs left queued or running by a process that is gone (a dead pid on
   * this host, or a stale heartbeat from any host) are failed as interrupted, their unfinished
   * activities too. Jobs of live processes are left alone: a CLI opening the workspace, or a
   * second server on the catalog, must not fail a live server's build. Returns the ids failed here.
   */
  async recoverInterrupted(): Promise<string[]> {
    const open = await this.db
      .selectFrom('jobs')
      .select(['id', 'owner', 'owner_host', 'heartbeat_at', 'started_at', 'created_at'])
      .where('status', 'in', OPEN)
      .where('owner', '!=', this.ws.processId)
      .execute();
    const recovered: string[] = [];
    for (const j of open) {
      const why = this.ws.liveness.abandoned(j);
      if (!why) continue;
      const now = nowIso();
      // Only while still open and not stamped since it was judged; another process may be recovering it too.
      const updated = await this.db
        .updateTable('jobs')
        .set({
          status: 'failed',
          ended_at: now,
          error: `Interrupted: the server stopped while this job was running (${why})`,
        })
        .where('id', '=', j.id)
        .where('status', 'in', OPEN)
        .where((eb) =>
          j.heartbeat_at === null ? eb('heartbeat_at', 'is', null) : eb('heartbeat_at', '=', j.heartbeat_at),
        )
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) continue;
      recovered.push(j.id);
      // Builds queued behind it may now write its datasets.
      await releaseClaims(this.ws, j.id);
      await this.db
        .updateTable('job_activities')
        .set({ status: 'aborted', ended_at: now, error: 'Interrupted' })
        .where('job_id', '=', j.id)
        .where('status', 'in', ['pending', 'running'])
        .execute();
      await this.db
        .insertInto('job_logs')
        .values({
          job_id: j.id,
          ts: now,
          level: 'error',
          message: `Job interrupted by a server stop (${why}); earlier dataset versions were kept`,
        })
        .execute();
    }
    return recovered;
  }
}

/** The catalog change of an activity's new status (with its rows or error). */
async function activityWrite(
  db: Kysely<CatalogTables> | Transaction<CatalogTables>,
  jobId: string,
  activity: ActivityUpdate,
): Promise<void> {
  const { index, status, rows, error } = activity;
  const now = nowIso();
  const set: Record<string, unknown> = { status };
  if (status === 'running') set.started_at = now;
  else set.ended_at = now;
  if (rows !== undefined) set.rows = rows;
  if (error !== undefined) set.error = error;
  await db.updateTable('job_activities').set(set).where('job_id', '=', jobId).where('idx', '=', index).execute();
}

/**
 * Builds that processes which are gone left open: their jobs fail as interrupted, then the
 * versions they (or any dead process) left building fail and lose their partial files.
 */
export async function recoverInterruptedBuilds(ws: Workspace): Promise<{ jobs: number; versions: number }> {
  const jobs = await new JobStore(ws).recoverInterrupted();
  const versions = await recoverInterruptedVersions(ws, jobs);
  await recoverInterruptedPartitions(ws);
  return { jobs: jobs.length, versions };
}

function toJob(r: JobsTable): Job {
  return {
    kind: r.kind,
    status: r.status,
    mode: r.mode,
    targets: JSON.parse(r.targets) as string[],
    createdBy: r.created_by,
    ...workRecord(r, ms(r.started_at, r.ended_at)),
  };
}
