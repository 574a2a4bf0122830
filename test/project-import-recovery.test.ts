import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/automation/clock.js';
import { recoverInterruptedWork } from '../src/automation/recovery.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { importDataset } from '../src/datasets/import.js';
import { exportProjectFolder } from '../src/transfer/project-export.js';
import { claimImport } from '../src/transfer/import-claims.js';
import { importProjectFolder } from '../src/transfer/project-import.js';
import { HOST } from '../src/workspace/process-liveness.js';
import type { Workspace } from '../src/workspace/workspace.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { openWorkspaceOnClock } from './support/liveness.js';

/**
 * A project import claims its key in the catalog while it runs: a second import of the key is
 * refused, and a project whose import died with its process (here or on another host) is
 * deleted by recovery, files and all, while live imports are left alone.
 */
const T = Date.UTC(2030, 0, 1);

/** The owner id of a process of this host that has exited (its pid no longer exists). */
function deadOwner(): string {
  const started = Date.now();
  const child = spawnSync(process.execPath, ['-e', '']);
  return `${child.pid}-${started}`;
}

const projectKeys = async (ws: Workspace) =>
  (await ws.catalog.db.selectFrom('projects').select('key').execute()).map((r) => r.key).sort();
const claims = async (ws: Workspace) =>
  (await ws.catalog.db.selectFrom('project_imports').select('key').execute()).map((r) => r.key).sort();

/** A half-imported project KEY, as an import that died after creating it and one dataset leaves it. */
async function halfImported(ws: Workspace, dir: string, key: string, owner: string, host: string, at: string) {
  await ws.catalog.db
    .insertInto('project_imports')
    .values({ key, owner, owner_host: host, started_at: at, heartbeat_at: at })
    .execute();
  await ws.catalog.projects.create(LOCAL_ADMIN, { key });
  const csv = path.join(dir, `${key}.csv`);
  writeFileSync(csv, 'x\n1\n2\n');
  await importDataset(ws, LOCAL_ADMIN, key, 'seed', { filePath: csv, fileName: 'seed.csv' });
}

function suite(name: string, catalogUrl: () => string | undefined) {
  describe(`project imports that never finished (${name} catalog)`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llano-import-claims-'));
    let ws: Workspace;
    let other: Workspace;
    const clock = new ManualClock(T);
    beforeAll(async () => {
      ws = await openWorkspaceOnClock(path.join(dir, 'a'), clock, catalogUrl());
      // A second server on the same catalog and data folder.
      other = await openWorkspaceOnClock(path.join(dir, 'a'), clock, catalogUrl());
    });
    afterAll(async () => {
      await other?.close();
      await ws?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('deletes a project whose importing process died, with its files, and keeps the others', async () => {
      await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'KEEP' });
      await halfImported(ws, dir, 'DEAD', deadOwner(), HOST, new Date(T).toISOString());
      const files = path.join(ws.config.home, 'data', 'DEAD');
      expect(existsSync(files)).toBe(true);
      const recovered = await recoverInterruptedWork(other);
      expect(recovered.interruptedImports).toBe(1);
      expect(await projectKeys(ws)).toEqual(['KEEP']);
      expect(await claims(ws)).toEqual([]);
      expect(existsSync(files)).toBe(false);
    });

    it('leaves an import of another host alone while it beats, and deletes it once silent', async () => {
      const at = new Date(clock.now()).toISOString();
      await halfImported(ws, dir, 'REMOTE', '4242-1893456000000', 'import-host-b', at);
      expect((await recoverInterruptedWork(other)).interruptedImports).toBe(0);
      expect(await projectKeys(ws)).toContain('REMOTE');
      clock.advance(other.liveness.staleAfterMs + 1000);
      expect((await recoverInterruptedWork(other)).interruptedImports).toBe(1);
      expect(await projectKeys(ws)).not.toContain('REMOTE');
      expect(await claims(ws)).toEqual([]);
    });

    it('refuses a second import of a key being imported, and lets the first finish', async () => {
      await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'SRC' });
      const csv = path.join(dir, 'src.csv');
      writeFileSync(csv, 'x\n1\n2\n3\n');
      await importDataset(ws, LOCAL_ADMIN, 'SRC', 'seed', { filePath: csv, fileName: 'seed.csv' });
      const folder = path.join(dir, 'export-src');
      mkdirSync(folder);
      await exportProjectFolder(ws, LOCAL_ADMIN, 'SRC', folder, { data: true });

      // The other server holds the key: this one's import is a 409 and creates nothing.
      const held = await claimImport(other, 'COPY');
      await expect(importProjectFolder(ws, LOCAL_ADMIN, folder, 'COPY')).rejects.toThrow(/COPY is being imported/);
      expect(await projectKeys(ws)).not.toContain('COPY');
      // A live import is never recovered, even by another process.
      expect((await recoverInterruptedWork(ws)).interruptedImports).toBe(0);
      await held.release();

      const done = await importProjectFolder(ws, LOCAL_ADMIN, folder, 'COPY');
      expect(done.datasetsWithData).toBe(1);
      expect(await projectKeys(ws)).toContain('COPY');
      expect(await claims(ws)).toEqual([]);
    });
  });
}

suite('SQLite', () => undefined);

let pg: RunningPostgres | undefined;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});
suite('PostgreSQL', () => pg?.url);
