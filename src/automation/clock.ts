/**
 * Time as the scheduler and the runner see it. Production uses the system clock; tests
 * inject a `ManualClock` so that time triggers, step timeouts and retry back-off are
 * exercised without sleeping.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once `ms` of this clock's time has passed; returns a cancel function. */
  timer(ms: number, fn: () => void): () => void;
  /** Resolves after `ms` of this clock's time (rejects when `signal` aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Why `signal` aborted, as an Error: every abort here passes one, anything else is wrapped. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}

function abortable(signal: AbortSignal | undefined, start: (done: () => void) => () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      cancel();
      reject(abortReason(signal!));
    };
    const cancel = start(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class SystemClock implements Clock {
  /** `speed` > 1 makes time run faster (a child process in a test simulating minutes in seconds). */
  constructor(
    private readonly origin = Date.now(),
    private readonly speed = 1,
    private readonly realOrigin = Date.now(),
  ) {}

  now(): number {
    return this.origin + (Date.now() - this.realOrigin) * this.speed;
  }

  timer(ms: number, fn: () => void): () => void {
    const t = setTimeout(fn, Math.max(0, ms / this.speed));
    t.unref?.();
    return () => clearTimeout(t);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return abortable(signal, (done) => this.timer(ms, done));
  }
}

/** A clock that moves only when told to; timers due by then fire in order. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  /** Every sleep requested (ms), so tests can assert back-off delays. */
  readonly sleeps: number[] = [];

  constructor(private current = Date.UTC(2030, 0, 1)) {}

  now(): number {
    return this.current;
  }

  set(ms: number | Date): void {
    this.advance(Number(ms) - this.current);
  }

  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
  }

  timer(ms: number, fn: () => void): () => void {
    const entry = { at: this.current + Math.max(0, ms), fn, id: this.seq++ };
    this.timers.push(entry);
    return () => {
      this.timers = this.timers.filter((t) => t !== entry);
    };
  }

  /** Back-off sleeps pass at once (time jumps forward), so retries run without waiting. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    this.advance(ms);
    return Promise.resolve();
  }

  pendingTimers(): number {
    return this.timers.length;
  }
}

export const isoAt = (ms: number): string => new Date(ms).toISOString();
