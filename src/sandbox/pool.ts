import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { startSandbox, type Sandbox } from './sandbox.js';
import { SandboxError, type SandboxSpec } from './types.js';

/** A process is stopped after this long without a call, unless the caller says otherwise. */
const DEFAULT_IDLE_SECONDS = 300;

interface Held {
  sandbox: Promise<Sandbox>;
  startedAt: string;
  lastCallAt: string;
  idleTimer?: NodeJS.Timeout;
  pid?: number;
}

export interface PoolCallOptions {
  timeoutMs?: number;
  idleSeconds?: number;
  signal?: AbortSignal;
  onEvent?: (data: unknown) => void;
}

class SandboxPool {
  private readonly held = new Map<string, Held>();
  constructor(private readonly python: string | undefined) {}

  /**
   * Calls `fn` in the process kept under `key` (a webapp backend, a notebook kernel…), starting it
   * from `spec()` when there is none or it has died (so a crash or a stopped loop costs one call,
   * not the service). The process stops after `idleSeconds` without calls.
   */
  async call(key: string, spec: () => SandboxSpec, fn: string, args: unknown[], options: PoolCallOptions = {}) {
    let entry = this.held.get(key);
    if (!entry) {
      const now = new Date().toISOString();
      const starting = startSandbox(spec(), { python: this.python });
      entry = { sandbox: starting, startedAt: now, lastCallAt: now };
      const created = entry;
      this.held.set(key, created);
      starting.then(
        (sandbox) => {
          created.pid = sandbox.pid;
          void sandbox.exit.then(() => {
            if (this.held.get(key) === created) this.forget(key);
          });
        },
        () => {
          if (this.held.get(key) === created) this.forget(key);
        },
      );
    }
    const sandbox = await entry.sandbox;
    entry.lastCallAt = new Date().toISOString();
    clearTimeout(entry.idleTimer);
    try {
      return await sandbox.call(fn, args, options);
    } catch (err) {
      // The process is stopping (a limit, an exit): the next call must start a new one, not reach it.
      if (err instanceof SandboxError && err.outcome !== 'error' && this.held.get(key) === entry) this.forget(key);
      throw err;
    } finally {
      const idle = (options.idleSeconds ?? DEFAULT_IDLE_SECONDS) * 1000;
      const held = entry;
      // Only while this process is still the one under the key (a replaced one is not another's to stop).
      if (this.held.get(key) === held) {
        held.idleTimer = setTimeout(() => {
          if (this.held.get(key) === held) void this.stop(key);
        }, idle);
        held.idleTimer.unref();
      }
    }
  }

  private forget(key: string): void {
    clearTimeout(this.held.get(key)?.idleTimer);
    this.held.delete(key);
  }

  /**
   * Sends SIGINT to the process under `key`, when there is one (see Sandbox.interrupt) and
   * `stillWanted` (asked at the last moment, after the wait for the process) says so; answers
   * whether it was sent.
   */
  async interrupt(key: string, stillWanted: () => boolean = () => true): Promise<boolean> {
    const sandbox = await this.held.get(key)?.sandbox.catch(() => null);
    if (!sandbox || !stillWanted()) return false;
    sandbox.interrupt();
    return true;
  }

  /** The process id under `key`, once it has started. */
  pid(key: string): number | null {
    return this.held.get(key)?.pid ?? null;
  }

  async stop(key: string): Promise<void> {
    const entry = this.held.get(key);
    if (!entry) return;
    this.forget(key);
    const sandbox = await entry.sandbox.catch(() => null);
    await sandbox?.stop('Stopped');
  }

  /** Stops every process whose key starts with `prefix` (a webapp's revisions, a project's kernels). */
  async stopAll(prefix = ''): Promise<void> {
    await Promise.all([...this.held.keys()].filter((k) => k.startsWith(prefix)).map((k) => this.stop(k)));
  }

  running(): { key: string; pid: number | null; startedAt: string; lastCallAt: string }[] {
    return [...this.held].map(([key, e]) => ({
      key,
      pid: e.pid ?? null,
      startedAt: e.startedAt,
      lastCallAt: e.lastCallAt,
    }));
  }
}

export type { SandboxPool };

/** The workspace's long-lived processes of user code; all stop when the workspace closes. */
export const sandboxPool = workspaceSlot(
  'sandbox.pool',
  (ws: Workspace) => new SandboxPool(ws.config.python),
  (pool) => pool.stopAll(),
);
