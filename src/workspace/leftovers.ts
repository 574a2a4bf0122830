import { readdirSync, rmSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { JOB_OPEN_STATUSES, RUN_OPEN_OUTCOMES } from '../catalog/statuses.js';
import { workDirOwner } from '../engine/duckdb-sandbox.js';
import { HOST, ownerIsDead } from './process-liveness.js';
import { sweepDeadProcessTmp } from './process-tmp.js';
import type { Workspace } from './workspace.js';

/** What a sweep removed, by kind (for logs and tests). */
export interface SweptLeftovers {
  scratch: number;
  partialFiles: number;
  tmp: number;
  unreferencedVersions: number;
}

/**
 * Removes what killed processes left under LLANO_HOME: SQL sandbox work folders and temporary
 * files in `data/<P>/.scratch`, half-written version files (`.v3-….parquet.….tmp`), the `tmp/`
 * folders of dead processes, and version files no `ready` or `building` version points at (a kill between expiring
 * a version and deleting its file). Work folders and temporary files are removed only when older
 * than the oldest open work of any process (and than this process), so the live work of another
 * server sharing LLANO_HOME is never touched; nor is the `tmp/<host>-<pid>-<start>` folder of a live process.
 */
export async function sweepLeftovers(ws: Workspace): Promise<SweptLeftovers> {
  const cutoff = await oldestLiveWorkMs(ws);
  const swept: SweptLeftovers = { scratch: 0, partialFiles: 0, tmp: 0, unreferencedVersions: 0 };
  const older = (p: string) => {
    try {
      return statSync(p).mtimeMs < cutoff;
    } catch {
      return false;
    }
  };
  const remove = (p: string) => rmSync(p, { recursive: true, force: true });

  const referenced = new Set(
    (
      await ws.catalog.db
        .selectFrom('dataset_versions')
        .select('location')
        .where('status', 'in', ['ready', 'building'])
        .execute()
    ).map((v) => path.normalize(ws.resolve(v.location))),
  );
  const dataDir = path.join(ws.config.home, 'data');
  for (const project of entries(dataDir).filter((e) => e.isDirectory())) {
    const projectDir = path.join(dataDir, project.name);
    for (const entry of entries(projectDir)) {
      const p = path.join(projectDir, entry.name);
      if (entry.name === '.scratch') {
        // The pooled sandboxes' spill folder is shared by live runs; DuckDB manages its files.
        for (const work of entries(p).filter((e) => e.name !== 'spill')) {
          const owner = workDirOwner(work.name);
          if (owner ? ownerIsDead(owner, HOST) : older(path.join(p, work.name))) {
            remove(path.join(p, work.name));
            swept.scratch++;
          }
        }
        continue;
      }
      if (!entry.isDirectory()) continue;
      for (const file of entries(p).filter((e) => e.isFile())) {
        const f = path.join(p, file.name);
        if (file.name.startsWith('.') && file.name.endsWith('.tmp')) {
          if (older(f)) {
            remove(f);
            swept.partialFiles++;
          }
        } else if (/^v\d+-.*\.parquet$/.test(file.name) && !referenced.has(path.normalize(f)) && older(f)) {
          remove(f);
          swept.unreferencedVersions++;
        }
      }
    }
  }

  // Per-process temporary folders: those of dead processes of this host (process-tmp.ts decides).
  swept.tmp = sweepDeadProcessTmp(path.join(ws.config.home, 'tmp')).length;
  return swept;
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** When the oldest work still open (a job, a version being written, a run) was created, or when this process's workspace opened. */
async function oldestLiveWorkMs(ws: Workspace): Promise<number> {
  const db = ws.catalog.db;
  const times = [
    ...(await db.selectFrom('jobs').select('created_at').where('status', 'in', JOB_OPEN_STATUSES).execute()),
    ...(await db.selectFrom('dataset_versions').select('created_at').where('status', '=', 'building').execute()),
    ...(await db.selectFrom('scenario_runs').select('created_at').where('outcome', 'in', RUN_OPEN_OUTCOMES).execute()),
  ].map((r) => Date.parse(r.created_at));
  // Timestamps are wall-clock; a second of margin covers file systems that round modification times.
  const opened = Number(ws.processId.split('-')[1]);
  return Math.min(Number.isFinite(opened) ? opened : Date.now(), ...times.filter(Number.isFinite)) - 1000;
}
