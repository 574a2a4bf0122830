import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Catalog } from '../catalog/catalog.js';
import type { ActivityStatus, JobStatus } from '../catalog/statuses.js';
import type { Config } from '../common/config.js';
import { DuckDb } from '../engine/duckdb.js';
import { memoryShares } from '../engine/memory-budget.js';
import { defaultUserQueries } from '../engine/query-limits.js';
import { Liveness } from './process-liveness.js';
import { closeProcessTmp, openProcessTmp } from './process-tmp.js';

/** Events other parts listen to (SSE progress, data-change triggers). */
export interface WorkspaceEvents {
  job: [JobEvent];
  /** A version became current; `location` is the version's, relative to the workspace (see `PendingVersion`). */
  datasetVersion: [
    { projectKey: string; dataset: string; versionId: string; location: string; rowCount: number | null },
  ];
  /** After a project's catalog rows and files are gone: in-memory state keyed by it is dropped. */
  projectDeleted: [{ projectKey: string }];
}

/** A change to one activity of a job: what `Jobs.setActivity` records and the `activity` event carries. */
export interface ActivityUpdate {
  index: number;
  recipe: string;
  output: string;
  status: ActivityStatus;
  rows?: number | null;
  error?: string | null;
}

export type JobEvent =
  | { type: 'job-status'; projectKey: string; jobId: string; status: JobStatus; error?: string | null }
  | ({ type: 'activity'; projectKey: string; jobId: string } & ActivityUpdate)
  | { type: 'log'; projectKey: string; jobId: string; level: string; message: string; ts: string };

/**
 * Everything a running Llano has open: settings, the catalog, the DuckDB engine and the
 * workspace folder (`LLANO_HOME`). Services receive it as their first argument.
 */
export class Workspace {
  readonly events = new EventEmitter<WorkspaceEvents>();
  /** An id for this process; jobs it runs carry it so a restart can spot interrupted ones. */
  readonly processId: string;
  /** This process's own temporary folder, `LLANO_HOME/tmp/<host>-<pid>-<start>/` (see process-tmp.ts). */
  readonly tmpDir: string;
  /** Heartbeats of the work this process runs, and how work of other processes is judged abandoned. */
  readonly liveness: Liveness;
  /** State modules keep for this workspace (see `workspaceSlot`), in the order it was created. */
  private readonly slots = new Map<symbol, { value: unknown; release?: (value: unknown) => void | Promise<void> }>();

  private constructor(
    readonly config: Config,
    readonly catalog: Catalog,
    readonly duck: DuckDb,
    own: { processId: string; tmpDir: string },
  ) {
    this.processId = own.processId;
    this.tmpDir = own.tmpDir;
    this.events.setMaxListeners(0);
    this.liveness = new Liveness(config.heartbeatSeconds * 1000);
  }

  static async open(config: Config): Promise<Workspace> {
    // The home holds the catalog (connection secrets) and every project's data: readable by the server's user only.
    mkdirSync(config.home, { recursive: true, mode: 0o700 });
    for (const dir of ['data', 'tmp', 'logs']) mkdirSync(path.join(config.home, dir), { recursive: true, mode: 0o700 });
    const processId = `${process.pid}-${Date.now()}`;
    // Other servers may share this LLANO_HOME: only dead processes' leftovers (half-written
    // uploads, spill files, sandbox work folders) are swept, never the folder of a live one.
    const tmpDir = openProcessTmp(path.join(config.home, 'tmp'), processId);
    mkdirSync(path.join(tmpDir, 'duckdb'), { recursive: true });
    let catalog: Catalog;
    try {
      catalog = await Catalog.open({
        url: config.catalogUrl,
        home: config.home,
        maxObjectKb: config.maxObjectKb,
        secretKey: config.secretKey,
      });
    } catch (error) {
      closeProcessTmp(tmpDir);
      throw error;
    }
    const memory = memoryShares(config.memoryLimit);
    const duck = await DuckDb.open(':memory:', {
      tempDirectory: path.join(tmpDir, 'duckdb'),
      memoryLimit: memory.main,
      sandboxMemoryLimit: memory.sandbox,
      sandboxDir: path.join(tmpDir, 'sandbox'),
      userQueries: config.maxUserQueries ?? defaultUserQueries(availableParallelism(), config.buildParallelism),
    });
    return new Workspace(config, catalog, duck, { processId, tmpDir });
  }

  /** Absolute path of a location stored relative to the workspace. */
  resolve(relative: string): string {
    const abs = path.resolve(this.config.home, relative);
    if (!abs.startsWith(path.resolve(this.config.home) + path.sep))
      throw new Error(`Location escapes the workspace: ${relative}`);
    return abs;
  }

  /** A fresh temporary path under the workspace (same file system as the data, so renames are atomic). */
  tempPath(suffix: string): string {
    return path.join(this.tmpDir, `${Date.now()}-${Math.random().toString(36).slice(2)}${suffix}`);
  }

  /** The value of one slot on this workspace, created on first use; prefer `workspaceSlot`. */
  slot<T>(key: symbol, create: () => T, release?: (value: T) => void | Promise<void>): T {
    const held = this.slots.get(key);
    if (held) return held.value as T;
    const value = create();
    this.slots.set(key, { value, release: release as ((value: unknown) => void | Promise<void>) | undefined });
    return value;
  }

  /** Releases what this workspace holds (its slots, newest first, then the engine's pools and the catalog); other workspaces keep theirs. */
  async close(): Promise<void> {
    const held = [...this.slots.values()].reverse();
    this.slots.clear();
    for (const { value, release } of held) await release?.(value);
    await this.duck.close();
    await this.catalog.close();
    closeProcessTmp(this.tmpDir);
  }
}

/**
 * Declares state a module keeps per workspace instead of in a module variable, so that two
 * workspaces open in one process (tests, tools) never see each other's: `const runs =
 * workspaceSlot('flow.runs', () => new Map())`, then `runs(ws)`. `release` runs when the
 * workspace closes. Registries filled at start-up (history kinds, post-build validators)
 * are slots too, filled by the composition root (`src/app/start-workspace.ts`).
 */
export function workspaceSlot<T>(
  name: string,
  create: (ws: Workspace) => T,
  release?: (value: T) => void | Promise<void>,
): (ws: Workspace) => T {
  const key = Symbol(name);
  return (ws) => ws.slot(key, () => create(ws), release);
}

/**
 * Like `workspaceSlot`, one value per project, made on first use and forgotten when the project
 * is deleted: a project created again under its key starts from nothing.
 */
export function projectSlot<T>(
  name: string,
  create: (ws: Workspace, projectKey: string) => T,
): (ws: Workspace, projectKey: string) => T {
  const projects = workspaceSlot(name, (ws) => {
    const values = new Map<string, T>();
    ws.events.on('projectDeleted', ({ projectKey }) => values.delete(projectKey));
    return values;
  });
  return (ws, projectKey) => {
    const values = projects(ws);
    if (!values.has(projectKey)) values.set(projectKey, create(ws, projectKey));
    return values.get(projectKey)!;
  };
}
