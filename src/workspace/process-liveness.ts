import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { CLOCK_TICKS, procStatFields } from '../common/proc-stat.js';

/** This machine's name, recorded next to the process id of whoever runs a job, build or scenario. */
export const HOST = hostname();

/**
 * True when `owner` (a workspace process id, `<pid>-<start ms>`) names a process of this host
 * that no longer exists. Work of other hosts is never judged dead here: their processes cannot
 * be seen (their heartbeat tells instead, see `Liveness`).
 */
export function ownerIsDead(owner: string | null, ownerHost: string | null): boolean {
  if (!owner) return true;
  if ((ownerHost ?? HOST) !== HOST) return false;
  const [pidText, registeredText] = owner.split('-');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return false;
  const seen = procState(pid);
  if (seen === 'gone') return true;
  if (seen !== 'unknown') {
    // A zombie (killed, not yet reaped by its parent) runs nothing any more.
    if (seen.state === 'Z' || seen.state === 'X') return true;
    // A process started after the owner registered is another one that got the same pid.
    const registered = Number(registeredText);
    if (Number.isFinite(registered) && seen.startMs > registered + START_SLACK_MS) return true;
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Boot time is known to the second, start times to the clock tick: room for both roundings. */
const START_SLACK_MS = 2_000;

/**
 * What /proc says of a process of this host: its state letter and when it started (wall-clock
 * ms), 'gone' when it does not exist, 'unknown' without a readable /proc (not Linux).
 */
function procState(pid: number): { state: string; startMs: number } | 'gone' | 'unknown' {
  const fields = procStatFields(pid);
  if (typeof fields === 'string') return fields;
  const bootMs = bootTimeMs();
  const ticks = Number(fields[19]);
  if (bootMs === null || !Number.isFinite(ticks)) return { state: fields[0], startMs: 0 };
  return { state: fields[0], startMs: bootMs + (ticks * 1000) / CLOCK_TICKS };
}

function bootTimeMs(): number | null {
  try {
    const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return m ? Number(m[1]) * 1000 : null;
  } catch {
    return null;
  }
}

/** A heartbeat older than this many intervals means its process is gone. */
export const STALE_AFTER_BEATS = 3;

/** Time as heartbeats see it: wall-clock time in production, a manual clock in tests (`ManualClock` fits). */
export interface LivenessClock {
  now(): number;
  /** Calls `fn` once `ms` of this clock's time has passed; returns a cancel function. */
  timer(ms: number, fn: () => void): () => void;
}

export const wallClock: LivenessClock = {
  now: () => Date.now(),
  timer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** The owner columns of a durable piece of work (a build job, a scenario run). */
export interface OwnedWork {
  owner: string | null;
  owner_host: string | null;
  heartbeat_at: string | null;
  /** Rows written before heartbeats existed fall back on when the work started. */
  started_at?: string | null;
  created_at?: string | null;
}

/**
 * How the processes sharing a catalog tell each other they are alive. The owner of running
 * work stamps a heartbeat every `everyMs`; a process that opens the catalog (at start, and the
 * server periodically) takes work as abandoned when its owner is a dead process of this host,
 * or, whatever the host, when its heartbeat is older than `STALE_AFTER_BEATS` intervals.
 * Heartbeats are wall-clock time judged by another host's clock: hosts must keep their clocks
 * in sync well within that margin, and every server of a catalog should use the same interval.
 */
export class Liveness {
  constructor(
    public everyMs: number,
    public clock: LivenessClock = wallClock,
  ) {}

  get staleAfterMs(): number {
    return STALE_AFTER_BEATS * this.everyMs;
  }

  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /**
   * Why `work` counts as abandoned by its owner (said in logs and errors), or null while the
   * owner may be alive. A live process of this host is never judged by its heartbeat.
   */
  abandoned(work: OwnedWork): string | null {
    if (!work.owner) return 'it has no owner process';
    const host = work.owner_host ?? HOST;
    if (host === HOST)
      return ownerIsDead(work.owner, work.owner_host) ? `process ${work.owner} on ${host} is gone` : null;
    const last = work.heartbeat_at ?? work.started_at ?? work.created_at ?? null;
    if (last === null || !(Date.parse(last) < this.clock.now() - this.staleAfterMs)) return null;
    return `no heartbeat from process ${work.owner} on ${host} since ${last}`;
  }

  /** A heartbeat stamping the ids `ids()` returns, through `write`, every interval while there are any. */
  heartbeat(ids: () => string[], write: (ids: string[], at: string) => Promise<void>): Heartbeat {
    return new Heartbeat(this, ids, write);
  }
}

/**
 * Periodic stamps of this process's running work. `ensure()` when work starts; the timer stops
 * by itself once there is none. At most one write runs and one waits, so a slow catalog does
 * not pile writes up, and each write stamps the time at which it runs.
 */
export class Heartbeat {
  private cancel: (() => void) | null = null;
  private writing: Promise<void> = Promise.resolve();
  private queued = false;

  constructor(
    private readonly liveness: Liveness,
    private readonly ids: () => string[],
    private readonly write: (ids: string[], at: string) => Promise<void>,
  ) {}

  ensure(): void {
    if (this.cancel) return;
    this.cancel = this.liveness.clock.timer(this.liveness.everyMs, () => {
      this.cancel = null;
      if (this.ids().length === 0) return;
      void this.beat();
      this.ensure();
    });
  }

  /** Stamps now; resolves when the stamp (and any before it) is written. */
  beat(): Promise<void> {
    if (!this.queued) {
      this.queued = true;
      this.writing = this.writing.then(async () => {
        this.queued = false;
        const ids = this.ids();
        if (ids.length) await this.write(ids, this.liveness.nowIso()).catch(() => undefined);
      });
    }
    return this.writing;
  }

  /** Resolves when the writes started so far are done. */
  flush(): Promise<void> {
    return this.writing;
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }
}
