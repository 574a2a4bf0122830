import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../src/automation/clock.js';
import { recoverInterruptedWork } from '../src/automation/recovery.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { importDataset } from '../src/datasets/import.js';
import { currentVersion, versionHeartbeat } from '../src/datasets/versions.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { HOST } from '../src/workspace/process-liveness.js';
import type { Workspace } from '../src/workspace/workspace.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { Gates, openWorkspaceOnClock } from './support/liveness.js';

/** Imports stop before writing their file until the test opens the gate. */
const gates = new Gates();
vi.mock('../src/engine/import-file.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/engine/import-file.js')>();
  return {
    ...original,
    importFile: async (...args: Parameters<typeof original.importFile>) => {
      await gates.pass();
      return original.importFile(...args);
    },
  };
});

const T = Date.UTC(2030, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();
/** A host this process is not: its processes cannot be seen, only their heartbeats. */
const OTHER_HOST = 'import-host-b';
const OTHER_OWNER = '4242-1893456000000';

async function importCsv(ws: Workspace, dir: string, key: string, name: string, rows: number[]) {
  const csv = path.join(dir, `${key}-${name}-${rows.length}.csv`);
  writeFileSync(csv, `x\n${rows.join('\n')}\n`);
  return importDataset(ws, LOCAL_ADMIN, key, name, { filePath: csv, fileName: `${name}.csv` });
}

/** How an import ends: 'committed', or the message it failed with. */
const outcomeOf = (running: Promise<unknown>) =>
  running.then(
    () => 'committed',
    (e: Error) => e.message,
  );

/** A version row as an import on another process writes it (no job), with its partial file. */
async function remoteImport(
  ws: Workspace,
  key: string,
  seq: number,
  heartbeatAt: string,
  owner = { owner: OTHER_OWNER, owner_host: OTHER_HOST },
) {
  const id = `upload-${seq}`;
  const location = path.posix.join('data', key, 'uploaded', `v${seq}-${id}.parquet`);
  await ws.catalog.db
    .insertInto('dataset_versions')
    .values({
      id,
      project_key: key,
      dataset: 'uploaded',
      seq,
      status: 'building',
      location,
      row_count: null,
      content_hash: null,
      columns: null,
      lineage: null,
      job_id: null,
      created_at: heartbeatAt,
      ...owner,
      heartbeat_at: heartbeatAt,
    })
    .execute();
  const file = ws.resolve(location);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'partial parquet');
  return { id, file };
}

const versionRow = (ws: Workspace, id: string) =>
  ws.catalog.db
    .selectFrom('dataset_versions')
    .select(['status', 'heartbeat_at', 'owner'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
const buildingOf = (ws: Workspace, key: string, dataset: string) =>
  ws.catalog.db
    .selectFrom('dataset_versions')
    .select(['id', 'location', 'heartbeat_at'])
    .where('project_key', '=', key)
    .where('dataset', '=', dataset)
    .where('status', '=', 'building')
    .executeTakeFirstOrThrow();
/** Seen as if written on another host: only its heartbeat can keep it alive. */
const moveToOtherHost = (ws: Workspace, id: string) =>
  ws.catalog.db.updateTable('dataset_versions').set({ owner_host: OTHER_HOST }).where('id', '=', id).execute();

describe('versions written outside a build by processes on other hosts (SQLite catalog)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-import-hb-'));
  const home = path.join(dir, 'ws');
  const clock = new ManualClock(T);
  let server: Workspace; // the process that recovers
  let importer: Workspace; // another process on the same catalog, importing files
  beforeAll(async () => {
    server = await openWorkspaceOnClock(home, clock);
    importer = await openWorkspaceOnClock(home, clock);
    await server.catalog.projects.create(LOCAL_ADMIN, { key: 'UP' });
  });
  afterAll(async () => {
    await importer?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a version whose heartbeat went stale and deletes its file, and leaves fresh and live local ones alone', async () => {
    const stale = await remoteImport(server, 'UP', 1, iso(T - 3_001));
    const fresh = await remoteImport(server, 'UP', 2, iso(T - 1_000));
    // This host, a live process (this one, under another workspace id), silent for an hour: the pid tells, not the heartbeat.
    const local = await remoteImport(server, 'UP', 3, iso(T - 3_600_000), {
      owner: `${process.pid}-1`,
      owner_host: HOST,
    });

    expect(await recoverInterruptedWork(server)).toEqual({
      interruptedJobs: 0,
      interruptedVersions: 1,
      interruptedRuns: 0,
      interruptedImports: 0,
    });
    expect((await versionRow(server, stale.id)).status).toBe('failed');
    expect(existsSync(stale.file)).toBe(false);
    for (const v of [fresh, local]) {
      expect((await versionRow(server, v.id)).status).toBe('building');
      expect(existsSync(v.file)).toBe(true);
    }

    // Two more seconds of silence: the fresh version's last beat is now more than three seconds old.
    clock.advance(2_001);
    expect((await recoverInterruptedWork(server)).interruptedVersions).toBe(1);
    expect((await versionRow(server, fresh.id)).status).toBe('failed');
    expect(existsSync(fresh.file)).toBe(false);
    expect((await versionRow(server, local.id)).status).toBe('building');
    await server.catalog.db
      .updateTable('dataset_versions')
      .set({ status: 'failed' })
      .where('id', '=', local.id)
      .execute();
  });

  it('keeps an import alive through its heartbeat, however long it runs, and commits it normally', async () => {
    const kept = await importCsv(importer, dir, 'UP', 'sales', [1, 2]);
    const g = gates.next();
    const running = importCsv(importer, dir, 'UP', 'sales', [1, 2, 3]);
    await g.reached;
    const pending = await buildingOf(server, 'UP', 'sales');
    expect(await versionRow(server, pending.id)).toMatchObject({
      heartbeat_at: iso(clock.now()),
      owner: importer.processId,
    });
    await moveToOtherHost(server, pending.id);

    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      await versionHeartbeat(importer).flush();
      expect((await versionRow(server, pending.id)).heartbeat_at).toBe(iso(clock.now()));
      expect((await recoverInterruptedWork(server)).interruptedVersions).toBe(0);
    }

    g.open();
    const info = await running;
    const current = await currentVersion(server, 'UP', 'sales');
    expect(current).toMatchObject({ id: pending.id, status: 'ready', rowCount: 3 });
    expect(current?.id).not.toBe(kept.currentVersion?.id);
    expect(info.currentVersion?.id).toBe(pending.id);
    expect(existsSync(server.resolve(pending.location))).toBe(true);
    // With no import left the heartbeat stops by itself.
    clock.advance(1_000);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('fails an import whose host went silent, and its late commit is refused', async () => {
    const kept = await currentVersion(server, 'UP', 'sales');
    const g = gates.next();
    const outcome = outcomeOf(importCsv(importer, dir, 'UP', 'sales', [7]));
    await g.reached;
    const pending = await buildingOf(server, 'UP', 'sales');
    await moveToOtherHost(server, pending.id);
    versionHeartbeat(importer).stop();
    clock.advance(3_001);
    expect((await recoverInterruptedWork(server)).interruptedVersions).toBe(1);
    expect((await versionRow(server, pending.id)).status).toBe('failed');

    g.open();
    expect(await outcome).toMatch(/failed as interrupted/);
    expect((await versionRow(server, pending.id)).status).toBe('failed');
    expect(existsSync(server.resolve(pending.location))).toBe(false);
    expect((await currentVersion(server, 'UP', 'sales'))?.id).toBe(kept?.id);
  });
});

describe('imports across hosts on a PostgreSQL catalog', () => {
  let pg: RunningPostgres;
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-import-hb-pg-'));
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the import of a host that went silent, once, and keeps the current version', async () => {
    const clock = new ManualClock(T);
    const a = await openWorkspaceOnClock(path.join(dir, 'host-a'), clock, pg.url);
    const b = await openWorkspaceOnClock(path.join(dir, 'host-b'), clock, pg.url);
    try {
      await bootstrapWorkspace(a);
      await b.catalog.projects.create(LOCAL_ADMIN, { key: 'UP' });
      await importCsv(b, dir, 'UP', 'sales', [1]);
      const kept = await currentVersion(a, 'UP', 'sales');
      const g = gates.next();
      const outcome = outcomeOf(importCsv(b, dir, 'UP', 'sales', [1, 2]));
      await g.reached;
      const pending = await buildingOf(a, 'UP', 'sales');
      await moveToOtherHost(a, pending.id);

      clock.advance(10_000);
      await versionHeartbeat(b).flush();
      expect((await bootstrapWorkspace(a)).interruptedVersions).toBe(0);
      expect((await versionRow(a, pending.id)).status).toBe('building');

      // B's host stops answering: no more heartbeats. Three seconds later A fails its version.
      versionHeartbeat(b).stop();
      clock.advance(3_001);
      const [first, second] = await Promise.all([recoverInterruptedWork(a), recoverInterruptedWork(a)]);
      expect(first.interruptedVersions + second.interruptedVersions).toBe(1);
      expect((await versionRow(a, pending.id)).status).toBe('failed');

      g.open();
      expect(await outcome).toMatch(/failed as interrupted/);
      expect((await currentVersion(a, 'UP', 'sales'))?.id).toBe(kept?.id);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
