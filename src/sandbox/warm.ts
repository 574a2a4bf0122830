import { rmSync } from 'node:fs';
import path from 'node:path';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { startDeferredSandbox, type DeferredSandbox, type Sandbox } from './sandbox.js';
import { startBundler } from './typescript-bundle.js';
import type { SandboxLimits, SandboxSpec } from './types.js';

/**
 * What a family of one-shot runs has in common (a code recipe of one language, interpreter and
 * limits): the process for the next run is started ahead, so a run's start is a message to a
 * running interpreter, not a spawn (which costs 50 ms idle and seconds on a loaded machine).
 */
export interface WarmShape {
  language: 'typescript' | 'python';
  limits: SandboxLimits;
  /** The entry's file name in the work folder (written by the caller before `start`). */
  entryName: string;
  /** The library folder's name in the work folder (on the import path of the code). */
  libraryName: string;
  python?: string;
  /** Python modules imported while the process waits (pandas: seconds otherwise paid in the run). */
  preload?: string[];
}

/** A work folder whose process is running: write the code there, then `start` it (once). */
export interface WarmRun {
  readonly workDir: string;
  readonly entry: string;
  readonly libraryPath: string;
  /** Loads the entry; the process then serves calls like `startSandbox`'s (`wallSeconds` bounds each call). */
  start(options: { onLog?: SandboxSpec['onLog']; wallSeconds?: number }): Promise<Sandbox>;
  /** Gives up the run without starting it: its process stops. */
  discard(): Promise<void>;
}

/** A process stopped waiting for its run after this long; the next run starts one. */
const IDLE_SECONDS = 600;

/**
 * At most this many processes wait, one per shape: a recipe's own limits make a shape of their
 * own, so a new shape stops the one taken longest ago rather than keep a process for each limits
 * ever seen (a Python process with pandas imported holds 60-80 MB). Room for the defaults of each
 * language (TypeScript, Python, Python with pandas) and a few recipes' own limits: with fewer
 * slots than the shapes built in turn, each would stop the very one built next.
 */
export const MAX_WAITING = 6;

/**
 * The next process of a shape starts this long after the previous run's process ended, not
 * while that run prepares: spawning forks the server, a pause of the event loop that grows with
 * its resident memory (about 100 ms with DuckDB's buffers, 200-300 ms at 1.2 GB on a loaded
 * machine), which fell in the run's own start when it was spawned at `take`.
 */
const NEXT_AFTER_MS = 500;

interface Waiting {
  workDir: string;
  shape: WarmShape;
  process: Promise<DeferredSandbox>;
  idle: NodeJS.Timeout;
}

const keyOf = (s: WarmShape) =>
  JSON.stringify([
    s.language,
    s.python ?? '',
    s.limits.memoryMb,
    s.limits.cpuSeconds,
    s.entryName,
    s.libraryName,
    s.preload ?? [],
  ]);

class WarmSandboxes {
  private readonly waiting = new Map<string, Waiting>();
  private closed = false;

  constructor(private readonly ws: Workspace) {}

  /**
   * A run of `shape`: the process started ahead for it when there is one, else one started now —
   * while the caller prepares its inputs. Once the run's process has ended, the next one of the
   * shape is started (see MAX_WAITING).
   */
  take(shape: WarmShape): WarmRun {
    const key = keyOf(shape);
    const held = this.waiting.get(key);
    this.waiting.delete(key);
    if (held) clearTimeout(held.idle);
    const waiting = held ?? this.spawn(shape);
    const startNext = () => {
      const timer = setTimeout(() => {
        if (this.closed || this.waiting.has(key)) return;
        // The map's order is that of the spawns: its first is the shape taken longest ago.
        const over = Math.max(0, this.waiting.size + 1 - MAX_WAITING);
        for (const oldest of [...this.waiting.values()].slice(0, over)) void this.drop(oldest);
        this.waiting.set(key, this.spawn(shape));
      }, NEXT_AFTER_MS);
      timer.unref();
    };
    const entry = path.join(waiting.workDir, shape.entryName);
    const libraryPath = path.join(waiting.workDir, shape.libraryName);
    return {
      workDir: waiting.workDir,
      entry,
      libraryPath,
      start: async ({ onLog, wallSeconds }) => {
        let sandbox: Sandbox;
        try {
          const deferred = await waiting.process;
          if (deferred.ended) throw new Error('the process started for this run ended before it');
          sandbox = await deferred.load({
            onLog,
            language: shape.language,
            entry,
            workDir: waiting.workDir,
            libraryPaths: [libraryPath],
            limits: { ...shape.limits, wallSeconds: wallSeconds ?? shape.limits.wallSeconds },
          });
        } catch (error) {
          startNext();
          throw error;
        }
        sandbox.exit.then(startNext, startNext);
        return sandbox;
      },
      discard: async () => {
        startNext();
        const deferred = await waiting.process.catch(() => null);
        await deferred?.stop('Not needed');
      },
    };
  }

  private spawn(shape: WarmShape): Waiting {
    if (shape.language === 'typescript') startBundler();
    const workDir = this.ws.tempPath('-code');
    const process = startDeferredSandbox(
      {
        language: shape.language,
        entry: path.join(workDir, shape.entryName),
        workDir,
        libraryPaths: [path.join(workDir, shape.libraryName)],
        limits: shape.limits,
      },
      { python: shape.python, preload: shape.preload },
    );
    process.catch(() => undefined);
    const idle = setTimeout(() => void this.drop(waiting), IDLE_SECONDS * 1000);
    idle.unref();
    const waiting: Waiting = { workDir, shape, process, idle };
    return waiting;
  }

  /** Stops a process nobody took, and removes its folder. */
  private async drop(waiting: Waiting): Promise<void> {
    const key = keyOf(waiting.shape);
    if (this.waiting.get(key) === waiting) this.waiting.delete(key);
    clearTimeout(waiting.idle);
    const deferred = await waiting.process.catch(() => null);
    await deferred?.stop('Not needed');
    rmSync(waiting.workDir, { recursive: true, force: true });
  }

  /** The work folders of the processes waiting for a run, oldest first. */
  waitingFolders(): string[] {
    return [...this.waiting.values()].map((w) => w.workDir);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.waiting.values()].map((w) => this.drop(w)));
  }
}

export type { WarmSandboxes };

/** The workspace's processes started ahead of one-shot runs; they stop when the workspace closes. */
export const warmSandboxes = workspaceSlot(
  'sandbox.warm',
  (ws: Workspace) => new WarmSandboxes(ws),
  (warm) => warm.close(),
);
