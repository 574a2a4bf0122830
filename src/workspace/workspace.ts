import { EventEmitter } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Catalog } from '../catalog/catalog.js';
import type { ActivityStatus, JobStatus } from '../catalog/statuses.js';
import type { Config } from '../common/config.js';
import { DuckDb } from '../engine/duckdb.js';
import { Liveness } from './process-liveness.js';

/** Events other parts listen to (SSE progress, data-change triggers). */
export interface WorkspaceEvents {
  job: [JobEvent];
  datasetVersion: [{ projectKey: string; dataset: string; versionId: string; rowCount: number | null }];
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
  readonly processId = `${process.pid}-${Date.now()}`;
  /** Heartbeats of the work this process runs, and how work of other processes is judged abandoned. */
  readonly liveness: Liveness;
  /** State modules keep for this workspace (see `workspaceSlot`), in the order it was created. */
  private readonly slots = new Map<symbol, { value: unknown; release?: (value: unknown) => void | Promise<void> }>();

  private constructor(
    readonly config: Config,
    readonly catalog: Catalog,
    readonly duck: DuckDb,
  ) {
    this.events.setMaxListeners(0);
    this.liveness = new Liveness(config.heartbeatSeconds * 1000);
  }

  static async open(config: Config): Promise<Workspace> {
    for (const dir of ['data', 'tmp', 'logs']) mkdirSync(path.join(config.home, dir), { recursive: true });
    // Leftovers of a crashed process (half-written uploads, spill files) are never needed.
    rmSync(path.join(config.home, 'tmp'), { recursive: true, force: true });
    mkdirSync(path.join(config.home, 'tmp', 'duckdb'), { recursive: true });
    const catalog = await Catalog.open({ url: config.catalogUrl, home: config.home, maxObjectKb: config.maxObjectKb });
    const duck = await DuckDb.open(':memory:', { tempDirectory: path.join(config.home, 'tmp', 'duckdb') });
    return new Workspace(config, catalog, duck);
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
    return path.join(this.config.home, 'tmp', `${Date.now()}-${Math.random().toString(36).slice(2)}${suffix}`);
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
