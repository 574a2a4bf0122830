import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/automation/clock.js';
import { recoverInterruptedWork } from '../src/automation/recovery.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { importDataset } from '../src/datasets/import.js';
import { beginVersion, commitVersion, currentVersion, type PendingVersion } from '../src/datasets/versions.js';
import { buildHeartbeat, startBuild } from '../src/flow/build.js';
import { JobStore } from '../src/flow/jobs.js';
import { registerPostBuildValidator } from '../src/flow/post-build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { HOST } from '../src/workspace/process-liveness.js';
import type { Workspace } from '../src/workspace/workspace.js';
import { startManualScheduler } from './support/manual-scheduler.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { Gates, openWorkspaceOnClock } from './support/liveness.js';

const T = Date.UTC(2030, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();
/** A host this process is not: its processes cannot be seen, only their heartbeats. */
const OTHER_HOST = 'build-host-b';
const OTHER_OWNER = '4242-1893456000000';

/** Builds of project GATED stop in a post-build validator until the test opens the gate. */
const gates = new Gates();
async function openGatedWorkspace(home: string, clock: ManualClock, catalogUrl?: string): Promise<Workspace> {
  const ws = await openWorkspaceOnClock(home, clock, catalogUrl);
  registerPostBuildValidator(ws, async (_ws, output) => {
    if (output.projectKey === 'GATED') await gates.pass();
  });
  return ws;
}

/** A project with seed → out, built once, so that `out` has a current version to keep. */
async function setUpProject(ws: Workspace, dir: string, key: string): Promise<void> {
  await ws.catalog.projects.create(LOCAL_ADMIN, { key });
  const csv = path.join(dir, `${key}-seed.csv`);
  writeFileSync(csv, 'x\n1\n2\n3\n');
  await importDataset(ws, LOCAL_ADMIN, key, 'seed', { filePath: csv, fileName: 'seed.csv' });
  await saveRecipe(ws, LOCAL_ADMIN, key, {
    name: 'r_out',
    type: 'sql',
    inputs: ['seed'],
    output: 'out',
    sql: 'SELECT sum(x) AS total FROM seed',
  });
  const first = await startBuild(ws, LOCAL_ADMIN, key, { targets: ['out'], mode: 'only' });
  expect((await first.done).status).toBe('succeeded');
}

/** A job row as a server on another host writes it while building `out`, with the version it is writing. */
async function remoteJob(
  ws: Workspace,
  key: string,
  id: string,
  heartbeatAt: string,
  owner = { owner: OTHER_OWNER, owner_host: OTHER_HOST },
): Promise<PendingVersion> {
  await ws.catalog.db
    .insertInto('jobs')
    .values({
      id,
      project_key: key,
      kind: 'build',
      status: 'running',
      mode: 'only',
      targets: '["out"]',
      created_by: 'admin',
      created_at: heartbeatAt,
      started_at: heartbeatAt,
      ended_at: null,
      error: null,
      ...owner,
      heartbeat_at: heartbeatAt,
    })
    .execute();
  await ws.catalog.db
    .insertInto('job_activities')
    .values({
      job_id: id,
      idx: 0,
      recipe: 'r_out',
      output: 'out',
      status: 'running',
      started_at: heartbeatAt,
      ended_at: null,
      rows: null,
      error: null,
    })
    .execute();
  const pending = await beginVersion(ws, key, 'out', { jobId: id });
  await ws.catalog.db.updateTable('dataset_versions').set(owner).where('id', '=', pending.id).execute();
  writeFileSync(pending.path, 'partial parquet');
  return pending;
}

const versionStatus = async (ws: Workspace, id: string) =>
  (await ws.catalog.db.selectFrom('dataset_versions').select('status').where('id', '=', id).executeTakeFirstOrThrow())
    .status;
const heartbeatOf = async (ws: Workspace, jobId: string) =>
  (await ws.catalog.db.selectFrom('jobs').select('heartbeat_at').where('id', '=', jobId).executeTakeFirstOrThrow())
    .heartbeat_at;

describe('build jobs of processes on other hosts (SQLite catalog)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-build-hb-'));
  const home = path.join(dir, 'ws');
  const clock = new ManualClock(T);
  let server: Workspace; // the process that recovers
  let builder: Workspace; // another process on the same catalog, running builds
  beforeAll(async () => {
    server = await openGatedWorkspace(home, clock);
    builder = await openGatedWorkspace(home, clock);
    await setUpProject(builder, dir, 'GATED');
  });
  afterAll(async () => {
    await builder?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a job whose heartbeat went stale, with its uncommitted version, and leaves fresh and live local jobs alone', async () => {
    const kept = await currentVersion(server, 'GATED', 'out');
    const stale = await remoteJob(server, 'GATED', 'job-stale', iso(T - 3_001));
    const fresh = await remoteJob(server, 'GATED', 'job-fresh', iso(T - 1_000));
    // This host, a live process (this one, under another workspace id), silent for an hour: the pid tells, not the heartbeat.
    const local = await remoteJob(server, 'GATED', 'job-local', iso(T - 3_600_000), {
      owner: `${process.pid}-1`,
      owner_host: HOST,
    });

    expect(await recoverInterruptedWork(server)).toEqual({
      interruptedJobs: 1,
      interruptedVersions: 1,
      interruptedRuns: 0,
      interruptedImports: 0,
    });
    const jobs = new JobStore(server);
    const failed = await jobs.get('GATED', 'job-stale');
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(
      `Interrupted: the server stopped while this job was running (no heartbeat from process ${OTHER_OWNER} on ${OTHER_HOST} since ${iso(T - 3_001)})`,
    );
    expect(failed.activities!.map((a) => [a.status, a.error])).toEqual([['aborted', 'Interrupted']]);
    expect((await jobs.logs('GATED', 'job-stale')).at(-1)?.message).toMatch(
      /^Job interrupted by a server stop \(no heartbeat from process .* on build-host-b since .*\); earlier dataset versions were kept$/,
    );
    expect(await versionStatus(server, stale.id)).toBe('failed');
    expect(existsSync(stale.path)).toBe(false);

    for (const [id, version] of [
      ['job-fresh', fresh],
      ['job-local', local],
    ] as const) {
      expect((await jobs.get('GATED', id)).status).toBe('running');
      expect(await versionStatus(server, version.id)).toBe('building');
      expect(existsSync(version.path)).toBe(true);
    }
    expect((await currentVersion(server, 'GATED', 'out'))?.id).toBe(kept?.id);

    // The failed version cannot be committed any more, should its process turn out alive.
    await expect(
      commitVersion(server, stale, { rowCount: 1, contentHash: null, columns: [], lineage: { source: 'build' } }),
    ).rejects.toThrow(/failed as interrupted/);
    expect((await currentVersion(server, 'GATED', 'out'))?.id).toBe(kept?.id);

    // Two more seconds of silence: the fresh job's last beat is now more than three seconds old.
    clock.advance(2_001);
    expect(await recoverInterruptedWork(server)).toEqual({
      interruptedJobs: 1,
      interruptedVersions: 1,
      interruptedRuns: 0,
      interruptedImports: 0,
    });
    expect((await jobs.get('GATED', 'job-fresh')).status).toBe('failed');
    expect((await jobs.get('GATED', 'job-local')).status).toBe('running');
    await server.catalog.db.updateTable('jobs').set({ status: 'failed' }).where('id', '=', 'job-local').execute();
  });

  it('keeps a live build alive through its heartbeat, however long it runs', async () => {
    const g = gates.next();
    const build = await startBuild(builder, LOCAL_ADMIN, 'GATED', { targets: ['out'], mode: 'only' });
    await g.reached;
    expect(await heartbeatOf(server, build.jobId)).toBe(iso(clock.now()));
    // Seen as if it ran on another host, only its heartbeat can keep it alive.
    await server.catalog.db.updateTable('jobs').set({ owner_host: OTHER_HOST }).where('id', '=', build.jobId).execute();
    await server.catalog.db
      .updateTable('dataset_versions')
      .set({ owner_host: OTHER_HOST })
      .where('job_id', '=', build.jobId)
      .execute();

    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      await buildHeartbeat(builder).flush();
      expect(await heartbeatOf(server, build.jobId)).toBe(iso(clock.now()));
      expect(await recoverInterruptedWork(server)).toEqual({
        interruptedJobs: 0,
        interruptedVersions: 0,
        interruptedRuns: 0,
        interruptedImports: 0,
      });
    }

    g.open();
    const job = await build.done;
    expect(job.status).toBe('succeeded');
    expect(job.activities![0].rows).toBe(1);
    // With no build left the heartbeat stops by itself.
    clock.advance(1_000);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('recovers stale builds periodically from the running server, not only at start', async () => {
    const s = await startManualScheduler(server, T);
    server.liveness.clock = s.clock;
    try {
      await remoteJob(server, 'GATED', 'job-later', iso(T));
      await s.tickAfter(30_000);
      expect((await new JobStore(server).get('GATED', 'job-later')).status).toBe('running');
      await s.tickAfter(30_000); // the scheduler's recovery pass, once a minute
      expect((await new JobStore(server).get('GATED', 'job-later')).status).toBe('failed');
    } finally {
      await s.stop();
      server.liveness.clock = clock;
    }
  });
});

describe('build jobs across hosts on a PostgreSQL catalog', () => {
  let pg: RunningPostgres;
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-build-hb-pg-'));
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the build of a host that went silent, once, and its late commit cannot revive it', async () => {
    const clock = new ManualClock(T);
    const a = await openGatedWorkspace(path.join(dir, 'host-a'), clock, pg.url);
    const b = await openGatedWorkspace(path.join(dir, 'host-b'), clock, pg.url);
    try {
      await bootstrapWorkspace(a);
      await setUpProject(b, dir, 'GATED');
      const kept = await currentVersion(b, 'GATED', 'out');
      const g = gates.next();
      const build = await startBuild(b, LOCAL_ADMIN, 'GATED', { targets: ['out'], mode: 'only' });
      await g.reached;
      // B's rows carry another host's name: A cannot see its process, only its heartbeat.
      await a.catalog.db.updateTable('jobs').set({ owner_host: OTHER_HOST }).where('id', '=', build.jobId).execute();
      await a.catalog.db
        .updateTable('dataset_versions')
        .set({ owner_host: OTHER_HOST })
        .where('job_id', '=', build.jobId)
        .execute();

      clock.advance(10_000);
      await buildHeartbeat(b).flush();
      expect((await bootstrapWorkspace(a)).interruptedJobs).toBe(0);
      expect((await new JobStore(a).get('GATED', build.jobId)).status).toBe('running');

      // B's host stops answering: no more heartbeats. Three seconds later A fails its build.
      buildHeartbeat(b).stop();
      clock.advance(3_001);
      const [first, second] = await Promise.all([recoverInterruptedWork(a), recoverInterruptedWork(a)]);
      expect(first.interruptedJobs + second.interruptedJobs).toBe(1);
      expect(first.interruptedVersions + second.interruptedVersions).toBe(1);
      const failed = await new JobStore(a).get('GATED', build.jobId);
      expect(failed).toMatchObject({
        status: 'failed',
        error: `Interrupted: the server stopped while this job was running (no heartbeat from process ${b.processId} on ${OTHER_HOST} since ${iso(T + 10_000)})`,
      });
      expect(failed.activities![0].status).toBe('aborted');
      const versions = await a.catalog.db
        .selectFrom('dataset_versions')
        .select(['status'])
        .where('job_id', '=', build.jobId)
        .execute();
      expect(versions.map((v) => v.status)).toEqual(['failed']);

      // B was only slow: its build goes on, but its commit is refused and the job stays failed as interrupted.
      g.open();
      const late = await build.done;
      expect(late.status).toBe('failed');
      expect(late.error).toMatch(/^Interrupted: /);
      expect((await currentVersion(a, 'GATED', 'out'))?.id).toBe(kept?.id);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
