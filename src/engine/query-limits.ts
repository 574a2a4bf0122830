import type { DuckDBConnection } from '@duckdb/node-api';
import { LlanoError } from '../common/errors.js';

/**
 * Why limits exist at all: DuckDB's Node binding runs each statement on a thread of libuv's
 * pool (4 threads unless UV_THREADPOOL_SIZE says otherwise), the same pool that hashes
 * passwords (argon2) and does file I/O. Four endless queries used to hold all four threads,
 * so logins and every data read hung until they ended. Hence: every user query has a time
 * limit and is interrupted when its client goes away, and at most a few run at once (`QueryGate`).
 */

/** How long a query may run, what stops it early, and which setting the user can change. */
export interface QueryLimits {
  /** Interrupted after this many milliseconds. */
  timeoutMs?: number;
  /** The setting behind `timeoutMs`, named in the error (e.g. LLANO_QUERY_TIMEOUT_SECONDS). */
  setting?: string;
  /** Aborted when the caller no longer wants the answer (the HTTP client went away). */
  signal?: AbortSignal;
}

export const queryTimedOut = (limits: QueryLimits) =>
  new LlanoError(
    'query_timeout',
    408,
    `The query ran longer than ${formatSeconds(limits.timeoutMs ?? 0)} and was stopped; ${limits.setting ?? 'LLANO_QUERY_TIMEOUT_SECONDS'} sets the limit`,
  );

export const queryCancelled = () => new LlanoError('query_cancelled', 499, 'The query was cancelled by its client');

const formatSeconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/**
 * Runs `fn` (statements on `conn`) and interrupts them when the time limit passes or the signal
 * aborts, answering with a clear error instead of DuckDB's "Interrupted". DuckDB interrupts
 * only the statement running at that moment, so the interrupt is repeated until `fn` settles:
 * a limit reached between two statements still stops the next one.
 */
export async function interruptible<T>(
  conn: Pick<DuckDBConnection, 'interrupt'>,
  limits: QueryLimits | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (!limits?.timeoutMs && !limits?.signal) return fn();
  if (limits.signal?.aborted) throw queryCancelled();
  let reason: 'timeout' | 'cancelled' | null = null;
  let repeat: NodeJS.Timeout | undefined;
  const stop = (why: 'timeout' | 'cancelled') => {
    if (reason) return;
    reason = why;
    conn.interrupt();
    repeat = setInterval(() => conn.interrupt(), 50);
  };
  const timer = limits.timeoutMs ? setTimeout(() => stop('timeout'), limits.timeoutMs) : undefined;
  const onAbort = () => stop('cancelled');
  limits.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await fn();
    if (reason) throw reason === 'timeout' ? queryTimedOut(limits) : queryCancelled();
    return result;
  } catch (error) {
    if (reason === 'timeout') throw queryTimedOut(limits);
    if (reason === 'cancelled') throw queryCancelled();
    throw error;
  } finally {
    clearTimeout(timer);
    clearInterval(repeat);
    limits.signal?.removeEventListener('abort', onAbort);
  }
}

/** Who a task runs for, and how long it may wait for its turn. */
export interface GateTurn {
  /** Aborted: the waiter leaves the queue without ever running. */
  signal?: AbortSignal;
  /**
   * Whose task it is (a user id; a webapp or endpoint for anonymous callers). No owner may hold
   * every place: one is always left for the others, so one user's runaway queries delay nobody
   * else more than the queries already running. Tasks without an owner have no such cap.
   */
  owner?: string;
  /** Waiting longer than this answers 503 instead of running late. */
  maxWaitMs?: number;
}

/**
 * At most `capacity` tasks at once; the others wait in order, but a waiter whose owner already
 * holds all but one place lets the next owner's task go first (when `capacity` > 1). A waiter
 * whose signal aborts leaves the queue without ever running, so abandoned requests cost nothing.
 */
export class QueryGate {
  private running = 0;
  private readonly byOwner = new Map<string, number>();
  private readonly waiting: { owner: string | undefined; start: () => void }[] = [];

  constructor(
    readonly capacity: number,
    /** Named in the "busy" answer. */
    readonly setting = 'LLANO_MAX_USER_QUERIES',
  ) {}

  /** Places one owner may hold at once. */
  get perOwner(): number {
    return Math.max(1, this.capacity - 1);
  }

  async run<T>(turn: GateTurn | AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(turn);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Waits for a place; the returned function gives it back (once). */
  async acquire(turn: GateTurn | AbortSignal | undefined): Promise<() => void> {
    const { signal, owner, maxWaitMs } = turn instanceof AbortSignal ? { signal: turn } : (turn ?? {});
    await this.enter(signal, owner, maxWaitMs);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.take(owner, -1);
      this.startWaiters();
    };
  }

  private canStart(owner: string | undefined): boolean {
    if (this.running >= this.capacity) return false;
    return owner === undefined || (this.byOwner.get(owner) ?? 0) < this.perOwner;
  }

  private take(owner: string | undefined, delta: 1 | -1): void {
    this.running += delta;
    if (owner === undefined) return;
    const held = (this.byOwner.get(owner) ?? 0) + delta;
    if (held > 0) this.byOwner.set(owner, held);
    else this.byOwner.delete(owner);
  }

  /** Starts waiters, first come first served among those whose owner may take another place. */
  private startWaiters(): void {
    for (let i = 0; i < this.waiting.length && this.running < this.capacity;) {
      const w = this.waiting[i];
      if (!this.canStart(w.owner)) i++;
      else {
        this.waiting.splice(i, 1);
        w.start();
      }
    }
  }

  private enter(
    signal: AbortSignal | undefined,
    owner: string | undefined,
    maxWaitMs: number | undefined,
  ): Promise<void> {
    if (signal?.aborted) return Promise.reject(queryCancelled());
    if (this.canStart(owner) && !this.waiting.some((w) => w.owner === owner)) {
      this.take(owner, 1);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const leave = (error: LlanoError) => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      };
      const onAbort = () => leave(queryCancelled());
      const entry = {
        owner,
        start: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.take(owner, 1);
          resolve();
        },
      };
      const timer =
        maxWaitMs === undefined ? undefined : setTimeout(() => leave(this.busy(Date.now() - started)), maxWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private busy(waitedMs: number): LlanoError {
    return new LlanoError(
      'busy',
      503,
      `The query did not start: it waited ${formatSeconds(waitedMs)} for one of the ${this.capacity} places of user queries (${this.setting}), all taken by queries still running. Try again shortly`,
    );
  }
}

/** Threads of libuv's pool, as this process was started with. */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.UV_THREADPOOL_SIZE);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1024) : 4;
}

/**
 * Default for LLANO_MAX_USER_QUERIES: one per CPU, but user queries and data reads (two lanes
 * of this size) plus running builds must leave two pool threads for logins, sessions and files.
 */
export function defaultUserQueries(cpus: number, builds: number, poolSize = threadPoolSize()): number {
  return Math.max(1, Math.min(cpus, Math.floor((poolSize - 2 - builds) / 2)));
}
